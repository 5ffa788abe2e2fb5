import { IMPORT_MODULE, IMPORTS, type ImportName } from "../abi/imports.ts";
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
  private active: HostFunctions | null = null;
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
    for (const spec of IMPORTS) host[spec.name] = this.forward(spec.name as ImportName, spec.params.length);
    this.imports = { [IMPORT_MODULE]: engine.instantiate(module, { host: host as HostFunctions }).exports };
  }

  activate(functions: HostFunctions): void {
    this.active = functions;
  }

  /** A forwarder of the import's arity (no rest arguments on the hot path). */
  private forward(name: ImportName, arity: number): (...args: never[]) => unknown {
    const target = () => {
      const fn = this.active?.[name];
      if (typeof fn !== "function") throw new Error(`internal: no host function ${name} is active`);
      return fn as (...args: unknown[]) => unknown;
    };
    switch (arity) {
      case 1:
        return (a: unknown) => target()(a);
      case 2:
        return (a: unknown, b: unknown) => target()(a, b);
      case 3:
        return (a: unknown, b: unknown, c: unknown) => target()(a, b, c);
      case 4:
        return (a: unknown, b: unknown, c: unknown, d: unknown) => target()(a, b, c, d);
      default:
        return (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) => target()(a, b, c, d, e);
    }
  }
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
