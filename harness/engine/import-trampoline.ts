import { IMPORT_MODULE, IMPORTS, type ValType } from "../abi/imports.ts";
import type { WasmEngine } from "./engine.ts";
import { encodeModule, type Instr } from "./wasm-module.ts";

/**
 * The host functions of one guest instance, by import name, with the trampoline's lowered signatures: each i64
 * parameter arrives as two u32 numbers, its low word then its high word.
 */
export type HostFunctions = WebAssembly.ModuleImports;

/** A parameter list as the host functions receive it: every i64 as two i32 words (low, high). */
export function lowered(params: readonly ValType[]): ValType[] {
  return params.flatMap((type): ValType[] => (type === "i64" ? ["i32", "i32"] : [type]));
}

/** Pushes the forwarder's argument for parameter `index`: the value itself, or an i64's low then high word. */
function forwardParam(type: ValType, index: number): Instr[] {
  if (type !== "i64") return [["local.get", index]];
  return [["local.get", index], ["i32.wrap_i64"], ["local.get", index], ["i64.const", 32n], ["i64.shr_u"], ["i32.wrap_i64"]];
}

/**
 * Guests link against a small wasm module whose functions forward each import to a set of host functions.
 *
 * - A guest importing JS functions makes the engine build an import wrapper per import for every new module, which
 *   dominates instantiating small generated guests; importing wasm functions needs none.
 * - The forwarders lower every i64 argument to two i32 words: an i64 that reaches JS becomes a bigint, allocated on
 *   every call, and the u64 increments are among the busiest calls a job makes.
 *
 * The module is compiled once per engine and instantiated once per set of host functions. The reference host's set
 * is made once per thread (its functions find the running instance themselves), so every guest links against the
 * same instance and each call goes straight to a host function whose optimized code never changes.
 */
export class ImportTrampoline {
  private readonly module: WebAssembly.Module;
  private readonly linked = new WeakMap<HostFunctions, WebAssembly.Imports>();

  constructor(private readonly engine: WasmEngine) {
    this.module = engine.compile(
      encodeModule({
        imports: IMPORTS.map((spec) => ({
          module: "host",
          field: spec.name,
          name: `$host_${spec.name}`,
          params: lowered(spec.params.map((p) => p.type)),
          results: spec.results,
        })),
        functions: IMPORTS.map((spec) => ({
          name: `$${spec.name}`,
          export: spec.name,
          params: spec.params.map((p) => p.type),
          results: spec.results,
          locals: [],
          body: [...spec.params.flatMap((p, i) => forwardParam(p.type, i)), ["call", `$host_${spec.name}`] as Instr],
        })),
        memory: null,
        globals: [],
        data: [],
      }),
    );
  }

  /** The imports a guest links against to reach `functions` (an import they lack throws if called). */
  link(functions: HostFunctions): WebAssembly.Imports {
    let imports = this.linked.get(functions);
    if (imports === undefined) {
      const host: Record<string, unknown> = {};
      for (const spec of IMPORTS) host[spec.name] = typeof functions[spec.name] === "function" ? functions[spec.name] : missing(spec.name);
      imports = { [IMPORT_MODULE]: this.engine.instantiate(this.module, { host: host as HostFunctions }).exports };
      this.linked.set(functions, imports);
    }
    return imports;
  }
}

/** The forwarder target of an import the host functions do not provide: calling it is a harness bug. */
function missing(name: string): () => never {
  return () => {
    throw new Error(`internal: the host functions have no ${name}`);
  };
}

const trampolines = new WeakMap<WasmEngine, ImportTrampoline>();

/** The trampoline for an engine, compiled on first use. */
export function importTrampoline(engine: WasmEngine): ImportTrampoline {
  let trampoline = trampolines.get(engine);
  if (!trampoline) {
    trampoline = new ImportTrampoline(engine);
    trampolines.set(engine, trampoline);
  }
  return trampoline;
}
