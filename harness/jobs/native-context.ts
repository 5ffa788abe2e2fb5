import { STATUS, type StatusCode } from "../abi/status.ts";
import { INTERRUPT, type InterruptAnswer } from "../abi/exports.ts";
import { encodeUtf8, u64Words } from "../abi/codec.ts";
import type { ImportName } from "../abi/imports.ts";
import type { JobStatus, LogLevel } from "../trace/events.ts";
import { progressJson, type Progress } from "./native-progress.ts";
import type { ExtensionScope } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { JobRecord } from "../host/job.ts";
import type { TextArg } from "../host/operations.ts";

const LEVEL_NUMBERS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** core's JobMetrics (core/src/infra/job/types.rs:96-102 @ be454a0b4) without duration_ms, which the ABI does not answer. */
export interface JobMetrics {
  readonly bytes_processed: bigint;
  readonly items_processed: bigint;
  readonly warnings_count: number;
  readonly non_critical_errors_count: number;
}

/** State as a native job passes it: bytes, or text that is stored as its UTF-8 bytes. */
export type StateArg = Uint8Array | string;

const toBytes = (state: StateArg) => (typeof state === "string" ? encodeUtf8(state) : state);

/**
 * The native job API, mirroring core's JobContext. Every method goes to the same host operation the matching WASM
 * import reaches; a context used after its run ended is refused like a stale job id.
 */
export class NativeJobContext {
  constructor(
    private readonly host: ReferenceHost,
    private readonly scope: ExtensionScope,
    readonly id: string,
    readonly libraryId: string,
  ) {}

  /** The start of every call, as the WASM boundary's: counted (call.count), then the job id resolved. */
  private job(name: ImportName): JobRecord | null {
    this.host.ops.countCall(this.scope);
    const job = this.host.registry.resolveId(this.scope, this.id);
    if (job === null) this.host.ops.notRunning(this.scope, name, this.id);
    return job;
  }

  /**
   * core's progress(Progress): a Progress value (native-progress.ts) is ABI 1.1's job_progress; a fraction and a
   * message are ABI 1.0's job_report_progress, the fraction rounded to f32 first, as it crosses the WASM boundary.
   */
  progress(progress: Progress): StatusCode;
  progress(fraction: number, message?: TextArg): void;
  progress(progress: number | Progress, message: TextArg = ""): StatusCode | void {
    if (typeof progress === "object") {
      const job = this.job("job_progress");
      return job ? this.host.ops.reportStructuredProgress(this.scope, job, progressJson(progress)) : STATUS.NOT_RUNNING_JOB;
    }
    const job = this.job("job_report_progress");
    if (job) this.host.ops.reportProgress(this.scope, job, Math.fround(progress), message);
  }

  /**
   * With a state, core's checkpoint_with_state (job_checkpoint; in v1 it saves even while an interrupt is pending).
   * Without one, core's checkpoint() (ABI 1.1's job_checkpoint_stateless): the job's checkpoint becomes none.
   */
  checkpoint(state?: StateArg): StatusCode {
    if (state === undefined) {
      const job = this.job("job_checkpoint_stateless");
      return job ? this.host.ops.checkpointStateless(this.scope, job) : STATUS.NOT_RUNNING_JOB;
    }
    const job = this.job("job_checkpoint");
    return job ? this.host.ops.checkpoint(this.scope, job, toBytes(state)) : STATUS.NOT_RUNNING_JOB;
  }

  /** core's checkpoint_with_state. */
  checkpointWithState(state: StateArg): StatusCode {
    return this.checkpoint(state);
  }

  /** core's save_state: the same host part as checkpoint (v1's checkpoint does not check for interrupts either). */
  saveState(state: StateArg): StatusCode {
    return this.checkpoint(state);
  }

  /** core's metrics() (ABI 1.1's job_metrics): the job's own metrics as they stand; null when refused. */
  metrics(): JobMetrics | null {
    const job = this.job("job_metrics");
    if (job === null) return null;
    const { bytes, items, warnings, nonCriticalErrors } = this.host.ops.readMetrics(job);
    return { bytes_processed: BigInt(bytes), items_processed: BigInt(items), warnings_count: warnings, non_critical_errors_count: nonCriticalErrors };
  }

