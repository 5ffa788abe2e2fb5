import { verifiedBy, type Clause, type ClauseSection } from "./clause.ts";

/**
 * The clauses of ABI v1 (docs/ABI.md prints them, section by section). Each text is complete on its own: a host
 * author implements it without reading the reference host. Limits are named as in the handshake (`maxStateBytes`);
 * their values are the scenario's, else the host's own (the reference host's defaults are in the limits table).
 */

export const ABI_SECTIONS: readonly ClauseSection[] = [
  { id: "memory", title: "Values and guest memory", document: "abi" },
  { id: "link", title: "Loading and linking a guest", document: "abi" },
  { id: "version", title: "ABI versions", document: "abi" },
  { id: "init", title: "plugin_init and registering jobs", document: "abi" },
  { id: "dispatch", title: "Dispatching a job: its type, context and state", document: "abi" },
  { id: "call", title: "Host calls: job ids, checks and refusals", document: "abi" },
  { id: "answer", title: "Bytes the host writes into the guest", document: "abi" },
  { id: "progress", title: "Progress", document: "abi" },
  { id: "checkpoint", title: "Checkpoints and saved state", document: "abi" },
  { id: "interrupt", title: "Interrupts", document: "abi" },
  { id: "metrics", title: "Metrics", document: "abi" },
  { id: "report", title: "Warnings, non-critical errors and log lines", document: "abi" },
  { id: "child", title: "Child jobs", document: "abi" },
  { id: "wire", title: "Wire calls", document: "abi" },
  { id: "library", title: "Libraries and networking", document: "abi" },
  { id: "run", title: "Runs, instances and the order of jobs", document: "abi" },
];

const { case: CASE, advice } = verifiedBy;

