/**
 * Core's `Progress` for native jobs (core/src/infra/job/progress.rs:12-62 @ be454a0b4): the same kinds, made by the
 * same constructors, so a native twin reads like a core job: `ctx.progress(Progress.count(3, 10))`. A progress crosses
 * to the host as its JSON, as ABI 1.1's job_progress carries it, so both sides reach the one host part.
 */

/** A u64 field: a bigint, or a number that is a safe integer. */
export type U64 = bigint | number;

/** core's std::time::Duration as serde writes it. */
export interface Duration {
  readonly secs: U64;
  readonly nanos: number;
}

/** core's GenericProgress (generic_progress.rs:14-72), optional fields left out when absent. */
export interface GenericProgress {
  readonly percentage: number;
  readonly phase: string;
  readonly current_path?: unknown;
  readonly message: string;
  readonly completion: { readonly completed: U64; readonly total: U64; readonly bytes_completed?: U64 | null; readonly total_bytes?: U64 | null };
  readonly performance: {
    readonly rate: number;
    readonly estimated_remaining?: Duration | null;
    readonly elapsed?: Duration | null;
    readonly error_count: U64;
    readonly warning_count: U64;
  };
  readonly metadata?: unknown;
}

export type Progress =
  | { readonly type: "Count"; readonly data: { readonly current: U64; readonly total: U64 } }
  | { readonly type: "Percentage"; readonly data: number }
  | { readonly type: "Indeterminate"; readonly data: string }
  | { readonly type: "Bytes"; readonly data: { readonly current: U64; readonly total: U64 } }
  | { readonly type: "Structured"; readonly data: unknown }
  | { readonly type: "Generic"; readonly data: GenericProgress };

/** core's constructors (progress.rs:34-62); `percentage` clamps to 0..1 as core's does. */
export const Progress = {
  count: (current: U64, total: U64): Progress => ({ type: "Count", data: { current, total } }),
  percentage: (value: number): Progress => ({ type: "Percentage", data: Math.min(1, Math.max(0, value)) }),
  indeterminate: (message: string): Progress => ({ type: "Indeterminate", data: message }),
  bytes: (current: U64, total: U64): Progress => ({ type: "Bytes", data: { current, total } }),
  structured: (data: unknown): Progress => ({ type: "Structured", data }),
  generic: (progress: GenericProgress): Progress => ({ type: "Generic", data: progress }),
} as const;

/** A progress as compact JSON, members in the order they were written, bigints as exact integers. */
export function progressJson(progress: Progress): string {
  return jsonText(progress);
}

function jsonText(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map((item) => jsonText(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${members.map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
