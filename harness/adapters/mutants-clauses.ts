import { decodeUtf8, encodeUtf8 } from "../abi/codec.ts";
import { importSpec, IMPORT_MODULE, type ImportName } from "../abi/imports.ts";
import { ABI_MARKER } from "../abi/version.ts";
import { NO_FIELDS, overLimit, ARG } from "../abi/arguments.ts";
import { isWireError } from "../abi/wire-methods.ts";
import { hasLoneSurrogateEscape, LONE_SURROGATE } from "../abi/json-exact.ts";
import { checkLink } from "../engine/link.ts";
import { readModuleInterface, type ModuleInterface } from "../engine/sections.ts";
import type { WasmEngine } from "../engine/engine.ts";
import type { ExtensionScope, RunOutcome } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import type { JobRecord } from "../host/job.ts";
import type { LibraryEntry } from "../host/library.ts";
import type { HostLimits } from "../host/limits.ts";
import { UnparsedPayload } from "../host/operations.ts";
import { DEFAULT_PERMISSIONS } from "../host/permissions.ts";
import { WasmExtension } from "../jobs/wasm-extension.ts";
import { ABI_1_1_MUTANTS } from "./mutants-abi-1-1.ts";
import { TREE_MUTANTS } from "./mutants-trees.ts";
import { STALL_MUTANTS } from "./mutants-stall.ts";
import { asImport, importFn, wrapRuns, type Mutant, type MutantParts } from "./mutant-kit.ts";
import type { CaseResponse, WireResult } from "./types.ts";

/**
 * One mutant for every clause that no bug of the main catalogue (mutants.ts) breaks: each breaks exactly its clause,
 * as a host author could, and a case citing the clause must catch it. Grouped as the clauses are.
 */

// ---------------------------------------------------------------------------------------------------------------
// Reaching into the reference host's parts (TypeScript-private, plain fields at run time).
// ---------------------------------------------------------------------------------------------------------------

interface ArmedRun {
  plans: InterruptPlan[];
  checks: number;
  calls: number;
  pending: "pause" | "cancel" | null;
}
const interruptRuns = (host: ReferenceHost) => (host.interrupts as unknown as { runs: Map<string, ArmedRun> }).runs;
const setLimits = (host: ReferenceHost, change: Partial<HostLimits>) => {
  (host as unknown as { limits: HostLimits }).limits = { ...host.limits, ...change };
};

/** How a run's end becomes the job's status (ReferenceHost.settle and .transition). */
interface SettlingHost {
  settle(scope: ExtensionScope, job: JobRecord, outcome: RunOutcome, pending: "pause" | "cancel" | null): void;
  transition(job: JobRecord, status: "Cancelled", end: { cause: "returned"; code: number }): void;
}

/**
 * A run that returns one of the codes `which` picks while a cancel is pending ends Cancelled (its code recorded, its
 * checkpoint discarded), whatever run.returned says that code means.
 */
function cancelledWhenPending(host: ReferenceHost, which: (code: number) => boolean): void {
  const parts = host as unknown as SettlingHost;
  const settle = parts.settle.bind(host);
  parts.settle = (scope, job, outcome, pending) => {
    if (pending !== "cancel" || outcome.kind !== "returned" || !which(outcome.code)) return settle(scope, job, outcome, pending);
    job.exitCodes.push(outcome.code);
    parts.transition(job, "Cancelled", { cause: "returned", code: outcome.code });
    host.store.discard(job.id);
  };
}

/** The extension scope a case opens (one per case). */
function capturingScope(host: ReferenceHost, seen: (scope: ExtensionScope) => void): void {
  const open = host.openExtension.bind(host);
  host.openExtension = (id, permissions) => {
    const scope = open(id, permissions);
    seen(scope);
    return scope;
  };
}

/**
 * Calls `start` whenever a plugin_init begins on a fresh instance: the scope's phase goes from "ready" to "reinit"
 * (asIfIn putting "reinit" back after a call is not a start).
 */
function onFreshInit(host: ReferenceHost, start: (scope: ExtensionScope) => void): void {
  capturingScope(host, (scope) => {
    let phase = scope.phase;
    Object.defineProperty(scope, "phase", {
      get: () => phase,
      set: (next: ExtensionScope["phase"]) => {
        if (next === "reinit" && phase === "ready") start(scope);
        phase = next;
      },
    });
  });
}

/**
 * Parts that replace one import with `answer`, which sees the case's host and extension scope (what a boundary
 * cannot reach) and the import it replaces. Until the case opens its scope, the import is the original.
 */
function replacingImport<A extends number[]>(
  name: ImportName,
  answer: (case_: { readonly host: ReferenceHost; readonly scope: ExtensionScope; readonly original: (...args: A) => number }, ...args: A) => number,
): MutantParts {
  let host: ReferenceHost | null = null;
  let scope: ExtensionScope | null = null;
  return {
    patchHost: (h) => {
      host = h;
      capturingScope(h, (s) => (scope = s));
    },
    wrapImports: (fns) => {
      const original = importFn<A, number>(fns, name);
      return { ...fns, [name]: asImport((...args: A) => (host === null || scope === null ? original(...args) : answer({ host, scope, original }, ...args))) };
    },
  };
}

/** Runs `act` with the scope in another phase (the phase register_job checks), then puts the phase back. */
function asIfIn<T>(scope: ExtensionScope, phase: ExtensionScope["phase"], act: () => T): T {
  const was = scope.phase;
  scope.phase = phase;
  try {
    return act();
  } finally {
    scope.phase = was;
  }
}

/** WasmExtension's parts a mutant of its instance lifecycle reaches. */
interface ExtensionInternals {
  instance: WebAssembly.Instance | null;
  access: { alloc: ((size: number) => number) | null; memory: { write(ptr: number, data: Uint8Array): boolean } | null };
  /** What the host calls of an instance reach: its memory, its allocator (jobs/wasm-extension.ts). */
  instanceAccess: Pick<Map<WebAssembly.Instance, object>, "get">;
  pass(data: Uint8Array): number | null;
  dispatchFailed(exportName: string, job: JobRecord, what: "context" | "state", size: number): RunOutcome;
  runExport(exportName: string, job: JobRecord, state: Uint8Array | null): RunOutcome;
  unload(): void;
}
const extensionProto = WasmExtension.prototype as unknown as ExtensionInternals;

/** Replaces a method of WasmExtension's prototype while a case runs; the function returned restores it. */
function patchExtension<K extends keyof ExtensionInternals>(name: K, replace: (original: ExtensionInternals[K]) => ExtensionInternals[K]): () => () => void {
  return () => {
    const original = extensionProto[name];
    extensionProto[name] = replace(original);
    return () => {
      extensionProto[name] = original;
    };
  };
}

