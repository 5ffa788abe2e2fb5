/**
 * The job program IR: a typed, JSON-serializable description of what a job does, rendered to a WAT/wasm guest and
 * run natively through the JobContext API. Every value a program computes reaches the trace (the echo rules below),
 * because a value nobody observes cannot diverge visibly.
 *
 * A job runs `before`, then its loop for i = start .. steps-1 (start comes from the state: "i=<n>", else 0), then
 * `after`, then `end`. Checkpoints save "i=<i>" (so a resume redoes step i: at-least-once, like core's jobs).
 */
import { encodeUtf8, utf8ByteLength } from "../abi/codec.ts";
import { importSpec, type ImportName } from "../abi/imports.ts";
import { isWireError } from "../abi/wire-methods.ts";

export interface JobProgram {
  readonly version: 1;
  /** jobs[0] is the root; every job is registered in plugin_init under its name and can be spawned as a child. */
  readonly jobs: readonly ProgramJob[];
  /** What plugin_init does after registering the jobs (absent: nothing): more registrations, extension log lines. */
  readonly init?: readonly InitOp[];
  /** Extension log lines of a plugin_cleanup export (absent: the guest exports none). */
  readonly cleanup?: readonly CleanupLog[];
  /**
   * What is done to the rendered guest beyond the program (module-twists.ts; absent: nothing): the loading, linking
   * and plugin_init clauses are reached by guests that are wrong in some way, which no job program is.
   */
  readonly twists?: readonly ModuleTwist[];
}

/** A marker version a twist can export: those the ABI has and two no host serves (a newer minor, a newer major). */
export type MarkerVersion = "1.0" | "1.1" | "1.9" | "2.0";

/**
 * One change to a program's rendered guest (module-twists.ts applies them, in the order of TWIST_KINDS), each aimed
 * at a loading or linking clause:
 * - `not_wasm` (link.valid-module): the bytes are not a module: the last byte cut off, the magic or the version wrong;
 * - `unknown_import` (link.imports): an import of a `spacedrive` function the table lacks, or from another module;
 * - `import_type` (link.signature): `import` imported once more with the type () -> ();
 * - `no_wasm_alloc` (link.required-exports): wasm_alloc is not exported;
 * - `export_type` (link.optional-exports; link.required-exports for wasm_alloc): `export` has the type () -> ();
 * - `initial_memory` (link.memory-limit): the memory starts at `pages` pages (the case's maxMemoryPages is below);
 * - `data_out_of_bounds` (link.instantiation-trap): a data segment ends one byte past the initial memory;
 * - `abi_markers` (version.marker, version.several-markers, link.order): the guest exports these markers instead of its own;
 * - `init_result` (init.result): plugin_init returns `code` (non-zero);
 * - `bom_messages` (report.log): every text message begins with a UTF-8 byte order mark;
 * - `logging_free` (memory.no-free): wasm_free logs the bytes it is given through spacedrive_log.
 * Twists a guest that loads is run with (edge-arbitraries.ts draws them with the scenario each needs):
 * - `init_end` (init.trap, init.time-limit): plugin_init traps, or spins without calling the host, after its registrations;
 * - `spin` (run.timeout, run.stall): the root's run begins with a loop: `silent` never ends and never calls the host,
 *   `calling` calls spacedrive_log SPIN_CALLS times, with SPIN_PAUSE turns of an empty loop after each, and goes on
 *   with the run (in the first run of the root's export on an instance only: a root that spawns itself spins once);
 * - `host_alloc` (dispatch.alloc-trap, dispatch.alloc-failure, answer.alloc-trap, answer.alloc-failure): the
 *   wasm_alloc the host calls traps, answers a pointer 2 bytes before the end of memory, or answers one where only
 *   the 4-byte length prefix fits (`prefix_only`: END - size + 1; at its next call it traps if those 4 bytes are no
 *   longer zero, so a host that wrote the prefix shows), from the first call (`dispatch`: the context's; each call
 *   first logs an empty line, so a call the host should not make shows) or from the start of the first run (`answer`:
 *   the answers of the run's calls);
 * - `not_resumable` (init.resumable): every register_job call passes resumable = 0;
 * - `state_echo` (dispatch.no-state, dispatch.state, scenario.state): each run logs the state it was given through
 *   spacedrive_log, and traps when it was given an empty state at a pointer that is not 0;
 * - `reinit_register` (init.reinit): plugin_init first calls query:libraries.list; answered with an error (under a
 *   rate limit of one call, on every instance after the first) it registers `name` with `export` twice, logs each
 *   status as a digit through spacedrive_log, and returns 0 without the program's own registrations.
 */
