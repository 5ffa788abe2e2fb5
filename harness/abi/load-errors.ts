/**
 * The codes of a `load_error` answer: why a guest could not be loaded, in the order loading checks (link.order). Only
 * the code is compared; the message is for people.
 */
export const LOAD_ERROR_CODES = [
  { code: "JP_WASM_INVALID", clause: "link.valid-module", meaning: "the bytes are not a valid WebAssembly module" },
  { code: "JP_ABI_VERSION", clause: "version.marker", meaning: "the guest asks for an ABI version the host does not serve (or one the ABI does not define), or for several" },
  { code: "JP_LINK", clause: "link.imports", meaning: "an import is not in the table or has another type, a required export is missing, an export has another kind or type, or the guest has a start function" },
  { code: "JP_MEMORY_LIMIT", clause: "link.memory-limit", meaning: "the guest's initial memory is larger than maxMemoryPages" },
  { code: "JP_INIT_FAILED", clause: "init.result", meaning: "instantiation trapped, or plugin_init returned non-zero, trapped, ran past runTimeoutMs or made no host call for stallTimeoutMs" },
  { code: "JP_UNKNOWN_JOB", clause: "dispatch.job-type", meaning: "the scenario names a job the guest neither registered nor exports with the job type" },
] as const;

export type LoadErrorCode = (typeof LOAD_ERROR_CODES)[number]["code"];

/**
 * Codes a host may answer besides those, for a guest it cannot run for a reason of its own. The reference host's
 * JP_WASM_UNSUPPORTED: a valid module using a proposal its watchdog's rewrite does not decode (GC, try_table). A case
 * that expects another code fails, as any difference does.
 */
export const HOST_SPECIFIC_LOAD_ERRORS = ["JP_WASM_UNSUPPORTED"] as const;