  /** core's wait_for_children (ABI 1.1's job_wait_for_children): every child's id and status, in spawn order; null when refused. */
  waitForChildren(): { id: string; status: JobStatus }[] | null {
    const job = this.job("job_wait_for_children");
    return job ? this.host.ops.waitForChildren(job).map((child) => ({ id: child.job, status: child.status })) : null;
  }

  loadState(): Uint8Array | null {
    const job = this.job("job_load_state");
    return job ? this.host.ops.loadState(job) : null;
  }

  checkInterrupt(): InterruptAnswer {
    const job = this.job("job_check_interrupt");
    return job ? this.host.ops.checkInterrupt(job) : INTERRUPT.CONTINUE;
  }

  addWarning(message: TextArg): void {
    const job = this.job("job_add_warning");
    if (job) this.host.ops.addWarning(this.scope, job, message);
  }

  addNonCriticalError(message: TextArg): void {
    const job = this.job("job_add_non_critical_error");
    if (job) this.host.ops.addNonCriticalError(this.scope, job, message);
  }

  /** `n` is taken as it would cross the WASM boundary, as an i64 meaning u64: its low 64 bits (so -1 is 2^64-1). */
  incrementBytes(n: bigint | number): void {
    const job = this.job("job_increment_bytes");
    if (job) this.host.ops.increment(job, "bytes", ...u64Words(BigInt(n)));
  }

  /** As incrementBytes. */
  incrementItems(n: bigint | number): void {
    const job = this.job("job_increment_items");
    if (job) this.host.ops.increment(job, "items", ...u64Words(BigInt(n)));
  }

  /** Job-scoped log (job_log). Levels are names or Spacedrive's numbers (other numbers mean info). */
  log(level: LogLevel | number, message: TextArg): void {
    const job = this.job("job_log");
    if (job) this.host.ops.log(this.scope, job, "job_log", typeof level === "number" ? level : LEVEL_NUMBERS[level], message);
  }

  /** core's log_debug: a job-scoped line at level debug. */
  logDebug(message: TextArg): void {
    this.log("debug", message);
  }

  /** Log through the instance-level channel (spacedrive_log): attributed to this job while it runs. */
  instanceLog(level: LogLevel | number, message: TextArg): void {
    this.host.ops.countCall(this.scope);
    this.host.ops.log(this.scope, this.scope.currentJob, "spacedrive_log", typeof level === "number" ? level : LEVEL_NUMBERS[level], message);
  }

  /** Queues a child job; `params` become its initial state. Returns the child's id, or null when refused. */
  spawnChild(type: TextArg, params: StateArg = new Uint8Array()): string | null {
    const job = this.job("job_spawn_child");
    return job ? (this.host.ops.spawnChild(this.scope, job, type, toBytes(params))?.id ?? null) : null;
  }

  /** A wire call, as spacedrive_call: attributed to the job running on this extension. */
  call(method: string, payload: unknown = {}, libraryId: string | null = null): unknown {
    this.host.ops.countCall(this.scope);
    return this.host.ops.call(this.scope, this.scope.currentJob, method, libraryId, payload);
  }

  /** core's ctx.library(): wire calls against this job's library. */
  library(): LibraryClient {
    return new LibraryClient(this, this.libraryId);
  }

  /** core's ctx.networking_service(); when networking is off every call answers NetworkingDisabled. */
  networking(): NetworkingClient {
    return new NetworkingClient(this);
  }
}

export class LibraryClient {
  constructor(
    private readonly ctx: NativeJobContext,
    readonly id: string,
  ) {}

  createEntry(entry: { name: string; path: string; entry_type: string }): unknown {
    return this.ctx.call("action:entries.create.input", entry, this.id);
  }

  listEntries(): unknown {
    return this.ctx.call("query:entries.list", {}, this.id);
  }

  writeSidecar(sidecar: { entry_id: string; name: string; content: string }): unknown {
    return this.ctx.call("action:sidecars.write.input", sidecar, this.id);
  }
}

export class NetworkingClient {
  constructor(private readonly ctx: NativeJobContext) {}

  peers(): unknown {
    return this.ctx.call("query:network.peers", {});
  }

  send(peer: string, message: string): unknown {
    return this.ctx.call("action:network.send.input", { peer, message });
  }
}
