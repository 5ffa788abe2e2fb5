import { STATUS, type StatusCode, type StatusName } from "../abi/status.ts";
import { bytesToTraceText, decodeUtf8, utf8ByteLength } from "../abi/codec.ts";
import { ASCII_SCAN_LIMIT, GuestRange, messageString, type MessageText } from "../abi/memory.ts";
import type { InterruptAnswer } from "../abi/exports.ts";
import type { ImportName } from "../abi/imports.ts";
import { about, ARG, NO_FIELDS, overLimit, type ArgumentRef, type RefusalFields } from "../abi/arguments.ts";
import { LOG_LEVELS, type JobStatus, type LogLevel } from "../trace/events.ts";
import { hasLoneSurrogateEscape, jsonNesting, MAX_NESTING, parseExactJson } from "../abi/json-exact.ts";
import { progressProblem } from "../abi/progress.ts";
import type { MetricsSnapshot } from "./metrics.ts";
import type { ExtensionScope, JobExecutor } from "./extension.ts";
import type { InterruptController } from "./interrupts.ts";
import type { JobRecord } from "./job.ts";
import type { HostLimits } from "./limits.ts";
import type { StateStore } from "./state-store.ts";
import type { WireRouter } from "./wire.ts";
import { errorWords } from "./wire-errors.ts";

/**
 * Text as either side passes it: the native API has strings, the WASM boundary has (unvalidated) bytes, as a view or,
 * for messages, a GuestRange read in place.
 */
export type TextArg = string | Uint8Array | GuestRange;

/** The bytes of a text argument that is not a string (a range's alias guest memory, as a view's do). */
export const argBytes = (arg: Uint8Array | GuestRange): Uint8Array => (arg instanceof GuestRange ? arg.bytes() : arg);

/** Spacedrive's level mapping: 0 debug, 1 info, 2 warn, 3 error, anything else info. */
export function logLevel(level: number): LogLevel {
  return LOG_LEVELS[level] ?? "info";
}

/** A wire payload the caller could not even parse: answered with BadPayload, recorded as the raw text. */
export class UnparsedPayload {
  constructor(readonly text: string) {}
}

/** Throws at a number no double can hold: JSON spells 1e400, serde_json refuses it, JavaScript would make it Infinity. */
function finiteNumbers(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError("a number out of range");
  return value;
}

/**
 * What may spell a number out of a double's range: any positive exponent (`1` and 300 zeros, then `e9`, is 1e309),
 * or 309 digits in a row. Text that merely looks so (inside a string) only costs a second parse.
 */
const MAYBE_OUT_OF_RANGE = /\d[eE]\+?\d|\d{309}/;

/**
 * A guest's request text (wire.payload), read as serde_json reads a JSON value: its value, or an UnparsedPayload,
 * answered BadPayload, when it is not JSON, holds a number no double can hold or a lone surrogate escape, or nests
 * arrays and objects deeper than serde_json's limit. A member name that repeats keeps its last value, as in
 * serde_json's maps.
 */
export function parseRequest(text: string): unknown {
  try {
    const value = JSON.parse(text) as unknown;
    if (hasLoneSurrogateEscape(text)) return new UnparsedPayload(text);
    // Nesting past the limit takes two characters a level.
    if (text.length > 2 * MAX_NESTING && jsonNesting(text) > MAX_NESTING) return new UnparsedPayload(text);
    return MAYBE_OUT_OF_RANGE.test(text) ? JSON.parse(text, finiteNumbers) : value;
  } catch {
    return new UnparsedPayload(text);
  }
}

/** A native payload as a guest would send it: serialized and parsed; what JSON cannot carry is a BadPayload. */
function asJson(payload: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload, finiteNumbers);
  } catch (error) {
    return new UnparsedPayload(`(not serializable: ${(error as Error).message})`);
  }
  return text === undefined ? new UnparsedPayload("(undefined)") : parseRequest(text);
}

