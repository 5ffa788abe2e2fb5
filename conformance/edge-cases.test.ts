import { describe, expect, it } from "vitest";
import { runReferenceCase } from "../harness/adapters/in-process.ts";
import { compileWat } from "../harness/engine/wat.ts";
import { coverageOf } from "../harness/programs/coverage.ts";
import { edgeCase, type EdgeDraw } from "../harness/programs/edge-arbitraries.ts";
import { openFuzzHost } from "../harness/programs/host-fuzz.ts";
import { checkHostProperty } from "../harness/programs/host-property.ts";
import { SPIN_CALLS, wasmOnlyReason, type JobProgram } from "../harness/programs/ir.ts";
import { renderGuest, renderGuestWat } from "../harness/programs/module-twists.ts";
import { formatSchemaErrors, schemaValidator } from "../harness/schemas/validate.ts";
import { expectedFrom, type Expected } from "../harness/suite/goldens.ts";
import type { Scenario } from "../harness/suite/scenario.ts";

/**
 * Edge cases (harness/programs/edge-arbitraries.ts): each draw renders deterministically, fits the program schema,
 * is answered by the reference host as the clause it aims at says and is counted for that clause; and host fuzzing,
 * which draws them among its cases (hostCaseArb), catches the mutant hosts only they show.
 */

const PROGRAM: JobProgram = {
  version: 1,
  jobs: [
    {
      name: "root",
      steps: 1,
      before: [{ op: "log", channel: "job", level: 1, message: "hello" }],
      body: [{ op: "spawn", type: "alpha", params: "" }],
      after: [{ op: "warning", message: "careful" }],
      end: { kind: "return", code: 0 },
    },
    { name: "alpha", steps: 1, before: [], body: [{ op: "checkpoint", every: 1 }], after: [], end: { kind: "return", code: 0 } },
  ],
};
const SCENARIO: Scenario = { job: "root", interrupts: [], networking: null, resume: false };

type Answer = Extract<Expected, { result: unknown }>["result"];
type Event = Answer["jobs"][number]["trace"][number];

const root = (answer: Answer) => answer.jobs[0]!;
/** The root's wire answers in order: each error answer's code, "answered" for the others. */
const answers = (answer: Answer) => root(answer).trace.filter((e) => e.kind === "call").map((e) => (e.response as { code?: string }).code ?? "answered");
const end = (answer: Answer) => {
  const last = root(answer).trace.filter((e): e is Extract<Event, { kind: "status" }> => e.kind === "status").at(-1);
  return `${root(answer).status} ${last?.end?.cause ?? "-"}`;
};
const refusals = (answer: Answer) => answer.jobs.flatMap((job) => job.trace.flatMap((e) => (e.kind === "abi_violation" ? [`${e.import} ${e.code}${e.limit ? ` ${e.limit}` : ""}`] : [])));
const logs = (answer: Answer) => root(answer).trace.flatMap((e) => (e.kind === "log" ? [e.message] : []));

