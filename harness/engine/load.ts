import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { nodeEngine, type WasmEngine } from "./engine.ts";
import { GuestLinkError, GuestLoadError } from "./errors.ts";
import { checkLink } from "./link.ts";
import { readModuleInterface, type ModuleInterface } from "./sections.ts";
import { capMemory } from "./memory-cap.ts";
import { addLoopChecks, LoopCheckError } from "./loop-checks.ts";
import { compileWat } from "./wat.ts";

/** A wasm32 memory's own limit: 65536 pages (4 GiB). */
export const MAX_WASM32_PAGES = 65_536;
/** The cap guests are compiled with unless a host asks for another (the reference host's limits.maxMemoryPages). */
export const DEFAULT_MEMORY_CAP_PAGES = 16_384;

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
}

/** A guest from wasm bytes, synchronously (the fuzzing hot path): validated, link-checked, compiled. */
export function guestFromBytes(file: string, bytes: Uint8Array, engine: WasmEngine = nodeEngine, memoryCapPages = DEFAULT_MEMORY_CAP_PAGES): GuestModule {
  let module: WebAssembly.Module;
  try {
    // Compiling validates; a separate validate pass would decode the module twice. The rewrites assume a valid
    // module, so whatever they throw on one that is not is reported as its invalidity below.
    const capped = memoryCapPages < MAX_WASM32_PAGES ? capMemory(file, bytes, memoryCapPages) : bytes;
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
  const iface = readModuleInterface(bytes);
  const problems = checkLink(iface);
  if (problems.length > 0) throw new GuestLinkError(file, problems);
  return { file, bytes, memoryCapPages, module, iface, engine };
}

/** Guest bytes from WAT text or a wasm binary, named by `file` in every error. */
export async function guestFromSource(file: string, source: string | Uint8Array, engine: WasmEngine = nodeEngine): Promise<GuestModule> {
  return guestFromBytes(file, typeof source === "string" ? await compileWat(file, source) : source, engine);
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
    throw new GuestLoadError("JP_GUEST_NOT_FOUND", `${file}: cannot read the guest: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  return guestFromSource(file, extension === ".wat" ? raw.toString("utf8") : new Uint8Array(raw), engine);
}