export type ModuleTwist =
  | { readonly kind: "not_wasm"; readonly how: "truncated" | "bad_magic" | "bad_version" }
  | { readonly kind: "unknown_import"; readonly which: "unknown_name" | "other_module" }
  | { readonly kind: "import_type"; readonly import: ImportName }
  | { readonly kind: "no_wasm_alloc" }
  | { readonly kind: "export_type"; readonly export: "wasm_alloc" | "wasm_free" | "plugin_init" | "plugin_cleanup" }
  | { readonly kind: "initial_memory"; readonly pages: number }
  | { readonly kind: "data_out_of_bounds" }
  | { readonly kind: "abi_markers"; readonly versions: readonly MarkerVersion[] }
  | { readonly kind: "init_result"; readonly code: number }
  | { readonly kind: "bom_messages" }
  | { readonly kind: "logging_free" }
  | { readonly kind: "init_end"; readonly how: "trap" | "spin" }
  | { readonly kind: "spin"; readonly calls: "silent" | "calling" }
  | { readonly kind: "host_alloc"; readonly from: "dispatch" | "answer"; readonly how: "trap" | "past_end" | "prefix_only" }
  | { readonly kind: "not_resumable" }
  | { readonly kind: "state_echo" }
  | { readonly kind: "reinit_register"; readonly name: string; readonly export: string };

/**
 * The spacedrive_log calls of a `calling` spin and the empty loop turns after each: a run of a few tens of ms, longer
 * than the stall limit it is drawn with, whose loops meet the host's loop checks (a tick every 65,536 entries) about
 * every second call.
 */
export const SPIN_CALLS = 2000;
export const SPIN_PAUSE = 32_768;

export type TwistKind = ModuleTwist["kind"];

/** Every twist kind, in the order they are applied (the program's own first, the bytes' last). */
export const TWIST_KINDS: readonly TwistKind[] = [
  "reinit_register",
  "bom_messages",
  "init_result",
  "init_end",
  "not_resumable",
  "logging_free",
  "host_alloc",
  "state_echo",
  "spin",
  "no_wasm_alloc",
  "export_type",
  "import_type",
  "unknown_import",
  "abi_markers",
  "initial_memory",
  "data_out_of_bounds",
  "not_wasm",
];

/**
 * plugin_init's extra work. `register` calls register_job(name, export) and logs "register=<status>" through
 * spacedrive_log (its status is not part of plugin_init's result); `log` is a spacedrive_log line of the extension.
 */
export type InitOp =
  | { readonly op: "register"; readonly name: Message; readonly export: string }
  | { readonly op: "log"; readonly level: number; readonly message: string };

