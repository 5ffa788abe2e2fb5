import { TraceRecorder } from "../trace/recorder.ts";
import { JobTree } from "./job-tree.ts";
import { TERMINAL_STATUSES, type JobStatus, type RunEnd } from "../trace/events.ts";
import { uuidToBytes } from "../abi/codec.ts";
import type { MessageText } from "../abi/memory.ts";
import { JobMetrics } from "./metrics.ts";
import type { JobCounts, JobSnapshot, ProgressSnapshot } from "./state-store.ts";

const ALLOWED: Record<JobStatus, readonly JobStatus[]> = {
  Queued: ["Running", "Cancelled"],
  Running: ["Paused", "Completed", "Failed", "Cancelled"],
  Paused: ["Running", "Cancelled"],
  Completed: [],
  Failed: [],
  Cancelled: [],
};

export class LifecycleError extends Error {
  readonly code = "JP_LIFECYCLE";
}

/** One job, native or WASM: identity, lifecycle, metrics, and its own trace. */
export class JobRecord {
  status: JobStatus = "Queued";
  readonly metrics = new JobMetrics();
  readonly trace = new TraceRecorder();
  readonly idBytes: Uint8Array;
  /** idBytes as four little-endian i32 words: the WASM boundary compares a guest's job id with four reads. */
  readonly idWords: readonly number[];
  runs = 0;
  childrenSpawned = 0;
  /** The tree the job belongs to (child.tree); the host sets it when it admits the job. */
  tree = new JobTree();
  /** The size of the job's current checkpoint, as its tree counts it. */
  checkpointBytes = 0;
  logLines = 0;
  droppedLogLines = 0;
  droppedWarnings = 0;
  /**
   * The counters as of the job's last checkpoint (null: none since the job was created; zero): a job a time limit
   * paused resumes from that checkpoint, so its counters go back to these, as a crash's do (HostOptions.onTimeout).
   */
  checkpointMetrics: JobMetrics | null = null;
  /** The trap or failure message of the last run, for people; never compared across sides. */
  error: string | null = null;
  readonly exitCodes: number[] = [];
  // The last progress reported (NaN: none): its value, and its message as the trace keeps it (a report is a hot call:
  // no object is made per report, and a message passed as bytes is decoded only when read).
  private progressValue = Number.NaN;
  /** A restored job's progress message, until its trace records a progress of its own. */
  private storedProgressMessage = "";

  constructor(
    readonly id: string,
    /** Creation order within the host: 0 for the first job, as `job:0` in normalized traces. */
    readonly index: number,
    readonly type: string,
    readonly extensionId: string,
    readonly parentId: string | null,
    readonly depth: number,
    /** State given at dispatch (a child's params); the first run receives it. */
    readonly initialState: Uint8Array | null,
  ) {
    this.idBytes = uuidToBytes(id);
    const words = new DataView(this.idBytes.buffer, this.idBytes.byteOffset, 16);
    this.idWords = [0, 4, 8, 12].map((offset) => words.getInt32(offset, true));
    this.trace.record({ kind: "status", job: id, status: "Queued" });
  }

