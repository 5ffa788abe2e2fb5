import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { GuestLoadError } from "../harness/engine/errors.ts";
import { loadGuest, type GuestModule } from "../harness/engine/load.ts";
import { UnknownJobError } from "../harness/host/host.ts";
import { checkExpectations } from "../harness/suite/expectations.ts";
import { discoverFixtures, FIXTURES_DIR, PROJECT_ROOT, readFixture, type JobExpectation, type PartialEvent } from "../harness/suite/fixtures.ts";
import { readGolden } from "../harness/suite/goldens.ts";
import { runFixture, type CaseResult } from "../harness/suite/run-case.ts";
import { normalizeResult, runScenario, type NormalizedResult, type Scenario } from "../harness/suite/scenario.ts";

// Hostile guests: every case below runs in this one file (one process, one worker thread), and after each the host
// must still run a normal job: the counter fixture, on a fresh instance, with a result equal to its golden. The
// cases are the fixtures under wat-fixtures/hostile/ (they also run with their native twins in fixtures.test.ts and
// goldens.test.ts) and the WASM-only cases further down, whose guests live in conformance/hostile-guests/ because
// a native twin cannot express them (see `why` on each).

const HOSTILE_GUESTS = join(PROJECT_ROOT, "conformance/hostile-guests");

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

/** The guest must fail to load (or to be dispatched) with this code and a message containing each text. */
interface LoadFailure {
  readonly loadError: { readonly code: string; readonly message: readonly string[] };
}

interface WasmOnlyCase {
  readonly name: string;
  /** The guest, relative to conformance/hostile-guests (or to the project, when it starts with wat-fixtures/). */
  readonly guest: string;
  readonly scenario: Scenario;
  /** Why a native twin cannot express the case. */
  readonly why: string;
  readonly expect: JobExpectation | LoadFailure;
  /** Exact checks the expectation format cannot say (e.g. the whole extension trace). */
  readonly check?: (result: NormalizedResult) => void;
}

const violation = (job: string | null, name: string, code: string, detail?: string): PartialEvent => ({
  kind: "abi_violation",
  job,
  import: name,
  code,
  ...(detail === undefined ? {} : { detail }),
});
const log = (job: string | null, message: string): PartialEvent => ({ kind: "log", job, level: "info", message });
const failedWith = (cause: "trap" | "timeout"): PartialEvent => ({ kind: "status", status: "Failed", end: { cause } });
const done: PartialEvent = { kind: "status", status: "Completed", end: { cause: "returned", code: 0 } };
const outside = (what: string, ptr: number, len: number) => `${what} [${ptr}, +${len}) is outside guest memory`;
const WRAP = 0xfffffff0;
/** call-limits.wat's 90-byte payload that is not JSON. */
const LONG_BAD_JSON = `{not json ${"0123456789".repeat(8)}`;
const END = 65536;

const ZERO_ID_NOT_RUNNING = "job id:0 is not the job running on this instance";
const INIT_JOB_CALLS = [
  "job_checkpoint",
  "job_load_state",
  "job_check_interrupt",
  "job_report_progress",
  "job_increment_items",
  "job_increment_bytes",
  "job_add_warning",
  "job_add_non_critical_error",
  "job_log",
  "job_spawn_child",
];

const dispatchAllocFailed = (guest: string, why: string, scenario: Scenario): WasmOnlyCase => ({
  name: `wasm_alloc at dispatch ${why}: ALLOCATION_FAILED named after the export, the job Failed (cause trap) without starting`,
  guest,
  scenario,
  why: "the native side has no allocator",
  expect: {
    status: "Failed",
    runs: 1,
    exitCodes: [],
    error: "the host could not pass the context and state: wasm_alloc failed",
    savedState: null,
    events: [running, violation("job:0", "execute_dispatch", "ALLOCATION_FAILED", "wasm_alloc could not take the context or the state"), failedWith("trap")],
    counts: { status: 3, abi_violation: 1, log: 0 },
  },
});