export interface OperationDeps {
  readonly limits: HostLimits;
  readonly store: StateStore;
  readonly interrupts: InterruptController;
  readonly wire: WireRouter;
  /** Creates and queues a child; the host owns the job table. */
  readonly spawn: (parent: JobRecord, type: string, executorType: { executor: JobExecutor }, params: Uint8Array) => JobRecord;
  /** Finds a job type for job_spawn_child: one the same extension registered, or a native type of the host. */
  readonly resolveType: (scope: ExtensionScope, type: string) => { executor: JobExecutor } | undefined;
  /** Drives the job's children that have not run, now; answers all its children in spawn order (child.wait). */
  readonly waitForChildren: (parent: JobRecord) => readonly JobRecord[];
  /** Told of each checkpoint the store could not save, after its refusal (HostOptions.storeFailure). */
  readonly onStoreFailure?: (job: JobRecord, error: unknown) => void;
}

/**
 * The host parts every job capability goes through. The native JobContext and the WASM boundary both call these
 * with decoded arguments; only argument decoding (memory, job id bytes) exists twice. Each operation is named after
 * the import that reaches it, and records its effect, or the refusal, in the trace.
 */
export class JobOperations {
  constructor(private readonly deps: OperationDeps) {}

  /**
   * Counts one host call of the job running on the scope (call.count): every import call during a run, whatever its
   * outcome; `times` identical calls at once for calls the WASM boundary counted in wasm. Each way in (the WASM
   * boundary, the native JobContext) counts at the start of every call, before any check.
   */
  countCall(scope: ExtensionScope, times = 1): void {
    const job = scope.currentJob;
    if (job === null) return;
    if (times === 1) this.deps.interrupts.countCall(job.id);
    else this.deps.interrupts.countCalls(job.id, times);
  }

  /**
   * Records a refused call (call.refusal): on the trace of the job running on the scope, else on the scope's
   * (call.refusal-trace). `fields` are what hosts compare; `detail` is words for people.
   */
  refuse(scope: ExtensionScope, job: JobRecord | null, name: ImportName | string, code: StatusName, fields: RefusalFields, detail: string): StatusCode {
    const target = job ?? scope.currentJob;
    const { arg, limit, size } = fields;
    const event = { kind: "abi_violation" as const, job: target?.id ?? null, import: name, code, arg, limit, size, detail };
    (target?.trace ?? scope.trace).record(event);
    return STATUS[code];
  }

  /** The one refusal for a job id that is not the job running on the scope, whichever side made the call. */
  notRunning(scope: ExtensionScope, name: ImportName, jobId: string): StatusCode {
    return this.refuse(scope, null, name, "NOT_RUNNING_JOB", about(ARG.jobId), `job ${jobId} is not the job running on this instance`);
  }

  /** Decodes a name (a job type, a method): UTF-8 is required, but names are not messages and have no size limit. */
  name(scope: ExtensionScope, job: JobRecord | null, name: ImportName, arg: TextArg, argument: ArgumentRef): string | null {
    if (typeof arg === "string") return arg;
    const text = decodeUtf8(argBytes(arg));
    if (text === null) this.refuse(scope, job, name, "BAD_ARGUMENT", about(argument), `${argument.what} is not valid UTF-8`);
    return text;
  }

  /**
   * Checks a text argument, enforcing UTF-8 and the message size limit; null means refused (already recorded). A
   * GuestRange of ASCII bytes is answered as it is (see MessageText): checking costs far less than decoding.
   */
  text(scope: ExtensionScope, job: JobRecord | null, name: ImportName, arg: TextArg, argument: ArgumentRef): MessageText | null {
    const size = typeof arg === "string" ? utf8ByteLength(arg) : arg.length; // a byte view's length: V8 inlines it, not byteLength
    if (size > this.deps.limits.maxMessageBytes) {
      const limit = this.deps.limits.maxMessageBytes;
      this.refuse(scope, job, name, "LIMIT_EXCEEDED", overLimit("maxMessageBytes", argument, size), `${argument.what} is ${size} bytes; the limit is ${limit}`);
      return null;
    }
    if (typeof arg === "string" || (size <= ASCII_SCAN_LIMIT && arg instanceof GuestRange && arg.isAscii())) return arg;
    const text = decodeUtf8(argBytes(arg));
    if (text === null) this.refuse(scope, job, name, "BAD_ARGUMENT", about(argument), `${argument.what} is not valid UTF-8`);
    return text;
  }