/** An engine whose instances show the host other exports (the host calls what it finds in `exports`). */
function withExports(change: (exports: Record<string, unknown>) => Record<string, unknown>): (engine: WasmEngine) => WasmEngine {
  return (engine) => ({
    ...engine,
    instantiate: (module, imports) => {
      const instance = engine.instantiate(module, imports);
      return { exports: change({ ...(instance.exports as Record<string, unknown>) }) } as WebAssembly.Instance;
    },
  });
}

/** plugin_init, as the host calls it, replaced. */
const pluginInitWith = (wrap: (original: () => number) => () => number) =>
  withExports((exports) => (typeof exports.plugin_init === "function" ? { ...exports, plugin_init: wrap(exports.plugin_init as () => number) } : exports));

const isTrapError = (error: unknown) => error instanceof WebAssembly.RuntimeError;

/** A plugin_init that traps (the watchdog's stop included) answers 0, as if it had returned. */
const pluginInitTrapsIgnored = pluginInitWith((init) => () => {
  try {
    return init();
  } catch (error) {
    if (isTrapError(error)) return 0;
    throw error;
  }
});

/** Trace text `hex:...` back to its bytes. */
const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

// ---------------------------------------------------------------------------------------------------------------
// Rewriting what a host answers (how it reports load errors, how it writes a result).
// ---------------------------------------------------------------------------------------------------------------

/** The load error a host gives, recoded when `when` holds for the guest's interface. */
function recodeLoadError(from: string, to: string, when: (iface: ModuleInterface) => boolean = () => true): MutantParts["patchResponse"] {
  return (response, request) => {
    if (response.kind !== "load_error" || response.code !== from) return response;
    let iface: ModuleInterface;
    try {
      iface = readModuleInterface(request.guest);
    } catch {
      return when({ imports: [], exports: [], hasStart: false }) ? { ...response, code: to } : response;
    }
    return when(iface) ? { ...response, code: to } : response;
  };
}

const unknownImport = (iface: ModuleInterface) => iface.imports.some((i) => i.module !== IMPORT_MODULE || importSpec(i.name) === undefined || i.kind !== "function");

/** A result, rewritten event by event (every trace, the extension's included). */
function mapEvents(change: (event: Record<string, unknown>) => Record<string, unknown>): (response: CaseResponse) => CaseResponse {
  return (response) => {
    if (response.kind !== "result") return response;
    const result = response.result as WireResult;
    const events = (trace: readonly unknown[]) => trace.map((event) => change({ ...(event as Record<string, unknown>) }));
    const jobs = result.jobs.map((job) => ({ ...job, trace: events(job.trace) }));
    return { kind: "result", result: { ...result, extension: events(result.extension), jobs } as WireResult };
  };
}

/** The job with these 16 id bytes among the host's jobs. */
const jobById = (host: ReferenceHost, id: string) => host.jobs.find((job) => job.id === id) ?? null;

/** A UUID's text with its first three groups byte-swapped: the Microsoft GUID layout of the same 16 bytes. */
function guidOrder(uuid: string): string {
  const [a, b, c, ...rest] = uuid.split("-");
  const swap = (hex: string) => hex.match(/../g)!.reverse().join("");
  return [swap(a!), swap(b!), swap(c!), ...rest].join("-");
}

/** Entries carried from one case into the next, by the conversation.fresh-state mutant. */
let carriedEntries: LibraryEntry[] = [];

/** A payload as a host that reads UTF-16 lossily sees it: JSON whose lone surrogates became U+FFFD (else as it was). */
function readLossily(payload: UnparsedPayload): unknown {
  try {
    if (!hasLoneSurrogateEscape(payload.text)) return payload;
    return JSON.parse(payload.text, (_key, value: unknown) => (typeof value === "string" ? value.replace(new RegExp(LONE_SURROGATE, "g"), "\ufffd") : value));
  } catch {
    return payload; // not JSON at all
  }
}

