import { createHash } from "node:crypto";
import type { WasmEngine } from "./engine.ts";
import type { ModuleInterface } from "./sections.ts";

/**
 * Guests compiled already, by content: the module an engine compiled from the same bytes with the same memory cap,
 * and the interface read from them.
 *
 * Why: the gate, the mutation analysis and the expectations hosts load the same fixture bytes once per case per host
 * they judge, and compiling (with the memory cap and loop checks written in) is most of loading a guest. A compiled
 * module is immutable and every run instantiates it afresh, so one module serves every load of those bytes. The
 * checks that depend on the loading host (ABI versions, links, the memory cap's verdict) still run on every load.
 *
 * Entries are kept per engine object (a mutant's engine is its own), the most recently used LIMIT of them.
 */
export interface CompiledGuest {
  readonly module: WebAssembly.Module;
  readonly iface: ModuleInterface;
}

/** Enough for every fixture and regression case at every memory cap in use, with room to spare. */
const LIMIT = 512;

const byEngine = new WeakMap<WasmEngine, Map<string, CompiledGuest>>();

/** The key of `bytes` compiled with `memoryCapPages`. */
export function compiledKey(bytes: Uint8Array, memoryCapPages: number): string {
  return `${memoryCapPages}:${createHash("sha256").update(bytes).digest("base64")}`;
}

/** The guest `engine` compiled under `key`, if it is kept (and it is now the most recently used). */
export function compiledGuest(engine: WasmEngine, key: string): CompiledGuest | undefined {
  const kept = byEngine.get(engine);
  const guest = kept?.get(key);
  if (guest !== undefined) {
    kept!.delete(key);
    kept!.set(key, guest);
  }
  return guest;
}

/** Keeps a guest `engine` compiled under `key`, forgetting the least recently used past LIMIT. */
export function keepCompiledGuest(engine: WasmEngine, key: string, guest: CompiledGuest): void {
  let kept = byEngine.get(engine);
  if (kept === undefined) byEngine.set(engine, (kept = new Map()));
  kept.set(key, guest);
  if (kept.size > LIMIT) kept.delete(kept.keys().next().value!);
}
