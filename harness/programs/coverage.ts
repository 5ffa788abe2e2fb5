import { CLAUSES, isClauseId } from "../abi/clauses.ts";
import { U64_MAX } from "../abi/codec.ts";
import { IMPORT_NAMES, IMPORTS, importSpec, type ImportName } from "../abi/imports.ts";
import { STATUS, type StatusName } from "../abi/status.ts";
import { LIMIT_DESCRIPTIONS } from "../host/limits.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import type { NormalizedResult, Scenario, ScenarioResult } from "../suite/scenario.ts";
import { allOps, programAbi, type JobProgram, type Op } from "./ir.ts";
import { EDGE_CLAUSE_RULES, stallOnly } from "./edge-coverage.ts";
import { TWIST_CLAUSE_RULES, twistClauses } from "./twist-coverage.ts";

/**
 * What generated cases reached on the reference host: per import, how often it was called and which status codes it
 * answered; per clause (harness/abi/clauses.ts), how many cases exercised it; and counts of what the generator is
 * meant to reach (interrupts answered, children run, limits met, how runs ended). Computed from cases and their
 * reference-host results (normalized as harness/suite/scenario.ts makes them, or raw), so a fuzzing session can
 * print it and a test can hold the generator to it.
 *
 * Statuses of an import (ImportCoverage.statuses), from the result:
 * - each `abi_violation` names its import and its code (refusals, BAD_RETURN and a dispatch's ALLOCATION_FAILED name
 *   a job export instead: those count under `exports`);
 * - OK when the call took effect: its event is recorded (progress, checkpoint, load_state, interrupt_check, warning,
 *   non_critical_error, log, metrics, child_spawned, call, job_progress, metrics_read, children_waited,
 *   job_registered);
 * - the statuses the guest logs where a generated program echoes one (ir.ts): "checkpoint status=<n>",
 *   "checkpoint_stateless status=<n>", "metrics status=<n>", "progress_kind=<n>", "raw <import>=<n>" (status
 *   imports), "register=<n>" (plugin_init, in the extension trace).
 * Calls of an import: the result's `importCalls` when it has them (a raw WASM result), else one per event above
 * (a log line inside a job counts as job_log, outside as spacedrive_log; lines dropped past a flood cap are not seen).
 *
 * A clause is exercised by a case when the rule CLAUSE_RULES gives for it holds of the case and its result (each
 * rule says what it looks for); clauses without a rule are never counted (the protocol's). A case whose guest is
 * twisted (ir.ts, ModuleTwist) exercises the loading and linking clauses twist-coverage.ts names for its twists and
 * the load error it met; a case that failed to load counts for nothing else. An abi_violation with code
 * LIMIT_EXCEEDED exercises the clause its limit's description names (harness/host/limits.ts: maxMessageBytes is
 * call.message-size, maxLogLinesPerJob report.flood, ...).
 */

type Result = NormalizedResult | ScenarioResult;
type Job = Result["jobs"][number];
type Event = Job["trace"][number];

/** One generated case and what the reference host made of it. */
export interface CoverageInput {
  readonly program: JobProgram;
  readonly scenario: Scenario;
  readonly result: Result;
}

/** A generated case the reference host refused to load (its guest twisted), with the load error's code. */
export interface LoadErrorInput {
  readonly program: JobProgram;
  readonly scenario: Scenario;
  readonly loadError: string;
}

export interface ImportCoverage {
  readonly name: ImportName;
  readonly calls: number;
  /** Status name (and OK) -> cases that reached it. */
  readonly statuses: Readonly<Record<string, number>>;
  /** The statuses harness/abi/imports.ts lists for the import that no case reached. */
  readonly missing: readonly StatusName[];
}

export interface ClauseCoverage {
  readonly id: string;
  /** Cases that exercised it. */
  readonly cases: number;
}

/** Counts over the cases: what the generator is meant to reach. */
export interface CoverageStats {
  readonly cases: number;
  /** Cases whose guest is an ABI 1.1 guest. */
  readonly abi11Cases: number;
  readonly withInterruptPlan: number;
  /** Cases where some check answered pause or cancel. */
  readonly interruptAnswered: number;
  /** Cases where one run's checks answered a request two or more times (interrupt.level-triggered). */
  readonly interruptPending: number;
  readonly childrenSpawned: number;
  readonly casesWithChildren: number;
  /** Spawns refused with UNKNOWN_JOB_TYPE. */
  readonly unknownTypeSpawns: number;
  /** The deepest child (the root is depth 0) in any case. */
  readonly maxDepth: number;
  /** Cases where some limit refused a call, and refusals by limit name. */
  readonly casesAtLimit: number;
  readonly limits: Readonly<Record<string, number>>;
  /** Run ends by cause (returned, trap, timeout). */
  readonly ends: Readonly<Record<string, number>>;
  /** Cases with a run after a trap (on a fresh instance), and cases whose guest grew memory. */
  readonly runAfterTrap: number;
  readonly memoryGrown: number;
}

