import type { ValType } from "./imports.ts";

export interface ExportSpec {
  readonly name: string;
  readonly kind: "function" | "memory";
  readonly params?: readonly ValType[];
  readonly results?: readonly ValType[];
  readonly required: boolean;
  readonly meaning: string;
}

/** What a guest exports. Job exports are named by `register_job`, so they are described by JOB_EXPORT_SIGNATURE. */
export const GUEST_EXPORTS: readonly ExportSpec[] = [
  { name: "memory", kind: "memory", required: true, meaning: "the guest's linear memory; the host reads and writes it" },
  {
    name: "wasm_alloc",
    kind: "function",
    params: ["i32"],
    results: ["i32"],
    required: true,
    meaning: "allocate size bytes for host-written data (context, state, call answers); 0 means failure",
  },
  { name: "wasm_free", kind: "function", params: ["i32", "i32"], results: [], required: false, meaning: "free (ptr, size)" },
  {
    name: "plugin_init",
    kind: "function",
    params: [],
    results: ["i32"],
    required: false,
    meaning: "called once per instance; registers jobs; non-zero fails the load",
  },
  { name: "plugin_cleanup", kind: "function", params: [], results: ["i32"], required: false, meaning: "called before unload" },
];

export const JOB_EXPORT_SIGNATURE = {
  params: ["i32", "i32", "i32", "i32"] as const,
  results: ["i32"] as const,
  meaning: "(ctx_ptr, ctx_len, state_ptr, state_len) -> 0 Completed, 1 Interrupted, 2 Failed",
};

/** The value a job export returns. Anything else fails the job and is recorded as an ABI violation. */
export const JOB_RETURN = { COMPLETED: 0, INTERRUPTED: 1, FAILED: 2 } as const;
export type JobReturnCode = (typeof JOB_RETURN)[keyof typeof JOB_RETURN];

/** Answers of job_check_interrupt. */
export const INTERRUPT = { CONTINUE: 0, PAUSE: 1, CANCEL: 2 } as const;
export type InterruptAnswer = (typeof INTERRUPT)[keyof typeof INTERRUPT];

/** The newest ABI version this project specifies (and the reference host serves, with every older minor). */
export const ABI_VERSION = "1.1";

/** The version every host must serve: the gate's cases are 1.0 cases unless their guest asks for more. */
export const BASE_ABI_VERSION = "1.0";
