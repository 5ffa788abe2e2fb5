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
 * A module is kept from the second load of its bytes on: a fuzzing session loads thousands of guests once each, and
 * keeping those would only hold memory (about 60 MB over 3,000 host cases). Per engine object (a mutant's engine is
 * its own), the most recently used KEPT_LIMIT modules, and the keys of up to SEEN_LIMIT guests loaded once.
 */
export interface CompiledGuest {
  readonly module: WebAssembly.Module;
  readonly iface: ModuleInterface;
}

/** Enough for every fixture and regression case at every memory cap in use, with room to spare. */
const KEPT_LIMIT = 512;
/** Keys of guests loaded once; past this many they are forgotten (a guest then needs two more loads to be kept). */
const SEEN_LIMIT = 8192;

interface EngineGuests {
  readonly kept: Map<string, CompiledGuest>;
  readonly seen: Set<string>;
}

const byEngine = new WeakMap<WasmEngine, EngineGuests>();

function guestsOf(engine: WasmEngine): EngineGuests {
  let guests = byEngine.get(engine);
  if (guests === undefined) byEngine.set(engine, (guests = { kept: new Map(), seen: new Set() }));
  return guests;
}

/** The key of `bytes` compiled with `memoryCapPages`. */
export function compiledKey(bytes: Uint8Array, memoryCapPages: number): string {
  return `${memoryCapPages}:${createHash("sha256").update(bytes).digest("base64")}`;
}

/** The guest `engine` compiled under `key`, if it is kept (and it is now the most recently used). */
export function compiledGuest(engine: WasmEngine, key: string): CompiledGuest | undefined {
  const { kept } = guestsOf(engine);
  const guest = kept.get(key);
  if (guest !== undefined) {
    kept.delete(key);
    kept.set(key, guest);
  }
  return guest;
}

/**
 * A guest `engine` has just compiled under `key`: kept if it was loaded before (forgetting the least recently used
 * past KEPT_LIMIT), else remembered as loaded once.
 */
export function keepCompiledGuest(engine: WasmEngine, key: string, guest: CompiledGuest): void {
  const { kept, seen } = guestsOf(engine);
  if (!seen.delete(key)) {
    if (seen.size >= SEEN_LIMIT) seen.clear();
    seen.add(key);
    return;
  }
  kept.set(key, guest);
  if (kept.size > KEPT_LIMIT) kept.delete(kept.keys().next().value!);
}
