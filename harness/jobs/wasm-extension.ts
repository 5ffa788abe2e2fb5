import { NO_FIELDS } from "../abi/arguments.ts";
import { encodeJobContext } from "../abi/context.ts";
import { JOB_EXPORT_SIGNATURE } from "../abi/exports.ts";
import { formatSignature, IMPORTS, type ImportName } from "../abi/imports.ts";
import { GuestMemory } from "../abi/memory.ts";
import { checkGuestAbi, guestFromBytes, instantiateGuest } from "../engine/load.ts";
import { GuestLoadError } from "../engine/errors.ts";
import { importTrampoline, type ImportTrampoline } from "../engine/import-trampoline.ts";
import type { GuestModule } from "../engine/load.ts";
import type { ExtensionScope, JobExecutor, RunOutcome } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { JobRecord } from "../host/job.ts";
import type { Permissions } from "../host/permissions.ts";
import { RunTimeout, runGuestWithTimeout, WATCHDOG_IMPORTS, type StallWatch } from "../host/watchdog.ts";
import { createBoundary, type GuestAccess, type InstanceBoundary } from "./wasm-boundary.ts";

const JOB_SIGNATURE = formatSignature(JOB_EXPORT_SIGNATURE.params, JOB_EXPORT_SIGNATURE.results);

/**
 * Replaces host functions at the boundary, e.g. to build a deliberately faulty host for proving that a check catches
 * a WASM-only fault. The reference host never uses one. The functions have the trampoline's lowered signatures (an
 * i64 parameter is two u32 words, low then high; a coalescible import answers whether its repeats may be counted:
 * a wrapper whose effect changes from one identical call to the next must answer 0, see CallRuns).
 */
export type ImportsWrapper = (functions: WebAssembly.ModuleImports) => WebAssembly.ModuleImports;

type JobFunction = (ctxPtr: number, ctxLen: number, statePtr: number, stateLen: number) => number;

/**
 * A WASM guest loaded into a host. It keeps one instance and reuses it across dispatches; a trap discards the
 * instance, and the next run gets a fresh one (plugin_init runs again, re-registering the same jobs silently).
 */
export class WasmExtension {
  readonly calls = new Uint32Array(IMPORTS.length);
  private instance: WebAssembly.Instance | null = null;
  private readonly access: GuestAccess;
  private readonly trampoline: ImportTrampoline;
  private readonly boundary: InstanceBoundary;
  /** What the boundary reaches of each live instance; runs put theirs in place (a child waited for may run on another). */
  private readonly instanceAccess = new WeakMap<WebAssembly.Instance, Pick<GuestAccess, "memory" | "alloc" | "runs">>();
  /** The count the stall limit watches while this guest's code runs (run.stall). */
  private readonly countHostCalls = (): number => this.hostCalls();

  private constructor(
    readonly host: ReferenceHost,
    readonly scope: ExtensionScope,
    readonly guest: GuestModule,
    private readonly wrapImports?: ImportsWrapper,
  ) {
    this.access = { memory: null, alloc: null, jobExport: (name) => this.jobExecutor(name), calls: this.calls, runs: null };
    this.trampoline = importTrampoline(guest.engine);
    this.boundary = createBoundary(host, scope, this.access);
  }

  /** The stall limit for guest code about to run (run.stall): the host's limit, and this guest's host calls. */
  private get stall(): StallWatch {
    return { stallTimeoutMs: this.host.limits.stallTimeoutMs, hostCalls: this.countHostCalls };
  }

  /**
   * Every host call this guest has made so far: those the boundary counted, and the repeats the import trampoline has
   * counted in wasm and not yet handed over (a loop of identical increments crosses into the host once). Read by the
   * watchdog once per loop-check interval, never on a host call's path.
   */
  private hostCalls(): number {
    let calls = this.access.runs?.pending() ?? 0;
    for (const n of this.calls) calls += n;
    return calls;
  }


