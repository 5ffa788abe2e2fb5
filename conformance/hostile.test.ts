import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { GuestLoadError } from "../harness/engine/errors.ts";
import { loadGuest, type GuestModule } from "../harness/engine/load.ts";
import { UnknownJobError } from "../harness/host/host.ts";
import { discoverFixtures, FIXTURES_DIR, readFixture } from "../harness/suite/fixtures.ts";
import { readGolden } from "../harness/suite/goldens.ts";
import { runFixture, type CaseResult } from "../harness/suite/run-case.ts";
import { normalizeResult, runScenario, type NormalizedResult } from "../harness/suite/scenario.ts";

// Hostile guests: every case below runs in this one file (one process, one worker thread), and after each the host
// must still run a normal job: the counter fixture, on a fresh instance, with a result equal to its golden. The
// cases are the fixtures under wat-fixtures/hostile/ (they also run with their native twins in fixtures.test.ts and
// goldens.test.ts) and the WASM-only fixtures under wat-fixtures/wasm-only/, whose guests live in
// conformance/hostile-guests/ because a native twin cannot express them. Both are gate cases: every host faces them.

const counter = readFixture(join(FIXTURES_DIR, "lifecycle/counter.json"));
const counterGolden = readGolden(counter);
let counterGuest: GuestModule;

/** Which process and thread each case ran in, and how many canaries passed after hostile cases. */
const ranIn = new Set<string>();
let cases = 0;
let canaries = 0;

beforeAll(async () => {
  counterGuest = await loadGuest(counter.guestPath);
});

/** The counter job on a fresh host and a fresh instance: its normalized result must be the golden's. */
function canary(after: string): void {
  if (!("result" in counterGolden)) throw new Error("the counter golden is a load error");
  const result = normalizeResult(runScenario({ kind: "wasm", guest: counterGuest }, counter.sidecar.scenario));
  expect(result, `the canary (lifecycle/counter) after ${after}`).toEqual(counterGolden.result);
  canaries++;
}

function tally(): void {
  cases++;
  ranIn.add(`pid ${process.pid} thread ${threadId}`);
}

type Trace = NormalizedResult["jobs"][number]["trace"];
const trace = (result: NormalizedResult | null, id: string): Trace => result?.jobs.find((job) => job.id === id)?.trace ?? [];

const running = { kind: "status", status: "Running" } as const;
const completed = (job: string) => ({ kind: "status", job, status: "Completed", end: { cause: "returned", code: 0 } });

/** Checks beyond the sidecars, per fixture: applied to both sides' normalized results. */
const FIXTURE_CHECKS: Record<string, (result: NormalizedResult) => void> = {
  // The forger's 50 calls named the other jobs; their traces, metrics and states must be exactly what their own
  // calls made, event for event.
  "hostile/forged-ids": (result) => {
    const [victim, early, forger, bystander] = result.jobs;
    expect(trace(result, "job:0"), "the Paused victim's trace").toEqual([
      { kind: "status", job: "job:0", status: "Queued" },
      { ...running, job: "job:0" },
      { kind: "interrupt_check", job: "job:0", answer: 1 },
      { kind: "checkpoint", job: "job:0", state: "victim-state", bytes: 12 },
      { kind: "metrics", job: "job:0", field: "items", delta: "1", total: "1" },
      { kind: "progress", job: "job:0", value: 0.5, message: "victim" },
      { kind: "child_spawned", job: "job:0", child: "job:1", type: "early", params: "" },
      { kind: "child_spawned", job: "job:0", child: "job:2", type: "forger", params: "" },
      { kind: "child_spawned", job: "job:0", child: "job:3", type: "bystander", params: "" },
      { kind: "status", job: "job:0", status: "Paused", end: { cause: "returned", code: 1 } },
      { ...running, job: "job:0" },
      { kind: "load_state", job: "job:0", state: "victim-state" },
      completed("job:0"),
    ]);
    expect(victim).toMatchObject({ status: "Completed", runs: 2, metrics: { bytes: "0", items: "1", warnings: 0, nonCriticalErrors: 0 } });
    expect(trace(result, "job:1"), "the finished sibling's trace").toEqual([
      { kind: "status", job: "job:1", status: "Queued" },
      { ...running, job: "job:1" },
      { kind: "checkpoint", job: "job:1", state: "early-state", bytes: 11 },
      { kind: "metrics", job: "job:1", field: "items", delta: "2", total: "2" },
      completed("job:1"),
    ]);
    expect(early).toMatchObject({ status: "Completed", metrics: { bytes: "0", items: "2", warnings: 0, nonCriticalErrors: 0 }, savedState: null });
    expect(trace(result, "job:3"), "the Queued sibling's trace").toEqual([
      { kind: "status", job: "job:3", status: "Queued" },
      { ...running, job: "job:3" },
      { kind: "load_state", job: "job:3", state: null },
      { kind: "log", job: "job:3", level: "info", message: "bystander: load=0" },
      completed("job:3"),
    ]);
    expect(bystander).toMatchObject({ status: "Completed", metrics: { bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 }, savedState: null });
    // Every refusal is on the forger's trace, and nothing the forger did is anywhere else.
    expect(forger!.trace.filter((e) => e.kind === "abi_violation").every((e) => e.job === "job:2" && e.code === "NOT_RUNNING_JOB")).toBe(true);
    expect(result.extension.filter((e) => e.kind !== "job_registered")).toEqual([]);
  },
  // Only the first registration took effect; the extension trace holds exactly it, the 9 refusals and the log.
  "hostile/register-abuse": (result) => {
    expect(result.extension.map((e) => e.kind)).toEqual(["job_registered", ...Array<string>(9).fill("abi_violation"), "log"]);
  },
  // 13 jobs, no more: the root, 3 children, 9 grandchildren, each with the right parent.
  "hostile/child-bomb": (result) => {
    expect(result.jobs.map((job) => job.parent)).toEqual([null, "job:0", "job:0", "job:0", ...[1, 2, 3].flatMap((p) => Array<string>(3).fill(`job:${p}`))]);
  },
};

