import { IMPORT_NAMES, IMPORTS as IMPORTS_TABLE, type ImportName } from "../abi/imports.ts";
import { DEFAULT_LIMITS } from "../host/limits.ts";
import { STATUS } from "../abi/status.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import type { NormalizedResult, Scenario, ScenarioResult } from "../suite/scenario.ts";
import { answerEcho, type JobProgram, type Op, type ProgramJob } from "./ir.ts";

/**
 * Invariants: what must hold of any run on any host, whatever the program. They need no second implementation, so
 * they catch a bug in the host both sides of the differential property share (which the comparison cannot see).
 * Each is one function; each problem it reports names the clauses of docs/ABI.md it checks (`job-parity spec`). Some read only the result;
 * some also the scenario (its interrupt plans) or the program (what each op calls and echoes, harness/programs/ir.ts).
 * They read a raw ScenarioResult (bigints, UUIDs) as well as a normalized one (decimal strings, `job:N`).
 */

type Result = NormalizedResult | ScenarioResult;
type Job = Result["jobs"][number];
type Event = Job["trace"][number];
type Report = (problem: string) => void;

/**
 * `problems` that checkInvariants found on side `from`, said of side `to`: two results whose jobs are equal break the
 * same invariants, so one check serves both sides (the problems start with the side's name).
 */
export function onSide(problems: readonly string[], from: string, to: string): string[] {
  return problems.map((problem) => `${to}${problem.slice(from.length)}`);
}

/**
 * The program whose replay (callsFollowProgram and the others that follow a job's ops) judges a guest rendered from it,
 * or undefined: a twisted guest (module-twists.ts) does more than its program says (it logs, registers, spins).
 */
export const replayable = (program: JobProgram): JobProgram | undefined => (program.twists === undefined || program.twists.length === 0 ? program : undefined);

/**
 * Each invariant and the clauses of the specification it checks: its problems name them, and `job-parity spec` lists
 * the invariants under each clause.
 */
