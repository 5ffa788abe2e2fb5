import type { CapabilityId } from "./capabilities.ts";
import type { StatusName } from "./status.ts";

/** Wasm value types that cross the boundary. Pointers and lengths are i32 with u32 meaning; u64 is i64. */
export type ValType = "i32" | "i64" | "f32" | "f64";

/** What a parameter means to the host, which decides how the boundary decodes it. */
export type ParamRole =
  | "job_id" // pointer to 16 raw UUID bytes
  | "ptr"
  | "len"
  | "level"
  | "flag"
  | "f32_progress"
  | "u64";

export interface ParamSpec {
  readonly name: string;
  readonly type: ValType;
  readonly role: ParamRole;
}

/**
 * How a call answers: nothing (`void`: a bad call has no effect and leaves an abi_violation event), a status code
 * (`status`), or a pointer to host-written bytes in guest memory, 0 meaning nothing was written (`pointer`).
 */
export type ResultKind = "void" | "status" | "pointer" | "interrupt";

/** Where an import comes from: Spacedrive's host today, or added by ABI 1.0 or 1.1 to close a gap. */
export type ImportOrigin = "spacedrive" | "v1" | "v1.1";

/** The ABI versions, oldest first. A guest sees the imports of its version and of every older one. */
export type AbiVersionName = "1.0" | "1.1";

export interface ImportSpec {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  readonly results: readonly ValType[];
  readonly result: ResultKind;
  readonly capabilities: readonly CapabilityId[];
  readonly origin: ImportOrigin;
  /** The first ABI version that has the import: a guest asking for an older version does not see it (link.imports). */
  readonly since: AbiVersionName;
  /** Status codes this import can report (returned, or recorded in an abi_violation event for void calls). */
  readonly statuses: readonly StatusName[];
  readonly meaning: string;
  /**
   * Whether identical consecutive calls may be counted and applied together: the call answers nothing and its only
   * effects are recorded, so the host learns of repeats before anything can observe them. The import trampoline counts
   * them in wasm (a job's busiest calls, job_increment_items(1) per item, then cost no crossing into JS each).
   * Signature (job_id_ptr i32, n i64) -> ().
   */
  readonly coalescible?: true;
}

const p = (name: string, type: ValType, role: ParamRole): ParamSpec => ({ name, type, role });
const jobId = p("job_id_ptr", "i32", "job_id");
const ptr = (name: string) => p(name, "i32", "ptr");
const len = (name: string) => p(name, "i32", "len");

/** The import module every guest links against. */
export const IMPORT_MODULE = "spacedrive";

/**
 * ABI v1, import module `spacedrive`. The first nine entries are the nine imports Spacedrive's host defines today, with
 * their types (core/src/infra/extension/manager.rs:145-198; host_functions.rs:39-46, 159-164, 417-424 and the job
 * functions at :274-402 @ be454a0b4), which SDK guests link against (the copied SDK file declares the six job imports
 * alike, crates/sdk/src/job_context.rs:10-23); changing them breaks every existing guest. ABI 1.1 adds the last four,
 * for guests that ask for 1.1. Linking, signature checks, the ABI document and the coverage gate all read this table.
 */
