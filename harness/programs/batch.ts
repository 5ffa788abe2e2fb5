import { SUPPORTED_ABI_VERSIONS } from "../abi/version.ts";
import { nodeEngine } from "../engine/engine.ts";
import { checkLink } from "../engine/link.ts";
import { checkGuestAbi, memoryCapFor, type GuestModule, type GuestSlice } from "../engine/load.ts";
import { addLoopChecks } from "../engine/loop-checks.ts";
import { capMemory } from "../engine/memory-cap.ts";
import { encodeModule, moduleInterface } from "../engine/wasm-module.ts";
import type { Scenario } from "../suite/scenario.ts";
import type { Timings } from "./differential.ts";
import type { JobProgram } from "./ir.ts";
import { BATCH_MEMORY, BATCH_SELECT, batchModule, moduleOfParts, POOL_OFFSET, programParts, renderWasm, type ProgramParts } from "./render-wasm.ts";

/**
 * Batched guests: many generated programs compiled as one wasm module, each case still run on a fresh instance.
 *
 * Why: the engine's cost per compiled module is fixed (compiling, and the first instantiation of each module, about
 * 1.5 ms together, most of it in the kernel), while a generated program's own code compiles in microseconds. One
 * program per module made that fixed cost the larger part of a fuzzing session.
 *
 * How the semantics stay those of the program's own module (render-wasm.ts, batchModule): every case instantiates the
 * shared module afresh, so memory and globals start new; before anything runs, the slice writes the program's string
 * pool where its own module's data segment puts it and its heap start into $heap, and hands the host an instance whose
 * exports are the program's own, by the names its own module gives them. The guest's code, memory layout, initial
 * memory size and memory cap are its own module's; only function indexes differ, which no guest can observe. The
 * host is given the interface of the program's own module, so it links, checks and dispatches exactly as before.
 *
 * A program whose own module would not load (a link or ABI refusal, an initial memory over the cap) is left out:
 * it is compiled alone, so that it fails as it always did. Counterexamples are replayed and saved as single modules.
 *
 * Memories are reused too (MemoryPool): the instances' memory is imported, and once a case is over (recycle) each
 * memory it used goes back zeroed for the next case, unless it grew. A fresh wasm memory's first write costs about
 * 0.1 ms here (the kernel builds page tables for its address-space reservation), more than the rest of instantiating.
 */

/** A program's guest in a batch. */
export interface BatchGuest extends GuestModule {
  /** The case is over: the memories of its instances may serve later cases (nothing may read them after this). */
  recycle(): void;
}

/** Every generated guest is loaded under this name, batched or not (messages name it). */
export const PROGRAM_FILE = "program.wasm";

/**
 * Compiles the cases' programs into as few modules as their memory sizes and caps allow: per case its guest, or null
 * when the program must be compiled alone.
 */