export const INVARIANT_CLAUSES = {
  startsQueuedRunning: ["run.lifecycle"],
  runsFollowLifecycle: ["run.lifecycle", "run.resume", "run.bad-return"],
  totalsFollowDeltas: ["metrics.increment", "metrics.saturate"],
  progressIsF32: ["progress.f32"],
  statusesAreDefined: ["call.refusal"],
  metricsReadAddsUp: ["metrics.read"],
  waitEchoed: ["child.wait"],
  countsMatchEvents: ["report.warning", "report.non-critical-error"],
  loadsAnswerLastCheckpoint: ["checkpoint.load", "checkpoint.store-error"],
  savedStateIsLastCheckpoint: ["checkpoint.kept"],
  runEndsAsAnswered: ["run.returned", "interrupt.answer"],
  plansAnswered: ["interrupt.plans", "interrupt.level-triggered", "interrupt.first-wins", "interrupt.per-run"],
  callsFollowProgram: ["call.refusal", "report.flood", "answer.framing", "run.bad-return", "run.returned", "run.trap"],
  checkpointsSaveStep: ["checkpoint.save", "dispatch.state"],
  stepsCountFromState: ["dispatch.state", "progress.report"],
  deltasAreProgramNs: ["metrics.increment"],
  warningCallsAccounted: ["report.warning", "report.flood"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** What must hold of a result; with its program and scenario, also what they say must have happened. */
export function checkInvariants(side: string, result: Result, program?: JobProgram, scenario?: Scenario): string[] {
  const problems: string[] = [];
  const plans = scenario?.interrupts ?? [];
  result.jobs.forEach((job, index) => {
    if ((job as { traceSummary?: unknown }).traceSummary !== undefined) return; // a windowed trace: events are missing
    // Each problem names the clauses its invariant checks (docs/ABI.md), as `job-parity spec` lists them.
    const citing =
      (clauses: readonly string[]): Report =>
      (problem) =>
        problems.push(`${side} ${job.id}: ${problem} (${clauses.join(", ")})`);
    const cites = (invariant: keyof typeof INVARIANT_CLAUSES): Report => citing(INVARIANT_CLAUSES[invariant]);
    const t = traceOf(job);
    startsQueuedRunning(t, cites("startsQueuedRunning"));
    runsFollowLifecycle(t, cites("runsFollowLifecycle"));
    totalsFollowDeltas(t, cites("totalsFollowDeltas"));
    progressIsF32(t, cites("progressIsF32"));
    statusesAreDefined(t, cites("statusesAreDefined"));
    metricsReadAddsUp(t, cites("metricsReadAddsUp"));
    waitEchoed(t, cites("waitEchoed"));
    countsMatchEvents(t, cites("countsMatchEvents"));
    loadsAnswerLastCheckpoint(t, cites("loadsAnswerLastCheckpoint"));
    savedStateIsLastCheckpoint(t, cites("savedStateIsLastCheckpoint"));
    runEndsAsAnswered(t, cites("runEndsAsAnswered"));
    if (scenario) plansAnswered(t, index, plans, cites("plansAnswered"));
    const definition = program?.jobs.find((candidate) => candidate.name === job.type);
    if (definition === undefined || scenario === undefined) return;
    const replay = replayJob(job, definition, initialState(result, job, scenario), floodLimits(scenario));
    // Its problems each name the clauses of the rule the replay found broken, among the invariant's.
    callsFollowProgram(replay, citing);
    checkpointsSaveStep(replay, cites("checkpointsSaveStep"));
    stepsCountFromState(replay, definition, cites("stepsCountFromState"));
    deltasAreProgramNs(replay, cites("deltasAreProgramNs"));
    warningCallsAccounted(t, replay, cites("warningCallsAccounted"));
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// The result alone.

type Of<K extends Event["kind"]> = Extract<Event, { kind: K }>;

/**
 * A job's trace with each event's kind read once into an array: the invariants below each walk it, and reading
 * `kind` of events of many shapes, pass after pass, costs more than the checks do.
 */
interface Trace {
  readonly job: Job;
  readonly events: readonly Event[];
  readonly kinds: readonly Event["kind"][];
}

function traceOf(job: Job): Trace {
  const events: readonly Event[] = job.trace;
  const kinds = new Array<Event["kind"]>(events.length);
  for (let k = 0; k < events.length; k++) kinds[k] = events[k]!.kind;
  return { job, events, kinds };
}

// run.lifecycle: a job's trace starts Queued, then Running.
function startsQueuedRunning({ events }: Trace, report: Report): void {
  const first = events[0];
  const second = events[1];
  if (first?.kind !== "status" || first.status !== "Queued") report("the trace does not start with Queued");
  if (second !== undefined && (second.kind !== "status" || second.status !== "Running")) report("Queued is not followed by Running");
}

// run.lifecycle, run.resume, run.bad-return: after Queued, each run is Running then the status it ends in, with its
// end; only a Paused job runs again. The job's runs count its Running events, its exitCodes are the codes of the
// runs that returned (a bad return's too), in order, and its status is the last one recorded.
function runsFollowLifecycle({ job, events, kinds }: Trace, report: Report): void {
  let runs = 0;
  let inRun = false;
  let last: Of<"status"> | null = null;
  const codes: number[] = [];
  for (let k = 1; k < kinds.length; k++) {
    if (kinds[k] !== "status") continue;
    const event = events[k] as Of<"status">;
    if (event.status === "Queued") report("Queued again after the job was created");
    else if (event.status === "Running") {
      if (inRun) report(`run ${runs - 1}: Running again before it ended`);
      else if (last !== null && last.status !== "Paused") report(`run ${runs}: Running after the job ended ${last.status}`);
      runs++;
      inRun = true;
    } else {
      if (!inRun) report(`${event.status} with no run in progress`);
      else if (event.end === undefined) report(`run ${runs - 1} ended ${event.status} without an end`);
      else if (event.end.cause === "returned") codes.push(event.end.code);
      inRun = false;
    }
    last = event;
  }
  if (job.runs !== runs) report(`runs is ${job.runs}, the trace records ${runs} Running events`);
  if (job.exitCodes.join() !== codes.join() || job.exitCodes.length !== codes.length) report(`exitCodes ${JSON.stringify(job.exitCodes)}, the runs that returned returned ${JSON.stringify(codes)}`);
  const final = last ?? (events[0]?.kind === "status" ? events[0] : null);
  if (final !== null && job.status !== final.status) report(`status ${job.status}, the last status recorded is ${final.status}`);
}

// Written out here, not imported from abi/codec.ts: the invariants check the host with arithmetic of their own.
const U64_MAX = 2n ** 64n - 1n;
const U32_MAX = 2 ** 32 - 1;

// metrics.increment, metrics.saturate: each total is the previous plus the delta (a u64), capped at 2^64 - 1; the
// final metrics are the last totals. Literal arithmetic, not the host's helper.
function totalsFollowDeltas({ job, events, kinds }: Trace, report: Report): void {
  const totals = { bytes: 0n, items: 0n };
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] !== "metrics") continue;
    const event = events[k] as Of<"metrics">;
    const delta = BigInt(event.delta);
    const sum = totals[event.field] + delta;
    const expected = sum > U64_MAX ? U64_MAX : sum;
    if (delta < 0n || delta > U64_MAX) report(`${event.field} delta ${event.delta} is not a u64`);
    if (BigInt(event.total) !== expected) report(`${event.field} total ${event.total} after +${event.delta}, expected ${expected}`);
    totals[event.field] = BigInt(event.total);
  }
  if (job.metrics.bytes !== totals.bytes.toString() || job.metrics.items !== totals.items.toString()) {
    report(`final metrics ${job.metrics.bytes}/${job.metrics.items} differ from the events' totals`);
  }
}

// progress.f32: a progress value is an f32 in 0..1.
function progressIsF32({ events, kinds }: Trace, report: Report): void {
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] !== "progress") continue;
    const { value } = events[k] as Of<"progress">;
    if (!(value >= 0 && value <= 1 && Math.fround(value) === value)) report(`progress ${value} is not an f32 in 0..1`);
    else if (Object.is(value, -0)) report("progress -0: a host records 0 (negative zero is not a value progress takes)");
  }
}

