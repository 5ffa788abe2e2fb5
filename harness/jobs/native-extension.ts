import { importModule } from "../engine/modules.ts";
import { existsSync } from "node:fs";
import type { StatusCode } from "../abi/status.ts";
import type { LogLevel } from "../trace/events.ts";
import { checkAbiVersion, GuestLoadError } from "../engine/errors.ts";
import { DEFAULT_GUEST_ABI, supportsAbi } from "../abi/version.ts";
import type { ExtensionScope, JobExecutor, RunOutcome } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { JobRecord } from "../host/job.ts";
import type { Permissions } from "../host/permissions.ts";
import { RunTimeout, runNativeWithTimeout } from "../host/watchdog.ts";
import { NativeJobContext } from "./native-context.ts";

/** A native job: the state is empty on a first run without state (the ABI's "default state"). */
export type NativeJob = (ctx: NativeJobContext, state: Uint8Array) => number;

/** What plugin_init (and plugin_cleanup) can do, for a native extension. */
export interface NativeInitApi {
  registerJob(name: string, exportName: string, resumable?: boolean): StatusCode;
  log(level: LogLevel | number, message: string): void;
}

/** A native extension: the twin of a WASM guest, with jobs keyed by the export name the guest would use. */
export interface NativeExtensionDefinition {
  /** The ABI the extension is built for, as a guest's `spacedrive_abi_version_<major>_<minor>` marker says (default 1.0). */
  readonly abiVersion?: string;
  /** Mirrors plugin_init: registers jobs; non-zero fails the load. */
  init?(api: NativeInitApi): number;
  /** Mirrors plugin_cleanup: called once the last job ended; what it returns or throws is ignored (run.cleanup). */
  cleanup?(api: NativeInitApi): number;
  readonly jobs: Readonly<Record<string, NativeJob>>;
}

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const TO_STDERR = ["log", "info", "debug"] as const;

/**
 * Sends console.log, console.info and console.debug to stderr until the returned function is called; around an
 * extension's own code (its import, init, jobs, cleanup) in every command, since stdout is the command's report (one
 * JSON document with --json) and an extension's prints are not part of it.
 */
function consoleToStderr(): () => void {
  const saved = TO_STDERR.map((name) => console[name]);
  for (const name of TO_STDERR) console[name] = console.error;
  return () => TO_STDERR.forEach((name, index) => (console[name] = saved[index]!));
}

class NativeExecutor implements JobExecutor {
  readonly kind = "native";

  constructor(
    private readonly host: ReferenceHost,
    private readonly scope: ExtensionScope,
    private readonly fn: NativeJob,
  ) {}

  run(job: JobRecord, state: Uint8Array | null): RunOutcome {
    const ctx = new NativeJobContext(this.host, this.scope, job.id, this.host.defaultLibraryId);
    const restoreConsole = consoleToStderr();
    try {
      const code: unknown = runNativeWithTimeout(() => this.fn(ctx, state ?? new Uint8Array()), this.host.limits.runTimeoutMs);
      // A job runs to its end in the call, as a guest's export does: a promise (an async function) is not an end.
      if (typeof code !== "number") return { kind: "trap", message: `a native job returns a number (0, 1 or 2) when its run ends; it returned ${describeReturn(code)}` };
      return { kind: "returned", code };
    } catch (error) {
      if (error instanceof RunTimeout) return { kind: "timeout", message: error.message };
      // A native job that throws is the twin of a guest that traps.
      return { kind: "trap", message: error instanceof Error ? error.message : String(error) };
    } finally {
      restoreConsole();
    }
  }
}

/** A value a native job or init returned, for a message: a promise is named as one, not "[object Object]". */
function describeReturn(value: unknown): string {
  if (value instanceof Promise) return "a promise (an async function: runs end synchronously)";
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "object" && value !== null ? `an object (${Object.prototype.toString.call(value)})` : String(value);
}

/** A native extension loaded into a host. */
export interface LoadedNativeExtension {
  readonly scope: ExtensionScope;
  /** Runs the definition's cleanup, for the extension; what it returns or throws is ignored. */
  unload(): void;
}

