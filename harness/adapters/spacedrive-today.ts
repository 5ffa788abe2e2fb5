import { decodeUtf8, encodeUtf8, uuidFromBytes } from "../abi/codec.ts";
import { IMPORTS, type ImportName } from "../abi/imports.ts";
import { isJsonObject, JsonNumber, JsonSyntaxError, parseExactJson, type ExactJson } from "../abi/json-exact.ts";
import { GuestMemory } from "../abi/memory.ts";
import { INTERRUPT } from "../abi/exports.ts";
import type { StatusCode } from "../abi/status.ts";
import { ABI_MARKER } from "../abi/version.ts";
import { GuestLoadError } from "../engine/errors.ts";
import type { WasmEngine } from "../engine/engine.ts";
import { checkLink } from "../engine/link.ts";
import { readU32 } from "../engine/leb128.ts";
import { LOOP_CHECK_MODULE } from "../engine/loop-checks.ts";
import type { ExtensionScope, JobExecutor } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import { logLevel } from "../host/operations.ts";
import type { Permissions } from "../host/permissions.ts";
import { RunTimeout, runGuestWithTimeout } from "../host/watchdog.ts";
import { WireFailure } from "../host/wire-errors.ts";
import type { CaseRequest } from "./types.ts";
import { asImport, importFn, wrapRuns, type CannotRun, type Mutant, type MutantParts } from "./mutant-kit.ts";

/**
 * `spacedrive-today`: Spacedrive's extension host as it stands at commit be454a0b4, modelled from its sources
 * (shared/reference/spacedrive-source; read for facts, no code taken). Every behaviour below cites the Spacedrive
 * file and line it models; paths are `core/src/infra/extension/<file>` unless given in full.
 *
 * What it cannot model, it says: today's WASM job dispatcher never calls a guest's job export (wasm_job.rs:96-112:
 * a TODO, then `0 // Success code`), so a job run of this mutant is the host functions as they would answer *if*
 * the export were called, and every case whose outcome needs a job run is reported as not runnable today
 * (MutantParts.cannotRun), never silently passed or failed on a run that does not happen.
 */

/** Where this model's facts come from. */
const AT = "@ be454a0b4";
const HOST_FUNCTIONS = "core/src/infra/extension/host_functions.rs";
const MANAGER = "core/src/infra/extension/manager.rs";

/** The imports Spacedrive defines (manager.rs:145-198 `imports!`): the nine of origin `spacedrive`; any other fails to link. */
export const SPACEDRIVE_IMPORTS: readonly ImportName[] = IMPORTS.filter((spec) => spec.origin === "spacedrive").map((spec) => spec.name as ImportName);

/** Imports of the ABI (1.0 and later) that Spacedrive does not define: a guest importing one does not link (manager.rs:201). */
export const IMPORTS_MISSING_TODAY: readonly ImportName[] = IMPORTS.filter((spec) => spec.origin !== "spacedrive").map((spec) => spec.name as ImportName);

/** write_json_to_memory writes every answer at this fixed offset, with no length and no wasm_alloc (host_functions.rs:246-248). */
const TODAY_CALL_ANSWER_OFFSET = 65536;

/** How long the harness lets a start function run before it takes it for one that never returns. */
const START_LIMIT_MS = 100;

/** Why a case that needs a job run cannot run today. */
export const NOT_DISPATCHED =
  `today's dispatcher never calls the job export: WasmJob::run checks the plugin is loaded, logs, and returns Success ` +
  `(core/src/infra/extension/wasm_job.rs:96-112 ${AT}; the manager stores no Instance to call, ${MANAGER}:231-238)`;

// ---------------------------------------------------------------------------------------------------------------
// Reading guest memory as Wasmer's WasmPtr does (host_functions.rs:190-217): out of bounds is an error, and text must
// be UTF-8 (String::from_utf8, :200). Every caller turns an error into its own answer and records nothing.
// ---------------------------------------------------------------------------------------------------------------

