import type { JobStatus } from "../trace/events.ts";
import type { MetricsSnapshot } from "./metrics.ts";

/** The last progress a job reported, as lists of jobs show it. */
export interface ProgressSnapshot {
  readonly value: number;
  readonly message: string;
}

/**
 * What a checkpoint carries besides the state: the job's counters at that moment, so a resume restores both. The
 * counters are snapshot by the store during the save (a JobRecord is a CheckpointMeta), so a store that keeps no
 * counters, like the in-memory one, costs the checkpoint path nothing for them.
 */
export interface CheckpointMeta {
  readonly metrics: { snapshot(): MetricsSnapshot };
  readonly counts: JobCounts;
  readonly progress: ProgressSnapshot | null;
}

/** A job's row as a durable store keeps it: everything a new process needs to list it or resume it. */
export interface JobSnapshot {
  readonly id: string;
  /** The job type (a registered name, an export name or a native type). */
  readonly type: string;
  readonly extensionId: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly status: JobStatus;
  /** State given at dispatch (a child's params); the first run receives it. */
  readonly initialState: Uint8Array | null;
  readonly runs: number;
  readonly exitCodes: readonly number[];
  readonly metrics: MetricsSnapshot;
  /** Its counts towards the per-job limits, which are the job's, not a run's (run.resume): a resume goes on from them. */
  readonly counts: JobCounts;
  /**
   * The metrics of its last checkpoint, when a durable store kept them apart from `metrics` (which a later status
   * change may have moved on): a job a limit, a store failure or a crash stops goes back to these.
   */
  readonly checkpointMetrics?: MetricsSnapshot | null;
  readonly progress: ProgressSnapshot | null;
  readonly error: string | null;
}

/** A job's counts towards the per-job limits: log lines recorded and dropped, warnings dropped, children spawned. */
export interface JobCounts {
  readonly logLines: number;
  readonly droppedLogLines: number;
  readonly droppedWarnings: number;
  readonly childrenSpawned: number;
}

/** A new job's counts. */
export const NO_COUNTS: JobCounts = Object.freeze({ logLines: 0, droppedLogLines: 0, droppedWarnings: 0, childrenSpawned: 0 });

/**
 * Where checkpoints live. The in-memory store is the default for tests; the SQLite store (sqlite-store.ts) implements
 * the same interface durably. A save either replaces the previous checkpoint wholly or throws and keeps it.
 */
export interface StateStore {
  save(jobId: string, state: Uint8Array, meta?: CheckpointMeta): void;
  load(jobId: string): Uint8Array | null;
  discard(jobId: string): void;
  /**
   * A checkpoint without state (job_checkpoint_stateless): the job's checkpoint becomes none, with `meta`'s counters
   * as save keeps them. Happens wholly or throws, as save.
   */
  clear(jobId: string, meta?: CheckpointMeta): void;
  /**
   * A durable store keeps the job table: the host reports each job when it is created and after each status change.
   * Stores without one (the in-memory store) leave it out.
   */
  recordJob?(job: JobSnapshot): void;
}

export class MemoryStateStore implements StateStore {
  private readonly states = new Map<string, Uint8Array>();

  save(jobId: string, state: Uint8Array): void {
    this.states.set(jobId, state.slice()); // a copy: the caller's bytes may be a view of guest memory
  }

  load(jobId: string): Uint8Array | null {
    return this.states.get(jobId) ?? null;
  }

  discard(jobId: string): void {
    this.states.delete(jobId);
  }

  clear(jobId: string): void {
    this.states.delete(jobId);
  }
}
