import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isClauseId } from "../harness/abi/clauses.ts";
import { guestFromBytes } from "../harness/engine/load.ts";
import { PROJECT_ROOT } from "../harness/engine/modules.ts";
import type { ReferenceHost } from "../harness/host/host.ts";
import { caseArb } from "../harness/programs/arbitraries.ts";
import { checkInvariants, checkProgram } from "../harness/programs/differential.ts";
import { HOST_FAULTS, type HostFaultName } from "../harness/programs/faults.ts";
import { INVARIANT_CLAUSES, onSide } from "../harness/programs/invariants.ts";
import type { JobProgram } from "../harness/programs/ir.ts";
import { renderNative } from "../harness/programs/render-native.ts";
import { renderWasm } from "../harness/programs/render-wasm.ts";
import { compareResults } from "../harness/suite/compare.ts";
import { normalizeResult, runScenario, type NormalizedResult, type Scenario } from "../harness/suite/scenario.ts";

/**
 * The invariants (harness/programs/invariants.ts) are the oracle for bugs in the host both sides of the differential
 * property share: native and WASM then agree on a wrong result. First, each invariant flags a result broken its way;
 * then self-fuzzing with the invariants finds a bug planted in the shared reference host (faults.ts, HOST_FAULTS).
 */

// A job that loads its state, warns, errs, and for i in 0..3 adds bytes, checkpoints "i=<i>", checks (checkpoint and
// return 1 when interrupted) and reports its step; then adds items. Paused at its second check, resumed from "i=1".
const PROGRAM: JobProgram = {
  version: 1,
  jobs: [
    {
      name: "root",
      steps: 3,
      before: [{ op: "load_state" }, { op: "warning", message: "w" }, { op: "error", message: "e" }],
      body: [{ op: "bytes", n: "7" }, { op: "checkpoint", every: 1 }, { op: "check", onInterrupt: "checkpoint_return" }, { op: "progress_step", message: "s" }],
      after: [{ op: "items", n: "2" }],
      end: { kind: "return", code: 0 },
    },
  ],
};
const PAUSED: Scenario = { job: "root", interrupts: [{ action: "pause", atCheck: 2, job: 0, run: 0 }] };
const RESUMED: Scenario = { ...PAUSED, resume: true };

type MutableEvent = Record<string, unknown> & { kind: string };
type MutableJob = { trace: MutableEvent[]; metrics: Record<string, unknown>; savedState: unknown; droppedWarnings: number };

/** The reference host's normalized result of the program under `scenario` (native; both sides agree). */
function reference(scenario: Scenario): NormalizedResult {
  const result = checkProgram(PROGRAM, scenario);
  expect(result.ok, [result.divergence ?? "", ...result.invariants].join("\n")).toBe(true);
  return result.native;
}

/** The invariants' problems with the root job's result changed by `change`. */
function problemsAfter(scenario: Scenario, change: (job: MutableJob) => void): string[] {
  const copy = structuredClone(reference(scenario)) as unknown as { jobs: MutableJob[] };
  change(copy.jobs[0]!);
  return checkInvariants("x", copy as unknown as NormalizedResult, PROGRAM, scenario);
}

/** The index of the n-th (from 0) event of a kind that satisfies `where`. */
function nth(job: MutableJob, kind: string, n = 0, where: (event: MutableEvent) => boolean = () => true): MutableEvent {
  const found = job.trace.filter((event) => event.kind === kind && where(event))[n];
  if (!found) throw new Error(`no ${kind} #${n} in the trace`);
  return found;
}