/** A line plugin_cleanup logs (text: a native extension's init and cleanup log strings). */
export interface CleanupLog {
  readonly level: number;
  readonly message: string;
  /**
   * `scratch`: plugin_cleanup first copies the text into its memory's scratch area and logs it from there, so the
   * line is read from memory the instance wrote, which differs between instances (another instance's scratch holds
   * what its runs composed last): a host that reads the wrong instance's memory logs other bytes (run.cleanup).
   * Absent: logged from the data segment, the same in every instance. The native twin logs the text either way.
   */
  readonly from?: "scratch";
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

/**
 * Whose id a job call passes, when not the running job's own (absent): an id the guest keeps in its memory, as a
 * guest can pass any 16 bytes. `child`: the last child spawned on this instance (queued, running or ended; zeros
 * before any); `prev`: the job whose run started last on this instance before this run (the parent, a sibling, this
 * job's own earlier run; zeros on a fresh instance); `zero`: 16 zero bytes; `foreign`: FOREIGN_LIBRARY_ID's bytes,
 * no job's id. The host refuses every one that is not the running job (call.running-job). The native twin passes
 * the same id through a context made from its own (render-native.ts, forged), as the fixtures' twins do.
 */
export type IdChoice = "child" | "prev" | "zero" | "foreign";

/** The all-zero UUID: what the `zero` id, and an id slot of a fresh instance, name. */
export const ZERO_ID = "00000000-0000-0000-0000-000000000000";

interface Forgeable {
  /** The job id the call passes (absent: the running job's). Echo lines are always logged with the job's own id. */
  readonly id?: IdChoice;
}

/**
 * Where the guest puts a call's bytes, or what it does to its memory just before the call (absent: nothing).
 * `grow` (an op with a message): it grows memory by a page and passes the message from the start of the new page,
 * so the host must read memory as it is now (memory.current); when memory cannot grow (memory.cap, under a small
 * `maxMemoryPages`) the pointer is 2^32 - 2^16, outside memory, and the call is refused. `end` (an op with a
 * message): it passes an empty message at exactly the end of memory (pointer = memory size, length 0), which is in
 * memory (memory.range). `exhaust` (an op with an answer): its allocator gives up the rest of its memory, so the
 * answer's allocation must grow memory (and fails when memory cannot grow: ALLOCATION_FAILED). Both stop growing
 * memory once it has 64 pages: `grow` then passes the message from the last page (while the allocator's heap is below
 * it), and `exhaust` leaves the heap where it is, so that a spawn tree running them in every job stays small.
 * A native job has no memory: its twin makes the same call (render-native.ts; for `end`, with an empty message),
 * which is the same call while memory can grow, as it always can without a cap (wasmOnlyReason).
 */
export type MemoryChoice = "grow" | "end" | "exhaust";

interface InGrownMemory {
  readonly memory?: "grow" | "end";
}

interface AfterExhaustion {
  readonly memory?: "exhaust";
}

export type Op =
  /** job_report_progress with a constant f32 value. */
  | ({ readonly op: "progress"; readonly value: ProgressValue; readonly message: Message } & Forgeable & InGrownMemory)
  /** job_report_progress with (i+1)/steps in f32 and "<message> <i+1>/<steps>". Outside the loop i = start or steps. */
  | ({ readonly op: "progress_step"; readonly message: string } & Forgeable)
  /** job_check_interrupt; on a non-zero answer: checkpoint "i=<i>" and return 1, return 1, or continue. */
  | ({ readonly op: "check"; readonly onInterrupt: "checkpoint_return" | "return" | "continue" } & Forgeable)
  /** job_checkpoint "i=<i>" when (i+1) % every == 0 (always outside the loop); a non-zero status is logged. */
  | ({ readonly op: "checkpoint"; readonly every: number } & Forgeable)
  /** job_load_state; the loaded bytes are logged as "state=<bytes>" or "state=none". */
  | ({ readonly op: "load_state" } & Forgeable & AfterExhaustion)
  | ({ readonly op: "warning"; readonly message: Message } & Forgeable & InGrownMemory)
  | ({ readonly op: "error"; readonly message: Message } & Forgeable & InGrownMemory)
  /** job_log (channel "job") or spacedrive_log (channel "instance", which names no job: `id` is ignored), any i32 level. */
  | ({ readonly op: "log"; readonly channel: "job" | "instance"; readonly level: number; readonly message: Message } & Forgeable & InGrownMemory)
  /** job_increment_bytes / job_increment_items; n is a u64 in decimal. */
  | ({ readonly op: "bytes" | "items"; readonly n: string } & Forgeable)
  /** job_spawn_child; the answer is logged as "child=<len>:<32 hex digits>" or "child=none". */
  | ({ readonly op: "spawn"; readonly type: string; readonly params: string } & Forgeable & AfterExhaustion)
  /**
   * spacedrive_call with a JSON payload (empty: the request {}; not JSON: WASM-only, answered BadPayload); the answer
   * is logged as "answer=<json>" (answerEcho: an error answer without its words) or "answer=none".
   */
  | ({ readonly op: "call"; readonly method: string; readonly library: LibraryChoice; readonly payload: string } & AfterExhaustion)
  // ABI 1.1: a program using any of these renders as a 1.1 guest (programAbi).
  /**
   * job_progress with `progress`, core's Progress as JSON text, passed byte for byte (valid or not, so refusals are
   * exercised); the status is logged as "progress_kind=<status>". The text must be what progressJson writes for some
   * object (render-native.ts says why), as the generator's texts are.
   */
  | ({ readonly op: "progress_kind"; readonly progress: string } & Forgeable)
  /** job_metrics into a 24-byte buffer; logged as "metrics=<bytes>,<items>,<warnings>,<errors>" (decimal) or "metrics status=<status>". */
  | ({ readonly op: "metrics_read" } & Forgeable)
  /** job_checkpoint_stateless; a non-zero status is logged as "checkpoint_stateless status=<status>". */
  | ({ readonly op: "checkpoint_stateless" } & Forgeable)
  /**
   * job_wait_for_children: the job's queued children run inside the call; the answer is logged as "wait=<json>" or
   * "wait=none". The guest takes its job id from its context again after the call (a child's run overwrote it).
   */
  | ({ readonly op: "wait_children" } & Forgeable & AfterExhaustion)
  /**
   * One call of `import` with one hostile argument, every other argument valid (rawDefaults): `param` is the
   * parameter, `value` what it gets (RawValue). A status or an interrupt answer is logged as "raw <import>=<n>", a
   * pointer answer as "raw <import>=0" or "raw <import>=frame"; a void call logs nothing. WASM-only (wasmOnlyReason).
   */
  | { readonly op: "raw"; readonly import: ImportName; readonly param: string; readonly value: RawValue };

/**
 * A hostile argument (memory.range, memory.wrap, call.utf8). For a pointer of a text pair: `past` (the end of
 * memory, the text's length: out of memory), `wrap` (2^32 - 16 with length 32: the end wraps to 16, inside memory),
 * `end` (the end of memory with length 0: in memory, an empty text), `bad_utf8` (the bytes ff fe). For a length:
 * `huge` (2^32 - 1: the end wraps), `past` (one byte past the end of memory), `zero` (an empty text). For a
 * fixed-size pointer (a job id, a library id, job_metrics's out): `past` (8 bytes before the end: straddles it),
 * `wrap` (2^32 - 8), `end` (the end of memory), `edge` (exactly the last bytes of memory: in memory).
 */
export type RawValue = "past" | "wrap" | "end" | "edge" | "huge" | "zero" | "bad_utf8";

export type OpKind = Op["op"];
export type OpOf<K extends OpKind> = Extract<Op, { op: K }>;

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
  "raw",
];