  static load(host: ReferenceHost, id: string, guest: GuestModule, permissions?: Permissions, wrapImports?: ImportsWrapper): WasmExtension {
    // The guest was checked for the reference host's versions when it was compiled; this host may serve others.
    checkGuestAbi(guest.file, guest.iface, host.abiVersions);
    // A host whose memory cap is not the one the guest was compiled with (a scenario's maxMemoryPages, smaller or
    // larger than the default) compiles it again with its own.
    if (guest.memoryCapPages !== host.limits.maxMemoryPages) {
      guest = guestFromBytes(guest.file, guest.bytes, { engine: guest.engine, memoryCapPages: host.limits.maxMemoryPages, abiVersions: host.abiVersions, linkCheck: guest.linkCheck });
    }
    const extension = new WasmExtension(host, host.openExtension(id, permissions), guest, wrapImports);
    extension.instantiate();
    for (const exp of guest.iface.exports) {
      const executor = extension.jobExecutor(exp.name);
      if (executor && !extension.scope.findJobType(exp.name)) extension.scope.unregisteredExports.set(exp.name, executor);
    }
    return extension;
  }

  /** How many times each import was called, by name. */
  importCalls(): Partial<Record<ImportName, number>> {
    const out: Partial<Record<ImportName, number>> = {};
    IMPORTS.forEach((spec, i) => {
      if (this.calls[i]! > 0) out[spec.name as ImportName] = this.calls[i]!;
    });
    return out;
  }

  private instantiate(): WebAssembly.Instance {
    const reinit = this.scope.phase === "ready";
    const functions = this.boundary.functions;
    const { imports, runs } = this.trampoline.link(this.wrapImports ? this.wrapImports({ ...functions }) : functions);
    const deactivate = this.boundary.activate();
    try {
      this.access.runs = runs;
      return this.instantiateActive(imports, reinit);
    } finally {
      deactivate();
    }
  }

  /** instantiate, with the boundary active: the instance, and plugin_init when the guest exports one. */
  private instantiateActive(imports: WebAssembly.Imports, reinit: boolean): WebAssembly.Instance {
    const { guest, scope } = this;
    let instance: WebAssembly.Instance;
    try {
      instance = instantiateGuest(guest, { ...imports, ...WATCHDOG_IMPORTS });
    } catch (error) {
      // e.g. a data segment that does not fit the initial memory: the guest cannot load, the host is fine.
      if (guest.engine.isTrap(error)) {
        throw new GuestLoadError("JP_INIT_FAILED", `${guest.file}: instantiating the guest trapped: ${(error as Error).message}`, { cause: error });
      }
      // A table or memory past what the engine can allocate (link.valid-module): the guest cannot load here.
      if (error instanceof RangeError) {
        throw new GuestLoadError("JP_WASM_UNSUPPORTED", `${guest.file}: the reference host cannot instantiate this guest: ${error.message}`, { cause: error });
      }
      throw error;
    }
    const exports = instance.exports as Record<string, unknown>;
    this.access.memory = new GuestMemory(exports.memory as WebAssembly.Memory);
    this.access.alloc = typeof exports.wasm_alloc === "function" ? (exports.wasm_alloc as (size: number) => number) : null;
    this.instanceAccess.set(instance, { memory: this.access.memory, alloc: this.access.alloc, runs: this.access.runs });
    this.instance = instance;
    if (typeof exports.plugin_init === "function") {
      scope.phase = reinit ? "reinit" : "init";
      let code: number;
      try {
        code = scope.forExtension(() => runGuestWithTimeout(exports.plugin_init as () => number, this.host.limits.runTimeoutMs, this.stall));
      } catch (error) {
        this.instance = null;
        if (error instanceof RunTimeout) throw new GuestLoadError("JP_INIT_FAILED", `${guest.file}: plugin_init: ${error.message}`, { cause: error });
        if (!guest.engine.isTrap(error)) throw error;
        throw new GuestLoadError("JP_INIT_FAILED", `${guest.file}: plugin_init trapped: ${(error as Error).message}`, { cause: error });
      } finally {
        scope.phase = "ready";
      }
      if (code !== 0) {
        this.instance = null;
        throw new GuestLoadError("JP_INIT_FAILED", `${guest.file}: plugin_init returned ${code}; the guest is not loaded`);
      }
    }
    scope.phase = "ready";
    return instance;
  }

  /**
   * Unloads the guest once the case's last job ended (run.cleanup): plugin_cleanup, when exported, runs once on the
   * live instance, for the extension and under the time limit; its result and any trap are ignored. A retired
   * instance is not replaced for it.
   */
  unload(): void {
    const instance = this.instance;
    this.instance = null;
    const cleanup = instance?.exports.plugin_cleanup;
    if (typeof cleanup !== "function") return;
    // Its calls reach its own memory: the last run may have been on an instance a child retired (run.retire).
    Object.assign(this.access, this.instanceAccess.get(instance!));
    const deactivate = this.boundary.activate();
    try {
      this.scope.forExtension(() => runGuestWithTimeout(cleanup as () => number, this.host.limits.runTimeoutMs, this.stall));
    } catch (error) {
      if (!(error instanceof RunTimeout) && !this.guest.engine.isTrap(error)) throw error;
    } finally {
      deactivate();
    }
  }

