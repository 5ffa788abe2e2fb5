import { IMPORT_MODULE, IMPORTS } from "../abi/imports.ts";
import type { WasmEngine } from "./engine.ts";
import { encodeModule, type Instr } from "./wasm-module.ts";

/** The host functions of one guest instance, by import name. */
export type HostFunctions = WebAssembly.ModuleImports;

/**
 * Guests link against wasm functions that forward to the host functions of the instance that is running. A guest
 * importing JS functions makes the engine build an import wrapper per import for every new module, which dominates
 * instantiating small generated guests; importing wasm functions needs none. One trampoline serves a thread, and
 * `activate` points it at the instance about to run (guest code never runs for two instances at once on a thread).
 */
export class ImportTrampoline {
  /**
   * The active instance's function for each import, by IMPORTS index: filled once per activation, so a call is one
   * array load and a call (rather than a property lookup by name on whichever instance's functions are active).
   */
  private readonly slots: ((...args: never[]) => unknown)[] = IMPORTS.map((spec) => inactive(spec.name));
  readonly imports: WebAssembly.Imports;

  constructor(engine: WasmEngine) {
    const forwarders = IMPORTS.map((spec) => ({
      name: `$${spec.name}`,
      export: spec.name,
      params: spec.params.map((p) => p.type),
      results: spec.results,
      locals: [],
      body: [...spec.params.map((_, i): Instr => ["local.get", i]), ["call", `$host_${spec.name}`] as Instr],
    }));
    const module = engine.compile(
      encodeModule({
        imports: IMPORTS.map((spec) => ({
          module: "host",
          field: spec.name,
          name: `$host_${spec.name}`,
          params: spec.params.map((p) => p.type),
          results: spec.results,
        })),
        functions: forwarders,
        memory: { minPages: 0, export: "trampoline_memory" },
        globals: [],
        data: [],
      }),
    );
    const host: Record<string, unknown> = {};
    IMPORTS.forEach((spec, index) => (host[spec.name] = this.forward(index, spec.params.length)));
    this.imports = { [IMPORT_MODULE]: engine.instantiate(module, { host: host as HostFunctions }).exports };
  }

  activate(functions: HostFunctions): void {
    IMPORTS.forEach((spec, index) => {
      const fn = functions[spec.name];
      this.slots[index] = typeof fn === "function" ? (fn as (...args: never[]) => unknown) : inactive(spec.name);
    });
  }

  /** A forwarder of the import's arity (no rest arguments on the hot path). */
  private forward(index: number, arity: number): (...args: never[]) => unknown {
    const slots = this.slots as unknown as ((...args: unknown[]) => unknown)[];
    switch (arity) {
      case 1:
        return (a: unknown) => slots[index]!(a);
      case 2:
        return (a: unknown, b: unknown) => slots[index]!(a, b);
      case 3:
        return (a: unknown, b: unknown, c: unknown) => slots[index]!(a, b, c);
      case 4:
        return (a: unknown, b: unknown, c: unknown, d: unknown) => slots[index]!(a, b, c, d);
      default:
        return (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) => slots[index]!(a, b, c, d, e);
    }
  }
}

/** The slot of an import no active instance provides: calling it is a harness bug. */
function inactive(name: string): () => never {
  return () => {
    throw new Error(`internal: no host function ${name} is active`);
  };
}

const trampolines = new WeakMap<WasmEngine, ImportTrampoline>();

/** The thread's trampoline for an engine, built on first use. */
export function importTrampoline(engine: WasmEngine): ImportTrampoline {
  let trampoline = trampolines.get(engine);
  if (!trampoline) {
    trampoline = new ImportTrampoline(engine);
    trampolines.set(engine, trampoline);
  }
  return trampoline;
}
