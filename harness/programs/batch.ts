import { SUPPORTED_ABI_VERSIONS } from "../abi/version.ts";
import { nodeEngine } from "../engine/engine.ts";
import { checkLink } from "../engine/link.ts";
import { checkGuestAbi, DEFAULT_MEMORY_CAP_PAGES, type GuestModule, type GuestSlice } from "../engine/load.ts";
import { addLoopChecks } from "../engine/loop-checks.ts";
import { capMemory } from "../engine/memory-cap.ts";
import { encodeModule, moduleInterface } from "../engine/wasm-module.ts";
import type { Scenario } from "../suite/scenario.ts";
import type { Timings } from "./differential.ts";
import type { JobProgram } from "./ir.ts";
import { batchModule, moduleOfParts, POOL_OFFSET, programParts, renderWasm, type ProgramParts } from "./render-wasm.ts";

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
 */

/** Every generated guest is loaded under this name, batched or not (messages name it). */
export const PROGRAM_FILE = "program.wasm";

/** The memory cap the reference host compiles a guest with for this scenario (WasmExtension.load). */
export function memoryCapFor(scenario: Scenario): number {
  return Math.min(DEFAULT_MEMORY_CAP_PAGES, scenario.limits?.maxMemoryPages ?? DEFAULT_MEMORY_CAP_PAGES);
}

/**
 * Compiles the cases' programs into as few modules as their memory sizes and caps allow: per case its guest, or null
 * when the program must be compiled alone.
 */
export function compileBatch(
  cases: readonly { readonly program: JobProgram; readonly scenario: Scenario }[],
  timings?: Pick<Timings, "render" | "compile">,
): (GuestModule | null)[] {
  let t = performance.now();
  const lap = (phase: "render" | "compile") => {
    const now = performance.now();
    if (timings) timings[phase] += now - t;
    t = now;
  };
  const guests: (GuestModule | null)[] = cases.map(() => null);
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
        slice: programSlice(parts, slots[k]!),
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

/** Makes an instance of a batch module the program's: its pool and heap start in, its functions by their own names. */
function programSlice(parts: ProgramParts, slots: readonly (readonly [string, number])[]): GuestSlice {
  return {
    instance(shared) {
      const { memory, heap, programs, wasm_alloc, wasm_free } = shared.exports as Record<string, unknown>;
      new Uint8Array((memory as WebAssembly.Memory).buffer, POOL_OFFSET, parts.pool.length).set(parts.pool);
      (heap as WebAssembly.Global).value = parts.heap;
      const exports: Record<string, unknown> = { memory, wasm_alloc, wasm_free };
      for (const [name, slot] of slots) exports[name] = (programs as WebAssembly.Table).get(slot);
      // The host reads an instance's exports only.
      return { exports: Object.freeze(exports) } as unknown as WebAssembly.Instance;
    },
  };
}
