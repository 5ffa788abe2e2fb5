import { IMPORT_MODULE } from "../abi/imports.ts";
import { SUPPORTED_ABI_VERSIONS } from "../abi/version.ts";
import { nodeEngine } from "../engine/engine.ts";
import { checkLink } from "../engine/link.ts";
import { checkGuestAbi, memoryCapFor, type GuestModule, type GuestSlice } from "../engine/load.ts";
import { addLoopChecks, LOOP_CHECK_MODULE } from "../engine/loop-checks.ts";
import { capMemory } from "../engine/memory-cap.ts";
import { encodeModule, moduleInterface } from "../engine/wasm-module.ts";
import type { Scenario } from "../suite/scenario.ts";
import type { Timings } from "./differential.ts";
import type { JobProgram } from "./ir.ts";
import { BATCH_MEMORY, BATCH_SELECT, batchModule, moduleOfParts, POOL_OFFSET, programParts, renderWasm, type ProgramParts } from "./render-wasm.ts";

/**
 * Batched guests: many generated programs compiled as one wasm module, each case still run on an instance that starts
 * as a fresh one would.
 *
 * Why: the engine's cost per compiled module is fixed (compiling, and the first instantiation of each module, about
 * 1.5 ms together, most of it in the kernel), while a generated program's own code compiles in microseconds. One
 * program per module made that fixed cost the larger part of a fuzzing session.
 *
 * How the semantics stay those of the program's own module (render-wasm.ts, batchModule): every case gets an instance
 * of the shared module whose memory and globals start new (a fresh instance, or a kept one made new: InstancePool);
 * before anything runs, the slice writes the program's string
 * pool where its own module's data segment puts it and its heap start into $heap, and hands the host an instance whose
 * exports are the program's own, by the names its own module gives them. The guest's code, memory layout, initial
 * memory size and memory cap are its own module's; only function indexes differ, which no guest can observe. The
 * host is given the interface of the program's own module, so it links, checks and dispatches exactly as before.
 *
 * A program whose own module would not load (a link or ABI refusal, an initial memory over the cap) is left out:
 * it is compiled alone, so that it fails as it always did. Counterexamples are replayed and saved as single modules.
 *
 * Instances and memories are reused (InstancePool, MemoryPool): the instances' memory is imported, and once a case is
 * over (recycle) each instance it used is kept, its memory zeroed, for the module's next case, unless its memory grew.
 * A fresh wasm memory costs about 0.3 ms here (making and freeing it, and the page faults of its first zeroing: the
 * kernel builds page tables for its address-space reservation), and making an instance about 56 µs, about a tenth of
 * a small case's time.
 */

