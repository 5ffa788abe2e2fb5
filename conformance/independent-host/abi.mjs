// The ABI's tables, transcribed from docs/ABI.md ("Imports", "Guest exports", "Status codes", "Limits") and
// conformance/PROTOCOL.md (handshake, scenario.permissions). Data only: no behaviour lives here.

/** Wasm value types as the binary format spells them, by name. */
export const I32 = 'i32', I64 = 'i64', F32 = 'f32', F64 = 'f64';

/**
 * Every import of module `spacedrive` (docs/ABI.md "Imports"): its wasm type, its parameter names (what an
 * abi_violation's `arg` names) and the first ABI version that has it (link.imports).
 */
export const IMPORTS = {
  spacedrive_log: { params: [I32, I32, I32], results: [], names: ['level', 'msg_ptr', 'msg_len'], since: [1, 0] },
  spacedrive_call: {
    params: [I32, I32, I32, I32, I32], results: [I32],
    names: ['method_ptr', 'method_len', 'library_id_ptr', 'payload_ptr', 'payload_len'], since: [1, 0],
  },
  register_job: {
    params: [I32, I32, I32, I32, I32], results: [I32],
    names: ['name_ptr', 'name_len', 'export_ptr', 'export_len', 'resumable'], since: [1, 0],
  },
  job_report_progress: { params: [I32, F32, I32, I32], results: [], names: ['job_id_ptr', 'progress', 'msg_ptr', 'msg_len'], since: [1, 0] },
  job_checkpoint: { params: [I32, I32, I32], results: [I32], names: ['job_id_ptr', 'state_ptr', 'state_len'], since: [1, 0] },
  job_check_interrupt: { params: [I32], results: [I32], names: ['job_id_ptr'], since: [1, 0] },
  job_add_warning: { params: [I32, I32, I32], results: [], names: ['job_id_ptr', 'msg_ptr', 'msg_len'], since: [1, 0] },
  job_increment_bytes: { params: [I32, I64], results: [], names: ['job_id_ptr', 'n'], since: [1, 0] },
  job_increment_items: { params: [I32, I64], results: [], names: ['job_id_ptr', 'n'], since: [1, 0] },
  job_load_state: { params: [I32], results: [I32], names: ['job_id_ptr'], since: [1, 0] },
  job_spawn_child: {
    params: [I32, I32, I32, I32, I32], results: [I32],
    names: ['job_id_ptr', 'type_ptr', 'type_len', 'params_ptr', 'params_len'], since: [1, 0],
  },
  job_add_non_critical_error: { params: [I32, I32, I32], results: [], names: ['job_id_ptr', 'msg_ptr', 'msg_len'], since: [1, 0] },
  job_log: { params: [I32, I32, I32, I32], results: [], names: ['job_id_ptr', 'level', 'msg_ptr', 'msg_len'], since: [1, 0] },
  job_progress: { params: [I32, I32, I32], results: [I32], names: ['job_id_ptr', 'progress_ptr', 'progress_len'], since: [1, 1] },
  job_metrics: { params: [I32, I32], results: [I32], names: ['job_id_ptr', 'out_ptr'], since: [1, 1] },
  job_checkpoint_stateless: { params: [I32], results: [I32], names: ['job_id_ptr'], since: [1, 1] },
  job_wait_for_children: { params: [I32], results: [I32], names: ['job_id_ptr'], since: [1, 1] },
};

/** Exports the host reads, with the type the exports table gives them (link.required-exports, link.optional-exports). */
export const REQUIRED_FUNCTION_EXPORTS = { wasm_alloc: { params: [I32], results: [I32] } };
export const OPTIONAL_FUNCTION_EXPORTS = {
  wasm_free: { params: [I32, I32], results: [] },
  plugin_init: { params: [], results: [I32] },
  plugin_cleanup: { params: [], results: [I32] },
};
/** The job export type: (ctx_ptr, ctx_len, state_ptr, state_len) -> code. */
export const JOB_EXPORT_TYPE = { params: [I32, I32, I32, I32], results: [I32] };

/** The ABI versions this host serves: 1.1, and with it 1.0 (version.marker). */
export const SERVED = { major: 1, minor: 1 };

/** Status codes (docs/ABI.md "Status codes"). */
export const STATUS = {
  OK: 0, INVALID_MEMORY_ACCESS: 1, NOT_RUNNING_JOB: 2, BAD_ARGUMENT: 3, LIMIT_EXCEEDED: 4, DUPLICATE: 5,
  UNKNOWN_EXPORT: 6, UNKNOWN_JOB_TYPE: 7, ALLOCATION_FAILED: 8, WRONG_PHASE: 9, STORE_ERROR: 10, BAD_RETURN: 11,
};

/** Limits and the reference host's defaults (docs/ABI.md "Limits"); a scenario's `limits` override them. */
export const DEFAULT_LIMITS = {
  maxStateBytes: 16777216,
  maxMessageBytes: 65536,
  maxLogLinesPerJob: 10000,
  maxChildrenPerJob: 64,
  maxChildDepth: 4,
  maxTreeJobs: 4096,
  maxQueuedJobs: 1024,
  maxTreeStateBytes: 268435456,
  maxRunsPerJob: 32,
  maxCallPayloadBytes: 1048576,
  maxWarningsPerJob: 10000,
  runTimeoutMs: 10000,
  stallTimeoutMs: 10000,
  maxMemoryPages: 16384,
};

/** scenario.permissions: what an absent manifest field means. */
export const DEFAULT_PERMISSIONS = { methods: ['query:', 'action:'], libraries: ['*'], rateLimit: { calls: 1000, windowMs: 60000 } };

/** Job return codes and interrupt answers (docs/ABI.md "Guest exports"). */
export const RETURN = { COMPLETED: 0, INTERRUPTED: 1, FAILED: 2 };
export const INTERRUPT = { CONTINUE: 0, PAUSE: 1, CANCEL: 2 };

/** The twelve capabilities ABI v1 requires (handshake.capabilities). */
export const CAPABILITIES = [
  'progress', 'checkpoint', 'save_state', 'load_state', 'interrupt', 'metrics', 'warnings', 'non_critical_errors',
  'logging', 'child_jobs', 'library', 'networking',
];

/** Log levels (report.log): 0 debug, 1 info, 2 warn, 3 error, any other value info. */
export function levelName(level) {
  return ['debug', 'info', 'warn', 'error'][level] ?? 'info';
}

/** A load error: the one answer a guest that fails to load gets (link.order). */
export class LoadError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