const STATUS_LOG = /^(checkpoint status=|checkpoint_stateless status=|metrics status=|progress_kind=)(\d+)$/;
const STATUS_LOG_CALL: Readonly<Record<string, ImportName>> = {
  "checkpoint status=": "job_checkpoint",
  "checkpoint_stateless status=": "job_checkpoint_stateless",
  "metrics status=": "job_metrics",
  "progress_kind=": "job_progress",
};

/** The refusals each import may answer (its row of the imports table), as status codes. */
const REFUSALS_OF: ReadonlyMap<string, ReadonlySet<number>> = new Map(
  IMPORTS_TABLE.map((spec) => [spec.name, new Set(spec.statuses.map((name) => STATUS[name as keyof typeof STATUS]))]),
);

// call.refusal: a status call answers OK or a refusal its import may answer (its row of the imports table), where
// the guest logs it (a refused one, not OK, except job_progress's).
function statusesAreDefined({ events, kinds }: Trace, report: Report): void {
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] !== "log") continue;
    const status = STATUS_LOG.exec((events[k] as Of<"log">).message);
    if (status === null) continue;
    const name = STATUS_LOG_CALL[status[1]!]!;
    const code = Number(status[2]);
    const defined = code === STATUS.OK ? status[1] === "progress_kind=" : REFUSALS_OF.get(name)?.has(code) === true;
    if (!defined) report(`${name} answered status ${status[2]}`);
  }
}

const METRICS_LOG = /^metrics=(\d+),(\d+),(\d+),(\d+)$/;

// metrics.read: job_metrics answers the totals and counts the events add up to so far, and the guest echoes that.
function metricsReadAddsUp({ events, kinds }: Trace, report: Report): void {
  const totals = { bytes: 0n, items: 0n };
  let warnings = 0;
  let errors = 0;
  let read: string | null = null; // the last metrics_read, as the guest echoes it
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[k];
    if (kind === "warning") warnings++;
    else if (kind === "non_critical_error") errors++;
    else if (kind === "metrics") {
      const event = events[k] as Of<"metrics">;
      totals[event.field] = BigInt(event.total);
    } else if (kind === "metrics_read") {
      const { bytes, items, warnings: readWarnings, nonCriticalErrors } = (events[k] as Of<"metrics_read">).metrics;
      if (BigInt(bytes) !== totals.bytes || BigInt(items) !== totals.items) {
        report(`job_metrics answered bytes ${bytes} and items ${items}, the events add up to ${totals.bytes} and ${totals.items}`);
      }
      if (readWarnings !== warnings || nonCriticalErrors !== errors) {
        report(`job_metrics answered ${readWarnings} warnings and ${nonCriticalErrors} non-critical errors, the trace has ${warnings} and ${errors}`);
      }
      // What the guest reads back: the counts are written as u32s, a count past 2^32 - 1 as 2^32 - 1 (metrics.read).
      read = `${bytes},${items},${Math.min(readWarnings, U32_MAX)},${Math.min(nonCriticalErrors, U32_MAX)}`;
    } else if (kind === "log") {
      const { message } = events[k] as Of<"log">;
      const metrics = message.startsWith("metrics=") ? METRICS_LOG.exec(message) : null;
      if (metrics && metrics.slice(1).join(",") !== read) report(`"${message}" is not what job_metrics answered (${read ?? "nothing"})`);
    }
  }
}

// child.wait: the guest's echo of job_wait_for_children is the answer the host recorded.
function waitEchoed({ events, kinds }: Trace, report: Report): void {
  let waited: string | null = null; // the last children_waited, as job_wait_for_children answers it
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[k];
    if (kind === "children_waited") {
      waited = JSON.stringify((events[k] as Of<"children_waited">).children.map((child) => ({ job_id: child.job, status: child.status })));
    } else if (kind === "log") {
      const { message } = events[k] as Of<"log">;
      if (message.startsWith("wait=[") && message.slice(5) !== waited) report(`"${message}" is not what job_wait_for_children answered (${waited ?? "nothing"})`);
    }
  }
}

// report.warning, report.non-critical-error: the final counts are the warning and non_critical_error events recorded.
function countsMatchEvents({ job, kinds }: Trace, report: Report): void {
  let warnings = 0;
  let errors = 0;
  for (const kind of kinds) {
    if (kind === "warning") warnings++;
    else if (kind === "non_critical_error") errors++;
  }
  if (job.metrics.warnings !== warnings) report(`metrics.warnings is ${job.metrics.warnings}, the trace records ${warnings} warning events`);
  if (job.metrics.nonCriticalErrors !== errors) report(`metrics.nonCriticalErrors is ${job.metrics.nonCriticalErrors}, the trace records ${errors} non_critical_error events`);
}

/** The state of a checkpoint event as a saved state reads: null for a stateless one. */
const checkpointState = (event: Of<"checkpoint">): string | null => event.state;