/** Each draw, what the reference host answers (a load error's code, or a check of the result) and a clause it counts for. */
const TABLE: readonly { draw: EdgeDraw; clause: string; code?: string; check?: (answer: Answer) => void }[] = [
  { draw: { kind: "init_end", how: "result", limit: "run" }, clause: "init.result", code: "JP_INIT_FAILED" },
  { draw: { kind: "init_end", how: "trap", limit: "run" }, clause: "init.trap", code: "JP_INIT_FAILED" },
  { draw: { kind: "init_end", how: "spin", limit: "run" }, clause: "init.time-limit", code: "JP_INIT_FAILED" },
  { draw: { kind: "init_end", how: "spin", limit: "stall" }, clause: "init.time-limit", code: "JP_INIT_FAILED" },
  { draw: { kind: "spin", limit: "run" }, clause: "run.timeout", check: (a) => expect(end(a)).toBe("Failed timeout") },
  { draw: { kind: "spin", limit: "stall" }, clause: "run.stall", check: (a) => expect(end(a)).toBe("Failed timeout") },
  {
    draw: { kind: "busy" },
    clause: "run.stall",
    check: (a) => {
      expect(end(a)).toBe("Completed returned");
      expect(root(a).droppedLogLines).toBeGreaterThanOrEqual(SPIN_CALLS - 1);
    },
  },
  { draw: { kind: "host_alloc", from: "dispatch", how: "trap" }, clause: "dispatch.alloc-trap", check: (a) => (expect(end(a)).toBe("Failed trap"), expect(refusals(a)).toEqual([])) },
  {
    // The context's wasm_alloc logs an empty line, and no other is asked for.
    draw: { kind: "host_alloc", from: "dispatch", how: "past_end" },
    clause: "dispatch.alloc-failure",
    check: (a) => (expect(refusals(a)).toEqual(["run_root ALLOCATION_FAILED"]), expect(logs(a)).toEqual([""])),
  },
  { draw: { kind: "host_alloc", from: "answer", how: "trap" }, clause: "answer.alloc-trap", check: (a) => (expect(end(a)).toBe("Failed trap"), expect(refusals(a)).toEqual([])) },
  { draw: { kind: "host_alloc", from: "answer", how: "past_end" }, clause: "answer.alloc-failure", check: (a) => expect(refusals(a)).toContain("job_load_state ALLOCATION_FAILED") },
  {
    // Only the length prefix would fit: refused, and nothing written there (the next wasm_alloc would trap).
    draw: { kind: "host_alloc", from: "answer", how: "prefix_only" },
    clause: "answer.alloc-failure",
    check: (a) => (expect(refusals(a)).toContain("job_load_state ALLOCATION_FAILED"), expect(end(a)).not.toBe("Failed trap")),
  },
  {
    draw: { kind: "not_resumable" },
    clause: "init.resumable",
    check: (a) => {
      expect(a.extension.filter((e) => e.kind === "job_registered").every((e) => e.kind === "job_registered" && e.resumable === false)).toBe(true);
      expect([end(a), root(a).runs]).toEqual(["Completed returned", 2]);
    },
  },
  { draw: { kind: "state", state: "" }, clause: "dispatch.no-state", check: (a) => expect(end(a)).toBe("Completed returned") },
  { draw: { kind: "state", state: '{"i":1}' }, clause: "scenario.state", check: (a) => expect(logs(a)[0]).toBe('{"i":1}') },
  { draw: { kind: "state", state: { b: 1e21, a: 1, "10": 0 } }, clause: "dispatch.state", check: (a) => expect(logs(a)[0]).toBe('{"10":0,"b":1e+21,"a":1}') },
  { draw: { kind: "by_export" }, clause: "dispatch.job-type", check: (a) => expect(root(a).type).toBe("root") },
  {
    // The root traps on the instance its alpha retired; the beta's fresh instance stays live and gets the cleanup.
    draw: { kind: "retired_live" },
    clause: "run.retire",
    check: (a) => {
      expect(end(a)).toBe("Failed trap");
      expect(a.extension.filter((e) => e.kind === "log").map((e) => e.kind === "log" && e.message)).toContain("cleanup on the live instance");
    },
  },
  {
    // beta's fresh instance registers "extra" twice (both OK, one recorded) and nothing else; beta and extra still spawn.
    draw: { kind: "reinit_registry" },
    clause: "init.reinit",
    check: (a) => {
      expect(a.extension.filter((e) => e.kind === "job_registered").map((e) => e.kind === "job_registered" && e.name)).toEqual(["root", "alpha", "beta", "extra"]);
      expect(a.extension.filter((e) => e.kind === "log").map((e) => e.kind === "log" && e.message).slice(-2)).toEqual(["0", "0"]);
      expect(a.jobs.map((job) => `${job.type} ${job.status}`)).toEqual(["root Completed", "alpha Failed", "beta Completed", "beta Completed", "extra Completed"]);
    },
  },
  {
    draw: { kind: "names_as_written" },
    clause: "wire.order",
    // A method with a line feed after a catalogue name is UnknownMethod, and not counted: the next call is answered.
    check: (a) => expect(answers(a)).toEqual(["UnknownMethod", "UnknownMethod", "LibraryAccessDenied", "answered", "LibraryAccessDenied", "LibraryAccessDenied"]),
  },
  {
    draw: { kind: "permissions", permissions: { rateLimit: { calls: 1, windowMs: 60_000 } } },
    clause: "wire.rate-limit",
    check: (a) => expect(answers(a)).toEqual(["UnknownMethod", "UnknownMethod", "answered", "RateLimitExceeded", "RateLimitExceeded", "RateLimitExceeded"]),
  },
  {
    draw: { kind: "permissions", permissions: { rateLimit: { calls: 3, windowMs: 60_000 } } },
    clause: "wire.answers",
    check: (a) => expect(root(a).trace.filter((e) => e.kind === "call" && !("code" in (e.response as object)))).toHaveLength(3),
  },
  {
    draw: { kind: "lone_surrogate", progress: JSON.stringify({ type: "Indeterminate", data: "a\ud800" }), payload: JSON.stringify({ message: "a\ud800" }) },
    clause: "progress.structured",
    check: (a) => expect(refusals(a)).toContain("job_progress BAD_ARGUMENT"),
  },
  {
    draw: { kind: "lone_surrogate", progress: JSON.stringify({ type: "Indeterminate", data: "\udc00" }), payload: JSON.stringify({ message: "\udc00" }) },
    clause: "wire.payload",
    check: (a) => expect(root(a).trace.filter((e) => e.kind === "call").map((e) => (e.response as { code?: string }).code)).toEqual(["BadPayload"]),
  },
  {
    draw: { kind: "double_range", progress: '{"type":"Structured","data":-1e400}', payload: '{"message":"m","n":-1e400}' },
    clause: "wire.payload",
    check: (a) => {
      expect(refusals(a)).toContain("job_progress BAD_ARGUMENT");
      expect(root(a).trace.filter((e) => e.kind === "call").map((e) => (e.response as { code?: string }).code)).toEqual(["BadPayload"]);
    },
  },
  {
    draw: { kind: "double_range", progress: '{"type":"Structured","data":1.7976931348623158e308}', payload: '{"message":"m","n":1.7976931348623158e308}' },
    clause: "progress.structured",
    check: (a) => {
      expect(root(a).trace.filter((e) => e.kind === "job_progress")).toHaveLength(1);
      expect(root(a).trace.filter((e) => e.kind === "call").map((e) => (e.response as { code?: string }).code)).toEqual([undefined]);
    },
  },
  {
    draw: { kind: "tree", maxTreeJobs: 3, maxQueuedJobs: 1, maxTreeStateBytes: 4 },
    clause: "child.tree",
    check: (a) => expect(refusals(a)).toEqual(expect.arrayContaining(["job_spawn_child LIMIT_EXCEEDED maxQueuedJobs", "job_spawn_child LIMIT_EXCEEDED maxTreeJobs"])),
  },
];

