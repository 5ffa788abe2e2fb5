import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { nodeEngine, type WasmEngine } from "./engine.ts";
import { GuestLinkError, GuestLoadError } from "./errors.ts";
import { checkLink } from "./link.ts";
import { readModuleInterface, type ModuleInterface } from "./sections.ts";
import { compileWat } from "./wat.ts";

/** A compiled guest that links against ABI v1, ready to instantiate any number of times. */
export interface GuestModule {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly module: WebAssembly.Module;
  readonly iface: ModuleInterface;
  readonly engine: WasmEngine;
}

/** A guest from wasm bytes, synchronously (the fuzzing hot path): validated, link-checked, compiled. */
export function guestFromBytes(file: string, bytes: Uint8Array, engine: WasmEngine = nodeEngine): GuestModule {
  let module: WebAssembly.Module;
  try {
    module = engine.compile(bytes); // compiling validates; a separate validate pass would decode the module twice
  } catch (error) {
    throw new GuestLoadError("JP_WASM_INVALID", `${file}: not a valid WebAssembly module: ${(error as Error).message}`, { cause: error });
  }
  const iface = readModuleInterface(bytes);
  const problems = checkLink(iface);
  if (problems.length > 0) throw new GuestLinkError(file, problems);
  return { file, bytes, module, iface, engine };
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