/** A program's guest in a batch. */
export interface BatchGuest extends GuestModule {
  /** The case is over: its instances and their memories may serve later cases (nothing may read them after this). */
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
    const layout: BatchLayout = { data: def.data, globals: def.globals.filter((g) => g.mutable && g.export !== undefined).map((g) => ({ export: g.export!, init: g.init })) };
    const bytes = encodeModule(def);
    lap("render");
    // As guestFromBytes compiles any guest: the memory cap, then the loop checks.
    const module = nodeEngine.compile(addLoopChecks(capMemory(PROGRAM_FILE, bytes, cap)));
    lap("compile");
    group.forEach(({ index, parts, iface }, k) => {
      const program = cases[index]!.program;
      let ownBytes: Uint8Array | null = null;
      const slice = programSlice(parts, k, slots[k]!, cap, layout);
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

/** What an instance of a batch module starts with besides its program's pool: its data segments, its mutable globals. */
interface BatchLayout {
  readonly data: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  readonly globals: readonly { readonly export: string; readonly init: number | bigint }[];
}

/** An instance of a batch module and the memory it was made with, between cases. */
interface KeptInstance {
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  /** The host functions it was made with (the import trampoline's, and the watchdog's): only they may call it again. */
  readonly host: unknown;
  readonly watchdog: unknown;
  /** Its memory's initial size and cap, as MemoryPool keeps memories. */
  readonly pages: number;
  readonly maxPages: number;
  /** The table slots its last program filled, emptied when that case is over. */
  slots: readonly (readonly [string, number])[];
}

/**
 * Instances kept between cases, with their memories, by batch module. Making an instance is about a tenth of a small
 * case's time (about 56 µs here); an instance whose memory did not grow is made a new case's instead, in every way
 * its instance would start: its memory zeroed, the module's data segments and the program's pool written in, every
 * mutable global at its initial value (the batch module exports them all), only the program's table slots filled. The
 * one thing not reset is the loop checks' countdown (engine/loop-checks.ts), which decides only when the watchdog
 * reads the clock: batched guests run without time limits (the parity property's cases always end). An instance is
 * kept only for the host functions it was made with: a case with other imports (a faulty boundary's, for one) gets a
 * fresh one.
 */
class InstancePool {
  /** Enough for the instances of a few cases (a trap, children waited for, make more than one). */
  private static readonly KEPT = 8;
  /** Batch modules whose instances are kept, the newest (a batch has a module per memory size and cap). */
  private static readonly MODULES = 4;
  private readonly kept = new Map<WebAssembly.Module, KeptInstance[]>();

  take(module: WebAssembly.Module, host: unknown, watchdog: unknown): KeptInstance | undefined {
    const list = this.kept.get(module);
    if (list === undefined) return undefined;
    const at = list.findIndex((kept) => kept.host === host && kept.watchdog === watchdog);
    return at < 0 ? undefined : list.splice(at, 1)[0];
  }

  /** Keeps the instance for the module's next case, unless its memory grew (a memory cannot shrink). */
  give(module: WebAssembly.Module, kept: KeptInstance): void {
    if (kept.memory.buffer.byteLength !== kept.pages * PAGE_BYTES) return;
    let list = this.kept.get(module);
    if (list === undefined) {
      // A new batch module: the oldest module's instances will not be used again; their memories serve new instances.
      for (const [old, evicted] of this.kept) {
        if (this.kept.size < InstancePool.MODULES) break;
        for (const each of evicted) memories.give(each.memory, each.pages, each.maxPages);
        this.kept.delete(old);
      }
      this.kept.set(module, (list = []));
    }
    if (list.length >= InstancePool.KEPT) return memories.give(kept.memory, kept.pages, kept.maxPages);
    const table = kept.instance.exports.programs as WebAssembly.Table;
    for (const [, slot] of kept.slots) table.set(slot, null);
    new Uint8Array(kept.memory.buffer).fill(0);
    list.push(kept);
  }
}

const instances = new InstancePool();

/**
 * Makes instances of a batch module the program's: a kept instance made new again, or a fresh one with a zeroed
 * memory of its own module's size and cap; its pool and heap start written in, its functions put in the table and
 * given by their own names.
 */
function programSlice(parts: ProgramParts, program: number, slots: readonly (readonly [string, number])[], cap: number, layout: BatchLayout): GuestSlice & { recycle(): void } {
  const lent: { module: WebAssembly.Module; kept: KeptInstance }[] = [];
  return {
    instantiate(engine, shared, imports) {
      const host = imports[IMPORT_MODULE];
      const watchdog = imports[LOOP_CHECK_MODULE];
      let kept = instances.take(shared, host, watchdog);
      if (kept === undefined) {
        const memory = memories.take(parts.minPages, cap);
        const instance = engine.instantiate(shared, { ...imports, [BATCH_MEMORY.module]: { [BATCH_MEMORY.field]: memory } });
        kept = { instance, memory, host, watchdog, pages: parts.minPages, maxPages: cap, slots };
      } else {
        // As instantiating does: the data segments into the zeroed memory, every mutable global at its initial value.
        for (const { offset, bytes } of layout.data) new Uint8Array(kept.memory.buffer, offset, bytes.length).set(bytes);
        for (const global of layout.globals) (kept.instance.exports[global.export] as WebAssembly.Global).value = global.init;
        kept.slots = slots;
      }
      lent.push({ module: shared, kept });
      const { memory } = kept;
      const { heap, programs, wasm_alloc, wasm_free, [BATCH_SELECT]: select } = kept.instance.exports as Record<string, unknown>;
      new Uint8Array(memory.buffer, POOL_OFFSET, parts.pool.length).set(parts.pool);
      (heap as WebAssembly.Global).value = parts.heap;
      // Its one function entry counts towards the instance's loop checks (engine/loop-checks.ts), so checks fall one
      // entry earlier than in the program's own module: they only read the clock for time limits, and where a run is
      // stopped depends on the clock already.
      (select as (program: number) => void)(program);
      const exports: Record<string, unknown> = { memory, wasm_alloc, wasm_free };
      for (const [name, slot] of slots) exports[name] = (programs as WebAssembly.Table).get(slot);
      // The host reads an instance's exports only.
      return { exports: Object.freeze(exports) } as unknown as WebAssembly.Instance;
    },
    recycle() {
      for (const { module, kept } of lent.splice(0)) instances.give(module, kept);
    },
  };
}