const bytesAt = (memory: GuestMemory, ptr: number, len: number) => memory.slice(ptr, len)?.slice() ?? null;

function textAt(memory: GuestMemory, ptr: number, len: number): string | null {
  const bytes = memory.slice(ptr, len);
  return bytes === null ? null : decodeUtf8(bytes);
}

/** read_uuid_from_wasm (host_functions.rs:203-217): the 16 bytes, or null out of bounds. */
const uuidAt = (memory: GuestMemory, ptr: number) => bytesAt(memory, ptr, 16);

/** `{"error": "..."}` with no code (host_functions.rs:266-269); the words are never compared. */
const errorAnswer = (error: string) => ({ error });

// ---------------------------------------------------------------------------------------------------------------
// spacedrive_call's methods (host_functions.rs:121-145). Of the wire catalogue, core registers only these two
// (shared/reference/spacedrive-source/wire-methods.txt:13 and :42); every other catalogue method (entries.*,
// sidecars.write, network.peers, network.send, action:test.ping.input) is "Unknown method".
// ---------------------------------------------------------------------------------------------------------------

type TodayMethod = { readonly kind: "library_query" | "core_query"; readonly handle: (payload: ExactJson, host: ReferenceHost, library: string | null) => unknown };

/** A handler's error: `Err(String)` from serde or the operation (core/src/infra/wire/registry.rs:32, :38). */
class TodayError {
  constructor(readonly message: string) {}
}

/**
 * PingInput (core/src/ops/extension_test/ping.rs:17-21) as serde_json::from_value reads it (registry.rs:32): `message` a
 * string, `count` an optional u32, other fields ignored. A serde-derived struct also reads an array, `[message, count?]`.
 * A u32 is a number written as digits only: serde_json reads `1.0`, `1e0` and `-0` as floats, which a u32 refuses.
 */
function pingInput(payload: ExactJson): { message: string; count: number | null } {
  let fields: readonly (ExactJson | undefined)[];
  if (isJsonObject(payload)) fields = [payload.message, payload.count];
  else if (Array.isArray(payload)) {
    if (payload.length === 0) throw new TodayError("invalid length 0, expected struct PingInput with 2 elements");
    if (payload.length > 2) throw new TodayError(`invalid length ${payload.length}, expected fewer elements in array`);
    fields = payload;
  } else throw new TodayError("invalid type: expected struct PingInput");
  const [message, count] = fields;
  if (message === undefined) throw new TodayError("missing field `message`");
  if (typeof message !== "string") throw new TodayError("invalid type: expected a string");
  if (count === undefined || count === null) return { message, count: null };
  const value = count instanceof JsonNumber ? count.unsigned() : null;
  if (value === null || value > 0xffff_ffffn) throw new TodayError("invalid value: expected u32");
  return { message, count: Number(value) };
}

/** Uuid's FromStr (the uuid crate): hyphenated, simple (32 hex digits), braced or `urn:uuid:`, hex digits in either case. */
const HYPHENATED = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const UUID_FORMS = new RegExp(`^(?:[0-9a-fA-F]{32}|${HYPHENATED}|\\{${HYPHENATED}\\}|urn:uuid:${HYPHENATED})$`);

