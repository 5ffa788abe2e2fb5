import { TraceRecorder } from "../trace/recorder.ts";
import { TERMINAL_STATUSES, type JobStatus, type RunEnd } from "../trace/events.ts";
import { uuidToBytes } from "../abi/codec.ts";
import { JobMetrics } from "./metrics.ts";

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
  runs = 0;
  childrenSpawned = 0;
  logLines = 0;
  droppedLogLines = 0;
  droppedWarnings = 0;
  /** The trap or failure message of the last run, for people; never compared across sides. */
  error: string | null = null;
  readonly exitCodes: number[] = [];

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
    this.trace.record({ kind: "status", job: id, status: "Queued" });
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