  log(scope: ExtensionScope, job: JobRecord | null, name: "spacedrive_log" | "job_log", level: number, message: TextArg): void {
    if (job === null || job.logLines >= this.deps.limits.maxLogLinesPerJob) {
      this.unusualLog(scope, job, name, level, message);
      return;
    }
    const text = this.text(scope, job, name, message, ARG.logMessage);
    if (text === null) return;
    job.logLines++;
    job.trace.recordLog(job.id, logLevel(level), text);
  }

  /** A line outside any job, or past a job's line limit (apart from log, so that its common path stays small). */
  private unusualLog(scope: ExtensionScope, job: JobRecord | null, name: "spacedrive_log" | "job_log", level: number, message: TextArg): void {
    if (job === null) {
      const text = this.text(scope, null, name, message, ARG.logMessage);
      if (text !== null) scope.trace.record({ kind: "log", job: null, level: logLevel(level), message: messageString(text) });
      return;
    }
    // A flood is cut off: one refusal says so, later lines are only counted.
    if (job.droppedLogLines++ === 0) {
      const limit = this.deps.limits.maxLogLinesPerJob;
      this.refuse(scope, job, name, "LIMIT_EXCEEDED", overLimit("maxLogLinesPerJob"), `a job may log ${limit} lines; further lines are dropped and counted`);
    }
  }

  reportProgress(scope: ExtensionScope, job: JobRecord, value: number, message: TextArg): void {
    if (Number.isNaN(value)) {
      this.refuse(scope, job, "job_report_progress", "BAD_ARGUMENT", about(ARG.progress), "progress is NaN");
      return;
    }
    const text = this.text(scope, job, "job_report_progress", message, ARG.progressMessage);
    if (text === null) return;
    const clamped = Math.fround(Math.min(1, Math.max(0, value)));
    job.reportProgress(clamped, text);
  }

  checkpoint(scope: ExtensionScope, job: JobRecord, state: Uint8Array): StatusCode {
    const { maxStateBytes, maxTreeStateBytes } = this.deps.limits;
    if (state.length > maxStateBytes) {
      return this.refuse(scope, job, "job_checkpoint", "LIMIT_EXCEEDED", overLimit("maxStateBytes", ARG.state, state.length), `the state is ${state.length} bytes; the limit is ${maxStateBytes}`);
    }
    const grow = state.length - job.checkpointBytes;
    if (job.tree.stateBytes + grow > maxTreeStateBytes) {
      const detail = `the job's tree would hold ${job.tree.stateBytes + grow} bytes of state; the limit is ${maxTreeStateBytes}`;
      return this.refuse(scope, job, "job_checkpoint", "LIMIT_EXCEEDED", overLimit("maxTreeStateBytes", ARG.state, state.length), detail);
    }
    try {
      this.deps.store.save(job.id, state, job);
    } catch (error) {
      const refused = this.refuse(scope, job, "job_checkpoint", "STORE_ERROR", NO_FIELDS, `the state store failed: ${(error as Error).message}`);
      this.deps.onStoreFailure?.(job, error);
      return refused;
    }
    job.tree.stateBytes += grow;
    job.checkpointBytes = state.length;
    job.keepCheckpointMetrics();
    job.trace.recordCheckpoint(job.id, state);
    return STATUS.OK;
  }

  /** ABI 1.1 job_checkpoint_stateless (checkpoint.stateless): the job's checkpoint becomes none. */
  checkpointStateless(scope: ExtensionScope, job: JobRecord): StatusCode {
    try {
      this.deps.store.clear(job.id, job);
    } catch (error) {
      const refused = this.refuse(scope, job, "job_checkpoint_stateless", "STORE_ERROR", NO_FIELDS, `the state store failed: ${(error as Error).message}`);
      this.deps.onStoreFailure?.(job, error);
      return refused;
    }
    job.tree.stateBytes -= job.checkpointBytes;
    job.checkpointBytes = 0;
    job.keepCheckpointMetrics(); // a checkpoint all the same: a job paused by a limit resumes with these counters
    job.trace.recordCheckpoint(job.id, null);
    return STATUS.OK;
  }