  /**
   * A job read back from a durable store in a new process: same id, runs, counters, counts towards the per-job
   * limits and status (Queued or Paused; a terminal job is not restored), and its checkpoint's size, which its tree
   * counts (`checkpointBytes`). Its trace starts at the status it was stored in.
   */
  static restore(stored: JobSnapshot, index: number, checkpointBytes: number, finished = false): JobRecord {
    const resumable = stored.status === "Queued" || stored.status === "Paused";
    if (resumable === finished) {
      throw new LifecycleError(`job ${stored.id} is ${stored.status}; only ${finished ? "a finished job is restored as one" : "Queued or Paused jobs can be restored"}`);
    }
    const job = new JobRecord(stored.id, index, stored.type, stored.extensionId, stored.parentId, stored.depth, stored.initialState);
    job.status = stored.status;
    job.trace.events[0] = { kind: "status", job: job.id, status: stored.status };
    job.runs = stored.runs;
    job.exitCodes.push(...stored.exitCodes);
    job.metrics.bytes = BigInt(stored.metrics.bytes);
    job.metrics.items = BigInt(stored.metrics.items);
    job.metrics.warnings = stored.metrics.warnings;
    job.metrics.nonCriticalErrors = stored.metrics.nonCriticalErrors;
    job.logLines = stored.counts.logLines;
    job.droppedLogLines = stored.counts.droppedLogLines;
    job.droppedWarnings = stored.counts.droppedWarnings;
    job.childrenSpawned = stored.counts.childrenSpawned;
    job.checkpointBytes = checkpointBytes;
    // The counters its last checkpoint left, which a limit, a store failure or a crash takes it back to: kept apart by
    // the store; else (a store that keeps none) the stored ones stand for them.
    job.checkpointMetrics = new JobMetrics();
    if (stored.checkpointMetrics) {
      job.checkpointMetrics.bytes = BigInt(stored.checkpointMetrics.bytes);
      job.checkpointMetrics.items = BigInt(stored.checkpointMetrics.items);
      job.checkpointMetrics.warnings = stored.checkpointMetrics.warnings;
      job.checkpointMetrics.nonCriticalErrors = stored.checkpointMetrics.nonCriticalErrors;
    } else {
      job.checkpointMetrics.copyFrom(job.metrics);
    }
    job.progress = stored.progress;
    job.error = stored.error;
    return job;
  }

  /** The job as a durable store keeps it. */
  snapshot(): JobSnapshot {
    return {
      id: this.id,
      type: this.type,
      extensionId: this.extensionId,
      parentId: this.parentId,
      depth: this.depth,
      status: this.status,
      initialState: this.initialState,
      runs: this.runs,
      exitCodes: [...this.exitCodes],
      metrics: this.metrics.snapshot(),
      counts: this.counts,
      progress: this.progress,
      error: this.error,
    };
  }

  /** Its counts towards the per-job limits, as a durable store keeps them. */
  get counts(): JobCounts {
    return { logLines: this.logLines, droppedLogLines: this.droppedLogLines, droppedWarnings: this.droppedWarnings, childrenSpawned: this.childrenSpawned };
  }

  /** The last progress reported, for job lists; the trace has every report. */
  get progress(): ProgressSnapshot | null {
    if (Number.isNaN(this.progressValue)) return null;
    return { value: this.progressValue, message: this.trace.lastProgressMessage() ?? this.storedProgressMessage };
  }

  /** The progress a stored job had (see restore); not a report: the trace records nothing. */
  set progress(progress: ProgressSnapshot | null) {
    this.progressValue = progress?.value ?? Number.NaN;
    this.storedProgressMessage = progress?.message ?? "";
  }

  /** Reports progress: `value` (not NaN) and `message` become the last progress, recorded in the job's trace. */
  reportProgress(value: number, message: MessageText): void {
    this.progressValue = value;
    this.trace.recordProgress(this.id, value, message);
  }

  /** A checkpoint was saved: its counters are the job's now. */
  keepCheckpointMetrics(): void {
    (this.checkpointMetrics ??= new JobMetrics()).copyFrom(this.metrics);
  }

  /** The counters go back to those of the job's last checkpoint (zero when it has none), which it resumes from. */
  restoreCheckpointMetrics(): void {
    this.metrics.copyFrom(this.checkpointMetrics ?? new JobMetrics());
  }

  get terminal(): boolean {
    return TERMINAL_STATUSES.includes(this.status);
  }

  transition(status: JobStatus, end?: RunEnd): void {
    if (!ALLOWED[this.status].includes(status)) {
      throw new LifecycleError(`job ${this.id} cannot move from ${this.status} to ${status}`);
    }
    this.status = status;
    this.trace.record(end === undefined ? { kind: "status", job: this.id, status } : { kind: "status", job: this.id, status, end });
  }
}