export const IMPORTS: readonly ImportSpec[] = [
  {
    name: "spacedrive_log",
    params: [p("level", "i32", "level"), ptr("msg_ptr"), len("msg_len")],
    results: [],
    result: "void",
    capabilities: ["logging"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    meaning: "log a line: 0 debug, 1 info, 2 warn, 3 error, any other level = info; attributed to the job running on this instance, if any",
  },
  {
    name: "spacedrive_call",
    params: [ptr("method_ptr"), len("method_len"), ptr("library_id_ptr"), ptr("payload_ptr"), len("payload_len")],
    results: ["i32"],
    result: "pointer",
    capabilities: ["library", "networking"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "BAD_ARGUMENT", "LIMIT_EXCEEDED", "ALLOCATION_FAILED"],
    meaning: "wire call `query:<name>` / `action:<name>.input` with a JSON payload and an optional library id (ptr 0 = none); returns a pointer to the length-prefixed JSON answer, errors as {\"error\", \"code\"}",
  },
  {
    name: "register_job",
    params: [ptr("name_ptr"), len("name_len"), ptr("export_ptr"), len("export_len"), p("resumable", "i32", "flag")],
    results: ["i32"],
    result: "status",
    capabilities: [],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "BAD_ARGUMENT", "DUPLICATE", "UNKNOWN_EXPORT", "WRONG_PHASE"],
    meaning: "register a job type (from plugin_init only): name -> job export",
  },
  {
    name: "job_report_progress",
    params: [jobId, p("progress", "f32", "f32_progress"), ptr("msg_ptr"), len("msg_len")],
    results: [],
    result: "void",
    capabilities: ["progress"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    meaning: "report progress: an f32 fraction clamped to 0..1 (NaN refused) and a message",
  },
  {
    name: "job_checkpoint",
    params: [jobId, ptr("state_ptr"), len("state_len")],
    results: ["i32"],
    result: "status",
    capabilities: ["checkpoint", "save_state"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "LIMIT_EXCEEDED", "STORE_ERROR"],
    meaning: "save the state bytes as the job's checkpoint, even while an interrupt is pending",
  },
  {
    name: "job_check_interrupt",
    params: [jobId],
    results: ["i32"],
    result: "interrupt",
    capabilities: ["interrupt"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB"],
    meaning: "0 continue, 1 pause, 2 cancel; a request stays pending until the run returns (refused ids answer 0)",
  },
  {
    name: "job_add_warning",
    params: [jobId, ptr("msg_ptr"), len("msg_len")],
    results: [],
    result: "void",
    capabilities: ["warnings"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    meaning: "add a warning; counts in metrics.warnings",
  },
  {
    name: "job_increment_bytes",
    params: [jobId, p("n", "i64", "u64")],
    results: [],
    result: "void",
    coalescible: true,
    capabilities: ["metrics"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB"],
    meaning: "add n (u64) to metrics.bytes, saturating at 2^64-1",
  },
  {
    name: "job_increment_items",
    params: [jobId, p("n", "i64", "u64")],
    results: [],
    result: "void",
    coalescible: true,
    capabilities: ["metrics"],
    origin: "spacedrive",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB"],
    meaning: "add n (u64) to metrics.items, saturating at 2^64-1",
  },
  {
    name: "job_load_state",
    params: [jobId],
    results: ["i32"],
    result: "pointer",
    capabilities: ["load_state"],
    origin: "v1",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "ALLOCATION_FAILED"],
    meaning: "pointer to the length-prefixed state of the job's checkpoint, 0 if it has none (also after a stateless checkpoint)",
  },
  {
    name: "job_spawn_child",
    params: [jobId, ptr("type_ptr"), len("type_len"), ptr("params_ptr"), len("params_len")],
    results: ["i32"],
    result: "pointer",
    capabilities: ["child_jobs"],
    origin: "v1",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "BAD_ARGUMENT", "UNKNOWN_JOB_TYPE", "LIMIT_EXCEEDED", "ALLOCATION_FAILED"],
    meaning: "queue a child job (params = its initial state); pointer to the length-prefixed 16-byte child id, 0 on failure",
  },
  {
    name: "job_add_non_critical_error",
    params: [jobId, ptr("msg_ptr"), len("msg_len")],
    results: [],
    result: "void",
    capabilities: ["non_critical_errors"],
    origin: "v1",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    meaning: "record a recoverable error; counts in metrics.nonCriticalErrors",
  },
  {
    name: "job_log",
    params: [jobId, p("level", "i32", "level"), ptr("msg_ptr"), len("msg_len")],
    results: [],
    result: "void",
    capabilities: ["logging"],
    origin: "v1",
    since: "1.0",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    meaning: "job-scoped log line; levels as spacedrive_log",
  },
  {
    name: "job_progress",
    params: [jobId, ptr("progress_ptr"), len("progress_len")],
    results: ["i32"],
    result: "status",
    capabilities: ["progress"],
    origin: "v1.1",
    since: "1.1",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    meaning: "report progress as core's Progress, any of its six kinds, as its JSON (`{\"type\": kind, \"data\": ...}`)",
  },
  {
    name: "job_metrics",
    params: [jobId, ptr("out_ptr")],
    results: ["i32"],
    result: "status",
    capabilities: ["metrics"],
    origin: "v1.1",
    since: "1.1",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB"],
    meaning: "read the job's own metrics: 24 bytes at out_ptr (bytes u64, items u64, warnings u32, non-critical errors u32, little-endian)",
  },
  {
    name: "job_checkpoint_stateless",
    params: [jobId],
    results: ["i32"],
    result: "status",
    capabilities: ["checkpoint"],
    origin: "v1.1",
    since: "1.1",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "STORE_ERROR"],
    meaning: "a checkpoint without state (core's checkpoint()): the job's checkpoint becomes none, so a resume starts from its initial state",
  },
  {
    name: "job_wait_for_children",
    params: [jobId],
    results: ["i32"],
    result: "pointer",
    capabilities: ["child_jobs"],
    origin: "v1.1",
    since: "1.1",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "ALLOCATION_FAILED"],
    meaning: "run the job's children that have not run yet, each to its end; pointer to the length-prefixed JSON list of its children's ids and statuses",
  },
];

export type ImportName =
  | "spacedrive_log"
  | "spacedrive_call"
  | "register_job"
  | "job_report_progress"
  | "job_checkpoint"
  | "job_check_interrupt"
  | "job_add_warning"
  | "job_increment_bytes"
  | "job_increment_items"
  | "job_load_state"
  | "job_spawn_child"
  | "job_add_non_critical_error"
  | "job_log"
  | "job_progress"
  | "job_metrics"
  | "job_checkpoint_stateless"
  | "job_wait_for_children";

export const IMPORT_NAMES: readonly ImportName[] = IMPORTS.map((i) => i.name as ImportName);

const BY_NAME = new Map(IMPORTS.map((spec) => [spec.name, spec]));

export function importSpec(name: string): ImportSpec | undefined {
  return BY_NAME.get(name);
}

/** `(i32, f32) -> (i32)`: the form link errors and the ABI document use. */
export function formatSignature(params: readonly ValType[], results: readonly ValType[]): string {
  return `(${params.join(", ")}) -> (${results.join(", ")})`;
}

export function importSignature(spec: ImportSpec): string {
  return formatSignature(
    spec.params.map((param) => param.type),
    spec.results,
  );
}