/** The UUID a text parses as, lowercase hyphenated (how the model names a call's library), or null. */
export function parseUuid(text: string): string | null {
  if (!UUID_FORMS.test(text)) return null;
  const hex = text.replace(/^urn:uuid:|[{}-]/g, "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The manifest as can_access_library reads it (permissions.rs:77-87): `*` allows every library, any other entry is
 * parsed as a UUID and compared with the call's, so one in upper case or braces still matches and one that does not
 * parse matches nothing. The gate compares text, so each entry is given to it as its UUID's lowercase hyphenated text.
 */
function asSpacedriveReadsIt(permissions: Permissions): Permissions {
  return { ...permissions, libraries: permissions.libraries.flatMap((entry) => (entry === "*" ? ["*"] : (parseUuid(entry) ?? []))) };
}

const TODAY_METHODS: ReadonlyMap<string, TodayMethod> = new Map(Object.entries({
  // register_library_query!(PingQuery, "test.ping") (ping.rs:64): PingOutput (ping.rs:55-59), count defaulting to 1.
  "query:test.ping": {
    kind: "library_query",
    handle: (payload, host, library) => {
      const input = pingInput(payload); // registry.rs:32, before the query runs (:35-38)
      // Unverified: that an unknown library id is an error (ApiDispatcher::execute_library_query is not among the copies).
      if (!host.library.snapshot().libraries.some((lib) => lib.id === library)) throw new TodayError(`library ${library} not found`);
      return { echo: `Pong: ${input.message}`, count: input.count ?? 1, extension_works: true };
    },
  },
  // register_core_query!(ListLibrariesQuery, "libraries.list") (wire-methods.txt:42). Unverified: its input and output
  // types (core/src/ops/libraries/list/query.rs is not among the copies); modelled as the catalogue's answer.
  "query:libraries.list": {
    kind: "core_query",
    handle: (_payload, host) => ({ libraries: host.library.snapshot().libraries.map(({ id, name }) => ({ id, name })) }),
  },
} satisfies Record<string, TodayMethod>));

/** The permission check's words (permissions.rs:13-26, :116-143), as host_functions.rs:103 answers them. */
const DENIED: Record<string, string> = {
  MethodNotAllowed: "Method not allowed",
  LibraryAccessDenied: "Library access denied",
  RateLimitExceeded: "Rate limit exceeded",
};

// ---------------------------------------------------------------------------------------------------------------
// Loading (manager.rs:84-243).
// ---------------------------------------------------------------------------------------------------------------

/**
 * The guest as a loader that reads no ABI marker sees it (manager.rs reads only `memory` and `plugin_init`): every
 * `spacedrive_abi_version_*` export is renamed (its first byte becomes `x`, in the export section only), so it is an
 * ordinary export and no version check can refuse the guest.
 */
export function hideAbiMarkers(guest: Uint8Array): Uint8Array {
  if (guest.length < 8) return guest;
  let out: Uint8Array | null = null;
  try {
    let at = 8;
    while (at < guest.length) {
      const id = guest[at]!;
      const [size, body] = readU32(guest, at + 1);
      if (id === 7) {
        let [count, p] = readU32(guest, body);
        for (; count > 0; count--) {
          const [len, name] = readU32(guest, p);
          const text = decodeUtf8(guest.subarray(name, name + len));
          if (text !== null && ABI_MARKER.test(text)) (out ??= guest.slice())[name] = 0x78;
          p = readU32(guest, name + len + 1)[1]; // the kind byte, then the index
        }
      }
      at = body + size;
    }
  } catch {
    return guest; // not a module we can read: the loader reports it as it reports any bad guest
  }
  return out ?? guest;
}

/** The link check Wasmer's Instance::new makes (manager.rs:201-203): imports only, each one of the nine with its exact type. */
const linkCheck: NonNullable<NonNullable<MutantParts["load"]>["linkCheck"]> = (iface) => checkLink(iface).filter((problem) => problem.name.startsWith("import "));

// ---------------------------------------------------------------------------------------------------------------
// The model.
// ---------------------------------------------------------------------------------------------------------------

function spacedriveToday(): MutantParts {
  let host: ReferenceHost | null = null;
  let scope: ExtensionScope | null = null;
  // The memory host functions read (PluginEnv.memory): a fresh 1-page memory until the instance exists
  // (manager.rs:127-131), then the instance's `memory` (manager.rs:208-212). A start function sees the first.
  let memory = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  let dispatched = false;
  let hang: CannotRun | null = null;

  const withScope = <T>(fallback: T, act: (h: ReferenceHost, s: ExtensionScope) => T): T => (host === null || scope === null ? fallback : act(host, scope));

  /** host_spacedrive_call (host_functions.rs:39-156), answered through write_json_to_memory (:219-264). */
  function call(methodPtr: number, methodLen: number, libraryPtr: number, payloadPtr: number, payloadLen: number): number {
    const method = textAt(memory, methodPtr, methodLen);
    if (method === null) return 0; // :54-60
    const libraryBytes = libraryPtr === 0 ? null : uuidAt(memory, libraryPtr);
    if (libraryPtr !== 0 && libraryBytes === null) return 0; // :63-73 (library_id_ptr 0 is None)
    const library = libraryBytes === null ? null : uuidFromBytes(libraryBytes);
    const payloadText = textAt(memory, payloadPtr, payloadLen);
    if (payloadText === null) return 0; // :76-82: out of bounds or invalid UTF-8 answers 0; no size limit
    return withScope(0, (h, s) => {
      let request: unknown = payloadText;
      let answer: unknown = null;
      let payload: ExactJson = null;
      try {
        // serde_json::from_str into a Value (:84): refuses what JSON.parse keeps (a lone surrogate escape, 1e400, nesting
        // past 127), keeps a repeated key's last value; an empty payload is not JSON either.
        payload = parseExactJson(payloadText, { repeatedKeys: "last" });
        request = JSON.parse(payloadText) as unknown; // what the trace keeps: the same value, numbers as doubles
      } catch (error) {
        if (!(error instanceof JsonSyntaxError)) throw error;
        answer = errorAnswer(`Invalid JSON: ${error.message}`); // :84-90, before any permission check
      }
      // During plugin_init, a call that gets here reaches Handle::current().block_on (:93-94, :114) inside the async
      // load_plugin (manager.rs:84), which calls plugin_init synchronously (:216); per Tokio's docs block_on panics in an
      // async execution context, so such a call probably panics today. Not modelled: it is answered as the host
      // functions read.
      answer ??= dispatch(h, s, method, library, payload);
      // Calls are not job-scoped: PluginEnv knows the extension, not the job (:18-25), so the call is the extension's.
      s.trace.record({ kind: "call", job: null, method, library, request, response: answer });
      return writeAnswer(answer);
    });
  }

  function dispatch(h: ReferenceHost, s: ExtensionScope, method: string, library: string | null, payload: ExactJson): unknown {
    try {
      s.gate.authorize(method, library); // :93-104, permissions.rs:116-143: method prefix, library (as UUIDs), then the rate limit
    } catch (error) {
      if (!(error instanceof WireFailure)) throw error;
      return errorAnswer(`Permission denied: ${DENIED[error.wireCode] ?? error.wireCode}: ${error.message}`); // :103
    }
    const found = TODAY_METHODS.get(method);
    if (found === undefined) return errorAnswer(`Unknown method: ${method}`); // :145
    if (found.kind === "library_query" && library === null) return errorAnswer("Library ID required"); // :123
    try {
      return found.handle(payload, h, library);
    } catch (error) {
      if (!(error instanceof TodayError)) throw error;
      return errorAnswer(error.message); // :149-155
    }
  }

  /** write_json_to_memory (host_functions.rs:219-264): no wasm_alloc, no length prefix, over whatever the guest keeps there. */
  function writeAnswer(answer: unknown): number {
    const bytes = encodeUtf8(JSON.stringify(answer));
    if (memory.view().length < bytes.length) return 0; // :236-244: only that memory is at least as large as the answer
    return memory.write(TODAY_CALL_ANSWER_OFFSET, bytes) ? TODAY_CALL_ANSWER_OFFSET : 0; // :246-263
  }

  /** host_spacedrive_log (host_functions.rs:159-186): a tracing line of the extension, with no job (PluginEnv has none). */
  function log(level: number, ptr: number, len: number): void {
    const message = textAt(memory, ptr, len);
    if (message === null) return; // :171-177; no size limit, no flood limit
    withScope(undefined, (_h, s) => s.trace.record({ kind: "log", job: null, level: logLevel(level >>> 0), message })); // :179-185
  }

  /** The time limit the harness keeps (a case must end); past it, today's loader would never have returned. */
  const timeLimit = () => host?.limits.runTimeoutMs ?? 0;

  const engine = (inner: WasmEngine): WasmEngine => ({
    ...inner,
    instantiate: (module, imports) => {
      // The harness's own helper modules (the import trampoline) go through the engine too; a guest has the watchdog.
      if (!(LOOP_CHECK_MODULE in imports)) return inner.instantiate(module, imports);
      memory = new GuestMemory(new WebAssembly.Memory({ initial: 1 })); // manager.rs:127-131, per load
      let instance: WebAssembly.Instance;
      try {
        // A start function runs inside Instance::new (manager.rs:201) with no time limit (Store::default(), :59); the
        // harness stops one after START_LIMIT_MS (no fixture's start function takes anywhere near that long).
        instance = runGuestWithTimeout(() => inner.instantiate(module, imports), START_LIMIT_MS);
      } catch (error) {
        if (!(error instanceof RunTimeout)) throw error;
        hang = { atDispatch: false, reason: `the start function never returns and Instance::new has no time limit (${MANAGER}:201 ${AT}): the load never ends` };
        throw new GuestLoadError("JP_INIT_FAILED", `instantiating the guest did not end: ${error.message}`, { cause: error });
      }
      const exports = { ...(instance.exports as Record<string, unknown>) };
      if (!(exports.memory instanceof WebAssembly.Memory)) {
        throw new GuestLoadError("JP_LINK", "Plugin missing memory export (manager.rs:208-210: get_memory(\"memory\") failed)");
      }
      memory = new GuestMemory(exports.memory); // manager.rs:212
      delete exports.plugin_cleanup; // never called: unload_plugin has only a TODO for it (manager.rs:256)
      const init = exports.plugin_init;
      if (typeof init === "function") {
        exports.plugin_init = () => {
          // Called with no arguments (manager.rs:216): a plugin_init that takes some fails the call, and the load.
          if (init.length > 0) throw new WebAssembly.RuntimeError(`plugin_init takes ${init.length} parameters; it is called with none`);
          const started = performance.now();
          try {
            (init as () => unknown)();
          } catch (error) {
            const limit = timeLimit();
            if (limit > 0 && performance.now() - started >= limit) {
              hang = { atDispatch: false, reason: `plugin_init never returns and is called with no time limit (${MANAGER}:216 ${AT}): the load never ends` };
            }
            throw error; // a trap fails the load (manager.rs:218-224)
          }
          return 0; // its result is ignored: Ok(_) (manager.rs:217)
        };
      }
      return { exports } as unknown as WebAssembly.Instance;
    },
  });

  return {
    // The loader reads no ABI marker (manager.rs:84-243) and has no memory cap (permissions.rs:43 stores
    // max_memory_mb; nothing in the copies reads it).
    patchRequest: (request: CaseRequest) => {
      const guest = hideAbiMarkers(request.guest);
      const limits = request.scenario.limits;
      if (limits?.maxMemoryPages === undefined && guest === request.guest) return request;
      const { maxMemoryPages: _uncapped, ...kept } = limits ?? {};
      return { ...request, guest, scenario: { ...request.scenario, limits: limits === undefined ? undefined : kept } };
    },
    load: { engine, linkCheck },
    patchHost: (h) => {
      host = h;
      const open = h.openExtension.bind(h);
      h.openExtension = (id, permissions) => {
        const s = permissions === undefined ? open(id) : open(id, asSpacedriveReadsIt(permissions));
        // Only a registered job can be dispatched: create_wasm_job (job_registry.rs:100-111). A driver may name it by
        // its export too, which the registration lists (list_jobs_for_extension, :114-125); an unregistered export, never.
        s.findJobType = (name) => s.jobTypes.get(name) ?? [...s.jobTypes.values()].find((type) => type.exportName === name);
        return (scope = s);
      };
      // register_job's registry (job_registry.rs:40-74): only a duplicate name is refused (:62-68), answering 1
      // (host_functions.rs:457-463). No phase check, no export check: the export is never looked up.
      h.registerJob = (s, name, exportName, resumable, executor) => {
        if (s.jobTypes.has(name)) return 1 as StatusCode;
        s.jobTypes.set(name, { name, exportName, resumable, executor: executor ?? noSuchExport(exportName) });
        s.trace.record({ kind: "job_registered", job: null, name, export: exportName, resumable });
        return 0;
      };
      // Any job run below is the export called as it would be if wasm_job.rs:96 were done: not a run of today's host.
      wrapRuns(h, (job, state, run) => {
        dispatched = true;
        return run(job, state);
      });
    },
    wrapImports: (fns) => {
      const register = importFn<[number, number, number, number, number], number>(fns, "register_job");
      const missing = Object.fromEntries(
        IMPORTS_MISSING_TODAY.map((name) => [name, asImport(() => { throw new Error(`internal: Spacedrive defines no ${name}; the guest should not have linked`); })]),
      );
      return {
        ...fns,
        ...missing,
        spacedrive_call: asImport(call),
        spacedrive_log: asImport(log),
        // host_register_job (host_functions.rs:417-464): a name or export out of bounds or not UTF-8 answers 1 (:430-445)
        // and records nothing; otherwise the registry above decides.
        register_job: asImport((namePtr: number, nameLen: number, exportPtr: number, exportLen: number, resumable: number) =>
          textAt(memory, namePtr, nameLen) === null || textAt(memory, exportPtr, exportLen) === null ? 1 : register(namePtr, nameLen, exportPtr, exportLen, resumable),
        ),
        // host_job_report_progress (:274-310): reads the id and message, logs them; "TODO: Forward to actual JobContext" (:309).
        job_report_progress: asImport(() => {}),
        // host_job_checkpoint (:313-335): 1 when the job id is out of bounds (:323-329), else 0; the state is never
        // read and nothing is kept ("TODO: Actually save state to database", :333). Any id is accepted.
        job_checkpoint: asImport((jobPtr: number) => (uuidAt(memory, jobPtr) === null ? 1 : 0)),
        // host_job_check_interrupt (:338-356): always 0, also for an id out of bounds (:350, :355).
        job_check_interrupt: asImport(() => INTERRUPT.CONTINUE),
        // host_job_add_warning (:359-380): logged as a warning, nothing counted.
        job_add_warning: asImport(() => {}),
        // host_job_increment_bytes / _items (:383-402): the id is not even read; "TODO: Update metrics" (:390, :401).
        // (0: the harness's trampoline may not count repeats; nothing is counted anyway.)
        job_increment_bytes: asImport(() => 0),
        job_increment_items: asImport(() => 0),
      };
    },
    cannotRun: () => hang ?? (dispatched ? { atDispatch: true, reason: NOT_DISPATCHED } : null),
  };
}

/** What a registered job without its export would do if the dispatcher called it: the lookup fails. */
function noSuchExport(exportName: string): JobExecutor {
  return { kind: "wasm", run: () => ({ kind: "trap", message: `the guest has no job export ${exportName}` }) };
}

export const SPACEDRIVE_TODAY: Mutant = {
  name: "spacedrive-today",
  description:
    `Spacedrive's extension host ${AT} (${HOST_FUNCTIONS}, manager.rs, job_registry.rs): its nine imports, register_job refusing a duplicate name ` +
    "or a name or export out of bounds or not UTF-8, " +
    "plugin_init's result ignored, progress/warnings/increments only logged, checkpoint 0 keeping nothing, interrupts always 0, spacedrive_log and calls " +
    "belonging to no job, call answers at offset 65536 with no length, only query:test.ping and query:libraries.list; its dispatcher never calls the job export",
  missingImports: IMPORTS_MISSING_TODAY,
  plant: spacedriveToday,
};