/**
 * A JSON value's compact text as a writer whose maps sort their keys writes it, exponents without a plus sign. Not
 * canonicalJson (trace/diff.ts): it rebuilds objects, and an object puts keys like "10" and "2" first in numeric
 * order whatever order they are added in, where a sorted map puts "10" before "2".
 */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const members = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${sortedJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(",")}}`;
  }
  return typeof value === "number" ? JSON.stringify(value).replace("e+", "e") : JSON.stringify(value);
}

export const CLAUSE_MUTANTS: readonly Mutant[] = [
  // ---------------------------------------------------------------------------------------------------------------
  // Values and guest memory
  {
    name: "bounds-check-wraps",
    clause: "memory.wrap",
    description: "the bounds check computes ptr + len in 32 bits: a pair that wraps past 2^32 looks in bounds and reads as empty",
    plant: () => {
      const wrapped = (ptr: number, len: number) => (ptr >>> 0) + (len >>> 0) > 0xffff_ffff;
      return {
        memory: {
          slice: (original, ptr, len) => (wrapped(ptr, len) && original(0, ((ptr >>> 0) + (len >>> 0)) % 2 ** 32) !== null ? new Uint8Array(0) : original(ptr, len)),
          range: (original, ptr, len) => (wrapped(ptr, len) && original(0, ((ptr >>> 0) + (len >>> 0)) % 2 ** 32) !== null ? original(0, 0) : original(ptr, len)),
        },
      };
    },
  },
  {
    name: "stale-memory-view",
    clause: "memory.current",
    description: "the host keeps a view of guest memory from instantiation: pages added by memory.grow are outside it",
    plant: (run) => {
      const sizes = new Map<WebAssembly.Memory, number>();
      const within = (ptr: number, len: number) => {
        const memory = run.memory()!.memory;
        if (!sizes.has(memory)) sizes.set(memory, memory.buffer.byteLength);
        return (ptr >>> 0) + (len >>> 0) <= sizes.get(memory)!;
      };
      return {
        memory: {
          slice: (original, ptr, len) => (within(ptr, len) ? original(ptr, len) : null),
          range: (original, ptr, len) => (within(ptr, len) ? original(ptr, len) : null),
        },
      };
    },
  },
  {
    name: "memory-cap-off-by-one",
    clause: "memory.cap",
    description: "guests are compiled with a memory maximum of maxMemoryPages + 1: memory.grow succeeds once past the cap",
    plant: () => ({ patchHost: (host) => setLimits(host, { maxMemoryPages: host.limits.maxMemoryPages + 1 }) }),
  },
  {
    name: "job-id-text-guid-order",
    clause: "memory.job-id",
    description: "the context spells the job id in the GUID layout (first three groups byte-swapped), so the bytes a guest parses from it are not the id the host compares",
    plant: () => ({
      memory: {
        write: (original, ptr, data) => {
          const text = data.length > 0 && data[0] === 0x7b ? decodeUtf8(data) : null;
          const match = text === null ? null : /^\{"job_id":"([0-9a-f-]{36})"(.*)$/.exec(text);
          return match === null ? original(ptr, data) : original(ptr, encodeUtf8(`{"job_id":"${guidOrder(match[1]!)}"${match[2]}`));
        },
      },
    }),
  },
  {
    name: "frees-what-it-wrote",
    clause: "memory.no-free",
    description: "after each run the host calls the guest's wasm_free for the context it wrote",
    plant: () => ({
      patchProcess: patchExtension("runExport", (original) =>
        function (this: ExtensionInternals, name, job, state) {
          const outcome = original.call(this, name, job, state);
          const free = this.instance?.exports.wasm_free;
          if (typeof free === "function") (free as (ptr: number, len: number) => void)(0, 0);
          return outcome;
        },
      ),
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Loading and linking
  {
    name: "invalid-module-as-link-error",
    clause: "link.valid-module",
    description: "bytes that are not a wasm module are reported as JP_LINK (every load failure is a link failure)",
    plant: () => ({ patchResponse: recodeLoadError("JP_WASM_INVALID", "JP_LINK") }),
  },
  {
    name: "unknown-imports-at-instantiation",
    clause: "link.imports",
    description: "imports the table does not have are not checked when linking; instantiation fails on them, reported as JP_INIT_FAILED",
    plant: () => ({ patchResponse: recodeLoadError("JP_LINK", "JP_INIT_FAILED", unknownImport) }),
  },
  {
    name: "import-types-at-instantiation",
    clause: "link.signature",
    description: "an import's type is not checked when linking; the engine refuses it at instantiation, reported as JP_INIT_FAILED",
    plant: () => ({
      patchResponse: recodeLoadError("JP_LINK", "JP_INIT_FAILED", (iface) => !unknownImport(iface) && checkLink(iface).some((p) => p.name.startsWith("import "))),
    }),
  },
  {
    name: "wasm-alloc-optional",
    clause: "link.required-exports",
    description: "a guest without wasm_alloc loads; every write into it fails later (ALLOCATION_FAILED)",
    plant: () => ({ load: { linkCheck: (iface) => checkLink(iface).filter((p) => !(p.name === "export wasm_alloc" && p.actual === "no such export")) } }),
  },
  {
    name: "optional-export-types-unchecked",
    clause: "link.optional-exports",
    description: "wasm_free, plugin_init and plugin_cleanup are not type-checked: a plugin_init with no result loads and is called",
    plant: () => ({ load: { linkCheck: (iface) => checkLink(iface).filter((p) => !["export wasm_free", "export plugin_init", "export plugin_cleanup"].includes(p.name)) } }),
  },
  {
    name: "start-functions-allowed",
    clause: "link.start-function",
    description: "a guest with a start function loads: the start function runs inside instantiation (stopped after 100 ms)",
    plant: () => ({
      load: {
        linkCheck: (iface) => checkLink(iface).filter((p) => p.name !== "start function"),
        engine: (engine) => ({
          ...engine,
          instantiate: (module, imports) => {
            // A start function can spin: what the loop checks see is the tick of the run's deadline, none here, so
            // this host gives instantiation its own.
            const deadline = performance.now() + 100;
            const tick = () => (performance.now() > deadline ? -1 : 65_536);
            return engine.instantiate(module, { ...imports, "job-parity:watchdog": { tick } });
          },
        }),
      },
    }),
  },
  {
    name: "memory-limit-at-instantiation",
    clause: "link.memory-limit",
    description: "a guest's initial memory is not checked when loading; the engine's failure to allocate it is reported as JP_INIT_FAILED",
    plant: () => ({ patchResponse: recodeLoadError("JP_MEMORY_LIMIT", "JP_INIT_FAILED") }),
  },
  {
    name: "instantiation-trap-as-invalid",
    clause: "link.instantiation-trap",
    description: "a guest whose instantiation traps (a data segment out of bounds) is reported as JP_WASM_INVALID",
    plant: () => ({
      patchResponse: (response) => (response.kind === "load_error" && response.message.includes("instantiating the guest trapped") ? { ...response, code: "JP_WASM_INVALID" } : response),
    }),
  },
  {
    name: "link-checked-before-version",
    clause: "link.order",
    description: "a guest is link-checked before its ABI version: a newer guest with imports this host does not know gets JP_LINK",
    plant: () => ({ patchResponse: recodeLoadError("JP_ABI_VERSION", "JP_LINK", (iface) => checkLink(iface).length > 0) }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // ABI versions
  {
    name: "abi-marker-ignored",
    clause: "version.marker",
    description: "the ABI marker is not read: every guest is taken to ask for a version this host serves",
    plant: () => ({ load: { linkCheck: checkLink, abiVersions: Object.assign(["1.0"], { some: () => true }) } }),
  },
  {
    name: "first-marker-wins",
    clause: "version.several-markers",
    description: "of several ABI markers the host reads the first and ignores the others",
    plant: () => ({
      patchRequest: (request) => {
        let markers = 0;
        const guest = request.guest.slice();
        for (const exp of readModuleInterface(request.guest).exports) {
          if (!ABI_MARKER.test(exp.name) || markers++ === 0) continue;
          // Hide the second marker: its name's first byte, found in the export section, becomes "x".
          const name = encodeUtf8(exp.name);
          for (let at = 0; at + name.length <= guest.length; at++) {
            if (name.every((byte, i) => guest[at + i] === byte)) guest[at] = 0x78;
          }
        }
        return { ...request, guest };
      },
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // plugin_init and register_job
  {
    name: "plugin-init-called-twice",
    clause: "init.once-per-instance",
    description: "plugin_init is called twice on each instance (once by the loader, once more before the first run)",
    plant: () => ({ load: { engine: pluginInitWith((init) => () => (init(), init())) } }),
  },
  {
    name: "plugin-init-result-ignored",
    clause: "init.result",
    description: "plugin_init's result is ignored: only a trap fails the load (as Spacedrive's manager does today)",
    plant: () => ({ load: { engine: pluginInitWith((init) => () => (init(), 0)) } }),
  },
  {
    name: "plugin-init-trap-ignored",
    clause: "init.trap",
    description: "a plugin_init that traps is taken as done: the guest loads with whatever it registered",
    plant: () => ({ load: { engine: pluginInitTrapsIgnored } }),
  },
  {
    name: "plugin-init-timeout-ignored",
    clause: "init.time-limit",
    description: "a plugin_init stopped by the time limit is taken as done: the guest loads with whatever it registered",
    // The watchdog's stop is a trap like any other to this host: it does not tell them apart.
    plant: () => ({ load: { engine: pluginInitTrapsIgnored } }),
  },
  {
    name: "reinit-acts-for-the-job",
    clause: "init.acts-for-extension",
    description: "when plugin_init runs again before a job's run, its calls are attributed to that job",
    plant: () => {
      let scope: ExtensionScope | null = null;
      let entered: JobRecord | null = null;
      return {
        patchHost: (host) => {
          capturingScope(host, (s) => (scope = s));
          const enter = host.registry.enter.bind(host.registry);
          host.registry.enter = (s, job) => {
            entered = job;
            enter(s, job);
          };
        },
        load: {
          engine: pluginInitWith((init) => () => {
            if (scope !== null && scope.phase === "reinit") scope.currentJob = entered;
            return init();
          }),
        },
      };
    },
  },
  {
    name: "register-any-time",
    clause: "init.register-phase",
    description: "register_job is accepted during a job's run too (no phase check)",
    plant: () => ({
      patchHost: (host) => {
        const register = host.registerJob.bind(host);
        host.registerJob = (scope, name, exportName, resumable, executor) => {
          const act = () => register(scope, name, exportName, resumable, executor);
          return scope.phase === "ready" ? asIfIn(scope, "init", act) : act();
        };
      },
    }),
  },
  {
    name: "register-phase-first",
    clause: "init.register",
    description: "register_job outside plugin_init answers WRONG_PHASE before it checks the names' UTF-8 (the checks in another order)",
    plant: () =>
      replacingImport<[number, number, number, number, number]>("register_job", ({ host, scope, original }, ...args) =>
        scope.phase !== "ready" ? original(...args) : host.ops.refuse(scope, null, "register_job", "WRONG_PHASE", NO_FIELDS, "register_job is only allowed during plugin_init"),
      ),
  },
  {
    name: "resumable-only-one",
    clause: "init.register",
    description: "register_job takes only resumable = 1 as true: any other non-zero value registers a job that is not resumable",
    plant: () => ({
      wrapImports: (fns) => {
        const register = importFn<[number, number, number, number, number], number>(fns, "register_job");
        return { ...fns, register_job: asImport((name: number, nameLen: number, exp: number, expLen: number, resumable: number) => register(name, nameLen, exp, expLen, resumable === 1 ? 1 : 0)) };
      },
    }),
  },
  {
    name: "duplicate-registration-replaces",
    clause: "init.register",
    description: "a second register_job of a name replaces the first registration instead of answering DUPLICATE",
    plant: () => ({
      patchHost: (host) => {
        const register = host.registerJob.bind(host);
        host.registerJob = (scope, name, exportName, resumable, executor) => {
          if (scope.phase === "init" && executor !== null) scope.jobTypes.delete(name);
          return register(scope, name, exportName, resumable, executor);
        };
      },
    }),
  },
  {
    name: "not-resumable-not-resumed",
    clause: "init.resumable",
    description: "a job registered with resumable = 0 is not resumed: it stays Paused",
    plant: () => ({
      patchHost: (host) => {
        let scope: ExtensionScope | null = null;
        capturingScope(host, (s) => (scope = s));
        const drive = host.drive.bind(host);
        host.drive = (job, options = {}) => drive(job, scope?.jobTypes.get(job.type)?.resumable === false ? { ...options, resume: false } : options);
      },
    }),
  },
  {
    name: "reinit-registrations-recorded",
    clause: "init.reinit",
    description: "plugin_init's registrations on a fresh instance are recorded again (a second job_registered for each)",
    plant: () => ({
      patchHost: (host) => {
        const register = host.registerJob.bind(host);
        host.registerJob = (scope, name, exportName, resumable, executor) => {
          const act = () => register(scope, name, exportName, resumable, executor);
          if (scope.phase !== "reinit" || scope.jobTypes.get(name)?.exportName !== exportName) return act();
          scope.jobTypes.delete(name);
          return asIfIn(scope, "init", act);
        };
      },
    }),
  },

  {
    name: "reinit-repeat-duplicate",
    clause: "init.reinit",
    description: "on a fresh instance, a name plugin_init registered earlier in that same plugin_init is not an existing registration: registering it again answers DUPLICATE",
    plant: () => ({
      patchHost: (host) => {
        const register = host.registerJob.bind(host);
        /** Per scope, the names new in the plugin_init running on a fresh instance now. */
        const newNow = new WeakMap<ExtensionScope, Set<string>>();
        onFreshInit(host, (scope) => newNow.set(scope, new Set()));
        host.registerJob = (scope, name, exportName, resumable, executor) => {
          const fresh = scope.phase === "reinit" ? newNow.get(scope) : undefined;
          if (fresh === undefined) return register(scope, name, exportName, resumable, executor);
          if (fresh.has(name)) return asIfIn(scope, "init", () => register(scope, name, exportName, resumable, executor));
          const known = scope.jobTypes.has(name);
          const status = register(scope, name, exportName, resumable, executor);
          if (!known && scope.jobTypes.has(name)) fresh.add(name);
          return status;
        };
      },
    }),
  },
  {
    name: "registrations-per-instance",
    clause: "init.reinit",
    description: "registrations belong to an instance: a fresh instance's plugin_init starts from none, so a name it does not register again is unknown from then on",
    plant: () => ({
      patchHost: (host) => onFreshInit(host, (scope) => scope.jobTypes.clear()),
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Dispatch
  {
    name: "export-name-as-type",
    clause: "dispatch.job-type",
    description: "a job dispatched by its export's name keeps that name as its type instead of the registered name",
    plant: () => ({
      patchHost: (host) => {
        const create = host.createJob.bind(host);
        const enqueue = (host as unknown as { enqueue: (scope: ExtensionScope, type: string, executor: unknown, state: Uint8Array | null, parent: null) => JobRecord }).enqueue.bind(host);
        host.createJob = (scope, type, state) => {
          const jobType = scope.findJobType(type);
          return jobType === undefined ? create(scope, type, state) : enqueue(scope, type, jobType.executor, state?.slice() ?? null, null);
        };
      },
    }),
  },
  {
    name: "shared-export-last-registration",
    clause: "dispatch.job-type",
    description: "a root named by an export that two registrations share takes the last registration's name, not the first's",
    plant: () => ({
      patchHost: (host) =>
        capturingScope(host, (scope) => {
          const find = scope.findJobType.bind(scope);
          scope.findJobType = (name) => scope.jobTypes.get(name) ?? [...scope.jobTypes.values()].reverse().find((type) => type.exportName === name) ?? find(name);
        }),
    }),
  },
  {
    name: "empty-checkpoint-resumes-initial",
    clause: "dispatch.state",
    description: "a run that resumes from an empty checkpoint is given the job's initial state, as if the job had no checkpoint",
    plant: () => ({ patchHost: (host) => wrapRuns(host, (job, state, run) => run(job, job.runs > 1 && state?.length === 0 ? job.initialState : state)) }),
  },
  {
    name: "empty-state-allocated",
    clause: "dispatch.no-state",
    description: "an empty state is passed through wasm_alloc(0): the run gets a state pointer that is not 0",
    plant: () => ({
      patchProcess: patchExtension("pass", (original) =>
        function (this: ExtensionInternals, data) {
          return data.length === 0 ? ((this.access.alloc?.(0) ?? 0) >>> 0) : original.call(this, data);
        },
      ),
    }),
  },
  {
    name: "dispatch-alloc-unchecked",
    clause: "dispatch.alloc-failure",
    description: "the pointer wasm_alloc answers at dispatch is not checked: the export is called with it even when it is 0 or outside memory",
    plant: () => ({
      patchProcess: patchExtension("pass", (original) =>
        function (this: ExtensionInternals, data) {
          if (data.length === 0) return original.call(this, data);
          const ptr = (this.access.alloc?.(data.length) ?? 0) >>> 0;
          this.access.memory?.write(ptr, data);
          return ptr;
        },
      ),
    }),
  },
  {
    name: "state-allocated-after-context-failed",
    clause: "dispatch.alloc-failure",
    description: "wasm_alloc is called for the state after the context could not be taken, as a host that allocates both before checking either does",
    plant: () => ({
      patchProcess: patchExtension("dispatchFailed", (original) =>
        function (this: ExtensionInternals, exportName, job, what, size) {
          if (what === "context") this.access.alloc?.(1);
          return original.call(this, exportName, job, what, size);
        },
      ),
    }),
  },
  {
    name: "dispatch-alloc-trap-refused",
    clause: "dispatch.alloc-trap",
    description: "a trap in wasm_alloc at dispatch is caught and refused with ALLOCATION_FAILED instead of being the run's trap",
    plant: () => ({
      patchProcess: patchExtension("pass", (original) =>
        function (this: ExtensionInternals, data) {
          try {
            return original.call(this, data);
          } catch (error) {
            if (isTrapError(error)) return null;
            throw error;
          }
        },
      ),
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Host calls
  {
    name: "state-size-before-memory",
    clause: "call.check-order",
    description: "job_checkpoint checks the state's size before its memory: a state outside memory and too large is LIMIT_EXCEEDED",
    plant: () =>
      replacingImport<[number, number, number]>("job_checkpoint", ({ host, scope, original }, job, ptr, len) => {
        if (scope.currentJob == null || len >>> 0 <= host.limits.maxStateBytes) return original(job, ptr, len);
        return host.ops.refuse(scope, scope.currentJob, "job_checkpoint", "LIMIT_EXCEEDED", overLimit("maxStateBytes", ARG.state, len >>> 0), `the state is ${len >>> 0} bytes`);
      }),
  },
  {
    name: "refusal-on-named-job",
    clause: "call.refusal-trace",
    description: "a call naming another job is refused on that job's trace instead of the calling job's",
    plant: () => ({
      patchHost: (host) => {
        host.ops.notRunning = (scope, name, jobId) => host.ops.refuse(scope, jobById(host, jobId), name, "NOT_RUNNING_JOB", { ...NO_FIELDS, arg: ARG.jobId.param }, `job ${jobId} is not running`);
      },
    }),
  },
  {
    name: "refused-calls-not-counted",
    clause: "call.count",
    description: "a refused call does not count as a host call of the job (atCall plans count only accepted calls)",
    plant: () => ({
      patchHost: (host) => {
        const refuse = host.ops.refuse.bind(host.ops);
        host.ops.refuse = (scope, job, name, code, fields, detail) => {
          const status = refuse(scope, job, name, code, fields, detail);
          const running = scope.currentJob;
          const run = running === null ? undefined : interruptRuns(host).get(running.id);
          if (run !== undefined) run.calls--;
          return status;
        };
      },
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Host-to-guest bytes
  {
    name: "answer-alloc-unchecked",
    clause: "answer.alloc-failure",
    description: "an answer is written where wasm_alloc said without checking that it fits, and its pointer returned",
    plant: () => ({ memory: { write: (original, ptr, data) => (original(ptr, data), true) } }),
  },
  {
    name: "answer-prefix-written-first",
    clause: "answer.alloc-failure",
    description: "an answer's length prefix is written on its own first: when the rest does not fit, the prefix stays in guest memory",
    plant: () => ({
      memory: {
        write: (original, ptr, data) => {
          if (original(ptr, data)) return true;
          if (data.length >= 4) original(ptr, data.subarray(0, 4));
          return false;
        },
      },
    }),
  },
  {
    name: "answer-alloc-trap-refused",
    clause: "answer.alloc-trap",
    description: "a trap in wasm_alloc while the host writes an answer is caught and refused with ALLOCATION_FAILED",
    plant: () => ({
      load: {
        engine: withExports((exports) => {
          const alloc = exports.wasm_alloc as (size: number) => number;
          let dispatched = false;
          return {
            ...exports,
            // The first allocation of each run is the context's (dispatch.alloc-trap is another clause): left alone.
            wasm_alloc: (size: number) => {
              if (!dispatched) {
                dispatched = true;
                return alloc(size);
              }
              try {
                return alloc(size);
              } catch (error) {
                if (isTrapError(error)) return 0;
                throw error;
              }
            },
          };
        }),
      },
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Interrupts
  {
    name: "at-check-counted-from-zero",
    clause: "interrupt.plans",
    description: "interrupt plans count checks from 0: a plan atCheck n comes due at the check before",
    plant: () => ({
      patchHost: (host) => {
        const controller = host.interrupts as unknown as { plans: InterruptPlan[] };
        controller.plans = controller.plans.map((plan) => (plan.atCheck === undefined ? plan : { ...plan, atCheck: plan.atCheck - 1 }));
      },
    }),
  },
  {
    name: "call-plans-pending-at-checks",
    clause: "interrupt.plans",
    description: "a request an atCall plan makes due becomes pending only at the run's next check: a run that returns 1 with no check after it is Paused, not Cancelled",
    plant: () => ({
      patchHost: (host) => {
        const controller = host.interrupts;
        const runs = interruptRuns(host);
        const due = new Map<string, "pause" | "cancel">();
        // A request a call made pending is held back until a check.
        const holding = (count: (jobId: string, ...rest: number[]) => void) => (jobId: string, ...rest: number[]) => {
          const run = runs.get(jobId);
          const before = run?.pending ?? null;
          count(jobId, ...rest);
          if (run !== undefined && before === null && run.pending !== null) {
            if (!due.has(jobId)) due.set(jobId, run.pending);
            run.pending = null;
          }
        };
        controller.countCall = holding(controller.countCall.bind(controller));
        controller.countCalls = holding(controller.countCalls.bind(controller)) as typeof controller.countCalls;
        const check = controller.check.bind(controller);
        controller.check = (jobId) => {
          const run = runs.get(jobId);
          if (run !== undefined && due.has(jobId)) run.pending ??= due.get(jobId)!;
          due.delete(jobId);
          return check(jobId);
        };
        const beginRun = controller.beginRun.bind(controller);
        controller.beginRun = (jobId, jobIndex, runIndex) => {
          due.delete(jobId);
          beginRun(jobId, jobIndex, runIndex);
        };
      },
    }),
  },
  {
    name: "check-plans-before-call-plans",
    clause: "interrupt.plans",
    description: "a check counts toward atCheck plans before atCall plans: an atCheck plan due on the same check wins over an atCall plan",
    plant: () => ({
      patchHost: (host) => {
        const check = host.interrupts.check.bind(host.interrupts);
        host.interrupts.check = (jobId) => {
          const run = interruptRuns(host).get(jobId);
          const byCall = run?.plans.find((plan) => plan.atCall === run.calls);
          const byCheck = run?.plans.find((plan) => plan.atCheck === run.checks + 1);
          // The request this very call made pending gives way to the check's plan.
          if (run !== undefined && byCall !== undefined && byCheck !== undefined && run.pending === byCall.action) run.pending = null;
          return check(jobId);
        };
      },
    }),
  },
  {
    name: "later-request-replaces",
    clause: "interrupt.first-wins",
    description: "a request that comes due while another is pending replaces it",
    plant: () => ({
      patchHost: (host) => {
        const check = host.interrupts.check.bind(host.interrupts);
        host.interrupts.check = (jobId) => {
          const run = interruptRuns(host).get(jobId);
          const due = run?.plans.find((plan) => plan.atCheck === run.checks + 1);
          if (run !== undefined && due !== undefined) run.pending = due.action;
          return check(jobId);
        };
      },
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Wire calls
  {
    name: "payload-limit-inclusive",
    clause: "wire.call",
    description: "a payload of exactly maxCallPayloadBytes is refused (the limit is taken as exclusive)",
    plant: () =>
      replacingImport<[number, number, number, number, number]>("spacedrive_call", ({ host, scope, original }, m, ml, l, p, pl) => {
        if (pl >>> 0 !== host.limits.maxCallPayloadBytes) return original(m, ml, l, p, pl);
        host.ops.refuse(scope, scope.currentJob, "spacedrive_call", "LIMIT_EXCEEDED", overLimit("maxCallPayloadBytes", ARG.payload, pl >>> 0), "the payload is too large");
        return 0;
      }),
  },
  {
    name: "empty-payload-null",
    clause: "wire.payload",
    description: "an empty payload is the request null instead of {}",
    plant: () => {
      let empty = false;
      return {
        wrapImports: (fns) => {
          const call = importFn<[number, number, number, number, number], number>(fns, "spacedrive_call");
          return {
            ...fns,
            spacedrive_call: asImport((m: number, ml: number, l: number, p: number, pl: number) => {
              empty = pl === 0;
              try {
                return call(m, ml, l, p, pl);
              } finally {
                empty = false;
              }
            }),
          };
        },
        patchHost: (host) => {
          const call = host.ops.call.bind(host.ops);
          host.ops.call = (scope, job, method, library, payload) => call(scope, job, method, library, empty ? null : payload);
        },
      };
    },
  },
  {
    name: "lone-surrogate-lossy",
    clause: "wire.payload",
    description: "a payload with a lone surrogate escape is read lossily (each lone surrogate becomes U+FFFD) instead of being answered BadPayload",
    plant: () => ({
      patchHost: (host) => {
        const call = host.ops.call.bind(host.ops);
        host.ops.call = (scope, job, method, library, payload) => call(scope, job, method, library, payload instanceof UnparsedPayload ? readLossily(payload) : payload);
      },
    }),
  },
  {
    name: "unicode-method-names",
    clause: "wire.order",
    description: "method names may hold any Unicode letter or digit, not only ASCII ones: such a call passes the form check and is counted",
    plant: () => ({
      patchHost: (host) => {
        const call = host.wire.call.bind(host.wire);
        // Each non-ASCII letter or digit as an ASCII one: the form check passes, the permissions and the rate limit
        // see the call, and no host serves the method (UnknownMethod, as before, but counted).
        host.wire.call = (method, libraryId, payload, gate) => call(method.replace(/[^\x00-\x7f](?<=[\p{L}\p{N}])/gu, "x"), libraryId, payload, gate);
      },
    }),
  },
  {
    name: "method-final-line-feed",
    clause: "wire.order",
    description: "a method followed by a line feed passes the form check (as a regex whose `$` matches before a final newline does) and is counted",
    plant: () => ({
      patchHost: (host) => {
        const call = host.wire.call.bind(host.wire);
        // The line feed as an ASCII letter: the form check passes, the permissions and the rate limit see the call, and
        // no host serves the method (UnknownMethod, as before, but counted).
        host.wire.call = (method, libraryId, payload, gate) => call(method.replace(/\n$/, "x"), libraryId, payload, gate);
      },
    }),
  },
  {
    name: "manifest-libraries-any-case",
    clause: "wire.order",
    description: "the manifest's libraries are compared with the call's library ignoring case",
    plant: () => ({
      patchRequest: (request) => {
        const libraries = request.scenario.permissions?.libraries;
        if (libraries === undefined) return request;
        const permissions = { ...request.scenario.permissions, libraries: libraries.map((id) => id.toLowerCase()) };
        return { ...request, scenario: { ...request.scenario, permissions } };
      },
    }),
  },
  {
    name: "rate-limit-off-by-one",
    clause: "wire.rate-limit",
    description: "the rate limit allows one call more than rateLimit.calls per window",
    plant: () => ({
      patchRequest: (request) => {
        const permissions = request.scenario.permissions;
        if (permissions?.rateLimit === undefined) return request;
        return { ...request, scenario: { ...request.scenario, permissions: { ...permissions, rateLimit: { ...permissions.rateLimit, calls: permissions.rateLimit.calls + 1 } } } };
      },
    }),
  },
  {
    name: "error-answers-without-code",
    clause: "wire.errors",
    description: "an error answer is only {\"error\": \"...\"}, without its code (Spacedrive's shape today)",
    plant: () => ({
      patchHost: (host) => {
        const call = host.ops.call.bind(host.ops);
        host.ops.call = (scope, job, method, library, payload) => {
          const answer = call(scope, job, method, library, payload);
          if (!isWireError(answer)) return answer;
          // The recorded event keeps what the guest received.
          const trace = (job ?? scope.currentJob)?.trace ?? scope.trace;
          const event = trace.events.at(-1) as { response: unknown } | undefined;
          const shortened = { error: answer.error };
          if (event !== undefined) event.response = shortened;
          return shortened;
        };
      },
    }),
  },
  {
    name: "answer-keys-sorted",
    clause: "wire.answers",
    description: "wire answers are written with their keys sorted, not in the catalogue's order",
    plant: () => ({
      patchHost: (host) => {
        const sorted = (value: unknown): unknown =>
          Array.isArray(value)
            ? value.map(sorted)
            : value !== null && typeof value === "object"
              ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]))
              : value;
        const call = host.ops.call.bind(host.ops);
        host.ops.call = (scope, job, method, library, payload) => sorted(call(scope, job, method, library, payload));
      },
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Libraries and networking
  {
    name: "default-library-unnamed",
    clause: "library.default",
    description: "the default library is named \"default\" instead of \"Default Library\"",
    plant: () => ({
      patchHost: (host) => {
        const libraries = (host.library as unknown as { libraries: Map<string, { name: string }> }).libraries;
        libraries.get(host.defaultLibraryId)!.name = "default";
      },
    }),
  },
  {
    name: "entries-newest-first",
    clause: "library.snapshot",
    description: "the result's library lists each library's entries newest first",
    plant: () => ({
      patchHost: (host) => {
        const snapshot = host.library.snapshot.bind(host.library);
        host.library.snapshot = () => ({ libraries: snapshot().libraries.map((library) => ({ ...library, entries: [...library.entries].reverse() })) });
      },
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // Runs, instances, order
  {
    name: "no-queued-event",
    clause: "run.lifecycle",
    description: "a job's trace starts with Running: its creation (Queued) is not recorded",
    plant: () => ({
      patchResponse: (response) => {
        if (response.kind !== "result") return response;
        const jobs = response.result.jobs.map((job) => ({ ...job, trace: job.trace.filter((e) => !(e.kind === "status" && e.status === "Queued" && e.end === undefined)) }));
        return { kind: "result", result: { ...response.result, jobs } };
      },
    }),
  },
  {
    name: "failed-as-paused",
    clause: "run.returned",
    description: "a run that returns 2 pauses the job instead of failing it",
    plant: () => ({ patchHost: (host) => wrapRuns(host, (job, state, run) => {
      const outcome = run(job, state);
      return outcome.kind === "returned" && outcome.code === 2 ? { kind: "returned", code: 1 } : outcome;
    }) }),
  },
  {
    name: "cancel-pending-cancels",
    clause: "run.returned",
    description: "a run that returns 0 while a cancel is pending ends Cancelled: the request decides the status whatever the job returned",
    plant: () => ({ patchHost: (host) => cancelledWhenPending(host, (code) => code === 0) }),
  },
  {
    name: "cancel-pending-fails-as-cancelled",
    clause: "run.returned",
    description: "a run that returns 2 (or any value but 0) while a cancel is pending ends Cancelled and discards its checkpoint, not Failed",
    plant: () => ({ patchHost: (host) => cancelledWhenPending(host, (code) => code !== 0 && code !== 1) }),
  },
  {
    name: "trap-discards-checkpoint",
    clause: "run.trap",
    description: "a run that traps discards the job's checkpoint",
    plant: () => ({ patchHost: (host) => wrapRuns(host, (job, state, run) => {
      const outcome = run(job, state);
      if (outcome.kind === "trap") host.store.discard(job.id);
      return outcome;
    }) }),
  },
  {
    name: "timeout-as-trap",
    clause: "run.timeout",
    description: "a run stopped by the time limit ends with cause trap, not timeout",
    plant: () => ({ patchHost: (host) => wrapRuns(host, (job, state, run) => {
      const outcome = run(job, state);
      return outcome.kind === "timeout" ? { kind: "trap", message: outcome.message } : outcome;
    }) }),
  },
  {
    name: "fresh-instance-per-run",
    clause: "run.reuse",
    description: "every run gets a fresh instance: memory a run leaves is gone for the next",
    plant: () => ({
      patchProcess: patchExtension("runExport", (original) =>
        function (this: ExtensionInternals, name, job, state) {
          this.instance = null;
          return original.call(this, name, job, state);
        },
      ),
    }),
  },
  {
    name: "trap-retires-live-instance",
    clause: "run.retire",
    description: "a run that traps retires the instance that is live, not only its own: a parent trapping on the instance a child retired takes the fresh one another child made live with it",
    plant: () => ({
      patchProcess: patchExtension("runExport", (original) =>
        function (this: ExtensionInternals, name, job, state) {
          const before = this.instance;
          const outcome = original.call(this, name, job, state);
          // Another instance became live while this run went on (a child made it): the bug retires that one too.
          if (outcome.kind !== "returned" && this.instance !== before) this.instance = null;
          return outcome;
        },
      ),
    }),
  },
  {
    name: "resume-stops-at-two-runs",
    clause: "run.resume",
    description: "a paused job is resumed once at most, whatever maxRunsPerJob says",
    plant: () => ({ patchHost: (host) => setLimits(host, { maxRunsPerJob: Math.min(2, host.limits.maxRunsPerJob) }) }),
  },
  {
    name: "resume-from-checkpoint-counts",
    clause: "run.resume",
    description: "a resumed run starts from the counts of the job's last checkpoint: what the last run added after it is lost",
    plant: () => ({
      patchHost: (host) => {
        const runOnce = host.runOnce.bind(host);
        host.runOnce = (job) => {
          if (job.runs > 0) job.restoreCheckpointMetrics();
          runOnce(job);
        };
      },
    }),
  },
  {
    name: "cleanup-never-called",
    clause: "run.cleanup",
    description: "plugin_cleanup is never called (Spacedrive's unload_plugin has it as a TODO today)",
    plant: () => ({ load: { engine: withExports(({ plugin_cleanup: _unused, ...exports }) => exports) } }),
  },
  {
    name: "cleanup-reads-last-run-memory",
    clause: "run.cleanup",
    description: "plugin_cleanup runs on the live instance, but its calls read the memory of the instance the case's last run was on (another one when a parent ended on the instance a child retired)",
    plant: () => ({
      patchProcess: patchExtension("unload", (original) =>
        function (this: ExtensionInternals) {
          const lastRun = { ...this.access };
          const byInstance = this.instanceAccess;
          // The bug: whatever the live instance, its calls keep reaching what the last run reached.
          this.instanceAccess = { get: () => lastRun };
          try {
            original.call(this);
          } finally {
            this.instanceAccess = byInstance;
          }
        },
      ),
    }),
  },
  {
    name: "children-run-last",
    clause: "child.order",
    description: "the children a job queues run only after the job's last run, not after the run that queued them",
    plant: () => ({
      patchHost: (host) => {
        const queued = (host as unknown as { queuedChildren: Map<string, JobRecord[]> }).queuedChildren;
        const drive = (job: JobRecord, options: { resume?: boolean } = {}): void => {
          const children: JobRecord[] = [];
          do {
            if (host.shuttingDown) return;
            host.runOnce(job);
            children.push(...(queued.get(job.id) ?? []));
            queued.delete(job.id);
          } while (job.status === "Paused" && options.resume === true && job.runs < host.limits.maxRunsPerJob);
          for (const child of children) drive(child, options);
        };
        host.drive = drive;
      },
    }),
  },
  {
    name: "descendants-newest-first",
    clause: "run.result-jobs",
    description: "the result lists the root's descendants newest first",
    plant: () => ({
      patchResponse: (response) => {
        if (response.kind !== "result") return response;
        const [root, ...rest] = response.result.jobs;
        const [rootError, ...restErrors] = response.result.errors;
        return { kind: "result", result: { ...response.result, jobs: [root!, ...rest.reverse()], errors: [rootError ?? null, ...restErrors.reverse()] } };
      },
    }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // The host protocol: what a result says, how a scenario is read
  {
    name: "methods-listed-not-served",
    clause: "handshake.methods",
    description: "the handshake lists the entries methods, but the host answers them UnknownMethod",
    plant: () => ({
      patchHost: (host) => {
        const handlers = (host.wire as unknown as { handlers: Map<string, unknown> }).handlers;
        for (const method of [...handlers.keys()]) if (method.includes("entries.")) handlers.delete(method);
      },
    }),
  },
  {
    name: "library-kept-across-cases",
    clause: "conversation.fresh-state",
    description: "the default library's entries survive from one case into the next (the host reuses its library between runs)",
    reset: () => {
      carriedEntries = [];
    },
    plant: () => ({
      patchHost: (host) => {
        const libraries = (host.library as unknown as { libraries: Map<string, { entries: LibraryEntry[] }> }).libraries;
        libraries.get(host.defaultLibraryId)!.entries.push(...carriedEntries.map((entry) => ({ ...entry })));
      },
      patchResponse: (response) => {
        if (response.kind === "result") carriedEntries = response.result.library.libraries[0]?.entries.map((entry) => ({ ...entry })) ?? [];
        return response;
      },
    }),
  },
  {
    name: "scenario-limits-ignored",
    clause: "scenario.limits",
    description: "the scenario's limits are not read: the host's own apply",
    plant: () => ({ patchRequest: (request) => ({ ...request, scenario: { ...request.scenario, limits: undefined } }) }),
  },
  {
    name: "partial-permissions-empty",
    clause: "scenario.permissions",
    description: "a scenario's permissions that name only some fields leave the others empty instead of the defaults",
    plant: () => ({
      patchRequest: (request) => {
        const permissions = request.scenario.permissions;
        if (permissions === undefined) return request;
        const filled = { methods: permissions.methods ?? [], libraries: permissions.libraries ?? [], rateLimit: permissions.rateLimit ?? DEFAULT_PERMISSIONS.rateLimit };
        return { ...request, scenario: { ...request.scenario, permissions: filled } };
      },
    }),
  },
  {
    name: "string-state-as-json",
    clause: "scenario.state",
    description: "a string state is passed as its JSON text (quoted) instead of its UTF-8 bytes",
    plant: () => ({
      patchRequest: (request) => (typeof request.scenario.state === "string" ? { ...request, scenario: { ...request.scenario, state: JSON.stringify(request.scenario.state) } } : request),
    }),
  },
  {
    name: "state-json-sorted",
    clause: "scenario.state",
    description: "a JSON state is written as a map that sorts its keys writes it (serde_json's default), with `1e21` for JSON.stringify's `1e+21`",
    plant: () => ({
      patchRequest: (request) => {
        const state = request.scenario.state;
        if (state === undefined || state === null || typeof state === "string") return request;
        return { ...request, scenario: { ...request.scenario, state: sortedJson(state) } };
      },
    }),
  },
  {
    name: "u64-through-f64",
    clause: "result.u64",
    description: "u64 values are written through an f64: 18446744073709551615 becomes 18446744073709552000",
    plant: () => {
      const f64 = (text: unknown) => (typeof text === "string" ? BigInt(Math.round(Number(text))).toString() : text);
      return {
        patchResponse: (response) => {
          const changed = mapEvents((event) => (event.kind === "metrics" ? { ...event, delta: f64(event.delta), total: f64(event.total) } : event))(response);
          if (changed.kind !== "result") return changed;
          const jobs = changed.result.jobs.map((job) => ({ ...job, metrics: { ...job.metrics, bytes: f64(job.metrics.bytes) as string, items: f64(job.metrics.items) as string } }));
          return { kind: "result", result: { ...changed.result, jobs } };
        },
      };
    },
  },
  {
    name: "progress-seven-digits",
    clause: "result.progress",
    description: "progress values are written with 7 significant digits instead of the double's shortest round-trip decimal",
    plant: () => ({ patchResponse: mapEvents((event) => (event.kind === "progress" ? { ...event, value: Number((event.value as number).toPrecision(7)) } : event)) }),
  },
  {
    name: "trace-text-lossy",
    clause: "result.trace-text",
    description: "bytes that are not UTF-8 are shown decoded with U+FFFD replacements instead of as hex:",
    plant: () => {
      const lossy = (text: unknown) => (typeof text === "string" && text.startsWith("hex:") ? new TextDecoder().decode(hexBytes(text.slice(4))) : text);
      return {
        patchResponse: (response) => {
          const changed = mapEvents((event) =>
            event.kind === "checkpoint" || event.kind === "load_state" ? { ...event, state: lossy(event.state) } : event.kind === "child_spawned" ? { ...event, params: lossy(event.params) } : event,
          )(response);
          if (changed.kind !== "result") return changed;
          return { kind: "result", result: { ...changed.result, jobs: changed.result.jobs.map((job) => ({ ...job, savedState: lossy(job.savedState) as string | null })) } };
        },
      };
    },
  },
  {
    name: "child-ids-renamed",
    clause: "result.ids",
    description: "a child_spawned event names the child with an id of its own, not the child job's id",
    plant: () => ({ patchResponse: mapEvents((event) => (event.kind === "child_spawned" ? { ...event, child: "00000000-0000-4000-8000-00000000c41d" } : event)) }),
  },

  // ---------------------------------------------------------------------------------------------------------------
  // ABI 1.1
  ...ABI_1_1_MUTANTS,

  // ---------------------------------------------------------------------------------------------------------------
  // Trees of jobs
  ...TREE_MUTANTS,
  ...STALL_MUTANTS,
];