/** Loads a native extension into a host: opens its scope and runs its init, as the WASM path runs plugin_init. */
export function loadNativeExtension(host: ReferenceHost, id: string, definition: NativeExtensionDefinition, permissions?: Permissions, file = id): LoadedNativeExtension {
  const version = definition.abiVersion ?? DEFAULT_GUEST_ABI;
  const marker = definition.abiVersion === undefined ? null : `spacedrive_abi_version_${version.replace(".", "_")}`;
  checkAbiVersion(file, { version, marker }, host.abiVersions, supportsAbi(host.abiVersions, version));
  const scope = host.openExtension(id, permissions);
  const executorFor = (exportName: string) => {
    const fn = definition.jobs[exportName];
    return fn ? new NativeExecutor(host, scope, fn) : null;
  };
  const api: NativeInitApi = {
    // Called from a run, this is a guest's register_job from a run: refused WRONG_PHASE in the running job's trace.
    registerJob: (name, exportName, resumable = true) => host.registerJob(scope, name, exportName, resumable, executorFor(exportName)),
    // A line of plugin_init's or plugin_cleanup's, for the extension also when a twin logs it from within a job's
    // run for plugin_init running again on a fresh instance. (A job's own spacedrive_log line is NativeJobContext's.)
    log: (level, message) => scope.forExtension(() => host.ops.log(scope, null, "spacedrive_log", typeof level === "number" ? level : LEVELS[level], message)),
  };
  let code: unknown;
  const restoreConsole = consoleToStderr();
  try {
    code = definition.init?.(api) ?? 0;
  } catch (error) {
    // The twin of a plugin_init that traps.
    throw new GuestLoadError("JP_INIT_FAILED", `${file}: init threw: ${error instanceof Error ? error.message : String(error)}; the extension is not loaded`, { cause: error });
  } finally {
    restoreConsole();
  }
  if (code !== 0) throw new GuestLoadError("JP_INIT_FAILED", `${file}: init returned ${describeReturn(code)}; the extension is not loaded`);
  scope.phase = "ready";
  // Jobs the extension did not register can still be dispatched by their export name, as with a WASM guest.
  for (const exportName of Object.keys(definition.jobs)) {
    if (!scope.findJobType(exportName)) scope.unregisteredExports.set(exportName, executorFor(exportName)!);
  }
  const unload = () => {
    if (definition.cleanup === undefined) return;
    const restoreConsole = consoleToStderr();
    try {
      runNativeWithTimeout(() => definition.cleanup!(api), host.limits.runTimeoutMs);
    } catch {
      // Ignored, as a trap in plugin_cleanup is (run.cleanup).
    } finally {
      restoreConsole();
    }
  };
  return { scope, unload };
}

/** Native extension modules are TypeScript or JavaScript files whose default export is the definition. */
export const NATIVE_MODULE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"] as const;

export function isNativeModulePath(path: string): boolean {
  return NATIVE_MODULE_EXTENSIONS.some((ext) => path.endsWith(ext));
}

/** Imports a native extension module (a fixture's twin, or any module given on the command line). */
export async function importNativeExtension(path: string, shownAs = path): Promise<NativeExtensionDefinition> {
  if (!existsSync(path)) throw new GuestLoadError("JP_GUEST_NOT_FOUND", `${shownAs}: no such native extension module`);
  let module: { default?: NativeExtensionDefinition };
  const restoreConsole = consoleToStderr();
  try {
    module = (await importModule(path)) as typeof module;
  } catch (error) {
    throw new GuestLoadError("JP_NATIVE_MODULE", `${shownAs}: the module failed to load: ${(error as Error).message}`, { cause: error });
  } finally {
    restoreConsole();
  }
  const definition = module.default;
  if (typeof definition?.jobs !== "object" || definition.jobs === null) {
    throw new GuestLoadError("JP_NATIVE_MODULE", `${shownAs}: the default export must be a NativeExtensionDefinition ({ init?, jobs })`);
  }
  const notFunctions = Object.entries(definition.jobs).filter(([, job]) => typeof job !== "function").map(([name]) => name);
  if (notFunctions.length > 0) throw new GuestLoadError("JP_NATIVE_MODULE", `${shownAs}: jobs.${notFunctions.join(", jobs.")} must be a function (ctx, state) => 0 | 1 | 2`);
  for (const hook of ["init", "cleanup"] as const) {
    if (definition[hook] !== undefined && typeof definition[hook] !== "function") throw new GuestLoadError("JP_NATIVE_MODULE", `${shownAs}: ${hook} must be a function (api) => number`);
  }
  if (definition.abiVersion !== undefined && (typeof definition.abiVersion !== "string" || !/^\d+\.\d+$/.test(definition.abiVersion))) {
    throw new GuestLoadError("JP_NATIVE_MODULE", `${shownAs}: abiVersion must be a string "<major>.<minor>" such as "1.1", got ${JSON.stringify(definition.abiVersion)}`);
  }
  return definition;
}
