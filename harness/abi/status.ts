/**
 * Status codes returned by i32-status host calls (`register_job`, `job_checkpoint`) and carried by every
 * `abi_violation` trace event. A closed set: a host must never invent others.
 */
export const STATUS = {
  OK: 0,
  INVALID_MEMORY_ACCESS: 1,
  NOT_RUNNING_JOB: 2,
  BAD_ARGUMENT: 3,
  LIMIT_EXCEEDED: 4,
  DUPLICATE: 5,
  UNKNOWN_EXPORT: 6,
  UNKNOWN_JOB_TYPE: 7,
  ALLOCATION_FAILED: 8,
  WRONG_PHASE: 9,
  STORE_ERROR: 10,
  BAD_RETURN: 11,
} as const;

export type StatusName = keyof typeof STATUS;
export type StatusCode = (typeof STATUS)[StatusName];

export const STATUS_DESCRIPTIONS: Readonly<Record<StatusName, string>> = {
  OK: "the call took effect",
  INVALID_MEMORY_ACCESS: "a pointer/length pair (or the 16-byte job id) lies outside guest memory or wraps past 2^32",
  NOT_RUNNING_JOB: "the job id is not the job running on this instance (unknown, finished, or another live job)",
  BAD_ARGUMENT: "an argument is malformed: invalid UTF-8, NaN progress, a progress text that is not a Progress, a name that is empty",
  LIMIT_EXCEEDED: "a host limit was reached (state size, message size, a call's payload, log lines, warnings, children, the job tree's limits)",
  DUPLICATE: "register_job: the name is already registered by this extension",
  UNKNOWN_EXPORT: "register_job: the export does not exist or does not have the job signature",
  UNKNOWN_JOB_TYPE: "job_spawn_child: the type is neither a job this guest registered nor a native job type",
  ALLOCATION_FAILED: "the host had to write into guest memory and wasm_alloc returned 0 or a pointer whose bytes are not in memory (a trap in it is a trap of the run)",
  WRONG_PHASE: "the call is not allowed now (register_job outside plugin_init)",
  STORE_ERROR: "the state store failed to save (or, for a stateless checkpoint, to clear); the previous checkpoint is kept",
  BAD_RETURN: "a job export returned a value outside 0..2 (the job fails); only in abi_violation events",
};

const NAMES_BY_CODE = new Map<number, StatusName>(
  (Object.entries(STATUS) as [StatusName, StatusCode][]).map(([name, code]) => [code, name]),
);

export function statusName(code: number): StatusName | `UNKNOWN(${number})` {
  return NAMES_BY_CODE.get(code) ?? `UNKNOWN(${code})`;
}