export interface Coverage {
  readonly cases: number;
  readonly imports: readonly ImportCoverage[];
  readonly clauses: readonly ClauseCoverage[];
  /** Clauses exercised by at least one case, of `clauses.length` (every clause of harness/abi/clauses.ts). */
  readonly exercised: number;
  /** abi_violations naming a job export rather than an import (BAD_RETURN, a dispatch's ALLOCATION_FAILED). */
  readonly exports: Readonly<Record<string, number>>;
  readonly stats: CoverageStats;
}

// ---------------------------------------------------------------------------------------------------------------
// What one case reached.

const IMPORT_SET = new Set<string>(IMPORT_NAMES);
const STATUS_NAME = new Map<number, string>(Object.entries(STATUS).map(([name, code]) => [code, name]));

/** The import whose successful call records an event of this kind. */
function effectImport(event: Event): ImportName | null {
  switch (event.kind) {
    case "progress":
      return "job_report_progress";
    case "checkpoint":
      return event.state === null ? "job_checkpoint_stateless" : "job_checkpoint";
    case "load_state":
      return "job_load_state";
    case "interrupt_check":
      return "job_check_interrupt";
    case "warning":
      return "job_add_warning";
    case "non_critical_error":
      return "job_add_non_critical_error";
    case "log":
      return event.job === null ? "spacedrive_log" : "job_log";
    case "metrics":
      return event.field === "bytes" ? "job_increment_bytes" : "job_increment_items";
    case "child_spawned":
      return "job_spawn_child";
    case "call":
      return "spacedrive_call";
    case "job_progress":
      return "job_progress";
    case "metrics_read":
      return "job_metrics";
    case "children_waited":
      return "job_wait_for_children";
    case "job_registered":
      return "register_job";
    default:
      return null;
  }
}

const LOGGED_STATUS: readonly [RegExp, ImportName | null][] = [
  [/^checkpoint status=(\d+)$/, "job_checkpoint"],
  [/^checkpoint_stateless status=(\d+)$/, "job_checkpoint_stateless"],
  [/^metrics status=(\d+)$/, "job_metrics"],
  [/^progress_kind=(\d+)$/, "job_progress"],
  [/^register=(\d+)$/, "register_job"],
  [/^raw ([a-z_0-9]+)=(\d+)$/, null], // the import is in the line
];
/** How every line LOGGED_STATUS matches ends: most lines do not, and are tested against this alone. */
const LOGGED_STATUS_END = /=\d+$/;

/** The clause the description of a limit a call can meet names ("...; more is LIMIT_EXCEEDED (child.spawn)."). */
const LIMIT_CLAUSE: ReadonlyMap<string, string> = new Map(
  Object.entries(LIMIT_DESCRIPTIONS).flatMap(([limit, text]) => {
    const clause = /\(([a-z]+\.[a-z0-9-]+)\)\.?$/.exec(text)?.[1];
    return clause === undefined || !text.includes("LIMIT_EXCEEDED") ? [] : [[limit, clause]];
  }),
);


/** One run of one job: its events between its Running status and the status it ended with. */
interface Run {
  readonly job: number;
  readonly index: number;
  readonly events: readonly Event[];
  readonly end: Extract<Event, { kind: "status" }> | null;
  /** Its interrupt_checks answered non-zero (pause or cancel), how many. */
  readonly answered: number;
}

/** What the rules read of a case. */
export class CaseView {
  /** Every event, trace by trace: the extension's, then each job's. */
  readonly traces: readonly (readonly Event[])[];
  readonly violations: Extract<Event, { kind: "abi_violation" }>[] = [];
  readonly runs: Run[] = [];
  readonly depth: number[] = [];
  readonly plans: readonly InterruptPlan[];

  constructor(
    readonly program: JobProgram,
    readonly scenario: Scenario,
    readonly result: Result,
  ) {
    this.plans = scenario.interrupts ?? [];
    this.traces = [result.extension, ...result.jobs.map((job) => job.trace)];
    const index = new Map(result.jobs.map((job, k) => [job.id, k]));
    for (const event of result.extension) this.add(event);
    result.jobs.forEach((job, k) => {
      this.depth.push(job.parent === null ? 0 : (this.depth[index.get(job.parent) ?? 0] ?? 0) + 1);
      let current: Event[] | null = null;
      let answered = 0;
      let run = 0;
      for (const event of job.trace) {
        this.add(event);
        if (event.kind === "status" && event.status === "Running") {
          current = [];
          answered = 0;
          continue;
        }
        if (event.kind === "status" && current !== null) {
          this.runs.push({ job: k, index: run++, events: current, end: event, answered });
          current = null;
          continue;
        }
        if (current === null) continue;
        current.push(event);
        if (event.kind === "interrupt_check" && event.answer !== 0) answered++;
      }
      if (current !== null) this.runs.push({ job: k, index: run, events: current, end: null, answered });
    });
  }