const retire = (job: string, ended: PartialEvent, marker: string, error?: string): WasmOnlyCase => ({
  name: `${job}: the child runs on ${marker === "marker=42 inits=1" ? "the same instance" : "a fresh instance"} (${marker})`,
  guest: "retire.wat",
  scenario: { job, limits: { runTimeoutMs: 100 } },
  why: "instances, and their retirement after a trap or a timeout, exist only on the WASM side",
  expect: {
    status: ended.status === "Completed" ? "Completed" : "Failed",
    runs: 1,
    ...(error === undefined ? {} : { error }),
    events: [running, { kind: "child_spawned", job: "job:0", child: "job:1", type: "child" }, ended],
    children: [{ status: "Completed", type: "child", runs: 1, exitCodes: [0], events: [running, log("job:1", marker), done], counts: { log: 1, abi_violation: 0 } }],
  },
  // plugin_init ran again on the fresh instance; its identical registrations were accepted without a second event.
  check: (result) => expect(result.extension.map((e) => (e.kind === "job_registered" ? e.name : e.kind))).toEqual(["parent_ok", "parent_trap", "parent_spin", "child"]),
});

const WASM_ONLY: readonly WasmOnlyCase[] = [
  {
    name: "pointers and lengths at, past and wrapping around the end of memory, for every pointer argument",
    guest: "oob.wat",
    scenario: { job: "oob" },
    why: "pointers and lengths into linear memory: a native job passes values, not addresses",
    expect: {
      status: "Completed",
      runs: 1,
      exitCodes: [0],
      metrics: { bytes: "0", items: "0", warnings: 1, nonCriticalErrors: 0 },
      savedState: null,
      extension: [
        violation(null, "register_job", "INVALID_MEMORY_ACCESS", outside("the job name", WRAP, 32)),
        violation(null, "register_job", "INVALID_MEMORY_ACCESS", outside("the export name", END - 3, 4)),
        { kind: "job_registered", name: "oob", export: "execute_oob" },
        log(null, "register: 1 1 0"),
      ],
      events: [
        running,
        { kind: "progress", job: "job:0", value: 0.5, message: "" },
        { kind: "progress", job: "job:0", value: 0.5, message: "tail" },
        violation("job:0", "job_report_progress", "INVALID_MEMORY_ACCESS", outside("the message", END - 3, 4)),
        violation("job:0", "job_report_progress", "INVALID_MEMORY_ACCESS", outside("the message", WRAP, 32)),
        violation("job:0", "job_report_progress", "INVALID_MEMORY_ACCESS", outside("the message", END + 1, 0)),
        violation("job:0", "job_checkpoint", "INVALID_MEMORY_ACCESS", outside("the state", END - 3, 4)),
        violation("job:0", "job_checkpoint", "INVALID_MEMORY_ACCESS", outside("the state", WRAP, 32)),
        violation("job:0", "job_checkpoint", "INVALID_MEMORY_ACCESS", outside("the state", 0, 0xffffffff)),
        { kind: "checkpoint", job: "job:0", state: "tail", bytes: 4 },
        { kind: "checkpoint", job: "job:0", state: "", bytes: 0 },
        violation("job:0", "job_add_warning", "INVALID_MEMORY_ACCESS", outside("the warning", WRAP, 32)),
        { kind: "warning", job: "job:0", message: "tail" },
        violation("job:0", "job_add_non_critical_error", "INVALID_MEMORY_ACCESS", outside("the error", END - 3, 4)),
        violation("job:0", "job_log", "INVALID_MEMORY_ACCESS", outside("the message", WRAP, 32)),
        violation("job:0", "spacedrive_log", "INVALID_MEMORY_ACCESS", outside("the message", END - 3, 4)),
        violation("job:0", "spacedrive_call", "INVALID_MEMORY_ACCESS", outside("the method", WRAP, 32)),
        violation("job:0", "spacedrive_call", "INVALID_MEMORY_ACCESS", outside("the library id", END - 15, 16)),
        violation("job:0", "spacedrive_call", "INVALID_MEMORY_ACCESS", outside("the payload", WRAP, 32)),
        { kind: "call", job: "job:0", method: "query:libraries.list", library: null, request: {} },
        violation("job:0", "job_spawn_child", "INVALID_MEMORY_ACCESS", outside("the child type", WRAP, 32)),
        violation("job:0", "job_spawn_child", "INVALID_MEMORY_ACCESS", outside("the params", END - 3, 4)),
        violation("job:0", "job_check_interrupt", "INVALID_MEMORY_ACCESS", outside("the job id", WRAP, 16)),
        violation("job:0", "job_checkpoint", "INVALID_MEMORY_ACCESS", outside("the job id", END - 15, 16)),
        violation("job:0", "job_checkpoint", "NOT_RUNNING_JOB"),
        violation("job:0", "job_load_state", "INVALID_MEMORY_ACCESS", outside("the job id", END, 16)),
        violation("job:0", "job_increment_items", "INVALID_MEMORY_ACCESS", outside("the job id", 0xffffffff, 16)),
        violation("job:0", "job_report_progress", "INVALID_MEMORY_ACCESS", outside("the job id", END - 8, 16)),
        log("job:0", "checkpoint: 1 1 1 0 0 | call: 0 0 0 1 | spawn: 0 0 | id: 0 1 2 0"),
        done,
      ],
      counts: { status: 3, abi_violation: 21, progress: 2, checkpoint: 2, warning: 1, non_critical_error: 0, call: 1, child_spawned: 0, log: 1, metrics: 0 },
      children: [],
    },
  },
  {
    name: "invalid UTF-8 in names only a guest can pass as bytes (register_job, call method, call payload), and call payloads past the limit",
    guest: "call-refusals.wat",
    scenario: { job: "calls", limits: { maxCallPayloadBytes: 64 } },
    why: "the native API takes job names and methods as strings (never invalid UTF-8), and the native side does not enforce maxCallPayloadBytes (see the report)",
    expect: {
      status: "Completed",
      runs: 1,
      exitCodes: [0],
      extension: [
        violation(null, "register_job", "BAD_ARGUMENT", "the job name is not valid UTF-8"),
        violation(null, "register_job", "BAD_ARGUMENT", "the export name is not valid UTF-8"),
        { kind: "job_registered", name: "calls", export: "execute_calls" },
        log(null, "register: 3 3 0"),
      ],
      events: [
        running,
        violation("job:0", "spacedrive_call", "BAD_ARGUMENT", "the method is not valid UTF-8"),
        violation("job:0", "spacedrive_call", "BAD_ARGUMENT", "the payload is not valid UTF-8"),
        violation("job:0", "spacedrive_call", "LIMIT_EXCEEDED", "the payload is 65 bytes; the limit is 64"),
        {
          kind: "call",
          job: "job:0",
          method: "action:test.ping.input",
          request: "{not json",
          response: { error: 'action:test.ping.input: the payload is not valid JSON: "{not json"', code: "BadPayload" },
        },
        { kind: "call", job: "job:0", method: "action:test.ping.input", request: { message: "hi" }, response: { echo: "Pong: hi" } },
        log("job:0", "call: 0 0 0 1 1"),
        done,
      ],
      counts: { abi_violation: 3, call: 2, log: 1 },
    },
  },
  {
    name: "a call payload of exactly maxCallPayloadBytes (64) is answered, one byte more is LIMIT_EXCEEDED; register_job with both names invalid UTF-8 is refused once, for the job name",
    guest: "call-limits.wat",
    scenario: { job: "limits", limits: { maxCallPayloadBytes: 64 } },
    why: "the native API takes job names as strings (never invalid UTF-8), and the native side does not enforce maxCallPayloadBytes (see the report)",
    expect: {
      status: "Completed",
      runs: 1,
      exitCodes: [0],
      extension: [
        violation(null, "register_job", "BAD_ARGUMENT", "the job name is not valid UTF-8"),
        { kind: "job_registered", name: "limits", export: "execute_limits" },
        { kind: "job_registered", name: "long_json", export: "execute_long_json" },
        log(null, "register: 3 0 0"),
      ],
      events: [
        running,
        {
          kind: "call",
          job: "job:0",
          method: "action:test.ping.input",
          request: { message: "x".repeat(50) },
          response: { echo: `Pong: ${"x".repeat(50)}`, extension_works: true },
        },
        violation("job:0", "spacedrive_call", "LIMIT_EXCEEDED", "the payload is 65 bytes; the limit is 64"),
        log("job:0", "call: 1 0"),
        done,
      ],
      counts: { abi_violation: 1, call: 1, log: 1 },
    },
    // Exactly one refusal: the export name is not decoded once the job name is refused.
    check: (result) => expect(result.extension.map((e) => e.kind)).toEqual(["abi_violation", "job_registered", "job_registered", "log"]),
  },
  {
    name: "a payload that is not JSON and longer than 80 bytes: answered BadPayload, the error quoting only its first 80 characters",
    guest: "call-limits.wat",
    scenario: { job: "long_json" },
    why: "the native API sends values, which are serialized to JSON: a native job cannot send text that is not JSON",
    expect: {
      status: "Completed",
      runs: 1,
      exitCodes: [0],
      events: [
        running,
        {
          kind: "call",
          job: "job:0",
          method: "action:test.ping.input",
          request: LONG_BAD_JSON,
          response: {
            error: 'action:test.ping.input: the payload is not valid JSON: "{not json 0123456789012345678901234567890123456789012345678901234567890123456789"',
            code: "BadPayload",
          },
        },
        log("job:0", "call: 1"),
        done,
      ],
      counts: { abi_violation: 0, call: 1, log: 1 },
    },
  },
  {
    name: "host calls from plugin_init: spacedrive_log and spacedrive_call are the extension's; every job call is NOT_RUNNING_JOB on the extension trace",
    guest: "init-calls.wat",
    scenario: { job: "init_calls" },
    why: "the native init API offers only registerJob and log: no job calls, no wire calls",
    expect: {
      status: "Completed",
      runs: 1,
      exitCodes: [0],
      extension: [
        log(null, "from init"),
        ...INIT_JOB_CALLS.map((name) => violation(null, name, "NOT_RUNNING_JOB", ZERO_ID_NOT_RUNNING)),
        { kind: "call", job: null, method: "query:libraries.list", library: null, request: {}, response: { libraries: [{ id: "id:1", name: "Default Library" }] } },
        log(null, "init: checkpoint=2 load=0 interrupt=0 spawn=0 call=1"),
        { kind: "job_registered", job: null, name: "init_calls" },
      ],
      events: [running, log("job:0", "job ran"), done],
      counts: { status: 3, abi_violation: 0, log: 1 },
    },
    check: (result) => expect(result.extension).toHaveLength(14),
  },
  {
    name: "wasm_alloc returning 0, a pointer outside memory, one too close to the end, then trapping, while the host writes answers",
    guest: "alloc-answers.wat",
    scenario: { job: "answers" },
    why: "the native side has no allocator",
    expect: {
      status: "Failed",
      runs: 1,
      exitCodes: [],
      error: "unreachable",
      savedState: "saved",
      events: [
        running,
        { kind: "checkpoint", job: "job:0", state: "saved" },
        // HOST QUESTION (see the report): each refused answer still leaves its effect. load_state records a
        // load_state event, spawn_child queues a child (that runs), spacedrive_call performs the call.
        ...[0, 0xfffffff0, END - 2].flatMap((ptr, i): PartialEvent[] => [
          { kind: "load_state", job: "job:0", state: "saved" },
          violation("job:0", "job_load_state", "ALLOCATION_FAILED", `wasm_alloc(9) returned ${ptr}, which cannot hold the answer`),
          { kind: "child_spawned", job: "job:0", child: `job:${i + 1}`, type: "child" },
          violation("job:0", "job_spawn_child", "ALLOCATION_FAILED", `wasm_alloc(20) returned ${ptr}, which cannot hold the answer`),
          { kind: "call", job: "job:0", method: "query:libraries.list" },
          violation("job:0", "spacedrive_call", "ALLOCATION_FAILED", `wasm_alloc(90) returned ${ptr}, which cannot hold the answer`),
        ]),
        { kind: "load_state", job: "job:0", state: "saved" },
        log("job:0", "answers: 0 0 0 | 0 0 0 | 0 0 0 | 1"),
        { kind: "load_state", job: "job:0", state: "saved" },
        failedWith("trap"),
      ],
      counts: { status: 3, abi_violation: 9, load_state: 5, child_spawned: 3, call: 3, log: 1 },
      children: [1, 2, 3].map(
        (i): JobExpectation => ({ status: "Completed", type: "child", runs: 1, exitCodes: [0], events: [running, log(`job:${i}`, "child ran"), done], counts: { log: 1 } }),
      ),
    },
  },
  {
    name: "wasm_alloc traps while the host writes a spawn_child answer: the job's trap; the child was queued already and runs",
    guest: "alloc-answers.wat",
    scenario: { job: "trap_in_spawn" },
    why: "the native side has no allocator",
    expect: {
      status: "Failed",
      runs: 1,
      exitCodes: [],
      error: "unreachable",
      savedState: "saved",
      events: [running, { kind: "checkpoint", state: "saved" }, { kind: "child_spawned", job: "job:0", child: "job:1", type: "child" }, failedWith("trap")],
      counts: { status: 3, abi_violation: 0, child_spawned: 1 },
      // HOST QUESTION (see the report): the guest never learns of this child.
      children: [{ status: "Completed", type: "child", runs: 1, exitCodes: [0], events: [running, log("job:1", "child ran"), done] }],
    },
  },
  {
    name: "wasm_alloc traps while the host writes a spacedrive_call answer: the job's trap, after the call was made",
    guest: "alloc-answers.wat",
    scenario: { job: "trap_in_call" },
    why: "the native side has no allocator",
    expect: {
      status: "Failed",
      runs: 1,
      exitCodes: [],
      error: "unreachable",
      savedState: "saved",
      events: [running, { kind: "checkpoint", state: "saved" }, { kind: "call", job: "job:0", method: "query:libraries.list" }, failedWith("trap")],
      counts: { status: 3, abi_violation: 0, call: 1 },
      children: [],
    },
  },
  dispatchAllocFailed("alloc-dispatch-zero.wat", "returns 0", { job: "dispatch" }),
  dispatchAllocFailed("alloc-dispatch-oob.wat", "returns a pointer outside memory", { job: "dispatch" }),
  dispatchAllocFailed("alloc-dispatch-state.wat", "serves the context but returns 0 for the state", { job: "dispatch", state: "x" }),
  {
    name: "wasm_alloc at dispatch traps: the job Failed with the trap, no refusal recorded",
    guest: "alloc-dispatch-trap.wat",
    scenario: { job: "dispatch" },
    why: "the native side has no allocator",
    expect: { status: "Failed", runs: 1, exitCodes: [], error: "unreachable", events: [running, failedWith("trap")], counts: { status: 3, abi_violation: 0, log: 0 } },
  },
  {
    name: "memory.grow toward 4 GiB under maxMemoryPages 4: -1 past the cap; a host write that needs more memory is ALLOCATION_FAILED",
    guest: "memory-grow.wat",
    scenario: { job: "grow", limits: { maxMemoryPages: 4 } },
    why: "linear memory and memory.grow exist only on the WASM side",
    expect: {
      status: "Completed",
      runs: 1,
      exitCodes: [0],
      events: [
        running,
        { kind: "checkpoint", job: "job:0", state: "small", bytes: 5 },
        // HOST QUESTION (see the report): the refused load_state still records a load_state event.
        { kind: "load_state", job: "job:0", state: "small" },
        violation("job:0", "job_load_state", "ALLOCATION_FAILED", "wasm_alloc(9) returned 0, which cannot hold the answer"),
        { kind: "progress", job: "job:0", value: 1, message: "z" },
        log("job:0", "grow: 1 2 3 -1 -1 -1 -1 size=4 load=0"),
        done,
      ],
      counts: { status: 3, abi_violation: 1, progress: 1, log: 1 },
    },
  },
  {
    name: "an initial memory larger than maxMemoryPages: JP_MEMORY_LIMIT",
    guest: "memory-too-big.wat",
    scenario: { job: "big", limits: { maxMemoryPages: 4 } },
    why: "linear memory exists only on the WASM side",
    expect: { loadError: { code: "JP_MEMORY_LIMIT", message: ["the guest's initial memory is 8 pages; this host allows at most 4 (limits.maxMemoryPages)"] } },
  },
  {
    name: "no memory export: JP_LINK",
    guest: "no-memory.wat",
    scenario: { job: "hidden" },
    why: "exports exist only on the WASM side",
    expect: { loadError: { code: "JP_LINK", message: ["export memory: expected a memory, the guest has no such export"] } },
  },
  {
    name: "no wasm_alloc export: JP_LINK",
    guest: "no-alloc.wat",
    scenario: { job: "no_alloc" },
    why: "exports exist only on the WASM side",
    expect: { loadError: { code: "JP_LINK", message: ["export wasm_alloc: expected (i32) -> (i32), the guest has no such export"] } },
  },
  {
    name: "memory exported as a global and wasm_alloc with i64: JP_LINK naming both",
    guest: "alloc-wrong-type.wat",
    scenario: { job: "x" },
    why: "exports exist only on the WASM side",
    expect: {
      loadError: {
        code: "JP_LINK",
        message: ["export memory: expected a memory, the guest has a global", "export wasm_alloc: expected (i32) -> (i32), the guest has (i64) -> (i64)"],
      },
    },
  },
  {
    name: "plugin_init traps: JP_INIT_FAILED",
    guest: "init-trap.wat",
    scenario: { job: "never" },
    why: "a native init that throws is not turned into JP_INIT_FAILED: the exception escapes the loader (see the report)",
    expect: { loadError: { code: "JP_INIT_FAILED", message: ["plugin_init trapped: unreachable"] } },
  },
  {
    name: "plugin_init never returns: stopped by runTimeoutMs, JP_INIT_FAILED",
    guest: "init-loop.wat",
    scenario: { job: "never", limits: { runTimeoutMs: 100 } },
    why: "a native init runs without the time limit: its twin would hang the process (see the report)",
    expect: { loadError: { code: "JP_INIT_FAILED", message: ["plugin_init: the run did not end within 100 ms (limits.runTimeoutMs); the host stopped it"] } },
  },
  retire("parent_ok", done, "marker=42 inits=1"),
  retire("parent_trap", failedWith("trap"), "marker=0 inits=1", "unreachable"),
  retire("parent_spin", failedWith("timeout"), "marker=0 inits=1", "did not end within 100 ms (limits.runTimeoutMs)"),
  {
    name: "dispatching an export that has a job's name but not its signature: JP_UNKNOWN_JOB",
    guest: "wat-fixtures/hostile/register-abuse.wat",
    scenario: { job: "wrong_sig_export" },
    why: "export signatures exist only on the WASM side",
    expect: { loadError: { code: "JP_UNKNOWN_JOB", message: ['extension fixture has no job "wrong_sig_export" (it has: dup)'] } },
  },
  ...(["start-trap.wat", "start-loop.wat", "start-old-memory.wat"] as const).map(
    (guest): WasmOnlyCase => ({
      name: `${guest}: a start function fails to link (JP_LINK), before it can trap, hang or read another instance's memory`,
      guest,
      scenario: { job: "x" },
      why: "a start section exists only in a wasm module",
      expect: { loadError: { code: "JP_LINK", message: ["start function: expected none (plugin_init initializes a guest), the guest has a start function"] } },
    }),
  ),
  {
    name: "a data segment past the initial memory: instantiation traps and the guest fails to load (JP_INIT_FAILED)",
    guest: "data-segment-oob.wat",
    scenario: { job: "x" },
    why: "data segments exist only in a wasm module",
    expect: { loadError: { code: "JP_INIT_FAILED", message: ["instantiating the guest trapped", "data segment is out of bounds"] } },
  },
  {
    name: "plugin_init run again on a fresh instance (after a trap) acts for the extension, not for the job about to run",
    guest: "reinit-attribution.wat",
    scenario: { job: "parent" },
    why: "instances and their re-initialization exist only on the WASM side",
    expect: {
      status: "Failed",
      runs: 1,
      error: "unreachable",
      extension: [
        log(null, "plugin_init ran"),
        { kind: "call", job: null, method: "query:libraries.list" },
        { kind: "job_registered", name: "parent" },
        { kind: "job_registered", name: "child" },
        log(null, "plugin_init ran"),
        { kind: "call", job: null, method: "query:libraries.list" },
      ],
      events: [running, { kind: "child_spawned", job: "job:0", child: "job:1", type: "child" }, { kind: "status", status: "Failed", end: { cause: "trap" } }],
      children: [{ status: "Completed", counts: { log: 0, call: 0, abi_violation: 0 } }],
    },
  },
];