  /** The guest's function exports by name, made on first use: looking each export up in the list was quadratic. */
  private functionExportsByName: Map<string, GuestModule["iface"]["exports"][number]> | null = null;

  private functionExports(): Map<string, GuestModule["iface"]["exports"][number]> {
    if (this.functionExportsByName === null) {
      this.functionExportsByName = new Map();
      for (const e of this.guest.iface.exports) if (e.kind === "function" && !this.functionExportsByName.has(e.name)) this.functionExportsByName.set(e.name, e);
    }
    return this.functionExportsByName;
  }

  private jobExecutor(exportName: string): JobExecutor | null {
    const exp = this.functionExports().get(exportName);
    if (!exp?.type || formatSignature(exp.type.params, exp.type.results) !== JOB_SIGNATURE) return null;
    return { kind: "wasm", run: (job, state) => this.runExport(exportName, job, state) };
  }

  /** Writes bytes into guest memory through wasm_alloc; null if the guest cannot take them. */
  private pass(data: Uint8Array): number | null {
    if (data.length === 0) return 0;
    const ptr = this.access.alloc?.(data.length) ?? 0;
    return ptr !== 0 && this.access.memory!.write(ptr, data) ? ptr >>> 0 : null;
  }

  /** wasm_alloc could not take the context or the state: the export is not called, the run fails (dispatch.alloc-failure). */
  private dispatchFailed(exportName: string, job: JobRecord, what: "context" | "state", size: number): RunOutcome {
    this.host.ops.refuse(this.scope, job, exportName, "ALLOCATION_FAILED", { ...NO_FIELDS, size }, `wasm_alloc(${size}) could not take the ${what}`);
    return { kind: "trap", message: `the host could not pass the ${what}: wasm_alloc failed` };
  }

  private runExport(exportName: string, job: JobRecord, state: Uint8Array | null): RunOutcome {
    // A run inside another (a child a parent waits for, child.wait) may run on a fresh instance: each run reaches its
    // own instance's memory and allocator, and the outer run gets its own back when the inner one ends.
    const outer = { memory: this.access.memory, alloc: this.access.alloc, runs: this.access.runs };
    try {
      return this.runOn(exportName, job, state);
    } finally {
      Object.assign(this.access, outer);
    }
  }

  private runOn(exportName: string, job: JobRecord, state: Uint8Array | null): RunOutcome {
    const { engine } = this.guest;
    let instance: WebAssembly.Instance | null = null;
    // Only the instance this run trapped or was stopped on is retired: a parent still running on an instance a child
    // retired may end after another child made a fresh one live (run.retire), which stays live.
    const retire = () => {
      if (this.instance === instance) this.instance = null;
    };
    try {
      const live = this.instance ?? this.instantiate();
      instance = live;
      const context = encodeJobContext(job.id, this.host.defaultLibraryId);
      const stateBytes = state ?? new Uint8Array();
      Object.assign(this.access, this.instanceAccess.get(live));
      const deactivate = this.boundary.activate();
      // Everything guest code does in this run (wasm_alloc for the context, the job itself) is under the time limit.
      try {
        return runGuestWithTimeout((): RunOutcome => {
          const ctxPtr = this.pass(context);
          if (ctxPtr === null) return this.dispatchFailed(exportName, job, "context", context.length);
          const statePtr = this.pass(stateBytes);
          if (statePtr === null) return this.dispatchFailed(exportName, job, "state", stateBytes.length);
          const fn = live.exports[exportName] as JobFunction;
          return { kind: "returned", code: fn(ctxPtr, context.length, statePtr, stateBytes.length) };
        }, this.host.limits.runTimeoutMs, this.stall);
      } finally {
        deactivate();
      }
    } catch (error) {
      if (error instanceof GuestLoadError) return { kind: "trap", message: error.message };
      if (error instanceof RunTimeout) {
        retire(); // an instance stopped mid-run is never reused either
        return { kind: "timeout", message: error.message };
      }
      if (!engine.isTrap(error)) throw error;
      retire(); // never reuse an instance that trapped
      return { kind: "trap", message: (error as Error).message };
    }
  }
}
