import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { nodeEngine, type WasmEngine } from "./engine.ts";
import { checkAbiVersion, GuestLinkError, GuestLoadError, type LinkProblem } from "./errors.ts";
import { requestedAbi, SUPPORTED_ABI_VERSIONS, supportsAbi } from "../abi/version.ts";
import { checkLink } from "./link.ts";
import { compiledGuest, compiledKey, keepCompiledGuest, type CompiledGuest } from "./compiled-guests.ts";
import { readModuleInterface, type ModuleInterface } from "./sections.ts";
import { capMemory, MAX_WASM32_PAGES } from "./memory-cap.ts";
import { addLoopChecks, LoopCheckError } from "./loop-checks.ts";
import { compileWat } from "./wat.ts";

export { MAX_WASM32_PAGES };
/** The cap guests are compiled with unless a host asks for another (the reference host's limits.maxMemoryPages). */
export const DEFAULT_MEMORY_CAP_PAGES = 16_384;

/**
 * The memory cap the reference host compiles a case's guest with (WasmExtension.load): the scenario's maxMemoryPages,
 * smaller or larger than the default, else the default.
 */
export function memoryCapFor(scenario: { readonly limits?: { readonly maxMemoryPages?: number } }): number {
  return scenario.limits?.maxMemoryPages ?? DEFAULT_MEMORY_CAP_PAGES;
}

/**
 * A compiled guest that links against ABI v1, ready to instantiate any number of times. The module carries the memory
 * cap and loop checks (its instances import the watchdog's tick besides the `spacedrive` functions).
 */
export interface GuestModule {
  readonly file: string;
  /** The guest as given (before the memory cap). */
  readonly bytes: Uint8Array;
  /** The memory cap (pages) the compiled module carries. */
  readonly memoryCapPages: number;
  readonly module: WebAssembly.Module;
  readonly iface: ModuleInterface;
  readonly engine: WasmEngine;
  /** The link check it passed (kept for compiling it again with another memory cap). */
  readonly linkCheck: (iface: ModuleInterface) => LinkProblem[];
  /** Set when `module` holds several guests (harness/programs/batch.ts): makes an instance of it this guest's. */
  readonly slice?: GuestSlice;
}

/**
 * One guest of a module compiled for several: how an instance of the shared module is made, and made this guest's
 * (its own memory contents and globals written in, its functions under the names its own module exports them by).
 */
export interface GuestSlice {
  instantiate(engine: WasmEngine, shared: WebAssembly.Module, imports: WebAssembly.Imports): WebAssembly.Instance;
}

/** A fresh instance of the guest. */
export function instantiateGuest(guest: GuestModule, imports: WebAssembly.Imports): WebAssembly.Instance {
  return guest.slice === undefined ? guest.engine.instantiate(guest.module, imports) : guest.slice.instantiate(guest.engine, guest.module, imports);
}

/** How a guest is compiled: by which engine, with which memory cap, for a host serving which ABI versions. */
export interface GuestOptions {
  readonly engine?: WasmEngine;
  /** The memory cap the module is compiled with (limits.maxMemoryPages). */
  readonly memoryCapPages?: number;
  /** The ABI versions of the host it is loaded into (version.marker). */
  readonly abiVersions?: readonly string[];
  /** The link check (default: checkLink against the ABI table); mutant hosts plant their bugs here. */
  readonly linkCheck?: (iface: ModuleInterface) => LinkProblem[];
}

/**
 * A guest from wasm bytes, synchronously (the fuzzing hot path): validated, version-checked, link-checked, compiled,
 * in the order of link.order (valid, ABI version, links, memory fits; instantiating is the host's next step).
 */