describe("each edge case renders deterministically and the reference host answers it as its clause says", () => {
  const validate = schemaValidator("program");
  const validateScenario = schemaValidator("scenario");
  for (const row of TABLE) {
    it(JSON.stringify(row.draw), () => {
      const { program, scenario } = edgeCase({ program: PROGRAM, scenario: SCENARIO }, row.draw);
      const guest = renderGuest(program);
      expect(renderGuest(JSON.parse(JSON.stringify(program)) as JobProgram)).toEqual(guest);
      expect(validate(program), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
      expect(validateScenario(scenario), formatSchemaErrors(validateScenario.errors).join("\n")).toBe(true);
      const expected = expectedFrom(runReferenceCase({ id: "edge", guest, scenario }));
      if (row.code !== undefined) {
        expect("loadError" in expected ? expected.loadError.code : "loads").toBe(row.code);
      } else {
        if (!("result" in expected)) throw new Error(`did not load: ${JSON.stringify(expected)}`);
        row.check?.(expected.result);
      }
      const input = "loadError" in expected ? { program, scenario, loadError: expected.loadError.code } : { program, scenario, result: expected.result };
      const counted = coverageOf([input]).clauses.filter((c) => c.cases > 0).map((c) => c.id);
      expect(counted).toContain(row.clause);
    });
  }

  it("the WAT of each, compiled by wabt (as a saved regression case is), is answered as its bytes are", async () => {
    for (const row of TABLE) {
      const { program, scenario } = edgeCase({ program: PROGRAM, scenario: SCENARIO }, row.draw);
      const fromWat = await compileWat("edge.wat", renderGuestWat(program));
      const answer = (guest: Uint8Array) => expectedFrom(runReferenceCase({ id: "edge", guest, scenario }));
      expect(answer(fromWat), JSON.stringify(row.draw)).toEqual(answer(renderGuest(program)));
    }
  });

  it("a root named by its export and a stall limit are WASM-only (a native job has no export and no stall limit)", () => {
    for (const draw of [{ kind: "by_export" }, { kind: "busy" }, { kind: "spin", limit: "stall" }] as const) {
      const { program, scenario } = edgeCase({ program: PROGRAM, scenario: SCENARIO }, draw);
      expect(wasmOnlyReason(program, scenario), draw.kind).not.toBeNull();
    }
    expect(wasmOnlyReason(PROGRAM, SCENARIO)).toBeNull();
  });

  it("a case that waits on a time limit waits a few tens of ms (its 20 ms limit; a run kept busy past its 20 ms stall limit, some 55)", () => {
    for (const row of TABLE.filter((r) => r.draw.kind === "spin" || r.draw.kind === "busy" || r.draw.kind === "init_end")) {
      const { program, scenario } = edgeCase({ program: PROGRAM, scenario: SCENARIO }, row.draw);
      const guest = renderGuest(program);
      runReferenceCase({ id: "warm", guest, scenario });
      const start = performance.now();
      runReferenceCase({ id: "edge", guest, scenario });
      expect(performance.now() - start, JSON.stringify(row.draw)).toBeLessThan(row.draw.kind === "busy" ? 300 : 100);
    }
  });
});

/**
 * Host fuzzing catches each mutant that only an edge case shows, from a fixed seed: one of the first seeds where the
 * catch comes within about fifteen cases (most within five), so the check costs a few cases, not a few dozen. Each
 * check is in this process, and the first failing case is enough: no shrinking. A change to the generators moves
 * every seed's stream; then the next seeds are tried, with `numRuns: 15`, until one catches.
 */
async function catches(mutant: string, seed: number): Promise<void> {
  const host = await openFuzzHost({ kind: "mutant", name: mutant });
  try {
    const { counterexample } = await checkHostProperty(host, { seed, numRuns: 150, shrink: false, timeoutMs: 5000, host: `mutant:${mutant}`, hostFlag: `--mutant ${mutant}` });
    expect(counterexample, `${mutant} survived 150 cases of seed ${seed}`).not.toBeNull();
  } finally {
    await host.adapter.close();
  }
}

const catchesAll = async (pairs: readonly (readonly [string, number])[]) => {
  for (const [mutant, seed] of pairs) await catches(mutant, seed);
};

describe("host fuzzing catches the mutants only edge cases show", () => {
  it("plugin_init trapping or stopped by its time limit (plugin-init-trap-ignored, plugin-init-timeout-ignored)", () =>
    catchesAll([
      ["plugin-init-trap-ignored", 32],
      ["plugin-init-timeout-ignored", 32],
    ]));
  it("runs stopped by a time limit, and kept busy past the stall limit (timeout-as-trap, stalled-job-paused, stall-as-wall-clock)", () =>
    catchesAll([
      ["timeout-as-trap", 42],
      ["stalled-job-paused", 42],
      ["stall-as-wall-clock", 14],
    ]));
  it("wasm_alloc failing or trapping for the host (dispatch-alloc-trap-refused, answer-alloc-unchecked, answer-alloc-trap-refused, answer-prefix-written-first, state-allocated-after-context-failed)", () =>
    catchesAll([
      ["dispatch-alloc-trap-refused", 23],
      ["answer-alloc-unchecked", 4],
      ["answer-alloc-trap-refused", 3],
      ["answer-prefix-written-first", 86],
      ["state-allocated-after-context-failed", 37],
    ]));
  it("a job registered as not resumable is resumed (not-resumable-not-resumed)", () => catches("not-resumable-not-resumed", 5));
  it("a parent that traps on the instance its child retired leaves the fresh one live, whose memory plugin_cleanup's calls reach (trap-retires-live-instance, cleanup-reads-last-run-memory)", () =>
    catchesAll([
      ["trap-retires-live-instance", 9],
      ["cleanup-reads-last-run-memory", 9],
    ]));
  it("registrations are the extension's: a name new on a fresh instance registered twice, and names its plugin_init does not register again (reinit-repeat-duplicate, registrations-per-instance)", () =>
    catchesAll([
      ["reinit-repeat-duplicate", 27],
      ["registrations-per-instance", 27],
    ]));
  it("a root named by its export keeps its first registered name (export-name-as-type, shared-export-last-registration)", () =>
    catchesAll([
      ["export-name-as-type", 68],
      ["shared-export-last-registration", 68],
    ]));
  it("states: an empty one, text that looks like JSON, and JSON written with sorted keys (empty-state-allocated, string-state-as-json, state-json-sorted)", () =>
    catchesAll([
      ["empty-state-allocated", 2],
      ["string-state-as-json", 2],
      ["state-json-sorted", 45],
    ]));
  it("permissions naming some fields, method names and libraries checked as written (partial-permissions-empty, unicode-method-names, method-final-line-feed, manifest-libraries-any-case)", () =>
    catchesAll([
      ["partial-permissions-empty", 29],
      ["unicode-method-names", 29],
      ["method-final-line-feed", 9],
      ["manifest-libraries-any-case", 29],
    ]));
  it("progress and a wire payload with a lone surrogate (progress-lone-surrogates-accepted, lone-surrogate-lossy)", () =>
    catchesAll([
      ["progress-lone-surrogates-accepted", 9],
      ["lone-surrogate-lossy", 9],
    ]));
  it("tree limits (tree-jobs-unlimited, queued-counts-started-jobs, finished-checkpoints-counted)", () =>
    catchesAll([
      ["tree-jobs-unlimited", 14],
      ["queued-counts-started-jobs", 47],
      ["finished-checkpoints-counted", 162],
    ]));
});