  loadState(job: JobRecord): Uint8Array | null {
    const state = this.deps.store.load(job.id);
    job.trace.recordLoadState(job.id, state);
    return state;
  }

  checkInterrupt(job: JobRecord): InterruptAnswer {
    const answer = this.deps.interrupts.check(job.id);
    job.trace.recordInterruptCheck(job.id, answer);
    return answer;
  }

  /**
   * ABI 1.1 job_progress (progress.structured): core's Progress as its JSON, checked for its size, its UTF-8 and its
   * shape, and recorded as the guest's text.
   */
  reportStructuredProgress(scope: ExtensionScope, job: JobRecord, json: TextArg): StatusCode {
    const text = this.text(scope, job, "job_progress", json, ARG.progressJson);
    if (text === null) return (typeof json === "string" ? utf8ByteLength(json) : json.length) > this.deps.limits.maxMessageBytes ? STATUS.LIMIT_EXCEEDED : STATUS.BAD_ARGUMENT;
    const progress = messageString(text);
    let problem: string | null;
    try {
      problem = progressProblem(parseExactJson(progress));
    } catch (error) {
      problem = `it is not JSON: ${(error as Error).message}`;
    }
    if (problem !== null) return this.refuse(scope, job, "job_progress", "BAD_ARGUMENT", about(ARG.progressJson), `the progress is not core's Progress: ${problem}`);
    job.trace.record({ kind: "job_progress", job: job.id, progress });
    return STATUS.OK;
  }

  /** ABI 1.1 job_metrics (metrics.read): the job's metrics as they stand, recorded as read. */
  readMetrics(job: JobRecord): MetricsSnapshot {
    const metrics = job.metrics.snapshot();
    job.trace.record({ kind: "metrics_read", job: job.id, metrics });
    return metrics;
  }

  /** ABI 1.1 job_wait_for_children (child.wait): the job's children run to their ends now; their statuses, recorded. */
  waitForChildren(job: JobRecord): { job: string; status: JobStatus }[] {
    const children = this.deps.waitForChildren(job).map((child) => ({ job: child.id, status: child.status }));
    job.trace.record({ kind: "children_waited", job: job.id, children });
    return children;
  }

  addWarning(scope: ExtensionScope, job: JobRecord, message: TextArg): void {
    if (job.metrics.warnings >= this.deps.limits.maxWarningsPerJob) {
      if (job.droppedWarnings++ === 0) {
        const limit = this.deps.limits.maxWarningsPerJob;
        this.refuse(scope, job, "job_add_warning", "LIMIT_EXCEEDED", overLimit("maxWarningsPerJob"), `a job may add ${limit} warnings; further warnings are dropped and counted`);
      }
      return;
    }
    const text = this.text(scope, job, "job_add_warning", message, ARG.warning);
    if (text === null) return;
    job.metrics.warnings++;
    job.trace.record({ kind: "warning", job: job.id, message: messageString(text) });
  }

  addNonCriticalError(scope: ExtensionScope, job: JobRecord, message: TextArg): void {
    const text = this.text(scope, job, "job_add_non_critical_error", message, ARG.error);
    if (text === null) return;
    job.metrics.nonCriticalErrors++;
    job.trace.record({ kind: "non_critical_error", job: job.id, message: messageString(text) });
  }

  /**
   * Adds a u64 given as its u32 words (wasm's i64 taken as u64; each side's boundary splits it), saturating. Words,
   * not a bigint: this is a job's busiest call, and bigint arithmetic allocates on every operation.
   *
   * `times` > 1 stands for that many identical calls in a row (the WASM boundary counts repeats of a call instead of
   * making them): the same effect and events as making them one by one, computed in closed form.
   */
  increment(job: JobRecord, field: "bytes" | "items", low: number, high: number, times = 1): void {
    if (times !== 1) {
      this.incrementRepeated(job, field, low, high, times);
      return;
    }
    const total = job.metrics.total(field);
    total.add(low, high);
    job.trace.recordMetrics(job.id, field, low, high, total.low, total.high);
  }