// checkpoint.load (and checkpoint.store-error, call.refusal): job_load_state answers the last checkpoint recorded
// before it, in any run (none before the first, and after a stateless one); a refused checkpoint changes nothing.
function loadsAnswerLastCheckpoint({ events, kinds }: Trace, report: Report): void {
  let last: string | null = null;
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] === "checkpoint") last = checkpointState(events[k] as Of<"checkpoint">);
    else if (kinds[k] === "load_state") {
      const { state } = events[k] as Of<"load_state">;
      if (state !== last) report(`job_load_state answered ${JSON.stringify(state)}, the last checkpoint recorded is ${JSON.stringify(last)}`);
    }
  }
}

// checkpoint.kept: a Paused or Failed job keeps its last checkpoint as savedState; any other keeps none.
function savedStateIsLastCheckpoint({ job, events, kinds }: Trace, report: Report): void {
  const at = kinds.lastIndexOf("checkpoint");
  const last = at < 0 ? null : checkpointState(events[at] as Of<"checkpoint">);
  const expected = job.status === "Paused" || job.status === "Failed" ? last : null;
  if (job.savedState !== expected) report(`${job.status} with savedState ${JSON.stringify(job.savedState)}, expected ${JSON.stringify(expected)} (its last checkpoint)`);
}