  /** Events by kind: most rules look for one kind, and a fuzzing session tallies every case. */
  private readonly byKind = new Map<Event["kind"], Event[]>();

  private add(event: Event): void {
    if (event.kind === "abi_violation") this.violations.push(event);
    const same = this.byKind.get(event.kind);
    if (same === undefined) this.byKind.set(event.kind, [event]);
    else same.push(event);
  }

  has(kind: Event["kind"], test?: (event: Event) => boolean): boolean {
    const same = this.byKind.get(kind);
    return same !== undefined && (test === undefined || same.some(test));
  }

  refused(test: (violation: Extract<Event, { kind: "abi_violation" }>) => boolean): boolean {
    return this.violations.some(test);
  }

  /** The events of one kind, in order. */
  of(kind: Event["kind"]): readonly Event[] {
    return this.byKind.get(kind) ?? [];
  }

  ends(cause: string): boolean {
    return this.of("status").some((event) => event.kind === "status" && event.end?.cause === cause);
  }

  private ops: Op[] | null = null;
  private abiVersion: "1.0" | "1.1" | null = null;

  /** The program's ABI (ir.ts, programAbi), worked out once: several rules and counts read it. */
  get abi(): "1.0" | "1.1" {
    return (this.abiVersion ??= programAbi(this.program));
  }

  /** The program's ops, listed once: several rules read them. */
  get programOps() {
    return (this.ops ??= allOps(this.program));
  }

  private accepted: boolean | null = null;

  /** Some job call other than a log line was accepted: its effect is in a job's trace (two rules read it). */
  get jobCallAccepted(): boolean {
    return (this.accepted ??= this.result.jobs.some((job) => job.trace.some((event) => effectImport(event) !== null && event.kind !== "log")));
  }
}

const imports = (...names: ImportName[]) => new Set<string>(names);
const TEXT_ARGS = new Set(["msg_ptr", "name_ptr", "export_ptr", "type_ptr", "method_ptr", "payload_ptr"]);
const ANSWER_IMPORTS = imports("spacedrive_call", "job_load_state", "job_spawn_child", "job_wait_for_children");
const wireCode = (event: Event): string | null => {
  if (event.kind !== "call" || typeof event.response !== "object" || event.response === null) return null;
  const code = (event.response as { code?: unknown }).code;
  return typeof code === "string" ? code : null;
};

/**
 * When a case exercises a clause: one rule per clause a generated program can reach. Clauses not listed are not
 * counted: loading, linking and plugin_init failures (a twisted guest's, counted by twist-coverage.ts), the protocol's
 * conversation (these cases run in-process), and what no generated program does (a trap inside wasm_alloc, a run
 * timeout: generated runs always end, and the differential property runs them without a watchdog).
 */