export function compileBatch(
  cases: readonly { readonly program: JobProgram; readonly scenario: Scenario }[],
  timings?: Pick<Timings, "render" | "compile">,
): (BatchGuest | null)[] {
  let t = performance.now();
  const lap = (phase: "render" | "compile") => {
    const now = performance.now();
    if (timings) timings[phase] += now - t;
    t = now;
  };
  const guests: (BatchGuest | null)[] = cases.map(() => null);
  const groups = new Map<string, { index: number; parts: ProgramParts; iface: GuestModule["iface"] }[]>();
  cases.forEach(({ program, scenario }, index) => {
    const parts = programParts(program);
    const cap = memoryCapFor(scenario);
    const iface = moduleInterface(moduleOfParts(parts));
    if (parts.minPages > cap || !loadsAlone(iface)) return;
    const key = `${parts.minPages}/${cap}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push({ index, parts, iface });
  });
  for (const [key, group] of groups) {
    const cap = Number(key.split("/")[1]);
    lap("render");
    const { def, slots } = batchModule(group.map((member) => member.parts));
    const bytes = encodeModule(def);
    lap("render");
    // As guestFromBytes compiles any guest: the memory cap, then the loop checks.
    const module = nodeEngine.compile(addLoopChecks(capMemory(PROGRAM_FILE, bytes, cap)));
    lap("compile");
    group.forEach(({ index, parts, iface }, k) => {
      const program = cases[index]!.program;
      let ownBytes: Uint8Array | null = null;
      const slice = programSlice(parts, k, slots[k]!, cap);
      guests[index] = {
        file: PROGRAM_FILE,
        // The program's own module, encoded only if asked for (a host with a smaller memory cap compiles it again).
        get bytes() {
          return (ownBytes ??= renderWasm(program));
        },
        memoryCapPages: cap,
        module,
        iface,
        engine: nodeEngine,
        linkCheck: checkLink,
        slice,
        recycle: () => slice.recycle(),
      };
    });
  }
  lap("render");
  return guests;
}

/** Whether the program's own module passes the load checks guestFromBytes makes after compiling. */
function loadsAlone(iface: GuestModule["iface"]): boolean {
  try {
    checkGuestAbi(PROGRAM_FILE, iface, SUPPORTED_ABI_VERSIONS);
  } catch {
    return false;
  }
  return checkLink(iface).length === 0;
}

const PAGE_BYTES = 65_536;

/** Zeroed memories of one size and cap, for the next instances that need them. */
class MemoryPool {
  /** Enough for the instances of a few cases (a trap, children waited for, make more than one). */
  private static readonly KEPT = 8;
  private readonly free = new Map<string, WebAssembly.Memory[]>();

  take(pages: number, maxPages: number): WebAssembly.Memory {
    return this.free.get(`${pages}/${maxPages}`)?.pop() ?? new WebAssembly.Memory({ initial: pages, maximum: maxPages });
  }

  /** Keeps the memory for later unless it grew (a memory cannot shrink) or enough are kept. */
  give(memory: WebAssembly.Memory, pages: number, maxPages: number): void {
    if (memory.buffer.byteLength !== pages * PAGE_BYTES) return;
    const key = `${pages}/${maxPages}`;
    let free = this.free.get(key);
    if (free === undefined) this.free.set(key, (free = []));
    if (free.length >= MemoryPool.KEPT) return;
    new Uint8Array(memory.buffer).fill(0);
    free.push(memory);
  }
}

const memories = new MemoryPool();

/**
 * Makes instances of a batch module the program's: a zeroed memory of its own module's size and cap, its pool and
 * heap start written in, its functions put in the table and given by their own names.
 */
function programSlice(parts: ProgramParts, program: number, slots: readonly (readonly [string, number])[], cap: number): GuestSlice & { recycle(): void } {
  const lent: WebAssembly.Memory[] = [];
  return {
    instantiate(engine, shared, imports) {
      const memory = memories.take(parts.minPages, cap);
      lent.push(memory);
      const instance = engine.instantiate(shared, { ...imports, [BATCH_MEMORY.module]: { [BATCH_MEMORY.field]: memory } });
      const { heap, programs, wasm_alloc, wasm_free, [BATCH_SELECT]: select } = instance.exports as Record<string, unknown>;
      new Uint8Array(memory.buffer, POOL_OFFSET, parts.pool.length).set(parts.pool);
      (heap as WebAssembly.Global).value = parts.heap;
      // Its one function entry counts towards the instance's first loop check (engine/loop-checks.ts), so checks
      // fall one entry earlier than in the program's own module: they only read the clock for time limits, and where
      // a run is stopped depends on the clock already.
      (select as (program: number) => void)(program);
      const exports: Record<string, unknown> = { memory, wasm_alloc, wasm_free };
      for (const [name, slot] of slots) exports[name] = (programs as WebAssembly.Table).get(slot);
      // The host reads an instance's exports only.
      return { exports: Object.freeze(exports) } as unknown as WebAssembly.Instance;
    },
    recycle() {
      for (const memory of lent.splice(0)) memories.give(memory, parts.minPages, cap);
    },
  };
}
