import { U64_MAX } from "./codec.ts";
import { isJsonObject, JsonNumber, type ExactJson } from "./json-exact.ts";

/**
 * Core's `Progress` (core/src/infra/job/progress.rs:12-31 @ be454a0b4) as ABI 1.1's job_progress carries it: the JSON
 * serde writes for it, `{"type": <kind>, "data": <data>}`. This module says which JSON is a progress (clause
 * progress.structured); the host records a progress as the guest's text, so nothing here rewrites one.
 */

export const PROGRESS_KINDS = ["Count", "Percentage", "Indeterminate", "Bytes", "Structured", "Generic"] as const;
export type ProgressKind = (typeof PROGRESS_KINDS)[number];

/** Each kind's `data`, as the ABI document states it. */
export const PROGRESS_DATA: Readonly<Record<ProgressKind, string>> = {
  Count: "`{current: u64, total: u64}`",
  Percentage: "a number from 0 to 1",
  Indeterminate: "a string",
  Bytes: "`{current: u64, total: u64}`",
  Structured: "any JSON value",
  Generic:
    "`{percentage: a number from 0 to 1, phase: string, current_path?: any, message: string, completion: {completed: u64, total: u64, bytes_completed?: u64 | null, " +
    "total_bytes?: u64 | null}, performance: {rate: f32, estimated_remaining?: Duration | null, elapsed?: Duration | null, error_count: u64, " +
    "warning_count: u64}, metadata?: any}`, a Duration being `{secs: u64, nanos: u32 below 10^9}`",
};

const F32_MAX = 3.4028234663852886e38;

/** A field's problem, or null. */
type Check = (value: ExactJson | undefined, path: string) => string | null;

const u64: Check = (value, path) => {
  const n = value instanceof JsonNumber ? value.unsigned() : null;
  return n !== null && n <= U64_MAX ? null : `${path} must be an integer from 0 to 2^64 - 1, written without fraction or exponent`;
};
const below = (limit: bigint): Check => (value, path) => {
  const n = value instanceof JsonNumber ? value.unsigned() : null;
  return n !== null && n < limit ? null : `${path} must be an integer from 0 to ${limit - 1n}`;
};
const fraction: Check = (value, path) =>
  value instanceof JsonNumber && value.value >= 0 && value.value <= 1 ? null : `${path} must be a number from 0 to 1`;
const f32: Check = (value, path) =>
  value instanceof JsonNumber && Math.abs(value.value) <= F32_MAX ? null : `${path} must be a number an f32 can hold`;
const string: Check = (value, path) => (typeof value === "string" ? null : `${path} must be a string`);
const any: Check = (value, path) => (value === undefined ? `${path} is missing` : null);
const optional = (check: Check): Check => (value, path) => (value === undefined || value === null ? null : check(value, path));
const object = (fields: Readonly<Record<string, Check>>): Check => (value, path) => {
  if (!isJsonObject(value)) return `${path} must be an object`;
  for (const [name, check] of Object.entries(fields)) {
    const problem = check(value[name], `${path}.${name}`);
    if (problem !== null) return problem;
  }
  return null;
};
const duration = object({ secs: u64, nanos: below(1_000_000_000n) });
const counts = object({ current: u64, total: u64 });

const DATA: Readonly<Record<ProgressKind, Check>> = {
  Count: counts,
  Percentage: fraction,
  Indeterminate: string,
  Bytes: counts,
  Structured: any,
  Generic: object({
    percentage: fraction,
    phase: string,
    message: string,
    completion: object({ completed: u64, total: u64, bytes_completed: optional(u64), total_bytes: optional(u64) }),
    performance: object({ rate: f32, estimated_remaining: optional(duration), elapsed: optional(duration), error_count: u64, warning_count: u64 }),
  }),
};

/**
 * What makes `value` not a progress, or null when it is one. Members the ABI does not name are ignored (as serde
 * ignores unknown fields); a `current_path` or `metadata` may be any JSON, or absent.
 */
export function progressProblem(value: ExactJson): string | null {
  if (!isJsonObject(value)) return "a progress must be a JSON object {type, data}";
  const kind = value.type;
  if (typeof kind !== "string" || !(PROGRESS_KINDS as readonly string[]).includes(kind)) {
    return `type must be one of ${PROGRESS_KINDS.join(", ")}`;
  }
  return DATA[kind as ProgressKind](value.data, "data");
}