describe("hostile fixtures (wat-fixtures/hostile): the case's outcome, then the canary", () => {
  const fixtures = discoverFixtures().filter((fixture) => fixture.id.startsWith("hostile/"));

  it("there are hostile fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(14);
  });

  for (const fixture of fixtures) {
    it(fixture.id, async () => {
      tally();
      const result: CaseResult = await runFixture(fixture);
      expect(result.wasm.failures, "WASM run vs the sidecar").toEqual([]);
      expect(result.native?.failures, "native run vs the sidecar").toEqual([]);
      expect(result.parity?.divergence, "native and WASM must be identical").toBeNull();
      expect(result.claims, "the sidecar's claims").toEqual([]);
      const extra = FIXTURE_CHECKS[fixture.id];
      if (extra) {
        extra(result.traces.wasm!);
        extra(result.traces.native!);
      }
      canary(fixture.id);
    });
  }
});

/**
 * The reference host's own words for load errors: checked here, because a clear error is part of its quality, and
 * never in a sidecar or golden, because no host is judged on its words (conformance/PROTOCOL.md).
 */
const LOAD_ERROR_WORDS: Record<string, readonly string[]> = {
  "wasm-only/memory-too-big": ["the guest's initial memory is 8 pages; this host allows at most 4 (limits.maxMemoryPages)"],
  "wasm-only/no-memory": ["export memory: expected a memory, the guest has no such export"],
  "wasm-only/no-alloc": ["export wasm_alloc: expected (i32) -> (i32), the guest has no such export"],
  "wasm-only/exports-wrong-type": ["export memory: expected a memory, the guest has a global", "export wasm_alloc: expected (i32) -> (i32), the guest has (i64) -> (i64)"],
  "wasm-only/init-trap": ["plugin_init trapped"],
  "wasm-only/init-loop": ["plugin_init: the run did not end within 20 ms (limits.runTimeoutMs); the host stopped it"],
  "wasm-only/dispatch-wrong-signature": ['extension fixture has no job "wrong_sig_export" (it has: dup)'],
  "wasm-only/start-trap": ["start function: expected none (plugin_init initializes a guest), the guest has a start function"],
  "wasm-only/start-loop": ["start function: expected none (plugin_init initializes a guest), the guest has a start function"],
  "wasm-only/start-old-memory": ["start function: expected none (plugin_init initializes a guest), the guest has a start function"],
  "wasm-only/data-segment-oob": ["instantiating the guest trapped"],
};

const registrations = (result: NormalizedResult) => result.extension.map((e) => (e.kind === "job_registered" ? e.name : e.kind));

/** Exact checks of WASM-only cases beyond their sidecars (their goldens pin the rest). */
const WASM_ONLY_CHECKS: Record<string, (result: NormalizedResult) => void> = {
  // Exactly one refusal: the export name is not decoded once the job name is refused.
  "wasm-only/call-payload-limit": (result) => expect(result.extension.map((e) => e.kind)).toEqual(["abi_violation", "job_registered", "job_registered", "log"]),
  "wasm-only/init-calls": (result) => expect(result.extension).toHaveLength(14),
  // plugin_init ran again on the fresh instance; its identical registrations were accepted without a second event.
  "wasm-only/retire-after-trap": (result) => expect(registrations(result)).toEqual(["parent_ok", "parent_trap", "parent_spin", "child"]),
  "wasm-only/retire-after-timeout": (result) => expect(registrations(result)).toEqual(["parent_ok", "parent_trap", "parent_spin", "child"]),
  "wasm-only/retire-after-return": (result) => expect(registrations(result)).toEqual(["parent_ok", "parent_trap", "parent_spin", "child"]),
};

describe("WASM-only hostile guests (wat-fixtures/wasm-only, guests in conformance/hostile-guests): the case's outcome, then the canary", () => {
  const fixtures = discoverFixtures().filter((fixture) => fixture.id.startsWith("wasm-only/"));

  it("there are WASM-only hostile cases, none with a twin", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    expect(fixtures.filter((fixture) => fixture.twinPath !== null).map((fixture) => fixture.id)).toEqual([]);
  });

  for (const fixture of fixtures) {
    it(fixture.id, async () => {
      tally();
      const result: CaseResult = await runFixture(fixture);
      expect(result.wasm.failures, "WASM run vs the sidecar").toEqual([]);
      expect(result.claims, "the sidecar's claims").toEqual([]);
      const words = LOAD_ERROR_WORDS[fixture.id];
      if (words !== undefined) {
        let message = "(it loaded)";
        try {
          const guest = await loadGuest(fixture.guestPath);
          runScenario({ kind: "wasm", guest }, fixture.sidecar.scenario);
        } catch (error) {
          if (!(error instanceof GuestLoadError || error instanceof UnknownJobError)) throw error;
          message = error.message;
        }
        for (const text of words) expect(message, "the reference host's words for the load error").toContain(text);
      }
      WASM_ONLY_CHECKS[fixture.id]?.(result.traces.wasm!);
      canary(fixture.id);
    });
  }
});

describe("hostile guests: the host survived them all", () => {
  it("ran every case in this one process and thread, each followed by a canary equal to the counter's golden", () => {
    expect(cases).toBeGreaterThanOrEqual(14 + 25);
    expect(canaries).toBe(cases);
    expect([...ranIn]).toHaveLength(1);
  });
});
