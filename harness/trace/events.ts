import type { StatusName } from "../abi/status.ts";

/** Lifecycle shared by native and WASM jobs (core's JobStatus). */
export type JobStatus = "Queued" | "Running" | "Paused" | "Completed" | "Failed" | "Cancelled";
export const TERMINAL_STATUSES: readonly JobStatus[] = ["Completed", "Failed", "Cancelled"];

export type LogLevel = "debug" | "info" | "warn" | "error";
/** The log levels in Spacedrive's numbering: 0 debug, 1 info, 2 warn, 3 error. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Why a run ended, on the status event that ends it. */
export type RunEnd = { cause: "returned"; code: number } | { cause: "trap" } | { cause: "timeout" };

/**
 * One host-observable event. `job` is the job's UUID while recording (null: no job was running) and becomes `job:N`
 * after normalization. u64 values are bigint while recording and decimal strings after normalization, so recording
 * never formats numbers on the hot path.
 */
export type TraceEvent =
  | { kind: "status"; job: string; status: JobStatus; end?: RunEnd }
  | { kind: "job_registered"; job: null; name: string; export: string; resumable: boolean }
  | { kind: "progress"; job: string; value: number; message: string }
  /**
   * `state` null: a stateless checkpoint (ABI 1.1), after which the job has no checkpoint. In a windowed trace
   * (exec, resume: see TraceRecorder.setWindow) a checkpoint with a state also has the state's `sha256`, and only the
   * job's newest checkpoint keeps its state: an older one reads `state` null with its `bytes` and `sha256`.
   */
  | { kind: "checkpoint"; job: string; state: string | null; bytes: number; sha256?: string }
  /** `state` null: there was none. Windowed, a state loaded has `bytes` and `sha256` too, and only the newest keeps it. */
  | { kind: "load_state"; job: string; state: string | null; bytes?: number; sha256?: string }
  | { kind: "interrupt_check"; job: string; answer: 0 | 1 | 2 }
  | { kind: "warning"; job: string; message: string }
  | { kind: "non_critical_error"; job: string; message: string }
  | { kind: "log"; job: string | null; level: LogLevel; message: string }
  | { kind: "metrics"; job: string; field: "bytes" | "items"; delta: bigint | string; total: bigint | string }
  | { kind: "child_spawned"; job: string; child: string; type: string; params: string }
  | { kind: "call"; job: string | null; method: string; library: string | null; request: unknown; response: unknown }
  /** ABI 1.1: a progress as core's Progress JSON, the guest's text as it wrote it. */
  | { kind: "job_progress"; job: string; progress: string }
  /** ABI 1.1: the metrics job_metrics answered. */
  | { kind: "metrics_read"; job: string; metrics: { bytes: bigint | string; items: bigint | string; warnings: number; nonCriticalErrors: number } }
  /** ABI 1.1: job_wait_for_children's answer: every child of the job, in spawn order, with its status once waited for. */
  | { kind: "children_waited"; job: string; children: { job: string; status: JobStatus }[] }
  | {
      kind: "abi_violation";
      job: string | null;
      import: string;
      code: StatusName;
      /** The parameter the refusal is about (its name in the imports table), or null. */
      arg: string | null;
      /** The limit that was reached (its handshake name), for LIMIT_EXCEEDED; else null. */
      limit: string | null;
      /** The size in bytes that was too large, or asked of wasm_alloc; else null. */
      size: number | null;
      /** Words for people; never compared. */
      detail: string;
    };

export type TraceEventKind = TraceEvent["kind"];

export const TRACE_EVENT_KINDS: readonly TraceEventKind[] = [
  "status",
  "job_registered",
  "progress",
  "checkpoint",
  "load_state",
  "interrupt_check",
  "warning",
  "non_critical_error",
  "log",
  "metrics",
  "child_spawned",
  "call",
  "abi_violation",
  "job_progress",
  "metrics_read",
  "children_waited",
];