export const ABI_CLAUSES: readonly Clause[] = [
  // ---------------------------------------------------------------------------------------------------------------
  // Values and guest memory
  {
    id: "memory.range",
    level: "MUST",
    text:
      "A pointer/length pair (ptr, len) names the bytes [ptr, ptr + len) of the exported `memory` of the instance that made the call (a parent " +
      "still running on an instance a child's trap or stop retired uses that one's; `plugin_cleanup` the live one's), both taken as u32. The pair " +
      "is in memory when ptr + len, computed without wrapping, is at most the memory's current size in bytes; len 0 at exactly the end of memory " +
      "is in memory, and so is address 0: a pointer 0 names the bytes from address 0 (an output pointer too, such as `job_metrics`' out_ptr), " +
      "unless a clause gives it a meaning of its own (`library_id_ptr` 0, `wire.call`). Any other pair MUST be refused with " +
      "INVALID_MEMORY_ACCESS, whose `arg` names the pointer parameter.",
    statuses: ["INVALID_MEMORY_ACCESS"],
    verified: CASE,
  },
  {
    id: "memory.wrap",
    level: "MUST",
    text:
      "A pair whose end ptr + len, computed without wrapping, exceeds 2^32 MUST be refused with INVALID_MEMORY_ACCESS, even when the end taken " +
      "modulo 2^32 lies inside memory. An end of exactly 2^32 is the end of a 65536-page memory: `memory.range` decides it (in memory when the " +
      "memory has 65536 pages), as it does any other end.",
    statuses: ["INVALID_MEMORY_ACCESS"],
    verified: CASE,
  },
  {
    id: "memory.current",
    level: "MUST",
    text:
      "Every read and write of guest memory MUST use the memory as it is at the time of the call, including pages the guest added with `memory.grow` " +
      "since the host last looked (a view taken before a grow is stale).",
    verified: CASE,
  },
  {
    id: "memory.cap",
    level: "MUST",
    text:
      "A guest's memory MUST NOT grow beyond `maxMemoryPages` pages of 64 KiB (or the guest's own declared maximum, when that is smaller): " +
      "`memory.grow` past it answers -1 inside the guest, and the guest goes on running. A host may do this by lowering the maximum the module " +
      "declares before it compiles it.",
    verified: CASE,
  },
  {
    id: "memory.job-id",
    level: "MUST",
    text:
      "A job id crosses as a pointer to 16 bytes: the UUID's bytes in the order its hyphenated text spells them (the first two hex digits are byte 0). " +
      "The id in a job's context text and the 16 bytes a host compares MUST be the same UUID.",
    verified: CASE,
  },
  {
    id: "memory.no-free",
    level: "MUST",
    text: "The host MUST NOT call the guest's `wasm_free`: every byte the host writes into the guest belongs to the guest.",
    exports: ["wasm_free"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Loading and linking
  {
    id: "link.valid-module",
    level: "MUST",
    text:
      "Guest bytes that are not a valid WebAssembly module in the binary format MUST fail to load with load error JP_WASM_INVALID (the text " +
      "format, which some engines also read, is not a guest). Valid means valid under " +
      "WebAssembly 2.0: a host MUST load guests that use its features (bulk memory operations such as `memory.copy` and `memory.fill`, " +
      "multi-value, sign extension, non-trapping float-to-int conversions, mutable globals, reference types); nearly every case's guest uses " +
      "bulk memory. A guest that uses a proposal beyond 2.0 (shared memories and threads, exception handling, GC, multiple memories, ...) may be " +
      "refused, with JP_WASM_INVALID or a load error code of the host's own (PROTOCOL.md, `load_error`); no case depends on one. So may a " +
      "valid module past a limit of the host's engine (a function's parameters or locals, a table's size, as the WebAssembly JS API limits " +
      "them), and one whose tables or memories the host cannot allocate when it instantiates it (JP_INIT_FAILED or a code of the host's own; " +
      "the reference host answers JP_WASM_UNSUPPORTED). A memory's declared maximum past 65536 pages makes a module invalid, whatever " +
      "`maxMemoryPages` (`memory.cap`) would cap it to. A host that loads a shared memory caps it with `maxMemoryPages` as any other.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.imports",
    level: "MUST",
    text:
      "Every import of a guest MUST be a function from module `spacedrive` named in the imports table for the ABI version the guest asks for " +
      "(`version.marker`): the imports of that version and of every older one. A guest with any other import (another module, an unknown name, " +
      "an import of a newer version, a memory, table or global) MUST fail to load with JP_LINK: a 1.0 guest sees exactly ABI 1.0.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.signature",
    level: "MUST",
    text: "An import named in the table MUST have exactly the table's wasm type; a guest importing it with any other type MUST fail to load with JP_LINK.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.required-exports",
    level: "MUST",
    text:
      "A guest MUST export `memory` (a memory) and `wasm_alloc` (a function of type (i32) -> (i32)); a guest missing either, or exporting either as " +
      "another kind or type, MUST fail to load with JP_LINK.",
    exports: ["memory", "wasm_alloc"],
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.optional-exports",
    level: "MUST",
    text:
      "A guest that exports `wasm_free`, `plugin_init` or `plugin_cleanup` MUST export it with the type the exports table gives; any other kind or " +
      "type MUST fail to load with JP_LINK.",
    exports: ["wasm_free", "plugin_init", "plugin_cleanup"],
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.start-function",
    level: "MUST",
    text: "A guest with a start function MUST fail to load with JP_LINK, before the start function runs.",
    why: "A start function runs inside instantiation: outside any time limit, before the host can read the instance's memory, and before plugin_init, the ABI's one initializer.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.memory-limit",
    level: "MUST",
    text: "A guest whose initial memory is larger than `maxMemoryPages` pages MUST fail to load with JP_MEMORY_LIMIT.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.instantiation-trap",
    level: "MUST",
    text: "A guest whose instantiation traps (a data or element segment that does not fit) MUST fail to load with JP_INIT_FAILED.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.order",
    level: "MUST",
    text:
      "Loading checks, in this order, stopping at the first that fails: the module is valid (JP_WASM_INVALID); its ABI version is served " +
      "(JP_ABI_VERSION); it links (JP_LINK); its initial memory fits (JP_MEMORY_LIMIT); it instantiates (JP_INIT_FAILED); plugin_init succeeds " +
      "(JP_INIT_FAILED); the scenario's job exists (JP_UNKNOWN_JOB). A guest that fails to load is answered with its one load error and no result.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "link.messages",
    level: "SHOULD",
    text:
      "A load error's message should name the file and every problem found (each import whose type differs, with the expected and the actual type), " +
      "so that an author fixes them in one go. Messages are for people and are never compared.",
    messages: ["load_error"],
    verified: advice,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // ABI versions
  {
    id: "version.marker",
    level: "MUST",
    text:
      "A guest says which ABI version it was built for with an export named `spacedrive_abi_version_<major>_<minor>` (of any kind; major and minor " +
      "one or more ASCII digits 0-9, no other Unicode digit, read as integers of any size, never wrapped or truncated, so `1_01` is 1.1 and `1_4294967297` is 1.4294967297, not 1.1; the whole name must match: an export whose name does not, `spacedrive_abi_version_1_0` followed by a line feed for one, is an ordinary export); a guest without one asks for 1.0. A host MUST load a guest only if it serves a version with the same major and a minor at least the guest's; otherwise the " +
      "guest fails to load with JP_ABI_VERSION. A host serves only versions this specification defines (1.0 and 1.1): a guest asking for any other " +
      "version, of any major, fails to load with JP_ABI_VERSION on every host, whatever versions the host says it serves.",
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "version.several-markers",
    level: "MUST",
    text: "A guest exporting markers of two or more different versions MUST fail to load with JP_ABI_VERSION.",
    messages: ["load_error"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // plugin_init and register_job
  {
    id: "init.once-per-instance",
    level: "MUST",
    text:
      "The host MUST call `plugin_init`, when the guest exports it, exactly once on every instance it creates, right after instantiation and before any " +
      "other export of that instance. The first instance is created when the guest loads, before the root job exists.",
    exports: ["plugin_init"],
    verified: CASE,
  },
  {
    id: "init.result",
    level: "MUST",
    text:
      "A `plugin_init` that returns anything but 0 MUST fail the load with JP_INIT_FAILED (on a fresh instance made for a run, `run.retire` says " +
      "what fails instead).",
    why: "Spacedrive's manager ignores the value today (manager.rs:215-217 @ be454a0b4); v1 decides that a guest which reports failure does not run.",
    exports: ["plugin_init"],
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "init.trap",
    level: "MUST",
    text:
      "A `plugin_init` that traps MUST fail the load with JP_INIT_FAILED (on a fresh instance made for a run, `run.retire` says what fails " +
      "instead).",
    exports: ["plugin_init"],
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "init.time-limit",
    level: "MUST",
    text:
      "`plugin_init` runs under `runTimeoutMs`, as a run does; one that has not returned by then MUST be stopped and fail the load with " +
      "JP_INIT_FAILED (on a fresh instance made for a run, `run.retire` says what fails instead). Its clocks (this one and `run.stall`'s) start " +
      "when the host calls it, after the instance is made: instantiation is not timed (`link.start-function`). On a fresh instance made for a run " +
      "(`run.retire`), plugin_init has clocks of its own, and the run's clocks start after it returns.",
    exports: ["plugin_init"],
    messages: ["load_error"],
    verified: CASE,
  },
  {
    id: "init.acts-for-extension",
    level: "MUST",
    text:
      "While `plugin_init` runs no job is running: its `spacedrive_log` lines and wire calls belong to the extension (event `job` null, in the " +
      "extension trace), and every call that names a job is refused (after the memory check of `call.check-order`) with NOT_RUNNING_JOB, recorded " +
      "in the extension trace. This holds also when plugin_init runs again on a fresh instance just before a job's run.",
    exports: ["plugin_init"],
    statuses: ["NOT_RUNNING_JOB"],
    verified: CASE,
  },
  {
    id: "init.register-phase",
    level: "MUST",
    text: "`register_job` MUST be refused with WRONG_PHASE (`arg` null) when it is called outside `plugin_init`.",
    imports: ["register_job"],
    statuses: ["WRONG_PHASE"],
    verified: CASE,
  },
  {
    id: "init.register",
    level: "MUST",
    text:
      "`register_job(name, export, resumable)` registers job type `name`, run by calling export `export`. After the memory checks it checks, in " +
      "order: the name is UTF-8 (BAD_ARGUMENT, `arg` name_ptr); the export name is UTF-8 (BAD_ARGUMENT, `arg` export_ptr); the phase " +
      "(`init.register-phase`); the name is not empty (BAD_ARGUMENT, `arg` name_ptr); the extension has no job of that name (DUPLICATE, `arg` " +
      "name_ptr); the export exists and is a function of the job type (i32, i32, i32, i32) -> (i32) (UNKNOWN_EXPORT, `arg` export_ptr). " +
      "On success it answers OK and records `job_registered` {name, export, resumable: resumable != 0} in the extension trace.",
    imports: ["register_job"],
    statuses: ["OK", "BAD_ARGUMENT", "DUPLICATE", "UNKNOWN_EXPORT"],
    verified: CASE,
  },
  {
    id: "init.resumable",
    level: "MUST",
    text: "The `resumable` flag is recorded and MUST NOT change how the host drives the job: a job registered as not resumable is paused and resumed like any other.",
    imports: ["register_job"],
    why: "A guest learns of a pause only through its own checks; refusing to resume would strand its checkpoint.",
    verified: CASE,
  },
  {
    id: "init.reinit",
    level: "MUST",
    text:
      "When `plugin_init` runs again on a fresh instance (see `run.retire`), a `register_job` with the name and export of an existing " +
      "registration MUST answer OK and record nothing (checked right after the UTF-8 checks of `init.register`, during that plugin_init only). " +
      "Any other registration is checked as on the first instance. What such a `plugin_init` registered before it failed stands (failing discards " +
      "the instance, not its registrations): those are existing registrations for every later `plugin_init` and for `job_spawn_child`. In " +
      "such a `plugin_init`, a registration made earlier in it is an existing registration too: registering its name and export again answers OK " +
      "and records nothing. On the first instance this clause does not apply: a name registered twice is DUPLICATE (`init.register`), in the same " +
      "`plugin_init` too. Registrations are the extension's, not an instance's: one that a later `plugin_init` does not make again stays, for the " +
      "jobs already queued and for `job_spawn_child`.",
    imports: ["register_job"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Dispatch
  {
    id: "dispatch.job-type",
    level: "MUST",
    text:
      "The scenario's `job` names the root job: a registered job name; else the export of a registered job (the job's type is then the registered " +
      "name, of the first registration with that export when there are several); else an export of the job type that plugin_init did not register " +
      "(the type is the export's name, and it cannot be spawned as a child). Anything else MUST fail the load with JP_UNKNOWN_JOB.",
    messages: ["run", "load_error"],
    verified: CASE,
  },
  {
    id: "dispatch.context",
    level: "MUST",
    text:
      "To run a job the host writes its context, the exact bytes `{\"job_id\":\"<uuid>\",\"library_id\":\"<uuid>\"}` (compact JSON, this key " +
      "order, lowercase hyphenated UUIDs; the library is the default library), into memory from `wasm_alloc(ctx_len)`, then the state from " +
      "`wasm_alloc(state_len)`, and calls the job's export with (ctx_ptr, ctx_len, state_ptr, state_len).",
    why:
      "The design's sketch passes host pointers, which a guest cannot read; this is what serde_json writes for the json! context core's WASM job " +
      "builds (core/src/infra/extension/wasm_job.rs:67-71 @ be454a0b4), so SDK guests parse it unchanged (crates/sdk/src/job_context.rs:35-44).",
    exports: ["wasm_alloc"],
    verified: CASE,
  },
  {
    id: "dispatch.no-state",
    level: "MUST",
    text: "A run that receives no state, or an empty one, MUST be called with state_ptr 0 and state_len 0, and no `wasm_alloc` call is made for it.",
    verified: CASE,
  },
  {
    id: "dispatch.state",
    level: "MUST",
    text:
      "A job's first run receives its initial state (the scenario's `state` for the root, the spawn's params for a child). A later run (a resume) " +
      "receives the job's checkpoint, or its initial state when it has none. An empty checkpoint is a checkpoint: a resume after a 0-byte " +
      "`job_checkpoint` receives no state (`dispatch.no-state`), not the initial state; after ABI 1.1's `job_checkpoint_stateless` the job " +
      "has none, and receives its initial state.",
    verified: CASE,
  },
  {
    id: "dispatch.alloc-failure",
    level: "MUST",
    text:
      "When `wasm_alloc` cannot take the context or the state (it returns 0, or a pointer whose range is not in memory), the host MUST NOT call " +
      "the job export, nor `wasm_alloc` again (the context is allocated, checked and written before the state's `wasm_alloc` is called: when the " +
      "context cannot be taken, no allocation is asked for the state): it records ALLOCATION_FAILED (`import` the job's export name, `arg` null, " +
      "`size` the bytes asked for) and the run fails with end cause trap. The run counts (`runs`, and its `Running` event, recorded before the " +
      "host passes the context: `Running` comes before ALLOCATION_FAILED, which comes before `Failed` {cause: trap}), nothing is appended to " +
      "`exitCodes`, and the instance is kept: nothing trapped.",
    statuses: ["ALLOCATION_FAILED"],
    verified: CASE,
  },
  {
    id: "dispatch.alloc-trap",
    level: "MUST",
    text: "A trap inside `wasm_alloc` while the host passes the context or the state is a trap of the run: it fails with end cause trap, and no refusal is recorded.",
    exports: ["wasm_alloc"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Host calls
  {
    id: "call.running-job",
    level: "MUST",
    text:
      "A job id is accepted only when it names the job running on the calling instance. The id of any other job (the parent, a sibling, a paused, " +
      "queued or finished job) or an unknown id MUST be refused with NOT_RUNNING_JOB (`arg` job_id_ptr), and nothing of the job it names is touched.",
    statuses: ["NOT_RUNNING_JOB"],
    verified: CASE,
  },
  {
    id: "call.check-order",
    level: "MUST",
    text:
      "A call checks, in this order, and stops at the first check that fails: the job id's 16 bytes are in memory (INVALID_MEMORY_ACCESS, `arg` " +
      "job_id_ptr), then it names the running job (`call.running-job`); every other pointer argument, in parameter order, is in memory with its " +
      "length (16 bytes for a library id); then the import's own checks, in the order its clause lists them. A failed check is the call's one refusal.",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB"],
    verified: CASE,
  },
  {
    id: "call.refusal",
    level: "MUST",
    text:
      "A refused call MUST have no effect and record exactly one `abi_violation` event with the import, the status name and the fields `arg`, " +
      "`limit` and `size` as the refusal's clause gives them (null when it gives none). A status call returns the status code; a pointer call " +
      "returns 0; `job_check_interrupt` answers 0 (continue); a void call returns nothing.",
    statuses: ["INVALID_MEMORY_ACCESS", "NOT_RUNNING_JOB", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    verified: CASE,
  },
  {
    id: "call.refusal-trace",
    level: "MUST",
    text:
      "A refusal is recorded in the trace of the job running on the calling instance (event `job` its id), also when the call named another job; " +
      "with no job running (plugin_init, plugin_cleanup) it is recorded in the extension trace with `job` null.",
    verified: CASE,
  },
  {
    id: "call.utf8",
    level: "MUST",
    text:
      "Text arguments (messages, job names, export names, child types, wire methods, wire payloads) MUST be valid UTF-8 as RFC 3629 defines it " +
      "(no overlong forms, no encoded surrogates U+D800 to U+DFFF, nothing above U+10FFFF, no truncated sequence); other bytes are refused with " +
      "BAD_ARGUMENT (`arg` the pointer parameter), never replaced. A text argument is exactly the characters its bytes encode: nothing is " +
      "stripped or normalized, where the host records the text and where it matches it (names, types, methods); a leading byte order mark (EF BB " +
      "BF) is the character U+FEFF, so a JSON text (a wire payload, a progress) that starts with one is not JSON.",
    statuses: ["BAD_ARGUMENT"],
    verified: CASE,
  },
  {
    id: "call.message-size",
    level: "MUST",
    text:
      "A message (progress message, progress JSON, warning, non-critical error, log line) longer than `maxMessageBytes` bytes of UTF-8 MUST be refused with " +
      "LIMIT_EXCEEDED (`arg` msg_ptr, `limit` maxMessageBytes, `size` its length in bytes); exactly `maxMessageBytes` is accepted. Names, types and " +
      "methods have no size limit.",
    statuses: ["LIMIT_EXCEEDED"],
    verified: CASE,
  },
  {
    id: "call.count",
    level: "MUST",
    text:
      "Every call of an import made while a job's run is in progress counts as one host call of that job, whatever its outcome (refusals included); " +
      "calls made while no job runs count for none. A run is in progress from its `Running` event on: the calls a guest's `wasm_alloc` makes " +
      "while the host passes the context and the state are the job's, and are recorded in its trace. `atCall` interrupt plans count these. " +
      "The calls of a `plugin_init` that runs on a fresh instance just before a run (`run.retire`), after that run's `Running` event, are the " +
      "extension's (`init.acts-for-extension`): they count for no job. Calls are numbered in the order they begin: a call that guest code makes " +
      "while the host is inside another call (its `wasm_alloc`, asked for that call's answer) comes after that call.",
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Host-to-guest bytes
  {
    id: "answer.framing",
    level: "MUST",
    text:
      "`spacedrive_call`, `job_load_state`, `job_spawn_child` and `job_wait_for_children` answer bytes by calling `wasm_alloc(4 + n)` once, after the call took effect (its " +
      "event recorded), writing n as a u32 little-endian followed by the n bytes at the pointer it returned, and returning that pointer.",
    imports: ["spacedrive_call", "job_load_state", "job_spawn_child", "job_wait_for_children"],
    exports: ["wasm_alloc"],
    verified: CASE,
  },
  {
    id: "answer.alloc-failure",
    level: "MUST",
    text:
      "When `wasm_alloc` returns 0 or a pointer whose 4 + n bytes are not in memory, the call MUST write nothing into guest memory (not the " +
      "length prefix either, when only it would fit), return 0 and record ALLOCATION_FAILED (`arg` null, " +
      "`size` 4 + n), after the effect's event. The call's effect stands: the state was loaded (its `load_state` event is recorded), the child is " +
      "queued, the wire call was made, the children waited for have run (`children_waited` is recorded). For a wire call's error answer, n counts the " +
      "host's words (`wire.errors`), so that refusal's `size` is not compared.",
    imports: ["spacedrive_call", "job_load_state", "job_spawn_child", "job_wait_for_children"],
    statuses: ["ALLOCATION_FAILED"],
    verified: CASE,
  },
  {
    id: "answer.alloc-trap",
    level: "MUST",
    text:
      "A trap inside `wasm_alloc` while the host writes an answer is a trap of the run (end cause trap), which no guest code catches, not even an " +
      "exception handler (`catch_all`) around the import call; the call's effect stands and no refusal is recorded.",
    imports: ["spacedrive_call", "job_load_state", "job_spawn_child", "job_wait_for_children"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Progress
  {
    id: "progress.report",
    level: "MUST",
    text:
      "`job_report_progress(job, progress, msg)` checks, in order: progress is not NaN (BAD_ARGUMENT, `arg` progress); `call.message-size`; " +
      "`call.utf8`. It then records `progress` {value, message}, the message byte for byte.",
    imports: ["job_report_progress"],
    statuses: ["BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    verified: CASE,
  },
  {
    id: "progress.structured",
    level: "MUST",
    text:
      "ABI 1.1's `job_progress(job, progress)` carries core's `Progress` as the UTF-8 JSON its serde form writes: an object `{\"type\": kind, " +
      "\"data\": data}`, kind one of Count, Percentage, Indeterminate, Bytes, Structured, Generic and data as the kind's table row says. It " +
      "checks, in order: `call.message-size` (`arg` progress_ptr); `call.utf8`; the text is one JSON value as RFC 8259 defines it, refused " +
      "further, whatever serde_json would accept, when an object at any depth (inside Structured's data and Generic's `metadata` and " +
      "`current_path` too) has a member name twice (unlike `wire.payload`, where the last value is kept; names are compared as the strings they " +
      "denote, escapes decoded, so `\"\\u0063urrent\"` repeats `\"current\"`, and so are `type` values), a string has a lone surrogate escape " +
      "such as \\ud800, a number is too large for a double (its value, rounded to the nearest double, is infinite in either sign: `1e400`, " +
      "`-1e400`, `1.7976931348623159e308`; `1.7976931348623158e308` rounds to the largest double and is accepted), or more than 127 arrays and objects nest in one another (serde_json's " +
      "recursion limit); and it is a progress: an object whose `type` names a kind and whose `data` (required for every kind; Structured's may be " +
      "any JSON value, null included) has that kind's shape. Members the ABI does not name are ignored, at every level. A u64, and a Duration's " +
      "`nanos`, is written as digits only (no sign, fraction or exponent): a u64 is at most 2^64 - 1, `nanos` below 10^9; a number from 0 to 1 " +
      "(Percentage's data, Generic's `percentage`) is checked as the double the JSON number is, never rounded to f32 first, and -0 is in range; " +
      "an f32 is a number whose magnitude, read as a double, is at most f32's largest (3.4028234663852886e38): `3.4028235e38`, the text " +
      "serde_json writes for f32::MAX, is above it and refused. Each failed check is BAD_ARGUMENT (`arg` progress_ptr). It then answers OK and " +
      "records `job_progress` {progress}, the guest's text byte for byte.",
    imports: ["job_progress"],
    statuses: ["OK", "BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    why:
      "One import for every kind: the JSON is core's own form of a Progress (serde's), so a guest built on core's types writes it as it is, and " +
      "new kinds need no new import. The checks differ from serde at a few edges a guest rarely reaches, so that every host decides the " +
      "same texts alike. Stricter: a key twice inside a `serde_json::Value` (serde keeps the last), f32::MAX as serde_json writes it, `nanos` " +
      "of 10^9 or more (serde carries them into seconds). Looser: a Generic without `metadata` (a `serde_json::Value` field with no " +
      "`#[serde(default)]`, which serde requires: generic_progress.rs:35-36 @ be454a0b4) and any `current_path` (serde needs an SdPath or " +
      "null, :23).",
    verified: CASE,
  },
  {
    id: "progress.f32",
    level: "MUST",
    text:
      "Progress is the f32 the guest passed, clamped to [0, 1] (+Infinity is 1, -Infinity 0, -0 is 0). The recorded value is that f32 exactly, " +
      "widened to a double (f32 0.1 is 0.10000000149011612), never re-rounded through decimal text.",
    imports: ["job_report_progress"],
    why:
      "The SDK passes progress as an f32 (crates/sdk/src/job_context.rs:57-66 @ be454a0b4), and guests compute it in f32 (Spacedrive's test " +
      "extension divides current as f32 by total as f32; it is not among the copied sources), so its exact bits are what a guest means.",
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Checkpoints and state
  {
    id: "checkpoint.save",
    level: "MUST",
    text:
      "`job_checkpoint(job, state)` checks, after `call.check-order`'s job id and memory checks, in order: the state's size, where more than " +
      "`maxStateBytes` bytes is refused with LIMIT_EXCEEDED (`arg` state_ptr, `limit` maxStateBytes, `size` its length) and the previous checkpoint " +
      "is kept; then the tree's state bytes (`child.tree`). Otherwise the host's state store saves the bytes: they replace the " +
      "job's checkpoint, the call answers OK and records `checkpoint` {state, bytes} (a save the store fails is `checkpoint.store-error`).",
    imports: ["job_checkpoint"],
    statuses: ["OK", "LIMIT_EXCEEDED"],
    verified: CASE,
  },
  {
    id: "checkpoint.while-interrupted",
    level: "MUST",
    text: "`job_checkpoint` MUST save while an interrupt is pending, as at any other time.",
    imports: ["job_checkpoint"],
    why: "Core's checkpoint_with_state checks for an interrupt first and saves nothing then (context.rs:147-154 @ be454a0b4); a guest that checkpoints because it was interrupted needs the save.",
    verified: CASE,
  },
  {
    id: "checkpoint.store-error",
    level: "MUST",
    text:
      "When the host's state store fails to save (`scenario.store-failures`), `job_checkpoint` and ABI 1.1's `job_checkpoint_stateless` MUST refuse " +
      "the call with STORE_ERROR: it records `abi_violation` with `arg`, `limit` and `size` null, records no `checkpoint` event, and keeps the " +
      "previous checkpoint (`job_load_state` answers it). The job goes on running.",
    imports: ["job_checkpoint", "job_checkpoint_stateless"],
    statuses: ["STORE_ERROR"],
    verified: CASE,
  },
  {
    id: "checkpoint.stateless",
    level: "MUST",
    text:
      "ABI 1.1's `job_checkpoint_stateless(job)` is core's `checkpoint()`: the job's checkpoint becomes none (a later `job_load_state` answers 0, a " +
      "resume starts from the job's initial state). It answers OK and records `checkpoint` with `state` null and `bytes` 0, also while an interrupt " +
      "is pending (`checkpoint.while-interrupted`); a store that fails it is `checkpoint.store-error`.",
    imports: ["job_checkpoint_stateless"],
    statuses: ["OK", "STORE_ERROR"],
    why:
      "Core's checkpoint() saves a checkpoint with no data, save_checkpoint(id, None) (context.rs:142-145 @ be454a0b4); what a handler keeps " +
      "then is its implementation's (only the CheckpointHandler trait, :218-229, is among the copied sources). The ABI makes the checkpoint " +
      "none, so that it loads as none.",
    verified: CASE,
  },
  {
    id: "checkpoint.load",
    level: "MUST",
    text:
      "`job_load_state(job)` answers the job's current checkpoint (`answer.framing`; an empty checkpoint is a frame of length 0) or 0 when it has " +
      "none, and records `load_state` {state} (null when there is none). A job's initial state is not a checkpoint: before its first checkpoint a " +
      "job loads nothing.",
    imports: ["job_load_state"],
    verified: CASE,
  },
  {
    id: "checkpoint.kept",
    level: "MUST",
    text:
      "A job's checkpoint lives until the job ends: it is discarded when the job completes or is cancelled, and kept when it pauses, fails or " +
      "traps. The result's `savedState` is what is left.",
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Interrupts
  {
    id: "interrupt.answer",
    level: "MUST",
    text:
      "`job_check_interrupt(job)` answers 0 when nothing is pending, 1 when a pause is pending and 2 when a cancel is pending, and records `interrupt_check` {answer}. " +
      "A pending request changes nothing else: every other import behaves as with none pending; it decides only what this call answers and what " +
      "a run's return of 1 means (`run.returned`).",
    imports: ["job_check_interrupt"],
    verified: CASE,
  },
  {
    id: "interrupt.plans",
    level: "MUST",
    text:
      "A scenario interrupt {action, atCheck | atCall, job, run} requests its action during the job created `job`-th (0 the root) in its run `run` " +
      "(0 the first): at its `atCheck`-th `job_check_interrupt` (the request is pending for that check) or at its `atCall`-th host call " +
      "(`call.count`; pending from that call on, that call included). Counts start at 1 in every run. A check is a `job_check_interrupt` that " +
      "names the running job; a refused one is not a check. A call counts toward `atCall` plans first and then, if it is a check, toward `atCheck` " +
      "plans: an `atCall` plan due at a check's call is due before any `atCheck` plan of that check, whatever their order in the list. Of " +
      "several plans of the same kind that come due at the same moment, the first in the scenario's list is the request (`interrupt.first-wins`).",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "interrupt.level-triggered",
    level: "MUST",
    text: "A pending request stays pending until the run returns: every later check in the run answers it again.",
    why:
      "Core's check_interrupt asks sd_task_system's Interrupter::try_check_interrupt (context.rs:133-134 @ be454a0b4), which decides whether a " +
      "second check sees the request again and is not among the copied sources; the SDK's job macro checks again after the job's own check, " +
      "and must see the request both times.",
    verified: CASE,
  },
  {
    id: "interrupt.first-wins",
    level: "MUST",
    text: "While a request is pending, a later one MUST NOT replace it: a pause pending stays a pause when a cancel comes due, and the other way round.",
    verified: CASE,
  },
  {
    id: "interrupt.per-run",
    level: "MUST",
    text: "A request belongs to one run: a run starts with nothing pending, also after a pause.",
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Metrics
  {
    id: "metrics.increment",
    level: "MUST",
    text:
      "`job_increment_bytes(job, n)` and `job_increment_items(job, n)` add n, an i64 taken as u64 (so -1 adds 2^64 - 1), to the job's bytes or items " +
      "total, and record `metrics` {field, delta, total} with u64 decimal strings: `delta` is n as passed (taken as u64), `total` the total " +
      "after the addition. At saturation (`metrics.saturate`) `delta` is still n, whatever the total grew by.",
    imports: ["job_increment_bytes", "job_increment_items"],
    verified: CASE,
  },
  {
    id: "metrics.read",
    level: "MUST",
    text:
      "ABI 1.1's `job_metrics(job, out)` checks that [out, out + 24) is in memory (INVALID_MEMORY_ACCESS, `arg` out_ptr), writes the job's metrics " +
      "there as they stand, as the result's `metrics` counts them (bytes u64, items u64, warnings u32 and non-critical errors u32, warnings dropped " +
      "past `maxWarningsPerJob` not counted; little-endian, in that order; a count past 2^32 - 1 is written as 2^32 - 1, while `metrics_read` keeps it), " +
      "records `metrics_read` {metrics} and answers OK.",
    imports: ["job_metrics"],
    statuses: ["OK", "INVALID_MEMORY_ACCESS"],
    why:
      "Core's JobMetrics also has duration_ms, an Option that JobMetrics's Default leaves None and nothing in JobContext sets (types.rs:95-102 @ " +
      "be454a0b4): a running job reads None. A duration is the host's clock, which no two runs share, so the ABI answers the four counters.",
    verified: CASE,
  },
  {
    id: "metrics.saturate",
    level: "MUST",
    text: "Totals saturate at 2^64 - 1: they never wrap.",
    imports: ["job_increment_bytes", "job_increment_items"],
    why: "Core adds with += on u64; a wrapped total would report a job that did less than nothing.",
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Warnings, errors, logs
  {
    id: "report.warning",
    level: "MUST",
    text:
      "`job_add_warning(job, msg)` checks, in order: the job has fewer than `maxWarningsPerJob` warnings (`report.flood`); `call.message-size`; " +
      "`call.utf8`. It then records `warning` {message} and adds 1 to metrics.warnings.",
    imports: ["job_add_warning"],
    why: "Core's add_warning does not count warnings (context.rs:86-96 @ be454a0b4); v1 counts them so that a job's metrics say what happened.",
    verified: CASE,
  },
  {
    id: "report.non-critical-error",
    level: "MUST",
    text:
      "`job_add_non_critical_error(job, msg)` checks `call.message-size`, then `call.utf8`, then records `non_critical_error` {message} and adds 1 " +
      "to metrics.nonCriticalErrors. Non-critical errors have no count limit (as progress reports and increments have none; `report.flood` " +
      "limits log lines and warnings only).",
    imports: ["job_add_non_critical_error"],
    verified: CASE,
  },
  {
    id: "report.log",
    level: "MUST",
    text:
      "`job_log(job, level, msg)` and `spacedrive_log(level, msg)` check, in order: the job's line count (`report.flood`; lines that belong to a " +
      "job, from either import); `call.message-size`; `call.utf8`. They record `log` {level, message}, the message byte for byte: level 0 debug, 1 " +
      "info, 2 warn, 3 error, any other value info.",
    imports: ["job_log", "spacedrive_log"],
    verified: CASE,
  },
  {
    id: "report.log-attribution",
    level: "MUST",
    text: "A `spacedrive_log` line belongs to the job running on the calling instance; with no job running it belongs to the extension (event `job` null).",
    imports: ["spacedrive_log"],
    verified: CASE,
  },
  {
    id: "report.flood",
    level: "MUST",
    text:
      "A job keeps at most `maxLogLinesPerJob` log lines (from `job_log` and `spacedrive_log` alike) and `maxWarningsPerJob` warnings. The first " +
      "line (or warning) past its limit records one LIMIT_EXCEEDED (`import` the import it came through, `arg` null, `limit` the limit's name, " +
      "`size` null); it and every later one are dropped and counted in the result's `droppedLogLines` (or `droppedWarnings`), the later ones " +
      "without any event. Only lines and warnings kept count towards the limits: one refused by `call.message-size` or `call.utf8` is neither " +
      "kept nor counted, nor added to `droppedLogLines` or `droppedWarnings`. Once a limit is reached, a later line (or warning) is dropped " +
      "after the checks of `call.check-order` (its job id, its message's memory: one they refuse is recorded as that refusal, and neither " +
      "dropped nor counted) and before `call.message-size` and `call.utf8`, whatever its size or bytes. Lines of the extension (no job) are not limited.",
    imports: ["job_log", "spacedrive_log", "job_add_warning"],
    statuses: ["LIMIT_EXCEEDED"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Child jobs
  {
    id: "child.spawn",
    level: "MUST",
    text:
      "`job_spawn_child(job, type, params)` checks, in order: `call.utf8` for the type; the type is the name (not the export) of a job the same " +
      "extension registered, or a native job type of the host (the reference host has none) (UNKNOWN_JOB_TYPE, `arg` type_ptr); the job has spawned fewer than `maxChildrenPerJob` children (LIMIT_EXCEEDED, `arg` " +
      "null, `limit` maxChildrenPerJob); the child's depth (the root is 0) is at most `maxChildDepth` (LIMIT_EXCEEDED, `arg` null, `limit` " +
      "maxChildDepth); then the tree limits (`child.tree`). The params are bytes, never checked as text (a trace shows them as `result.trace-text` " +
      "says). It then creates the child, Queued, with the spawning job as its parent and the " +
      "params as its initial state, records `child_spawned` {child, type, params}, and answers the child's 16 id bytes (`answer.framing`).",
    imports: ["job_spawn_child"],
    statuses: ["UNKNOWN_JOB_TYPE", "LIMIT_EXCEEDED"],
    verified: CASE,
  },
  {
    id: "child.tree",
    level: "MUST",
    text:
      "A tree of jobs (a dispatched job and all its descendants) is limited as a whole. `job_spawn_child` checks, after its own checks and in " +
      "order: fewer than `maxTreeJobs` jobs were created in the tree, the root included and jobs that ended included (a tree's job count never " +
      "goes down) (LIMIT_EXCEEDED, `arg` null, `limit` maxTreeJobs); fewer than " +
      "`maxQueuedJobs` of them were spawned and have not started (a job starts when its first run begins: its Running event is recorded, " +
      "whatever the run then does) (LIMIT_EXCEEDED, `arg` null, `limit` maxQueuedJobs); the tree's state bytes " +
      "plus the params' length are at most `maxTreeStateBytes` (LIMIT_EXCEEDED, `arg` params_ptr, `limit` maxTreeStateBytes, `size` the " +
      "params' length); a spawn subtracts nothing. A tree's state bytes are its jobs' initial states and current checkpoints. An initial state " +
      "(the root's included, which no limit refuses) counts from its job's creation for as long as the tree lasts, also after the job ended or " +
      "checkpointed. `job_checkpoint`, after `maxStateBytes`, counts the new state in place of the job's current checkpoint (none: 0 bytes), not " +
      "of its initial state: it refuses when the tree's state bytes, less the current checkpoint's length, plus the new state's length are more " +
      "than `maxTreeStateBytes` (LIMIT_EXCEEDED, `arg` state_ptr, `limit` maxTreeStateBytes, `size` the new state's length; the previous " +
      "checkpoint is kept). A job's checkpoint stops counting when it goes (Completed, Cancelled, a stateless checkpoint). A refused spawn or " +
      "checkpoint changes nothing.",
    imports: ["job_spawn_child", "job_checkpoint"],
    statuses: ["LIMIT_EXCEEDED"],
    why: "Per-job limits alone let a tree grow to maxChildrenPerJob^maxChildDepth jobs: a spawn loop would exhaust the host's memory.",
    verified: CASE,
  },
  {
    id: "child.order",
    level: "MUST",
    text:
      "The children a run queued run after that run ends, whatever status it ended in (a failed or cancelled parent's children run too), one " +
      "after the other in spawn order, each driven to its end (its own children first, its resumes included) before the next; all of them before " +
      "the parent's next run.",
    verified: CASE,
  },
  {
    id: "child.wait",
    level: "MUST",
    text:
      "ABI 1.1's `job_wait_for_children(job)` drives, inside the call, the children the job queued that have not run yet, as `child.order` drives " +
      "them after a run (in spawn order, each to its end, resumes included; a child paused and not resumed stays Paused, and a child that has run " +
      "is not run again by a later wait). They run on the live instance while the parent's export is still on the stack: the parent's, unless a " +
      "child retired it (`run.reuse`, `run.retire`); while one runs, it is the running job: the parent's id is refused (`call.running-job`) and " +
      "the calls it makes count as its own (`call.count`). A child that retires the instance does not end the parent's run (`run.retire`). Each " +
      "child's run has its own time limits (`run.timeout`, `run.stall`), and the wait drives every child even after the parent's limit has " +
      "passed. A child stopped by its limit fails with end cause timeout and retires the instance: the parent's run goes on there, the wait goes " +
      "on (its next run on a fresh instance) and answers that child's status, Failed. The time the parent spends waiting counts towards its " +
      "`runTimeoutMs` (not towards `run.stall`). A parent whose limit passed while it waited is not stopped inside the wait: the wait records its " +
      "event and calls `wasm_alloc` for its answer, and the parent is then stopped as `run.timeout` says, at a check of its guest code, which may " +
      "come inside that `wasm_alloc` (the answer is then not written) or after the call returned; a parent that returns before the host stops it " +
      "ends as its return says (`run.timeout`). The wait records `children_waited` {children: [{job, status}]}, every child the job has spawned, " +
      "in any of its runs, in spawn order with its status, and answers (`answer.framing`) the same list as compact JSON with no whitespace and " +
      "the members in this order, `[{\"job_id\":\"<id>\",\"status\":\"<status>\"}]`, each id a lowercase hyphenated UUID as in the context.",
    imports: ["job_wait_for_children"],
    statuses: ["ALLOCATION_FAILED"],
    why:
      "Core's wait_for_children stops at the first child that failed or was cancelled and returns an error (context.rs:186-194, " +
      "handle.rs:113-139 @ be454a0b4); the ABI drives every child and answers each status, so the parent decides.",
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Wire calls
  {
    id: "wire.call",
    level: "MUST",
    text:
      "`spacedrive_call(method, library_id, payload)` checks, in order: `call.utf8` for the method; the payload is at most `maxCallPayloadBytes` " +
      "bytes (LIMIT_EXCEEDED, `arg` payload_ptr, `limit` maxCallPayloadBytes, `size` its length); `call.utf8` for the payload. library_id_ptr 0 " +
      "means no library, else it points at 16 id bytes, read as `memory.job-id` reads a job id's (recorded as the lowercase hyphenated UUID they " +
      "spell). It then makes the wire call, records `call` {method, library, request, response} and answers the response as compact JSON " +
      "(`answer.framing`): serde_json's compact form, with no whitespace; in strings only `\"`, `\\` and U+0000 to U+001F are escaped (`\\b`, " +
      "`\\f`, `\\n`, `\\r`, `\\t`, the others `\\u00xx` in lowercase hex), every other character written as its UTF-8 bytes; numbers as " +
      "`wire.payload` says.",
    imports: ["spacedrive_call"],
    statuses: ["BAD_ARGUMENT", "LIMIT_EXCEEDED"],
    verified: CASE,
  },
  {
    id: "wire.payload",
    level: "MUST",
    text:
      "An empty payload is the request `{}`. A payload is read as serde_json reads a JSON value: one that is not JSON, that holds a number too " +
      "large for a double by its value, however it is written (its value, rounded to the nearest double, is infinite in either sign: `1e400`, " +
      "`-1e400`, `1` and 300 zeros then `e9`; `1.7976931348623158e308` rounds to the largest double and is read), a string (a member name included) with a lone surrogate escape such as \\ud800, or more than 127 arrays and " +
      "objects nested in one another (serde_json's recursion limit), is answered with error BadPayload without any other check (the rate limit " +
      "does not count it), and the call event's `request` is the payload's text. A JSON request's numbers are read by their value, rounded to the " +
      "nearest double: \"an integer\" in the wire catalogue is any number whose value is whole, however it is written (`1`, `1.0`, `1e0` and " +
      "`10E-1` are all 1, `-0` is 0). The call event's `request` and the answer write such a number as its value (`1`, `0`). A member name that " +
      "appears twice in an object keeps its last value.",
    imports: ["spacedrive_call"],
    messages: ["BadPayload"],
    verified: CASE,
  },
  {
    id: "wire.order",
    level: "MUST",
    text:
      "A wire call with a JSON request is checked in this order: the method has the form `query:<name>` or `action:<name>.input`, `<name>` one or " +
      "more ASCII letters (A-Z, a-z), digits (0-9), `_` or `.` (UnknownMethod); it starts with one of the manifest's method prefixes " +
      "(MethodNotAllowed); its library, if any, is one of the manifest's libraries or the manifest allows `*`, the call's library id compared as " +
      "its lowercase hyphenated text with each entry exactly (an entry in upper case matches no call) (LibraryAccessDenied); the rate limit " +
      "(`wire.rate-limit`, RateLimitExceeded); the host serves the method (UnknownMethod); then the method's own checks, in the order the wire " +
      "catalogue lists them.",
    messages: ["MethodNotAllowed", "LibraryAccessDenied", "RateLimitExceeded", "UnknownMethod"],
    why:
      "Spacedrive authorizes in this order (permissions.rs:116-143 @ be454a0b4, called once the payload parsed, host_functions.rs:84-104) and " +
      "only then looks the method up, answering `Unknown method` when nothing serves it (host_functions.rs:145); the method's form is the " +
      "ABI's own check, Spacedrive has none, and Spacedrive compares a library as a parsed UUID (permissions.rs:77-87), so an entry in upper " +
      "case matches there. A call refused by the manifest must not use up the rate budget.",
    verified: CASE,
  },
  {
    id: "wire.rate-limit",
    level: "MUST",
    text:
      "The rate limit allows at most `rateLimit.calls` calls in any window of `rateLimit.windowMs` milliseconds, over a sliding window on the " +
      "host's clock: a call made at time t counts against every later call made before t + windowMs. It counts the extension's calls (those of " +
      "plugin_init and plugin_cleanup included) that passed the checks before it in `wire.order` (the method's form, its prefix, its library) and " +
      "that it let through: a call answered RateLimitExceeded does not count, and a call a later check refuses (UnknownMethod for a method the " +
      "host does not serve, the method's own checks) does. A scenario's calls all happen at one instant of that clock: within a case no window " +
      "ever expires, so a host MUST count every counted call of the case, however much real time passes between them. So `calls` 0 refuses " +
      "every call that reaches the limit (`windowMs` is at least 1).",
    messages: ["RateLimitExceeded"],
    verified: CASE,
  },
  {
    id: "wire.errors",
    level: "MUST",
    text:
      "An error answer is exactly the object {\"error\": <text>, \"code\": <code>}, its members in that order in the JSON the guest receives " +
      "(`{\"error\":\"...\",\"code\":\"...\"}`), code one of the wire error codes. `error` is words for people: any text, never compared; `code` " +
      "is compared. Its length, and so the size the answer asks `wasm_alloc` for, is the host's too: `answer.alloc-failure`'s `size` for a wire " +
      "error answer is not compared. A host SHOULD keep `error` within 1024 bytes of UTF-8 (the reference host cuts longer words there): in a " +
      "guest whose memory is capped, the words' length decides whether later answers fit, and the cases leave room for words that long, not " +
      "longer.",
    messages: ["wire error"],
    verified: CASE,
  },
  {
    id: "wire.answers",
    level: "MUST",
    text:
      "Every method of the wire catalogue that a host serves MUST answer as the catalogue says: the answer's fields, their order in the JSON the " +
      "guest receives, and the error codes, checked in the listed order. A string an answer gives back from the request (an entry's name, path " +
      "and type, a sidecar's entry id and name, a peer) is the request's string unchanged, and so is what the library snapshot keeps. A method " +
      "outside the catalogue answers UnknownMethod, even one the host could serve.",
    messages: ["wire catalogue"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Libraries and networking
  {
    id: "library.default",
    level: "MUST",
    text:
      "Every case starts with one library, the default library, named `Default Library`; the scenario's `libraries` are created after it, in " +
      "order, with the names given (a name given twice is two libraries), before the guest is loaded: `plugin_init` sees them all. A job's " +
      "context names the default library. No scenario's library or peer name holds a lone surrogate: every name is Unicode text, which a host " +
      "writes as UTF-8 (`wire.call`).",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "library.snapshot",
    level: "MUST",
    text:
      "The result's `library` lists every library at the end of the case in creation order, each with its entries and sidecars in the order they " +
      "were created.",
    messages: ["result"],
    verified: CASE,
  },
  {
    id: "library.networking",
    level: "MUST",
    text:
      "With the scenario's `networking` absent or null, networking is off: a networking method that passes the checks of `wire.order` (the " +
      "method's form, the manifest, the rate limit) answers NetworkingDisabled. With `{peers}`, the host has those loopback peers, each item one " +
      "peer, in the order given (a name given twice is two peers, listed twice), which answer as the wire catalogue says.",
    why: "Core's networking_service() returns None when networking is off (context.rs:52-55 @ be454a0b4); an empty peer list would say something else.",
    messages: ["NetworkingDisabled"],
    verified: CASE,
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Runs, instances, order
  {
    id: "run.lifecycle",
    level: "MUST",
    text:
      "A job is created Queued and records `status` Queued first. Each run records Running, then the status it ends in, with `end`: " +
      "{cause: returned, code} when the export returned, {cause: trap} or {cause: timeout}.",
    verified: CASE,
  },
  {
    id: "run.returned",
    level: "MUST",
    text:
      "The value a run returns is read as a signed i32. 0 completes the job (Completed), also when an interrupt is pending. 1 pauses it (Paused), " +
      "or cancels it (Cancelled) when a cancel is pending. 2 fails it (Failed). Each returned value is appended to the job's `exitCodes`.",
    verified: CASE,
  },
  {
    id: "run.bad-return",
    level: "MUST",
    text:
      "A run that returns any other value fails the job (Failed, end {cause: returned, code: the value}), appends the value to `exitCodes`, and " +
      "records BAD_RETURN (`import` the job's export name, `arg` null) before the Failed status.",
    statuses: ["BAD_RETURN"],
    verified: CASE,
  },
  {
    id: "run.trap",
    level: "MUST",
    text:
      "A run that traps (including a stack overflow) fails the job with end cause trap; nothing is appended to `exitCodes`. The trap's message is " +
      "the job's entry in `errors`, which is never compared. The depth at which a stack overflows is the engine's: a case's guest either " +
      "recurses without bound or stays under 1,000 wasm frames (the frames of children run inside a wait included).",
    verified: CASE,
  },
  {
    id: "run.timeout",
    level: "MUST",
    text:
      "A run that has not returned `runTimeoutMs` milliseconds after it started (wall-clock time from before the host passes the context, host " +
      "calls included; 0: no limit) MUST be stopped; the job fails with end cause timeout. The guest is stopped in its own code, and no guest " +
      "code catches the stop (not even an exception handler, `catch_all`): a host call in progress completes, and its effect stands. A host may " +
      "stop the run later than the limit (the reference host checks its clock only now and then, `run.stall`), never before it; a run that " +
      "returns before the host has stopped it ends as its return says, even past its limit (a parent whose limit passed while it waited may so " +
      "complete, `child.wait`). Which of the two happens to a run that returns soon after its limit is the host's: no case depends on it.",
    verified: CASE,
  },
  {
    id: "run.stall",
    level: "MUST",
    text:
      "A run in which the guest runs its own code for `stallTimeoutMs` milliseconds without calling the host (wall-clock time, counted from " +
      "when the run started, before the host passes the context, or from the latest moment a host call of the run began or returned, " +
      "whichever is later: the clock restarts when a call begins and again when it returns, so the time the host spends on a call never " +
      "counts, a long `job_wait_for_children` included; the guest code a host runs to answer a call, `wasm_alloc` (`answer.framing`), is the " +
      "guest's and may count) MUST be stopped as `run.timeout` stops a run: " +
      "the job fails with end cause timeout. Every call of an import counts, a refused one included. A run that keeps calling the host MUST " +
      "NOT be stopped by this limit however long it takes (`runTimeoutMs` still applies); the one exception is a wall clock's: when the " +
      "host's own thread did not run for `stallTimeoutMs` between two calls (descheduled, or paused), a host that cannot tell that time " +
      "from the guest's may stop the run (the gate and `job-parity fuzz` send a case under a limit of its own again before they count such a " +
      "difference). A host may stop a run later than the limit, never before it. The reference host reads both clocks only at loop checks " +
      "(every 65,536 function or loop entries of guest code) and restarts " +
      "this one at the first check after a host call began: after the call returns, or inside the `wasm_alloc` that answers it. " +
      "`plugin_init` and `plugin_cleanup` run under it as under " +
      "`runTimeoutMs` (`init.time-limit`, `run.cleanup`). 0: no limit.",
    why:
      "A long job and a runaway guest are different things: nothing in core's JobContext limits a job's wall-clock time (context.rs @ " +
      "be454a0b4; the executor that runs jobs is not among the copied sources), so a host that runs jobs as long as they need (runTimeoutMs " +
      "0, or large) still stops a guest that spins without ever calling it.",
    verified: CASE,
  },
  {
    id: "run.retire",
    level: "MUST",
    text:
      "An instance that trapped or was stopped MUST NOT be given another run, nor plugin_cleanup. When the live instance is retired, the next run, " +
      "of any job, gets a fresh instance (fresh memory, plugin_init again, `init.reinit`). If the fresh instance cannot be made (instantiating it " +
      "fails, for example when the engine cannot allocate its memory) or plugin_init fails on it (it traps, returns anything but 0 or is stopped " +
      "by its time limit), that run (counted, its Running event recorded) fails with end cause trap, and the instance is " +
      "discarded: the next run gets another fresh instance. A parent whose run is on an instance that a child retired while the parent waited for " +
      "it (`child.wait`) goes on running there until its run ends; guest code that run calls (the wait's `wasm_alloc` included) runs on that " +
      "instance. A run retires only the instance it ran on: when such a parent traps or is stopped, the instance a later child made live stays " +
      "live, and the next run and plugin_cleanup are given it.",
    verified: CASE,
  },
  {
    id: "run.reuse",
    level: "MUST",
    text: "Otherwise one instance serves every run of the case, of every job: what a run leaves in memory, the next run sees.",
    verified: CASE,
  },
  {
    id: "run.resume",
    level: "MUST",
    text:
      "With the scenario's `resume`, a job that ends a run Paused is run again (after the children of that run), again and again, until it ends " +
      "otherwise or has run `maxRunsPerJob` times; it then stays as it is. `maxRunsPerJob` limits resumes only: a job's first run always happens, " +
      "so 0 and 1 both mean no resume. Without `resume` a Paused job stays Paused. A job's metrics totals and its counts towards the per-job " +
      "limits (log lines, warnings, children spawned) are the job's, not a run's: a resumed run starts from them as the last run left them, " +
      "what it added after its last checkpoint included.",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "run.cleanup",
    level: "MUST",
    text:
      "After the last job of the case has ended its last run, the host calls `plugin_cleanup`, when the guest exports it, once, on the live " +
      "instance; when no instance is live (the last one was retired, `run.retire`), it is not called, and none is created for it. It acts for the extension as `init.acts-for-extension` says, runs under `runTimeoutMs`, and its result " +
      "and any trap are ignored.",
    exports: ["plugin_cleanup"],
    verified: CASE,
  },
  {
    id: "run.result-jobs",
    level: "MUST",
    text:
      "The result lists the root job first, then every job it created, directly or not, in creation order, each with its type, parent, final " +
      "status, runs, exit codes, metrics, saved state, dropped counts and trace.",
    messages: ["result"],
    verified: CASE,
  },
];