describe("WASM-only hostile guests (conformance/hostile-guests): the case's outcome, then the canary", () => {
  for (const hostile of WASM_ONLY) {
    it(`${hostile.guest}: ${hostile.name}`, async () => {
      tally();
      const path = hostile.guest.startsWith("wat-fixtures/") ? join(PROJECT_ROOT, hostile.guest) : join(HOSTILE_GUESTS, hostile.guest);
      let outcome: { result: NormalizedResult; errors: readonly (string | null)[] } | { code: string; message: string };
      try {
        const guest = await loadGuest(path);
        const result = runScenario({ kind: "wasm", guest }, hostile.scenario);
        outcome = { result: normalizeResult(result), errors: result.errors };
      } catch (error) {
        if (!(error instanceof GuestLoadError || error instanceof UnknownJobError)) throw error;
        outcome = { code: error.code, message: error.message };
      }
      if ("loadError" in hostile.expect) {
        const want = hostile.expect.loadError;
        expect("code" in outcome ? outcome.code : "loaded and ran", "the load error").toBe(want.code);
        for (const text of want.message) expect("message" in outcome ? outcome.message : "", "the load error's message").toContain(text);
      } else {
        if ("code" in outcome) throw new Error(`the guest did not run: ${outcome.code}: ${outcome.message}`);
        expect(checkExpectations(hostile.expect, outcome.result, outcome.errors).failures).toEqual([]);
        hostile.check?.(outcome.result);
      }
      canary(hostile.guest);
    });
  }
});

describe("hostile guests: the host survived them all", () => {
  it("ran every case in this one process and thread, each followed by a canary equal to the counter's golden", () => {
    expect(cases).toBeGreaterThanOrEqual(14 + WASM_ONLY.length);
    expect(canaries).toBe(cases);
    expect([...ranIn]).toHaveLength(1);
  });
});