// run.returned (with interrupt.answer): a run's return decides its status; 1 after a pause answer is Paused, after a
// cancel answer Cancelled (first-wins: the first non-zero answer is the pending request).
function runEndsAsAnswered({ events, kinds }: Trace, report: Report): void {
  let answered = 0;
  let run = -1;
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] === "interrupt_check") {
      if (answered === 0) answered = (events[k] as Of<"interrupt_check">).answer;
      continue;
    }
    if (kinds[k] !== "status") continue;
    const event = events[k] as Of<"status">;
    if (event.status === "Running") {
      run++;
      answered = 0;
      continue;
    }
    if (event.end === undefined) continue;
    const code = event.end.cause === "returned" ? event.end.code : null;
    const expected =
      code === 0 ? ["Completed"] : code === 1 ? (answered === 1 ? ["Paused"] : answered === 2 ? ["Cancelled"] : ["Paused", "Cancelled"]) : ["Failed"];
    if (!expected.includes(event.status)) {
      const why = code === null ? `a ${event.end.cause}` : `return ${code}${code === 1 ? ` after interrupt answer ${answered}` : ""}`;
      report(`run ${run} ended ${event.status} on ${why}, expected ${expected.join(" or ")}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The scenario's interrupt plans.

const IMPORTS = new Set<string>(IMPORT_NAMES);

/**
 * Whether an abi_violation is a host call's event: every call records one event (its effect or its refusal), but
 * these are not calls: the refusal of a run's dispatch or return (named after the export), and ALLOCATION_FAILED for
 * an answer, which follows the event of its call.
 */
const isCallRefusal = (event: Of<"abi_violation">) => IMPORTS.has(event.import) && event.code !== "ALLOCATION_FAILED";

/** The refusal that starts a flood (report.flood): later calls of its kind record nothing, so calls go uncounted. */
const isFlood = (event: Of<"abi_violation">) => event.code === "LIMIT_EXCEEDED" && (event.limit === "maxLogLinesPerJob" || event.limit === "maxWarningsPerJob");

const NO_PLANS: readonly InterruptPlan[] = [];

// interrupt.plans, interrupt.level-triggered, interrupt.first-wins, interrupt.per-run: every check answers the request
// the plans made pending in this run (at its atCheck-th check or atCall-th call, the first one due kept until the run
// returns), 0 while none is. Calls are counted from the trace, one event each; after a flood (calls that record
// nothing) only runs without atCall plans are checked.
function plansAnswered({ events, kinds }: Trace, jobIndex: number, plans: readonly InterruptPlan[], report: Report): void {
  let run = -1;
  let mine: readonly InterruptPlan[] = NO_PLANS;
  let pending: InterruptPlan["action"] | null = null;
  let calls = 0;
  let checks = 0;
  let flooded = false;
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[k];
    if (kind === "status") {
      if ((events[k] as Of<"status">).status !== "Running") continue;
      run++;
      mine = plans.length === 0 ? NO_PLANS : plans.filter((plan) => (plan.job ?? 0) === jobIndex && (plan.run ?? 0) === run);
      pending = null;
      calls = 0;
      checks = 0;
      continue;
    }
    if (kind === "abi_violation") {
      const refusal = events[k] as Of<"abi_violation">;
      if (!isCallRefusal(refusal)) continue;
      flooded ||= isFlood(refusal);
    }
    calls++;
    for (const plan of mine) if (plan.atCall === calls) pending ??= plan.action;
    if (kind !== "interrupt_check") continue;
    checks++;
    for (const plan of mine) if (plan.atCheck === checks) pending ??= plan.action;
    if (flooded && mine.some((plan) => plan.atCall !== undefined)) continue;
    const expected = pending === null ? 0 : pending === "pause" ? 1 : 2;
    const { answer } = events[k] as Of<"interrupt_check">;
    if (answer !== expected) {
      report(`run ${run}: interrupt check ${checks} (host call ${calls}) answered ${answer}, expected ${expected}${pending === null ? " (no plan due)" : ` (a ${pending} is pending)`}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The program: each op's calls replayed against the trace.

/**
 * An op as a run executed it: its loop index, and the event its call recorded (its effect or its refusal; null:
 * dropped). Kept for the ops whose events the invariants below read (STEP_OPS).
 */
interface Step {
  readonly op: Op;
  readonly i: number;
  readonly event: Event | null;
}

const STEP_OPS = new Set<string>(["checkpoint", "progress_step", "bytes", "items"]);

interface Replay {
  readonly steps: Step[];
  /** Where the trace first departs from what the program does, and the clauses of the rule broken; null when it never does. */
  readonly problem: { readonly text: string; readonly clauses: readonly string[] } | null;
  /** Every run was replayed to its end (not when the trace departed, nor past an op this replay does not know). */
  readonly complete: boolean;
  /** The job_add_warning calls made (warning ops and raw calls). */
  readonly warningCalls: number;
}

/** The per-job caps on log lines and warnings the scenario sets. */
function floodLimits(scenario: Scenario): Readonly<Record<Flood, number>> {
  const limits = scenario.limits;
  return { lines: limits?.maxLogLinesPerJob ?? DEFAULT_LIMITS.maxLogLinesPerJob, warnings: limits?.maxWarningsPerJob ?? DEFAULT_LIMITS.maxWarningsPerJob };
}

/** A job's initial state as text: the scenario's for the root (stateBytes's text), its spawn's params for a child. */
function initialState(result: Result, job: Job, scenario: Scenario): string | null {
  if (job.parent === null) {
    const { state } = scenario;
    return state === undefined || state === null ? null : typeof state === "string" ? state : JSON.stringify(state);
  }
  const parent = result.jobs.find((candidate) => candidate.id === job.parent);
  for (const event of parent?.trace ?? []) if (event.kind === "child_spawned" && event.child === job.id) return event.params;
  return null;
}

/**
 * The loop index a run given this state starts at: the u32 after the first "i=", wrapping, else 0 (render-native.ts's
 * u32After, read from the text: UTF-8 puts no ASCII byte inside another character, so the text's first "i=" is the
 * bytes' first).
 */
function startOf(state: string | null): number {
  const at = state === null ? -1 : state.indexOf("i=");
  if (at < 0) return 0;
  let n = 0;
  for (let k = at + 2; k < state!.length; k++) {
    const digit = state!.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) break;
    n = (Math.imul(n, 10) + digit) >>> 0;
  }
  return n;
}

/** The kind of event each import's effect records, in the calling job's trace. */
const EFFECTS: Readonly<Record<string, Event["kind"]>> = {
  spacedrive_log: "log",
  spacedrive_call: "call",
  register_job: "job_registered", // never in a job's trace: a run's register_job is refused (init.register-phase)
  job_report_progress: "progress",
  job_checkpoint: "checkpoint",
  job_check_interrupt: "interrupt_check",
  job_add_warning: "warning",
  job_increment_bytes: "metrics",
  job_increment_items: "metrics",
  job_load_state: "load_state",
  job_spawn_child: "child_spawned",
  job_add_non_critical_error: "non_critical_error",
  job_log: "log",
  job_progress: "job_progress",
  job_metrics: "metrics_read",
  job_checkpoint_stateless: "checkpoint",
  job_wait_for_children: "children_waited",
};

/** The import each op calls (a raw op names its own; an op missing here is one this replay does not know). */
const OP_IMPORTS: Readonly<Record<string, ImportName>> = {
  progress: "job_report_progress",
  progress_step: "job_report_progress",
  check: "job_check_interrupt",
  checkpoint: "job_checkpoint",
  load_state: "job_load_state",
  warning: "job_add_warning",
  error: "job_add_non_critical_error",
  log: "job_log",
  bytes: "job_increment_bytes",
  items: "job_increment_items",
  spawn: "job_spawn_child",
  call: "spacedrive_call",
  progress_kind: "job_progress",
  metrics_read: "job_metrics",
  checkpoint_stateless: "job_checkpoint_stateless",
  wait_children: "job_wait_for_children",
};

/** Imports whose answer is written through wasm_alloc: one that fails records ALLOCATION_FAILED after the effect. */
const FRAMED = new Set<string>(["spacedrive_call", "job_load_state", "job_spawn_child", "job_wait_for_children"]);

/** What a raw call logs its answer as (ir.ts): by the import's result kind; void calls log nothing. */
const RAW_RESULTS: ReadonlyMap<string, string> = new Map(IMPORTS_TABLE.map((spec) => [spec.name, spec.result]));

/** Ops that may log a line after their call (ir.ts): a refused status, a loaded state, an answer. */
const ECHOING_OPS = new Set<string>(["checkpoint", "checkpoint_stateless", "load_state", "progress_kind", "metrics_read", "spawn", "call", "wait_children"]);

/** An op with what its replay needs, worked out once per program (both sides of a run replay the same objects). */
interface Planned {
  readonly op: Op;
  /** The import it calls (null: an op this replay does not know). */
  readonly name: string | null;
  /** A raw call's import (ir.ts), else null. */
  readonly raw: string | null;
  /** Kept as a Step. */
  readonly step: boolean;
  /** Its answer is written through wasm_alloc. */
  readonly framed: boolean;
  /** It may log a line after the call. */
  readonly echoes: boolean;
}

function plan(op: Op): Planned {
  const raw = (op as { op: string }).op === "raw" ? (op as unknown as { import: string }).import : null;
  const name = raw ?? (op.op === "log" && op.channel === "instance" ? "spacedrive_log" : OP_IMPORTS[op.op]);
  const known = name !== undefined && EFFECTS[name] !== undefined;
  return {
    op,
    name: known ? name : null,
    raw,
    step: STEP_OPS.has(op.op),
    framed: known && FRAMED.has(name),
    echoes: raw !== null ? RAW_RESULTS.get(raw) !== "void" : ECHOING_OPS.has(op.op),
  };
}

const PLANNED = new WeakMap<readonly Op[], readonly Planned[]>();

function planned(ops: readonly Op[]): readonly Planned[] {
  let out = PLANNED.get(ops);
  if (out === undefined) PLANNED.set(ops, (out = ops.map(plan)));
  return out;
}

/** The checkpoint a check op takes before it returns (onInterrupt "checkpoint_return"). */
const CHECKPOINT_ON_INTERRUPT: Planned = plan({ op: "checkpoint", every: 1 });

/** The per-job caps a call can meet without any event (report.flood): log lines and warnings. */
type Flood = "lines" | "warnings";
const FLOOD_LIMITS: Readonly<Record<Flood, "maxLogLinesPerJob" | "maxWarningsPerJob">> = { lines: "maxLogLinesPerJob", warnings: "maxWarningsPerJob" };

/** A refusal of a check every call makes before the import's own (call.check-order): it stands past a flood too. */
const EARLY_REFUSALS = new Set<string>(["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB"]);

type Refusal = Of<"abi_violation">;

/** An op as a problem names it. */
function describe(op: Op, i: number, echo: boolean): string {
  const name = (op as { op: string }).op === "raw" ? `raw ${(op as unknown as { import: string }).import}` : op.op;
  return echo ? `the echo of ${name}` : `${name} (i=${i})`;
}

/** The clauses a broken rule of the replay names: callsFollowProgram's (INVARIANT_CLAUSES). */
type ReplayClause = (typeof INVARIANT_CLAUSES)["callsFollowProgram"][number];

/** Walks one job's trace run by run, as its program executes given the answers the trace records. */
class Replayer {
  readonly steps: Step[] = [];
  problem: { readonly text: string; readonly clauses: readonly ReplayClause[] } | null = null;
  complete = true;
  warningCalls = 0;
  private at = 0;
  private stop = 0;
  private run = -1;
  /** The job's checkpoint as its trace has it so far (null: none), which a resumed run starts from. */
  private checkpoint: string | null = null;
  /** Log lines and warnings the job kept so far, and the calls past their caps (the job's, over all its runs). */
  private readonly kept = { lines: 0, warnings: 0 };
  private readonly dropped = { lines: 0, warnings: 0 };

  constructor(
    private readonly trace: readonly Event[],
    private readonly job: ProgramJob,
    private readonly initial: string | null,
    private readonly limits: Readonly<Record<Flood, number>>,
  ) {}

  replay(): void {
    while (this.complete && this.nextRun()) {
      const first = this.peek();
      // dispatch.alloc-failure: the context or state could not be written; the export is not called.
      if (first?.kind === "abi_violation" && first.code === "ALLOCATION_FAILED" && !IMPORTS.has(first.import)) {
        this.at++;
        this.end("trap");
      } else {
        const state = this.run === 0 ? this.initial : (this.checkpoint ?? this.initial);
        const code = this.body(startOf(state));
        if (code !== null) this.end(code);
      }
      this.at = this.stop + 1;
    }
  }

  /** Moves to the next run's first event; false when there is none. */
  private nextRun(): boolean {
    while (this.at < this.trace.length) {
      const event = this.trace[this.at++]!;
      if (event.kind !== "status" || event.status !== "Running") continue;
      this.run++;
      this.stop = this.at;
      while (this.stop < this.trace.length && this.trace[this.stop]!.kind !== "status") this.stop++;
      return true;
    }
    return false;
  }

  private peek(): Event | null {
    return this.at < this.stop ? this.trace[this.at]! : null;
  }

  private fail(problem: string, clauses: readonly ReplayClause[]): undefined {
    this.problem ??= { text: `run ${this.run}: ${problem}`, clauses };
    this.complete = false;
    return undefined;
  }

  /** The job's ops from loop index `start`: how it ends (a code, or a trap), or null when the replay stopped. */
  private body(start: number): number | "trap" | null {
    let i = start;
    for (const op of planned(this.job.before)) {
      const done = this.op(op, i, false);
      if (done !== 0) return done;
    }
    const body = planned(this.job.body);
    while (i < this.job.steps) {
      for (const op of body) {
        const done = this.op(op, i, true);
        if (done !== 0) return done;
      }
      i = (i + 1) >>> 0;
    }
    for (const op of planned(this.job.after)) {
      const done = this.op(op, i, false);
      if (done !== 0) return done;
    }
    return this.job.end.kind === "trap" ? "trap" : this.job.end.code;
  }

  /**
   * One host call of `name`: its event (its effect or its refusal, taken), null when it recorded nothing (a call past
   * a flood's cap, after the first), undefined when the trace departed from the program.
   */
  private call(name: string, op: Op, i: number, echo: boolean): Event | null | undefined {
    const event = this.peek();
    const refused = event?.kind === "abi_violation" && event.import === name ? event : null;
    const flood: Flood | null = name === "job_log" || name === "spacedrive_log" ? "lines" : name === "job_add_warning" ? "warnings" : null;
    if (flood !== null && this.kept[flood] >= this.limits[flood] && !(refused !== null && EARLY_REFUSALS.has(refused.code))) {
      if (this.dropped[flood]++ !== 0) return null;
      if (refused?.code !== "LIMIT_EXCEEDED" || refused.limit !== FLOOD_LIMITS[flood]) {
        return this.fail(`${describe(op, i, echo)} is past ${FLOOD_LIMITS[flood]} (${this.limits[flood]}): the first such call records LIMIT_EXCEEDED, the trace has ${event?.kind ?? "no event"}`, ["report.flood"]);
      }
      this.at++;
      return refused;
    }
    if (event === null || (event.kind !== EFFECTS[name] && refused === null)) {
      return this.fail(`${describe(op, i, echo)} should record ${EFFECTS[name]} or refuse ${name}, the trace has ${event?.kind ?? "no event"}`, ["call.refusal"]);
    }
    if (event.kind === "log") this.kept.lines++;
    else if (event.kind === "warning") this.kept.warnings++;
    this.at++;
    return event;
  }

  /** After a framed answer's effect: false when writing the answer failed (ALLOCATION_FAILED, taken), so it answered 0. */
  private answerWritten(name: string): boolean {
    const event = this.peek();
    if (event?.kind !== "abi_violation" || event.code !== "ALLOCATION_FAILED" || event.import !== name) return true;
    this.at++;
    return false;
  }

  /** One op: 0 to go on, 1 when it returned 1 (an interrupted check), null when the replay stopped. */
  private op(planned: Planned, i: number, inLoop: boolean): 0 | 1 | null {
    const { op, name, raw } = planned;
    if (op.op === "checkpoint" && inLoop && op.every > 1 && ((i + 1) >>> 0) % op.every !== 0) return 0;
    if (name === null) return (this.complete = false), null; // an op newer than this replay: no verdict
    const event = this.call(name, op, i, false);
    if (event === undefined) return null;
    if (planned.step) this.steps.push({ op, i, event });
    if (name === "job_add_warning") this.warningCalls++;
    const refused = event?.kind === "abi_violation" ? event : null;
    const written = event !== null && refused === null && planned.framed ? this.answerWritten(name) : refused === null;
    if (event?.kind === "checkpoint") this.checkpoint = checkpointState(event);
    if (planned.echoes && !this.echo(op, raw, event, refused, written)) return null;
    if (raw === null && op.op === "check" && event?.kind === "interrupt_check" && event.answer !== 0 && op.onInterrupt !== "continue") {
      if (op.onInterrupt === "checkpoint_return" && this.op(CHECKPOINT_ON_INTERRUPT, i, false) === null) return null;
      return 1;
    }
    return 0;
  }

  /**
   * The line the guest logs after the call, if the op logs one (ir.ts): what it must say. `written`: the call
   * answered what its effect recorded (not refused, its answer written).
   */
  private echo(op: Op, raw: string | null, event: Event | null, refused: Refusal | null, written: boolean): boolean {
    const status = refused === null ? 0 : STATUS[refused.code];
    let expected: string | null = null;
    let prefix: string | null = null;
    if (raw !== null) {
      const result = RAW_RESULTS.get(raw);
      if (result === "status") expected = `raw ${raw}=${status}`;
      else if (result === "interrupt") expected = `raw ${raw}=${event?.kind === "interrupt_check" ? event.answer : 0}`;
      else if (result === "pointer") (written ? (prefix = `raw ${raw}=`) : (expected = `raw ${raw}=0`));
    } else {
      switch (op.op) {
        case "checkpoint":
          if (refused !== null) expected = `checkpoint status=${status}`;
          break;
        case "checkpoint_stateless":
          if (refused !== null) expected = `checkpoint_stateless status=${status}`;
          break;
        case "load_state":
          expected = written && event?.kind === "load_state" ? `state=${event.state ?? "none"}` : "state=none";
          break;
        case "progress_kind":
          expected = `progress_kind=${status}`;
          break;
        case "metrics_read":
          if (refused !== null) expected = `metrics status=${status}`;
          else prefix = "metrics=";
          break;
        case "spawn":
          if (written) prefix = "child=";
          else expected = "child=none";
          break;
        case "call":
          if (!written) expected = "answer=none";
          else if (event?.kind === "call") expected = `answer=${answerEcho(event.response)}`;
          else prefix = "answer=";
          break;
        case "wait_children":
          if (written) prefix = "wait=";
          else expected = "wait=none";
          break;
      }
    }
    if (expected === null && prefix === null) return true;
    const line = this.call("job_log", op, -1, true);
    if (line === undefined) return false;
    if (line?.kind !== "log") return true; // dropped, or refused (a message over maxMessageBytes): nothing to read
    if (expected !== null ? line.message !== expected : !line.message.startsWith(prefix!)) {
      this.fail(`${op.op} should be echoed as "${expected ?? `${prefix}...`}", the trace has ${JSON.stringify(line.message)}`, ["answer.framing", "call.refusal"]);
      return false;
    }
    return true;
  }

  /** The run's end: a BAD_RETURN refusal for a code outside 0..2, then the status the return (or trap) ends it with. */
  private end(code: number | "trap"): void {
    if (code !== "trap" && (code < 0 || code > 2)) {
      const event = this.peek();
      if (event?.kind !== "abi_violation" || event.code !== "BAD_RETURN") {
        this.fail(`the job returned ${code}: BAD_RETURN should be recorded, the trace has ${event?.kind ?? "no event"}`, ["run.bad-return"]);
        return;
      }
      this.at++;
    }
    if (this.at < this.stop) {
      this.fail(`the program made its last call, the trace goes on with ${this.trace[this.at]!.kind}`, ["call.refusal", "run.returned"]);
      return;
    }
    const status = this.trace[this.stop];
    const end = status?.kind === "status" ? status.end : undefined;
    const matches = code === "trap" ? end?.cause === "trap" : end?.cause === "returned" && end.code === code;
    if (!matches) this.fail(`the program ends with ${code === "trap" ? "a trap" : `return ${code}`}, the run ended ${end === undefined ? "without an end" : JSON.stringify(end)}`, ["run.returned", "run.trap"]);
  }
}

function replayJob(job: Job, definition: ProgramJob, initial: string | null, limits: Readonly<Record<Flood, number>>): Replay {
  const replayer = new Replayer(job.trace, definition, initial, limits);
  replayer.replay();
  return replayer;
}

// call.refusal (and run.returned): every call the program makes records its effect or exactly one abi_violation,
// in program order, with the echo the program writes, and each run ends as the program does.
function callsFollowProgram(replay: Replay, citing: (clauses: readonly string[]) => Report): void {
  if (replay.problem !== null) citing(replay.problem.clauses)(replay.problem.text);
}

// checkpoint.save: each checkpoint the program makes is recorded with exactly its state, "i=<i>", and its size.
function checkpointsSaveStep(replay: Replay, report: Report): void {
  for (const { op, i, event } of replay.steps) {
    if (op.op !== "checkpoint" || event?.kind !== "checkpoint") continue;
    const state = `i=${i}`;
    if (event.state !== state || event.bytes !== state.length) report(`checkpoint of "${state}" recorded as ${JSON.stringify(event.state)} (${event.bytes} bytes)`);
  }
}

// dispatch.state: a run counts its steps from the state it was given (the first run its initial state, a resume the
// last checkpoint), as its progress_step messages say.
function stepsCountFromState(replay: Replay, job: ProgramJob, report: Report): void {
  for (const { op, i, event } of replay.steps) {
    if (op.op !== "progress_step" || event?.kind !== "progress") continue;
    const message = `${op.message} ${(i + 1) >>> 0}/${job.steps}`;
    if (event.message !== message) report(`progress_step at i=${i} recorded "${event.message}", expected "${message}"`);
  }
}

// metrics.increment: each increment the program makes is recorded with its n as the delta, on its field.
function deltasAreProgramNs(replay: Replay, report: Report): void {
  for (const { op, event } of replay.steps) {
    if ((op.op !== "bytes" && op.op !== "items") || event?.kind !== "metrics") continue;
    if (event.field !== op.op || BigInt(event.delta) !== BigInt(op.n)) report(`job_increment_${op.op}(${op.n}) recorded as ${event.field} +${event.delta}`);
  }
}

// report.warning, report.flood: the warning calls the program made are the warnings recorded, refused and dropped.
function warningCallsAccounted({ job, events, kinds }: Trace, replay: Replay, report: Report): void {
  if (!replay.complete) return; // the steps stop where the replay did
  const calls = replay.warningCalls;
  let recorded = 0;
  let refused = 0;
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] === "warning") recorded++;
    else if (kinds[k] === "abi_violation") {
      const event = events[k] as Of<"abi_violation">;
      if (event.import === "job_add_warning" && event.limit !== "maxWarningsPerJob") refused++;
    }
  }
  if (calls !== recorded + refused + job.droppedWarnings) {
    report(`the program added ${calls} warnings; ${recorded} recorded, ${refused} refused and ${job.droppedWarnings} dropped`);
  }
}