export const CLAUSE_RULES: readonly { readonly clause: string; readonly how: string; readonly test: (c: CaseView) => boolean }[] = [
  { clause: "memory.range", how: "an INVALID_MEMORY_ACCESS refusal, or an empty message at the end of memory", test: (c) => c.refused((v) => v.code === "INVALID_MEMORY_ACCESS") || c.programOps.some((op) => "memory" in op && op.memory === "end") },
  {
    clause: "memory.wrap",
    how: "an INVALID_MEMORY_ACCESS refusal of an import the program called with a wrapping pointer or length",
    test: (c) => c.programOps.some((op) => op.op === "raw" && (op.value === "wrap" || op.value === "huge") && c.refused((v) => v.import === op.import && v.code === "INVALID_MEMORY_ACCESS")),
  },
  { clause: "memory.current", how: 'a message read from memory the guest grew ("memory": "grow") or an answer written after its allocator gave up its memory', test: (c) => c.programOps.some((op) => "memory" in op && (op.memory === "grow" || op.memory === "exhaust")) && !c.scenario.limits?.maxMemoryPages },
  { clause: "memory.cap", how: "memory.grow under maxMemoryPages", test: (c) => c.scenario.limits?.maxMemoryPages !== undefined && c.programOps.some((op) => "memory" in op && op.memory !== undefined) },
  { clause: "memory.job-id", how: "a job call accepted (its effect recorded in a job's trace)", test: (c) => c.jobCallAccepted },
  { clause: "memory.no-free", how: "an answer written into the guest", test: (c) => c.has("child_spawned") || c.has("call") || c.has("children_waited") || c.has("load_state", (e) => e.kind === "load_state" && e.state !== null) },
  { clause: "version.marker", how: "a 1.1 guest (it exports the marker)", test: (c) => c.abi === "1.1" },
  { clause: "link.imports", how: "a 1.1 guest linked to 1.1 imports", test: (c) => c.abi === "1.1" },
  { clause: "init.once-per-instance", how: "plugin_init registered the jobs", test: (c) => c.has("job_registered") },
  { clause: "init.acts-for-extension", how: "a line or a refusal in the extension trace (plugin_init, plugin_cleanup)", test: (c) => c.result.extension.some((event) => event.kind === "log" || event.kind === "abi_violation") },
  { clause: "init.register-phase", how: "register_job refused with WRONG_PHASE", test: (c) => c.refused((v) => v.code === "WRONG_PHASE") },
  { clause: "init.register", how: "a registration recorded or refused (BAD_ARGUMENT, DUPLICATE, UNKNOWN_EXPORT)", test: (c) => c.has("job_registered") },
  { clause: "init.resumable", how: "a job paused and run again", test: (c) => c.result.jobs.some((job) => job.runs > 1) },
  { clause: "init.reinit", how: "a run after a trap (plugin_init again on the fresh instance)", test: (c) => runAfterTrap(c) },
  { clause: "dispatch.job-type", how: "the root job ran", test: (c) => c.runs.length > 0 },
  { clause: "dispatch.context", how: "a job call accepted with the id from the context", test: (c) => c.jobCallAccepted },
  { clause: "dispatch.no-state", how: "a first run without state", test: (c) => !givenState(c.scenario.state) || c.has("child_spawned", (e) => e.kind === "child_spawned" && e.params === "") },
  { clause: "dispatch.state", how: "a first run with state (the scenario's, a child's params) or a resume", test: (c) => givenState(c.scenario.state) || c.has("child_spawned", (e) => e.kind === "child_spawned" && e.params !== "") || c.result.jobs.some((job) => job.runs > 1) },
  { clause: "dispatch.alloc-failure", how: "ALLOCATION_FAILED naming a job export", test: (c) => c.refused((v) => v.code === "ALLOCATION_FAILED" && !IMPORT_SET.has(v.import)) },
  { clause: "call.running-job", how: "NOT_RUNNING_JOB in a job's trace", test: (c) => c.refused((v) => v.code === "NOT_RUNNING_JOB" && v.job !== null) },
  { clause: "call.check-order", how: "a refusal of the id or memory checks (INVALID_MEMORY_ACCESS, NOT_RUNNING_JOB)", test: (c) => c.refused((v) => v.code === "INVALID_MEMORY_ACCESS" || v.code === "NOT_RUNNING_JOB") },
  { clause: "call.refusal", how: "a refused import call", test: (c) => c.refused((v) => IMPORT_SET.has(v.import)) },
  { clause: "call.refusal-trace", how: "a refusal of a call naming another job, or one in the extension trace", test: (c) => c.refused((v) => v.code === "NOT_RUNNING_JOB" || v.job === null) },
  { clause: "call.utf8", how: "BAD_ARGUMENT about a text argument", test: (c) => c.refused((v) => v.code === "BAD_ARGUMENT" && v.arg !== null && TEXT_ARGS.has(v.arg)) },
  { clause: "call.message-size", how: "LIMIT_EXCEEDED for maxMessageBytes", test: (c) => c.refused((v) => v.limit === "maxMessageBytes") },
  { clause: "call.count", how: "an atCall plan that a run's checks answered or its return met", test: (c) => plansTook(c, (plan) => plan.atCall !== undefined) },
  { clause: "answer.framing", how: "an answer written into the guest", test: (c) => c.has("child_spawned") || c.has("call") || c.has("children_waited") || c.has("load_state", (e) => e.kind === "load_state" && e.state !== null) },
  { clause: "answer.alloc-failure", how: "ALLOCATION_FAILED of an import with an answer", test: (c) => c.refused((v) => v.code === "ALLOCATION_FAILED" && ANSWER_IMPORTS.has(v.import)) },
  { clause: "progress.report", how: "job_report_progress recorded or refused", test: (c) => c.has("progress") || c.refused((v) => v.import === "job_report_progress" && v.code !== "NOT_RUNNING_JOB") },
  { clause: "progress.structured", how: "job_progress recorded or refused", test: (c) => c.has("job_progress") || c.refused((v) => v.import === "job_progress" && v.code !== "NOT_RUNNING_JOB") },
  { clause: "progress.f32", how: "a progress value recorded", test: (c) => c.has("progress") },
  { clause: "checkpoint.save", how: "a checkpoint with state recorded, or refused past maxStateBytes", test: (c) => c.has("checkpoint", (e) => e.kind === "checkpoint" && e.state !== null) || c.refused((v) => v.limit === "maxStateBytes") },
  {
    clause: "checkpoint.while-interrupted",
    how: "a checkpoint recorded after a check answered pause or cancel in the same run",
    test: (c) =>
      c.runs.some((run) => {
        const answer = run.events.findIndex((e) => e.kind === "interrupt_check" && e.answer !== 0);
        return answer >= 0 && run.events.some((e, k) => k > answer && e.kind === "checkpoint");
      }),
  },
  { clause: "checkpoint.store-error", how: "STORE_ERROR", test: (c) => c.refused((v) => v.code === "STORE_ERROR") },
  { clause: "checkpoint.stateless", how: "a stateless checkpoint recorded", test: (c) => c.has("checkpoint", (e) => e.kind === "checkpoint" && e.state === null) },
  { clause: "checkpoint.load", how: "job_load_state recorded", test: (c) => c.has("load_state") },
  { clause: "checkpoint.kept", how: "a job that checkpointed and ended", test: (c) => c.result.jobs.some((job) => job.trace.some((e) => e.kind === "checkpoint")) },
  { clause: "interrupt.answer", how: "job_check_interrupt answered", test: (c) => c.has("interrupt_check") },
  { clause: "interrupt.plans", how: "a plan that a run's checks answered or its return met", test: (c) => plansTook(c, () => true) },
  { clause: "interrupt.level-triggered", how: "a run whose checks answered a request twice or more", test: (c) => c.runs.some((run) => run.answered >= 2) },
  {
    clause: "interrupt.first-wins",
    how: "a run planned both a pause and a cancel, and its checks answered one",
    test: (c) => c.runs.some((run) => run.answered > 0 && new Set(plansFor(c, run).map((plan) => plan.action)).size === 2),
  },
  { clause: "interrupt.per-run", how: "a resume after a run whose checks answered a request", test: (c) => c.runs.some((run) => run.answered > 0 && c.runs.some((next) => next.job === run.job && next.index === run.index + 1)) },
  { clause: "metrics.increment", how: "a metrics event", test: (c) => c.has("metrics") },
  { clause: "metrics.read", how: "job_metrics recorded", test: (c) => c.has("metrics_read") },
  { clause: "metrics.saturate", how: "a total at 2^64 - 1 below the sum", test: (c) => c.result.jobs.some(saturated) },
  { clause: "report.warning", how: "a warning recorded or refused", test: (c) => c.has("warning") || c.refused((v) => v.import === "job_add_warning") },
  { clause: "report.non-critical-error", how: "a non-critical error recorded or refused", test: (c) => c.has("non_critical_error") || c.refused((v) => v.import === "job_add_non_critical_error") },
  { clause: "report.log", how: "a log line of a job", test: (c) => c.has("log", (e) => e.job !== null) },
  { clause: "report.log-attribution", how: "a spacedrive_log line in a job's run, or one of the extension", test: (c) => c.programOps.some((op) => op.op === "log" && op.channel === "instance") || c.result.extension.some((e) => e.kind === "log") },
  { clause: "report.flood", how: "LIMIT_EXCEEDED for maxLogLinesPerJob or maxWarningsPerJob", test: (c) => c.refused((v) => v.limit === "maxLogLinesPerJob" || v.limit === "maxWarningsPerJob") },
  { clause: "child.spawn", how: "a child spawned, or a spawn refused (UNKNOWN_JOB_TYPE, a limit)", test: (c) => c.has("child_spawned") || c.refused((v) => v.import === "job_spawn_child" && (v.code === "UNKNOWN_JOB_TYPE" || v.code === "LIMIT_EXCEEDED")) },
  { clause: "child.order", how: "a child ran", test: (c) => c.result.jobs.some((job) => job.parent !== null && job.runs > 0) },
  { clause: "child.wait", how: "children_waited recorded", test: (c) => c.has("children_waited") },
  { clause: "wire.call", how: "a wire call made or refused", test: (c) => c.has("call") || c.refused((v) => v.import === "spacedrive_call") },
  { clause: "wire.payload", how: "a BadPayload answer, or a call with an empty payload", test: (c) => c.of("call").some((e) => wireCode(e) === "BadPayload") || c.programOps.some((op) => op.op === "call" && op.payload === "") },
  { clause: "wire.order", how: "a call refused by the method's form, the manifest or the rate limit", test: (c) => c.of("call").some((e) => ["UnknownMethod", "MethodNotAllowed", "LibraryAccessDenied", "RateLimitExceeded"].includes(wireCode(e) ?? "")) },
  { clause: "wire.rate-limit", how: "a RateLimitExceeded answer", test: (c) => c.of("call").some((e) => wireCode(e) === "RateLimitExceeded") },
  { clause: "wire.errors", how: "an error answer", test: (c) => c.of("call").some((e) => wireCode(e) !== null) },
  { clause: "wire.answers", how: "a call answered without error", test: (c) => c.of("call").some((e) => e.kind === "call" && wireCode(e) === null) },
  { clause: "library.default", how: "a call naming the job's library", test: (c) => c.programOps.some((op) => op.op === "call" && op.library === "job") && c.has("call") },
  { clause: "library.snapshot", how: "an entry created in a library", test: (c) => c.result.library.libraries.some((library) => library.entries.length > 0) },
  { clause: "library.networking", how: "a networking method called", test: (c) => c.of("call").some((e) => e.kind === "call" && e.method.includes("network.")) },
  { clause: "run.lifecycle", how: "a run ended", test: (c) => c.runs.some((run) => run.end !== null) },
  { clause: "run.returned", how: "a run returned 0, 1 or 2", test: (c) => c.runs.some((run) => run.end?.end?.cause === "returned" && [0, 1, 2].includes(run.end.end.code)) },
  { clause: "run.bad-return", how: "BAD_RETURN", test: (c) => c.refused((v) => v.code === "BAD_RETURN") },
  { clause: "run.trap", how: "a run ended with cause trap", test: (c) => c.ends("trap") },
  { clause: "run.timeout", how: "a run ended with cause timeout, not under the stall limit alone", test: (c) => c.ends("timeout") && !stallOnly(c) },
  { clause: "run.retire", how: "a run after a trap", test: (c) => runAfterTrap(c) },
  { clause: "run.reuse", how: "two runs or more and no trap", test: (c) => c.runs.length >= 2 && !c.ends("trap") },
  { clause: "run.resume", how: "a job run twice or more", test: (c) => c.result.jobs.some((job) => job.runs > 1) },
  { clause: "run.cleanup", how: "plugin_cleanup's lines in the extension trace", test: (c) => c.program.cleanup !== undefined && c.program.cleanup.length > 0 && c.result.extension.some((e) => e.kind === "log" && c.program.cleanup!.some((line) => line.message === e.message)) },
  { clause: "run.result-jobs", how: "a case with children", test: (c) => c.result.jobs.length > 1 },
  { clause: "scenario.limits", how: "a limit of the scenario met", test: (c) => c.scenario.limits !== undefined && c.refused((v) => v.limit !== null && v.limit in (c.scenario.limits ?? {})) },
  { clause: "scenario.permissions", how: "a call the manifest refused", test: (c) => c.of("call").some((e) => ["MethodNotAllowed", "LibraryAccessDenied", "RateLimitExceeded"].includes(wireCode(e) ?? "")) },
  { clause: "scenario.state", how: "an initial state", test: (c) => givenState(c.scenario.state) },
  { clause: "scenario.store-failures", how: "STORE_ERROR", test: (c) => c.refused((v) => v.code === "STORE_ERROR") },
  { clause: "result.u64", how: "a metrics total past 2^53", test: (c) => c.of("metrics").some((e) => e.kind === "metrics" && BigInt(e.total) > 1n << 53n) },
  { clause: "result.progress", how: "a progress value recorded", test: (c) => c.has("progress") },
  { clause: "result.ids", how: "two jobs or more", test: (c) => c.result.jobs.length > 1 },
  ...EDGE_CLAUSE_RULES,
];