export function guestFromBytes(file: string, bytes: Uint8Array, options: GuestOptions = {}): GuestModule {
  const { engine = nodeEngine, memoryCapPages = DEFAULT_MEMORY_CAP_PAGES, abiVersions = SUPPORTED_ABI_VERSIONS, linkCheck = checkLink } = options;
  const key = compiledKey(bytes, memoryCapPages);
  const kept = compiledGuest(engine, key);
  const { module, iface, memoryLimit } = kept === undefined ? compileGuest(file, bytes, engine, memoryCapPages) : { ...kept, memoryLimit: null };
  // Only a guest that fits the cap is kept: the refusal names the file it was loaded as.
  if (kept === undefined && memoryLimit === null) keepCompiledGuest(engine, key, { module, iface });
  checkGuestAbi(file, iface, abiVersions);
  const problems = linkCheck(iface);
  if (problems.length > 0) throw new GuestLinkError(file, problems);
  if (memoryLimit !== null) throw memoryLimit;
  return { file, bytes, memoryCapPages, module, iface, engine, linkCheck };
}

/**
 * Compiles a guest (link.order's first step: a module that is not valid is refused here). A memory over the cap is
 * not refused yet: it comes after the version and link checks, so it is returned with the module.
 */
function compileGuest(file: string, bytes: Uint8Array, engine: WasmEngine, memoryCapPages: number): CompiledGuest & { readonly memoryLimit: GuestLoadError | null } {
  let module: WebAssembly.Module;
  // Too much initial memory is reported after the version and link checks (link.order), so it is kept until then.
  let memoryLimit: GuestLoadError | null = null;
  try {
    // Compiling validates; a separate validate pass would decode the module twice. The rewrites assume a valid
    // module, so whatever they throw on one that is not is reported as its invalidity below.
    let capped = bytes;
    if (memoryCapPages < MAX_WASM32_PAGES) {
      try {
        capped = capMemory(file, bytes, memoryCapPages);
      } catch (error) {
        if (!(error instanceof GuestLoadError)) throw error;
        memoryLimit = error;
      }
    }
    module = engine.compile(addLoopChecks(capped));
  } catch (error) {
    const valid = WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>);
    if (error instanceof GuestLoadError && valid) throw error;
    if (error instanceof LoopCheckError && valid) {
      throw new GuestLoadError("JP_WASM_UNSUPPORTED", `${file}: the reference host cannot run this module: ${error.message}`, { cause: error });
    }
    let reason = (error as Error).message;
    try {
      engine.compile(bytes);
    } catch (compileError) {
      reason = (compileError as Error).message;
    }
    throw new GuestLoadError("JP_WASM_INVALID", `${file}: not a valid WebAssembly module: ${reason}`, { cause: error });
  }
  return { module, iface: readModuleInterface(bytes), memoryLimit };
}

/** The ABI version the guest asks for (its marker), refused with JP_ABI_VERSION when `hostVersions` do not serve it. */
export function checkGuestAbi(file: string, iface: ModuleInterface, hostVersions: readonly string[]): void {
  let request;
  try {
    request = requestedAbi(iface.exports.map((e) => e.name));
  } catch (error) {
    throw new GuestLoadError("JP_ABI_VERSION", `${file}: ${(error as Error).message}`, { cause: error });
  }
  checkAbiVersion(file, request, hostVersions, supportsAbi(hostVersions, request.version));
}

/** Guest bytes from WAT text or a wasm binary, named by `file` in every error. */
export async function guestFromSource(file: string, source: string | Uint8Array, engine: WasmEngine = nodeEngine): Promise<GuestModule> {
  return guestFromBytes(file, typeof source === "string" ? await compileWat(file, source) : source, { engine });
}

/** Loads `.wat` or `.wasm` from disk. */
export async function loadGuest(file: string, engine: WasmEngine = nodeEngine): Promise<GuestModule> {
  const extension = extname(file);
  if (extension !== ".wat" && extension !== ".wasm") {
    throw new GuestLoadError("JP_GUEST_NOT_FOUND", `${file}: a guest must be a .wat or .wasm file`);
  }
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder: give a guest file" : `cannot read the guest: ${(error as Error).message}`;
    throw new GuestLoadError("JP_GUEST_NOT_FOUND", `${file}: ${why}`, { cause: error });
  }
  return guestFromSource(file, extension === ".wat" ? raw.toString("utf8") : new Uint8Array(raw), engine);
}
