/**
 * The job program IR: a typed, JSON-serializable description of what a job does, rendered to a WAT/wasm guest and
 * run natively through the JobContext API. Every value a program computes reaches the trace (the echo rules below),
 * because a value nobody observes cannot diverge visibly.
 *
 * A job runs `before`, then its loop for i = start .. steps-1 (start comes from the state: "i=<n>", else 0), then
 * `after`, then `end`. Checkpoints save "i=<i>" (so a resume redoes step i: at-least-once, like core's jobs).
 */
export interface JobProgram {
  readonly version: 1;
  /** jobs[0] is the root; every job is registered in plugin_init under its name and can be spawned as a child. */
  readonly jobs: readonly ProgramJob[];
}

export interface ProgramJob {
  /** [a-z][a-z0-9_]*; the export is `run_<name>`. */
  readonly name: string;
  readonly steps: number;
  readonly before: readonly Op[];
  readonly body: readonly Op[];
  readonly after: readonly Op[];
  readonly end: End;
}

/** How a job ends when it gets there: return a code (0..2 or a bad one) or trap. */
export type End = { readonly kind: "return"; readonly code: number } | { readonly kind: "trap" };

/** A message: text, or raw bytes (which may be invalid UTF-8, to exercise refusals). */
export type Message = string | { readonly bytes: readonly number[] };

export type ProgressValue = number | "nan" | "inf" | "-inf";

export type LibraryChoice = "none" | "job" | "foreign";

/** A library id no host has: calls naming it are refused (not found, or denied by the manifest). */
export const FOREIGN_LIBRARY_ID = "00000000-0000-4000-8000-00000000f0e1";

export type Op =
  /** job_report_progress with a constant f32 value. */
  | { readonly op: "progress"; readonly value: ProgressValue; readonly message: Message }
  /** job_report_progress with (i+1)/steps in f32 and "<message> <i+1>/<steps>". Outside the loop i = start or steps. */
  | { readonly op: "progress_step"; readonly message: string }
  /** job_check_interrupt; on a non-zero answer: checkpoint "i=<i>" and return 1, return 1, or continue. */
  | { readonly op: "check"; readonly onInterrupt: "checkpoint_return" | "return" | "continue" }
  /** job_checkpoint "i=<i>" when (i+1) % every == 0 (always outside the loop); a non-zero status is logged. */
  | { readonly op: "checkpoint"; readonly every: number }
  /** job_load_state; the loaded bytes are logged as "state=<bytes>" or "state=none". */
  | { readonly op: "load_state" }
  | { readonly op: "warning"; readonly message: Message }
  | { readonly op: "error"; readonly message: Message }
  /** job_log (channel "job") or spacedrive_log (channel "instance"), any i32 level. */
  | { readonly op: "log"; readonly channel: "job" | "instance"; readonly level: number; readonly message: Message }
  /** job_increment_bytes / job_increment_items; n is a u64 in decimal. */
  | { readonly op: "bytes" | "items"; readonly n: string }
  /** job_spawn_child; the answer is logged as "child=<len>:<32 hex digits>" or "child=none". */
  | { readonly op: "spawn"; readonly type: string; readonly params: string }
  /** spacedrive_call with a JSON payload; the answer is logged as "answer=<json>" or "answer=none". */
  | { readonly op: "call"; readonly method: string; readonly library: LibraryChoice; readonly payload: string }
  // ABI 1.1: a program using any of these renders as a 1.1 guest (programAbi).
  /**
   * job_progress with `progress`, core's Progress as JSON text, passed byte for byte (valid or not, so refusals are
   * exercised); the status is logged as "progress_kind=<status>". The text must be what progressJson writes for some
   * object (render-native.ts says why), as the generator's texts are.
   */
  | { readonly op: "progress_kind"; readonly progress: string }
  /** job_metrics into a 24-byte buffer; logged as "metrics=<bytes>,<items>,<warnings>,<errors>" (decimal) or "metrics status=<status>". */
  | { readonly op: "metrics_read" }
  /** job_checkpoint_stateless; a non-zero status is logged as "checkpoint_stateless status=<status>". */
  | { readonly op: "checkpoint_stateless" }
  /**
   * job_wait_for_children: the job's queued children run inside the call; the answer is logged as "wait=<json>" or
   * "wait=none". The guest takes its job id from its context again after the call (a child's run overwrote it).
   */
  | { readonly op: "wait_children" };

export type OpKind = Op["op"];

export const OP_KINDS: readonly OpKind[] = [
  "progress",
  "progress_step",
  "check",
  "checkpoint",
  "load_state",
  "warning",
  "error",
  "log",
  "bytes",
  "items",
  "spawn",
  "call",
  "progress_kind",
  "metrics_read",
  "checkpoint_stateless",
  "wait_children",
];

/** The ops only ABI 1.1 has imports for. */
export const ABI_1_1_OPS: ReadonlySet<OpKind> = new Set<OpKind>(["progress_kind", "metrics_read", "checkpoint_stateless", "wait_children"]);

/** The export a 1.1 guest carries (version.marker); a guest without one is 1.0, and cannot link 1.1's imports. */
export const ABI_1_1_MARKER = "spacedrive_abi_version_1_1";

/** The ABI a program needs: 1.1 when any job uses a 1.1 op, else 1.0 (rendered exactly as before 1.1 existed). */
export function programAbi(program: JobProgram): "1.0" | "1.1" {
  for (const job of program.jobs) {
    for (const ops of [job.before, job.body, job.after]) if (ops.some((op) => ABI_1_1_OPS.has(op.op))) return "1.1";
  }
  return "1.0";
}

export const exportName = (job: ProgramJob) => `run_${job.name}`;

export function messageBytes(message: Message): Uint8Array {
  return typeof message === "string" ? new TextEncoder().encode(message) : Uint8Array.from(message.bytes);
}

/** The f32 a progress op passes. */
export function progressValue(value: ProgressValue): number {
  if (value === "nan") return NaN;
  if (value === "inf") return Infinity;
  if (value === "-inf") return -Infinity;
  return Math.fround(value);
}