/** A scenario state that gives the root a state: a non-empty string, or any other JSON value (its JSON text). */
const givenState = (state: unknown) => state !== undefined && state !== null && state !== "";

/** The plans for a run (its job's creation index and its run index). */
function plansFor(c: CaseView, run: Run): InterruptPlan[] {
  return c.plans.filter((plan) => (plan.job ?? 0) === run.job && (plan.run ?? 0) === run.index);
}

/** Some run with a plan matching `which` saw a request: a check answered it, or its return 1 met a cancel. */
function plansTook(c: CaseView, which: (plan: InterruptPlan) => boolean): boolean {
  return c.runs.some((run) => plansFor(c, run).some(which) && (run.answered > 0 || (run.end?.status === "Cancelled" && run.end.end?.cause === "returned")));
}

/** A run started after some run trapped: a later run of the same job, or a run of a job created after it. */
function runAfterTrap(c: CaseView): boolean {
  return c.runs.some((run) => run.end?.end?.cause === "trap" && c.runs.some((other) => other.job > run.job || (other.job === run.job && other.index > run.index)));
}

function saturated(job: Job): boolean {
  const total = { bytes: 0n, items: 0n };
  for (const event of job.trace) {
    if (event.kind !== "metrics") continue;
    const sum = total[event.field] + BigInt(event.delta);
    if (sum > U64_MAX && BigInt(event.total) === U64_MAX) return true;
    total[event.field] = BigInt(event.total);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Counting.

/** Coverage accumulated case by case; `coverage()` at any time. Merge the JSON of several with mergeCoverage. */
export class CoverageCounter {
  private cases = 0;
  private readonly calls = new Map<string, number>();
  private readonly statuses = new Map<string, Map<string, number>>();
  private readonly clauses = new Map<string, number>();
  private readonly exports = new Map<string, number>();
  private readonly limits = new Map<string, number>();
  private readonly ends = new Map<string, number>();
  private readonly counts = {
    abi11Cases: 0,
    withInterruptPlan: 0,
    interruptAnswered: 0,
    interruptPending: 0,
    childrenSpawned: 0,
    casesWithChildren: 0,
    unknownTypeSpawns: 0,
    maxDepth: 0,
    casesAtLimit: 0,
    runAfterTrap: 0,
    memoryGrown: 0,
  };

  add(input: CoverageInput | LoadErrorInput): void {
    if ("loadError" in input) {
      this.cases++;
      for (const clause of twistClauses({ program: input.program, loadError: input.loadError })) if (isClauseId(clause)) bump(this.clauses, clause);
      return;
    }
    const { program, scenario, result } = input;
    this.cases++;
    const c = new CaseView(program, scenario, result);
    const reached = new Map<string, Set<string>>();
    const reach = (name: string, status: string) => {
      if (!IMPORT_SET.has(name)) return;
      let set = reached.get(name);
      if (set === undefined) reached.set(name, (set = new Set()));
      set.add(status);
    };
    const importCalls = "importCalls" in result ? result.importCalls : undefined;
    const counted = importCalls !== undefined;
    if (counted) for (const name in importCalls) bump(this.calls, name, importCalls[name as ImportName] ?? 0);
    for (const trace of c.traces) for (const event of trace) {
      const effect = effectImport(event);
      if (effect !== null) {
        reach(effect, "OK");
        if (!counted) bump(this.calls, effect);
      }
      if (event.kind === "abi_violation") {
        if (IMPORT_SET.has(event.import)) {
          reach(event.import, event.code);
          if (!counted) bump(this.calls, event.import);
        } else bump(this.exports, `${event.import} ${event.code}`);
        if (event.limit !== null) bump(this.limits, event.limit);
      }
      if (event.kind === "log" && LOGGED_STATUS_END.test(event.message)) {
        for (const [pattern, name] of LOGGED_STATUS) {
          const match = pattern.exec(event.message);
          if (!match) continue;
          const importName = name ?? match[1]!;
          const code = Number(match[name === null ? 2 : 1]);
          const spec = importSpec(importName);
          if (spec?.result === "status" && STATUS_NAME.has(code)) reach(importName, STATUS_NAME.get(code)!);
        }
      }
      if (event.kind === "status" && event.end !== undefined) bump(this.ends, event.end.cause);
    }
    for (const [name, set] of reached) {
      let map = this.statuses.get(name);
      if (map === undefined) this.statuses.set(name, (map = new Map()));
      for (const status of set) bump(map, status);
    }
    // The clauses whose rule holds, and those the limits the case met name (a limit with no rule of its own, such as
    // one added later, still counts for its clause).
    const exercised = new Set(twistClauses({ program, loadError: null }));
    for (const rule of CLAUSE_RULES) if (rule.test(c)) exercised.add(rule.clause);
    for (const violation of c.violations) {
      const clause = violation.code === "LIMIT_EXCEEDED" && violation.limit !== null ? LIMIT_CLAUSE.get(violation.limit) : undefined;
      if (clause !== undefined) exercised.add(clause);
    }
    for (const clause of exercised) if (isClauseId(clause)) bump(this.clauses, clause);
    const counts = this.counts;
    if (c.abi === "1.1") counts.abi11Cases++;
    if (c.plans.length > 0) counts.withInterruptPlan++;
    if (c.runs.some((run) => run.answered > 0)) counts.interruptAnswered++;
    if (c.runs.some((run) => run.answered >= 2)) counts.interruptPending++;
    const spawned = c.of("child_spawned").length;
    counts.childrenSpawned += spawned;
    if (result.jobs.length > 1) counts.casesWithChildren++;
    counts.unknownTypeSpawns += c.violations.filter((v) => v.code === "UNKNOWN_JOB_TYPE").length;
    counts.maxDepth = Math.max(counts.maxDepth, ...c.depth);
    if (c.violations.some((v) => v.code === "LIMIT_EXCEEDED")) counts.casesAtLimit++;
    if (runAfterTrap(c)) counts.runAfterTrap++;
    if (c.of("log").some((e) => e.kind === "log" && e.message.startsWith("grown")) || c.programOps.some((op) => "memory" in op && op.memory === "grow")) counts.memoryGrown++;
  }

  coverage(): Coverage {
    const importRows: ImportCoverage[] = IMPORTS.map((spec) => {
      const statuses = byKey(this.statuses.get(spec.name) ?? []);
      return { name: spec.name as ImportName, calls: this.calls.get(spec.name) ?? 0, statuses, missing: spec.statuses.filter((status) => !(status in statuses)) };
    });
    const clauseRows = CLAUSES.map((clause) => ({ id: clause.id, cases: this.clauses.get(clause.id) ?? 0 }));
    return {
      cases: this.cases,
      imports: importRows,
      clauses: clauseRows,
      exercised: clauseRows.filter((row) => row.cases > 0).length,
      exports: byKey(this.exports),
      stats: { cases: this.cases, ...this.counts, limits: byKey(this.limits), ends: byKey(this.ends) },
    };
  }
}

const RULED = new Set([...CLAUSE_RULES, ...TWIST_CLAUSE_RULES].map((rule) => rule.clause));

/**
 * Counts by name, in the names' order: a coverage reads the same however its cases were split between workers and
 * whichever chunk finished first.
 */
function byKey(entries: Iterable<readonly [string, number]>): Record<string, number> {
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** The coverage of a set of cases and their reference-host results. */
export function coverageOf(inputs: Iterable<CoverageInput | LoadErrorInput>): Coverage {
  const counter = new CoverageCounter();
  for (const input of inputs) counter.add(input);
  return counter.coverage();
}

/** Two coverages (of disjoint sets of cases, e.g. two fuzzing workers') as one. */
export function mergeCoverage(a: Coverage, b: Coverage): Coverage {
  const add = (x: Readonly<Record<string, number>>, y: Readonly<Record<string, number>>) => {
    const out = new Map(Object.entries(x));
    for (const [key, n] of Object.entries(y)) bump(out, key, n);
    return byKey(out);
  };
  const imports = a.imports.map((row, k) => {
    const other = b.imports[k]!;
    const statuses = add(row.statuses, other.statuses);
    return { name: row.name, calls: row.calls + other.calls, statuses, missing: IMPORTS[k]!.statuses.filter((status) => !(status in statuses)) };
  });
  const clauses = a.clauses.map((row, k) => ({ id: row.id, cases: row.cases + b.clauses[k]!.cases }));
  const sa = a.stats;
  const sb = b.stats;
  const stats: CoverageStats = {
    cases: sa.cases + sb.cases,
    abi11Cases: sa.abi11Cases + sb.abi11Cases,
    withInterruptPlan: sa.withInterruptPlan + sb.withInterruptPlan,
    interruptAnswered: sa.interruptAnswered + sb.interruptAnswered,
    interruptPending: sa.interruptPending + sb.interruptPending,
    childrenSpawned: sa.childrenSpawned + sb.childrenSpawned,
    casesWithChildren: sa.casesWithChildren + sb.casesWithChildren,
    unknownTypeSpawns: sa.unknownTypeSpawns + sb.unknownTypeSpawns,
    maxDepth: Math.max(sa.maxDepth, sb.maxDepth),
    casesAtLimit: sa.casesAtLimit + sb.casesAtLimit,
    runAfterTrap: sa.runAfterTrap + sb.runAfterTrap,
    memoryGrown: sa.memoryGrown + sb.memoryGrown,
    limits: add(sa.limits, sb.limits),
    ends: add(sa.ends, sb.ends),
  };
  return { cases: a.cases + b.cases, imports, clauses, exercised: clauses.filter((row) => row.cases > 0).length, exports: add(a.exports, b.exports), stats };
}

/** The clauses a generated program can exercise: those with a rule, and those a limit's description names. */
export function reachableClauses(): string[] {
  return [...new Set([...RULED, ...LIMIT_CLAUSE.values()])].filter(isClauseId);
}

const pct = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((part / whole) * 100)}%`;

/** The coverage as text: per import its calls and statuses (missing ones marked), then clauses, then the counts. */
export function formatCoverage(coverage: Coverage): string {
  const lines: string[] = [];
  const { stats } = coverage;
  lines.push(`coverage of ${coverage.cases} generated cases on the reference host`);
  lines.push("");
  lines.push("import                        calls  statuses reached (cases)");
  for (const row of coverage.imports) {
    const reached = Object.entries(row.statuses).map(([status, n]) => `${status} ${n}`);
    const missing = row.missing.map((status) => `${status} -`);
    lines.push(`${row.name.padEnd(28)} ${String(row.calls).padStart(6)}  ${[...reached, ...missing].join(", ") || "-"}`);
  }
  const reachable = new Set(reachableClauses());
  const unreached = coverage.clauses.filter((row) => row.cases === 0);
  lines.push("");
  lines.push(
    `clauses exercised: ${coverage.exercised} of ${coverage.clauses.length} (of the ${reachable.size} a generated program can reach: ` +
      `${coverage.clauses.filter((row) => row.cases > 0 && reachable.has(row.id)).length})`,
  );
  const reachableMissing = unreached.filter((row) => reachable.has(row.id)).map((row) => row.id);
  if (reachableMissing.length > 0) lines.push(`  reachable, not reached: ${reachableMissing.join(", ")}`);
  const least = coverage.clauses.filter((row) => row.cases > 0).sort((a, b) => a.cases - b.cases).slice(0, 8);
  lines.push(`  least exercised: ${least.map((row) => `${row.id} ${row.cases}`).join(", ")}`);
  lines.push("");
  lines.push(
    `interrupts: ${stats.withInterruptPlan} cases with a plan, ${stats.interruptAnswered} answered (${pct(stats.interruptAnswered, stats.withInterruptPlan)}), ` +
      `${stats.interruptPending} answered twice or more in one run`,
  );
  lines.push(`children: ${stats.childrenSpawned} spawned in ${stats.casesWithChildren} cases, ${stats.unknownTypeSpawns} spawns of unknown types, depth up to ${stats.maxDepth}`);
  lines.push(`limits: ${stats.casesAtLimit} cases met one; refusals by limit: ${Object.entries(stats.limits).map(([limit, n]) => `${limit} ${n}`).join(", ") || "none"}`);
  lines.push(
    `runs ended: ${Object.entries(stats.ends).map(([cause, n]) => `${cause} ${n}`).join(", ") || "none"}; ${stats.runAfterTrap} cases ran after a trap; ` +
      `${stats.memoryGrown} grew memory; ${stats.abi11Cases} ABI 1.1 guests`,
  );
  return lines.join("\n");
}