/** The ops only ABI 1.1 has imports for. */
export const ABI_1_1_OPS: ReadonlySet<OpKind> = new Set<OpKind>(["progress_kind", "metrics_read", "checkpoint_stateless", "wait_children"]);

/** The export a 1.1 guest carries (version.marker); a guest without one is 1.0, and cannot link 1.1's imports. */
export const ABI_1_1_MARKER = "spacedrive_abi_version_1_1";

/** The ABI a program needs: 1.1 when any job uses a 1.1 op (or a raw call of a 1.1 import), else 1.0 (rendered exactly as before 1.1 existed). */
export function programAbi(program: JobProgram): "1.0" | "1.1" {
  for (const job of program.jobs) {
    for (const ops of [job.before, job.body, job.after]) if (ops.some((op) => ABI_1_1_OPS.has(op.op) || (op.op === "raw" && importSpec(op.import)?.since === "1.1"))) return "1.1";
  }
  return "1.0";
}

/** Every op of every job, in order (an array: a generator costs two objects per op). */
export function allOps(program: JobProgram): Op[] {
  const out: Op[] = [];
  for (const job of program.jobs) for (const ops of [job.before, job.body, job.after]) for (const op of ops) out.push(op);
  return out;
}

/** The ids a program names besides the running job's (render-wasm.ts keeps the `prev` and `child` slots only for these). */
export function forgedIds(program: JobProgram): ReadonlySet<IdChoice> {
  const ids = new Set<IdChoice>();
  for (const op of allOps(program)) if ("id" in op && op.id !== undefined && !(op.op === "log" && op.channel === "instance")) ids.add(op.id);
  return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// Raw calls: every import, each parameter given a hostile value.

/** The kind of a parameter as raw calls treat it: a text pair's pointer or length, or a fixed-size pointer. */
export type RawParamKind = "text_ptr" | "len" | "fixed_ptr";

/** Bytes a fixed-size pointer names: 16 id bytes, or job_metrics's 24-byte answer. */
export const FIXED_SIZE: Readonly<Record<string, number>> = { job_id_ptr: 16, library_id_ptr: 16, out_ptr: 24 };

/** What a raw call's parameter is, from the imports table (null: not a pointer or a length). */
export function rawParamKind(importName: string, param: string): RawParamKind | null {
  const spec = importSpec(importName);
  const index = spec?.params.findIndex((p) => p.name === param) ?? -1;
  if (!spec || index < 0) return null;
  const role = spec.params[index]!.role;
  if (role === "job_id" || param in FIXED_SIZE) return "fixed_ptr";
  if (role === "len") return "len";
  if (role === "ptr") return spec.params[index + 1]?.role === "len" ? "text_ptr" : "fixed_ptr";
  return null;
}

/** The values a parameter of each kind can get. */
export const RAW_VALUES: Readonly<Record<RawParamKind, readonly RawValue[]>> = {
  text_ptr: ["past", "wrap", "end", "bad_utf8"],
  len: ["huge", "past", "zero"],
  fixed_ptr: ["past", "wrap", "end", "edge"],
};

/**
 * The valid arguments of a raw call, by parameter: texts for text pairs (a job type "nope" so that a raw spawn
 * queues nothing); job ids, library ids and job_metrics's buffer are the job's own, none and the guest's buffer.
 */
export const RAW_TEXT: Readonly<Record<string, string>> = {
  "spacedrive_log.msg_ptr": "raw",
  "spacedrive_call.method_ptr": "query:libraries.list",
  "spacedrive_call.payload_ptr": "{}",
  "register_job.name_ptr": "raw",
  "register_job.export_ptr": "run_raw",
  "job_report_progress.msg_ptr": "raw",
  "job_checkpoint.state_ptr": "raw",
  "job_add_warning.msg_ptr": "raw",
  "job_add_non_critical_error.msg_ptr": "raw",
  "job_log.msg_ptr": "raw",
  "job_spawn_child.type_ptr": "nope",
  "job_spawn_child.params_ptr": "",
  "job_progress.progress_ptr": '{"type":"Percentage","data":0.5}',
};

/** The bytes `bad_utf8` passes: not UTF-8 at any length. */
export const BAD_UTF8 = [0xff, 0xfe] as const;

/** Whether a call op's payload is JSON, or empty (the request {}): what a native job's payload can be. */
function isJson(payload: string): boolean {
  if (payload === "") return true;
  try {
    JSON.parse(payload);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a case has no native twin (null: it has one, and the differential property compares both sides). The WASM
 * side is then the only one; the case is for hosts judged against the reference host (host fuzzing) and for
 * invariants. Reasons: a raw call (a native job reaches the host only through NativeJobContext, which has no
 * memory: no pointer it could pass is out of bounds or wraps, and its texts and ids are whole values, so such
 * refusals have no faithful native equivalent; the empty text at the end of memory does, and is the `end` memory
 * choice of message ops instead); a wire payload that is not JSON (a native job's payload is a value); registrations in plugin_init in a program
 * where a job traps (plugin_init runs again on the fresh instance and meets them again, which a native extension,
 * whose init runs once, cannot do); a memory cap (`maxMemoryPages`: what fails then depends on the guest's own
 * memory); a payload over `maxCallPayloadBytes` (the limit is checked at the WASM boundary only); a stall limit; a
 * root named by its export.
 */
export function wasmOnlyReason(
  program: JobProgram,
  scenario?: { readonly job?: string; readonly limits?: { readonly maxMemoryPages?: number; readonly maxCallPayloadBytes?: number; readonly stallTimeoutMs?: number } },
): string | null {
  for (const op of allOps(program)) if (op.op === "raw") return `raw ${op.import} with ${op.param} ${op.value}`;
  if (program.twists !== undefined && program.twists.length > 0) return `a guest twisted (${program.twists.map((t) => t.kind).join(", ")})`;
  if (program.init?.some((op) => op.op === "register" && typeof op.name !== "string") === true) return "a registration whose name is not UTF-8";
  if (program.init?.some((op) => op.op === "register") === true && program.jobs.some((job) => job.end.kind === "trap")) return "registrations in plugin_init, and a job that traps";
  for (const op of allOps(program)) if (op.op === "call" && !isJson(op.payload)) return "a payload that is not JSON";
  const limits = scenario?.limits;
  if (limits?.maxMemoryPages !== undefined) return "a memory cap (maxMemoryPages)";
  if (limits?.stallTimeoutMs !== undefined) return "a stall limit (stallTimeoutMs: a native run has none)";
  if (program.jobs[0] !== undefined && scenario?.job === exportName(program.jobs[0])) return "the root named by its export (a native job has none)";
  const payloadLimit = limits?.maxCallPayloadBytes;
  if (payloadLimit !== undefined) {
    for (const op of allOps(program)) if (op.op === "call" && utf8ByteLength(op.payload) > payloadLimit) return "a payload over maxCallPayloadBytes";
  }
  return null;
}

export const exportName = (job: ProgramJob) => `run_${job.name}`;

export function messageBytes(message: Message): Uint8Array {
  return typeof message === "string" ? encodeUtf8(message) : Uint8Array.from(message.bytes);
}

/** The f32 a progress op passes. */
export function progressValue(value: ProgressValue): number {
  if (value === "nan") return NaN;
  if (value === "inf") return Infinity;
  if (value === "-inf") return -Infinity;
  return Math.fround(value);
}

/**
 * What a program logs of a wire call's answer after "answer=": the answer's JSON, except that an error answer is
 * logged as {"code":"<code>"}. Its `error` is the host's words for people (wire.errors): a guest that echoed them would
 * make them a compared field, so that only hosts with the reference host's wording could pass.
 */
export function answerEcho(answer: unknown): string {
  return JSON.stringify(isWireError(answer) ? { code: answer.code } : answer);
}