describe("each invariant flags a result broken its way (the program's reference run is the control)", () => {
  it("the control: the reference host's results, paused and resumed, pass every invariant", () => {
    expect(checkInvariants("x", reference(PAUSED), PROGRAM, PAUSED)).toEqual([]);
    expect(checkInvariants("x", reference(RESUMED), PROGRAM, RESUMED)).toEqual([]);
    const paused = reference(PAUSED).jobs[0]!;
    expect([paused.status, paused.savedState]).toEqual(["Paused", "i=1"]);
  });

  it("interrupt.plans / level-triggered: a check the plan makes due answered 0", () => {
    const problems = problemsAfter(PAUSED, (job) => Object.assign(nth(job, "interrupt_check", 1), { answer: 0 }));
    expect(problems).toContain("x job:0: run 0: interrupt check 2 (host call 11) answered 0, expected 1 (a pause is pending) (interrupt.plans, interrupt.level-triggered, interrupt.first-wins, interrupt.per-run)");
  });

  it("a side's problems said of the other side (onSide) are what checking that side finds", () => {
    const broken = structuredClone(reference(PAUSED)) as unknown as { jobs: MutableJob[] };
    Object.assign(nth(broken.jobs[0]!, "interrupt_check", 1), { answer: 0 });
    const result = broken as unknown as NormalizedResult;
    const native = checkInvariants("native", result, PROGRAM, PAUSED);
    expect(native.length).toBeGreaterThan(0);
    expect(onSide(native, "native", "wasm")).toEqual(checkInvariants("wasm", result, PROGRAM, PAUSED));
  });

  it("interrupt.answer: a check answered with nothing due", () => {
    const problems = problemsAfter(PAUSED, (job) => Object.assign(nth(job, "interrupt_check", 0), { answer: 2 }));
    expect(problems).toContain("x job:0: run 0: interrupt check 1 (host call 7) answered 2, expected 0 (no plan due) (interrupt.plans, interrupt.level-triggered, interrupt.first-wins, interrupt.per-run)");
  });

  it("run.returned: return 1 after a pause answer that ends Cancelled", () => {
    const problems = problemsAfter(PAUSED, (job) => Object.assign(nth(job, "status", 0, (event) => event.status === "Paused"), { status: "Cancelled" }));
    expect(problems).toContain("x job:0: run 0 ended Cancelled on return 1 after interrupt answer 1, expected Paused (run.returned, interrupt.answer)");
  });

  it("checkpoint.kept: a paused job whose savedState is not its last checkpoint", () => {
    const problems = problemsAfter(PAUSED, (job) => (job.savedState = null));
    expect(problems).toEqual(['x job:0: Paused with savedState null, expected "i=1" (its last checkpoint) (checkpoint.kept)']);
  });

  it("checkpoint.load: a resumed run that loads anything but the last checkpoint", () => {
    const problems = problemsAfter(RESUMED, (job) => Object.assign(nth(job, "load_state", 1), { state: "i=0" }));
    expect(problems).toContain('x job:0: job_load_state answered "i=0", the last checkpoint recorded is "i=1" (checkpoint.load, checkpoint.store-error)');
  });

  it("checkpoint.save: a checkpoint recorded with a state other than the program's i=<i>", () => {
    const problems = problemsAfter(PAUSED, (job) => Object.assign(nth(job, "checkpoint", 0), { state: "i=9" }));
    expect(problems).toEqual(['x job:0: checkpoint of "i=0" recorded as "i=9" (3 bytes) (checkpoint.save, dispatch.state)']);
  });

  it("dispatch.state: a resumed run that counts its steps from anything but its checkpoint", () => {
    const problems = problemsAfter(RESUMED, (job) => Object.assign(nth(job, "progress", 1), { message: "s 1/3" }));
    expect(problems).toEqual(['x job:0: progress_step at i=1 recorded "s 1/3", expected "s 2/3" (dispatch.state, progress.report)']);
  });

  it("metrics.increment: a delta that is not the program's n", () => {
    const problems = problemsAfter(RESUMED, (job) => {
      Object.assign(nth(job, "metrics", 0, (event) => event.field === "items"), { delta: "3", total: "3" });
      job.metrics.items = "3";
    });
    expect(problems).toEqual(["x job:0: job_increment_items(2) recorded as items +3 (metrics.increment)"]);
  });

  it("metrics.saturate: a total that wrapped, checked with literal arithmetic", () => {
    const problems = problemsAfter(RESUMED, (job) => Object.assign(nth(job, "metrics", 0, (event) => event.field === "items"), { delta: "18446744073709551615", total: "1" }));
    expect(problems).toContain("x job:0: items total 1 after +18446744073709551615, expected 18446744073709551615 (metrics.increment, metrics.saturate)");
  });

  it("report.warning: metrics.warnings that counts a warning the trace does not record", () => {
    const problems = problemsAfter(PAUSED, (job) => (job.metrics.warnings = 2));
    expect(problems).toEqual(["x job:0: metrics.warnings is 2, the trace records 1 warning events (report.warning, report.non-critical-error)"]);
  });

  it("report.non-critical-error: metrics.nonCriticalErrors that differs from the events", () => {
    const problems = problemsAfter(PAUSED, (job) => (job.metrics.nonCriticalErrors = 0));
    expect(problems).toEqual(["x job:0: metrics.nonCriticalErrors is 0, the trace records 1 non_critical_error events (report.warning, report.non-critical-error)"]);
  });

  it("report.flood: warnings made, recorded, refused and dropped that do not add up", () => {
    const problems = problemsAfter(PAUSED, (job) => (job.droppedWarnings = 1));
    expect(problems).toEqual(["x job:0: the program added 1 warnings; 1 recorded, 0 refused and 1 dropped (report.warning, report.flood)"]);
  });

  it("call.refusal: a refused call that also took effect (a warning refused and recorded)", () => {
    const problems = problemsAfter(PAUSED, (job) => {
      const at = job.trace.indexOf(nth(job, "warning"));
      job.trace.splice(at, 0, { kind: "abi_violation", job: "job:0", import: "job_add_warning", code: "BAD_ARGUMENT", arg: "msg_ptr", limit: null, size: null, detail: "" });
    });
    expect(problems).toContain('x job:0: run 0: error (i=0) should record non_critical_error or refuse job_add_non_critical_error, the trace has warning (call.refusal)');
  });

  it("call.refusal: refused checkpoints after which the resumed run loads (and starts from) the refused state", () => {
    const refused = { kind: "abi_violation", job: "job:0", import: "job_checkpoint", code: "STORE_ERROR", arg: null, limit: null, size: null, detail: "" };
    const echo = { kind: "log", job: "job:0", level: "warn", message: "checkpoint status=10" };
    const problems = problemsAfter(RESUMED, (job) => {
      for (const checkpoint of [nth(job, "checkpoint", 1), nth(job, "checkpoint", 2)]) job.trace.splice(job.trace.indexOf(checkpoint), 1, { ...refused }, { ...echo });
    });
    // The resume must start from "i=0", the last checkpoint kept; the trace shows it loaded and counted from "i=1".
    expect(problems).toContain('x job:0: job_load_state answered "i=1", the last checkpoint recorded is "i=0" (checkpoint.load, checkpoint.store-error)');
    expect(problems).toContain('x job:0: progress_step at i=0 recorded "s 2/3", expected "s 1/3" (dispatch.state, progress.report)');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Self-fuzzing against bugs planted in the shared reference host (both sides), found by the invariants alone.

const SEED = Number(process.env.JOB_PARITY_INVARIANT_SEED ?? 1);
const MAX_PROGRAMS = 5000;

interface Found {
  readonly programs: number;
  readonly program: JobProgram;
  readonly scenario: Scenario;
  readonly problems: readonly string[];
  readonly path: string;
}

/** Self-fuzzing (native and WASM on one host) with `patchHost` planted on both sides, until an invariant fails. */
function selfFuzz(patchHost: (host: ReferenceHost) => void, seed: number, max: number): Found | null {
  let programs = 0;
  let problems: string[] = [];
  const property = fc.property(caseArb, ({ program, scenario }) => {
    programs++;
    const limited = { ...scenario, limits: { ...scenario.limits, runTimeoutMs: 0 } };
    const guest = guestFromBytes("program.wasm", renderWasm(program));
    const wasm = runScenario({ kind: "wasm", guest }, limited, { patchHost });
    const native = runScenario({ kind: "native", definition: renderNative(program) }, limited, { patchHost });
    problems = [...checkInvariants("native", native, program, limited), ...checkInvariants("wasm", wasm, program, limited)];
    return problems.length === 0;
  });
  const details = fc.check(property, { seed, numRuns: max, endOnFailure: true });
  if (!details.failed || details.counterexample === null) return null;
  const [{ program, scenario }] = details.counterexample;
  return { programs, program, scenario, problems, path: details.counterexamplePath ?? "" };
}

describe(`self-fuzzing with the invariants finds a bug planted in the shared host (seed ${SEED}, at most ${MAX_PROGRAMS} programs)`, () => {
  for (const name of Object.keys(HOST_FAULTS) as HostFaultName[]) {
    it(name, () => {
      const found = selfFuzz(HOST_FAULTS[name], SEED, MAX_PROGRAMS);
      const replay = `JOB_PARITY_INVARIANT_SEED=${SEED} npx vitest run conformance/invariants.test.ts -t ${name}`;
      expect(found, `host fault ${name}: no invariant failed in ${MAX_PROGRAMS} programs from seed ${SEED}\nreplay: ${replay}`).not.toBeNull();
      const { programs, program, scenario, problems, path } = found!;
      const about = `host fault ${name}, seed ${SEED}, path ${path}: found after ${programs} programs\n${problems.join("\n")}\nprogram: ${JSON.stringify(program)}\nscenario: ${JSON.stringify(scenario)}\nreplay: ${replay}`;
      console.info(about.split("\nprogram:")[0]);
      // The bug is in the host both sides share: they agree, so the comparison alone could not have found it...
      const native = normalizeResult(runScenario({ kind: "native", definition: renderNative(program) }, scenario, { patchHost: HOST_FAULTS[name] }));
      const wasm = normalizeResult(runScenario({ kind: "wasm", guest: guestFromBytes("program.wasm", renderWasm(program)) }, scenario, { patchHost: HOST_FAULTS[name] }));
      expect(compareResults(native, wasm, "native", "wasm"), about).toBeNull();
      // ...and the case is sound on the reference host: what failed is the planted bug, not the invariant.
      const clean = checkProgram(program, scenario);
      expect([clean.divergence, ...clean.invariants], about).toEqual([null]);
    });
  }
});

describe("each invariant names the clauses it checks", () => {
  it("every clause an invariant cites is a clause of the specification, and every invariant checkInvariants runs cites some", () => {
    const cited = Object.values(INVARIANT_CLAUSES).flat() as string[];
    expect(cited.filter((id) => !isClauseId(id))).toEqual([]);
    const source = readFileSync(join(PROJECT_ROOT, "harness/programs/invariants.ts"), "utf8");
    const run = [...source.matchAll(/cites\("([A-Za-z0-9]+)"\)/g)].map((m) => m[1]!);
    // callsFollowProgram's problems name the clauses of the rule broken, among its own (its replay's type says which).
    expect(new Set([...run, "callsFollowProgram"])).toEqual(new Set(Object.keys(INVARIANT_CLAUSES)));
  });

  it("progress.f32: a progress of -0 (a host records 0)", () => {
    const problems = problemsAfter(PAUSED, (job) => {
      job.trace.splice(2, 0, { kind: "progress", job: "job:0", value: -0, message: "m" } as never);
    });
    expect(problems).toContain("x job:0: progress -0: a host records 0 (negative zero is not a value progress takes) (progress.f32)");
  });
});