  private incrementRepeated(job: JobRecord, field: "bytes" | "items", low: number, high: number, times: number): void {
    if (times < 1 || !Number.isInteger(times)) throw new RangeError(`internal: an increment stands for 1 or more calls, not ${times}`);
    const total = job.metrics.total(field);
    total.add(low, high);
    const [firstLow, firstHigh] = [total.low, total.high];
    total.addRepeated(low, high, times - 1);
    job.trace.recordMetricsRun(job.id, field, low, high, firstLow, firstHigh, times);
  }

  /** The tree limits (child.tree), checked after a spawn's own: true when the spawn was refused (and recorded). */
  private treeRefuses(scope: ExtensionScope, parent: JobRecord, params: Uint8Array): boolean {
    const { maxTreeJobs, maxQueuedJobs, maxTreeStateBytes } = this.deps.limits;
    const { tree } = parent;
    const refuse = (fields: RefusalFields, detail: string) => (this.refuse(scope, parent, "job_spawn_child", "LIMIT_EXCEEDED", fields, detail), true);
    if (tree.jobs >= maxTreeJobs) return refuse(overLimit("maxTreeJobs"), `a tree of jobs may hold ${maxTreeJobs} jobs`);
    if (tree.queued >= maxQueuedJobs) return refuse(overLimit("maxQueuedJobs"), `a tree of jobs may have ${maxQueuedJobs} jobs queued and not yet started`);
    if (tree.stateBytes + params.length > maxTreeStateBytes) {
      return refuse(overLimit("maxTreeStateBytes", ARG.params, params.length), `the tree would hold ${tree.stateBytes + params.length} bytes of state; the limit is ${maxTreeStateBytes}`);
    }
    return false;
  }

  spawnChild(scope: ExtensionScope, parent: JobRecord, type: TextArg, params: Uint8Array): JobRecord | null {
    const typeName = this.name(scope, parent, "job_spawn_child", type, ARG.childType);
    if (typeName === null) return null;
    const jobType = this.deps.resolveType(scope, typeName);
    if (jobType === undefined) {
      this.refuse(scope, parent, "job_spawn_child", "UNKNOWN_JOB_TYPE", about(ARG.childType), `no job type "${typeName}" (registered by this extension or native to the host)`);
      return null;
    }
    const { maxChildrenPerJob, maxChildDepth } = this.deps.limits;
    if (parent.childrenSpawned >= maxChildrenPerJob) {
      this.refuse(scope, parent, "job_spawn_child", "LIMIT_EXCEEDED", overLimit("maxChildrenPerJob"), `a job may spawn at most ${maxChildrenPerJob} children`);
      return null;
    }
    if (parent.depth + 1 > maxChildDepth) {
      this.refuse(scope, parent, "job_spawn_child", "LIMIT_EXCEEDED", overLimit("maxChildDepth"), `children may nest at most ${maxChildDepth} deep`);
      return null;
    }
    if (this.treeRefuses(scope, parent, params)) return null;
    parent.childrenSpawned++;
    const child = this.deps.spawn(parent, typeName, jobType, params);
    parent.trace.record({ kind: "child_spawned", job: parent.id, child: child.id, type: typeName, params: bytesToTraceText(params) });
    return child;
  }

  /**
   * A wire call. Permissions apply per extension. Request and answer cross as JSON on both sides, so a native job
   * gets a parsed copy (never the host's live objects) and the trace keeps what was answered at the time.
   */
  call(scope: ExtensionScope, job: JobRecord | null, method: string, libraryId: string | null, payload: unknown): unknown {
    const parsed = payload instanceof UnparsedPayload ? payload : asJson(payload);
    const response =
      parsed instanceof UnparsedPayload
        ? { error: errorWords(`${method}: the payload is not JSON as serde_json reads it: ${JSON.stringify(parsed.text.slice(0, 80))}`), code: "BadPayload" }
        : (JSON.parse(JSON.stringify(this.deps.wire.call(method, libraryId, parsed, scope.gate))) as unknown);
    const request = parsed instanceof UnparsedPayload ? parsed.text : parsed;
    (job?.trace ?? scope.trace).record({ kind: "call", job: job?.id ?? null, method, library: libraryId, request, response });
    return response;
  }
}

