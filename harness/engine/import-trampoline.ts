import { IMPORT_MODULE, IMPORTS, type ImportSpec, type ValType } from "../abi/imports.ts";
import type { WasmEngine } from "./engine.ts";
import { encodeModule, type FunctionDef, type Instr, type ModuleDef } from "./wasm-module.ts";

/**
 * The host functions of one guest instance, by import name, with the trampoline's lowered signatures: each i64
 * parameter arrives as two u32 numbers, its low word then its high word; a coalescible import answers 1 when the
 * trampoline may count repeats of the call it just made (see CallRuns), and REPEAT_CALLS applies counted repeats.
 */
export type HostFunctions = WebAssembly.ModuleImports;

/** The host function the trampoline calls with a count of repeats of the open run's call (an i32, read as u32). */
export const REPEAT_CALLS = "repeat_calls";

/** A parameter list as the host functions receive it: every i64 as two i32 words (low, high). */
export function lowered(params: readonly ValType[]): ValType[] {
  return params.flatMap((type): ValType[] => (type === "i64" ? ["i32", "i32"] : [type]));
}

/** An import's results as its host function returns them: a coalescible import's host function says whether to count. */
export function loweredResults(spec: ImportSpec): readonly ValType[] {
  return spec.coalescible ? ["i32"] : spec.results;
}

/** Pushes the forwarder's argument for parameter `index`: the value itself, or an i64's low then high word. */
function forwardParam(type: ValType, index: number): Instr[] {
  if (type !== "i64") return [["local.get", index]];
  return [["local.get", index], ["i32.wrap_i64"], ["local.get", index], ["i64.const", 32n], ["i64.shr_u"], ["i32.wrap_i64"]];
}

/** probe(ptr, id_low, id_high) -> whether the 16 bytes at ptr are that id (false when out of bounds). */
const PROBE_TYPE = { params: ["i32", "i64", "i64"], results: ["i32"] } as const;

/** Applies the counted repeats, if any, before anything else reaches the host: the host sees every call in order. */
const FLUSH: Instr[] = [["global.get", "$pending"], ["if"], ["call", "$flush"], ["end"]];

/**
 * A coalescible import's forwarder, (job_id_ptr i32, n i64) -> (). A call that repeats the open run's call (this
 * import, the same n, the running job's id at job_id_ptr) is only counted; any other is forwarded, after the counted
 * repeats, and the host function's answer opens a run for it or leaves none open.
 */
function coalescingBody(spec: ImportSpec, code: number): Instr[] {
  const shape = spec.params.map((p) => p.type).join();
  if (shape !== "i32,i64" || spec.results.length !== 0) throw new Error(`internal: coalescible import ${spec.name} is not (i32, i64) -> ()`);
  return [
    ["global.get", "$open"], ["i32.const", code], ["i32.eq"],
    ["local.get", 1], ["global.get", "$delta"], ["i64.eq"], ["i32.and"],
    ["global.get", "$pending"], ["i32.const", -1], ["i32.ne"], ["i32.and"], // a full count is applied before counting on
    ["if"],
    ["local.get", 0], ["global.get", "$id_low"], ["global.get", "$id_high"], ["i32.const", 0], ["call_indirect", 0],
    ["if"],
    ["global.get", "$pending"], ["i32.const", 1], ["i32.add"], ["global.set", "$pending"],
    ["return"],
    ["end"],
    ["end"],
    ...FLUSH,
    ...forwardParam("i32", 0), ...forwardParam("i64", 1), ["call", `$host_${spec.name}`],
    ["if"],
    ["i32.const", code], ["global.set", "$open"], ["local.get", 1], ["global.set", "$delta"],
    ["return"],
    ["end"],
    ["i32.const", 0], ["global.set", "$open"],
  ];
}

function forwarder(spec: ImportSpec, index: number): FunctionDef {
  const params = spec.params.map((p) => p.type);
  const body: Instr[] = spec.coalescible
    ? coalescingBody(spec, index + 1)
    : [...FLUSH, ...spec.params.flatMap((p, i) => forwardParam(p.type, i)), ["call", `$host_${spec.name}`]];
  return { name: `$${spec.name}`, export: spec.name, params, results: spec.results, locals: [], body };
}

/** The trampoline: a forwarder per import of the ABI table, the run of counted calls in globals, the probe's slot. */
export function trampolineModule(): ModuleDef {
  return {
    indirectTypes: [PROBE_TYPE],
    imports: [
      ...IMPORTS.map((spec) => ({ module: "host", field: spec.name, name: `$host_${spec.name}`, params: lowered(spec.params.map((p) => p.type)), results: loweredResults(spec) })),
      { module: "host", field: REPEAT_CALLS, name: `$host_${REPEAT_CALLS}`, params: ["i32"], results: [] },
    ],
    functions: [
      ...IMPORTS.map(forwarder),
      // The count is zeroed before the host applies it: whatever the host does, no repeat is applied twice.
      { name: "$flush", params: [], results: [], locals: [], body: [["global.get", "$pending"], ["i32.const", 0], ["global.set", "$pending"], ["call", `$host_${REPEAT_CALLS}`]] },
    ],
    memory: null,
    table: { min: 1, export: "probe" },
    globals: [
      { name: "$open", mutable: true, init: 0, export: "open" },
      { name: "$delta", mutable: true, type: "i64", init: 0n },
      { name: "$pending", mutable: true, init: 0, export: "pending" },
      { name: "$id_low", mutable: true, type: "i64", init: 0n, export: "id_low" },
      { name: "$id_high", mutable: true, type: "i64", init: 0n, export: "id_high" },
    ],
    data: [],
  };
}

/** The id probe: imports a guest's memory and compares 16 bytes at a pointer with an id, bounds checked. */
export function probeModule(): ModuleDef {
  return {
    imports: [],
    functions: [
      {
        name: "$probe",
        export: "probe",
        ...PROBE_TYPE,
        locals: [],
        body: [
          // ptr + 16 > memory size (in i64: neither can wrap), then the two words compared in place
          ["local.get", 0], ["i64.extend_i32_u"], ["i64.const", 16n], ["i64.add"],
          ["memory.size"], ["i64.extend_i32_u"], ["i64.const", 16n], ["i64.shl"], ["i64.gt_u"],
          ["if"], ["i32.const", 0], ["return"], ["end"],
          ["local.get", 0], ["i64.load", 0], ["local.get", 1], ["i64.eq"],
          ["local.get", 0], ["i64.load", 8], ["local.get", 2], ["i64.eq"],
          ["i32.and"],
        ],
      },
    ],
    memory: { minPages: 0, import: { module: "guest", field: "memory" } },
    globals: [],
    data: [],
  };
}

/**
 * Guests link against a small wasm module whose functions forward each import to a set of host functions.
 *
 * - The forwarders lower every i64 argument to two i32 words: an i64 that reaches JS becomes a bigint, allocated on
 *   every call, and the u64 increments are among the busiest calls a job makes.
 * - Repeats of a coalescible call are counted in wasm (CallRuns): a loop calling job_increment_items(id, 1) crosses
 *   into JS once, not once per item. Crossing is the larger part of a host call's cost.
 *
 * The module is compiled once per engine and instantiated once per set of host functions. The reference host's set
 * is made once per thread (its functions find the running instance themselves), so every guest links against the
 * same instance and each call goes straight to a host function whose optimized code never changes.
 */
export class ImportTrampoline {
  private readonly module: WebAssembly.Module;
  private readonly probeModule: WebAssembly.Module;
  private readonly linked = new WeakMap<HostFunctions, LinkedImports>();
  private readonly probes = new WeakMap<WebAssembly.Memory, ProbeFunction>();

  constructor(private readonly engine: WasmEngine) {
    this.module = engine.compile(encodeModule(trampolineModule()));
    this.probeModule = engine.compile(encodeModule(probeModule()));
  }

  /** The imports a guest links against to reach `functions` (an import they lack throws if called), and their runs. */
  link(functions: HostFunctions): LinkedImports {
    let linked = this.linked.get(functions);
    if (linked === undefined) {
      const host: Record<string, unknown> = {};
      for (const name of [...IMPORTS.map((spec) => spec.name), REPEAT_CALLS]) host[name] = typeof functions[name] === "function" ? functions[name] : missing(name);
      const instance = this.engine.instantiate(this.module, { host: host as HostFunctions });
      linked = { imports: { [IMPORT_MODULE]: instance.exports }, runs: new CallRuns(instance.exports as unknown as RunState, (memory) => this.probe(memory)) };
      this.linked.set(functions, linked);
    }
    return linked;
  }

  /** The id probe for a guest's memory, made on first use; null for a memory it cannot import (a shared one). */
  private probe(memory: WebAssembly.Memory): ProbeFunction | null {
    let probe = this.probes.get(memory);
    if (probe === undefined) {
      if (typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer) return null;
      probe = this.engine.instantiate(this.probeModule, { guest: { memory } }).exports.probe as ProbeFunction;
      this.probes.set(memory, probe);
    }
    return probe;
  }
}

export interface LinkedImports {
  readonly imports: WebAssembly.Imports;
  readonly runs: CallRuns;
}

type ProbeFunction = (ptr: number, idLow: bigint, idHigh: bigint) => number;

/** The trampoline instance's exports that hold its run of counted calls. */
interface RunState {
  readonly open: WebAssembly.Global;
  readonly pending: WebAssembly.Global;
  readonly id_low: WebAssembly.Global;
  readonly id_high: WebAssembly.Global;
  readonly probe: WebAssembly.Table;
}

/**
 * The run of counted calls of one trampoline instance. A coalescible import's host function that answers 1 opens a
 * run for the call it handled: from then on the trampoline counts calls identical to it (same import, same n, the
 * job id `prepare` named at job_id_ptr, compared in guest memory by a probe that imports it) instead of forwarding
 * them. The count goes to REPEAT_CALLS before any other call is forwarded, and `take` returns it when the host stops
 * running guest code for the instance; a host must call `take` then, and apply what it returns.
 *
 * Nothing outlives `take`: the probe (and through it the guest's memory) is released from the table, and no job is
 * referenced, so a finished run's job and trace are garbage as soon as the host drops them.
 */
export class CallRuns {
  /** The id words and memory the probe was installed for (null: none is). */
  private idWords: readonly number[] | null = null;
  private memory: WebAssembly.Memory | null = null;

  constructor(
    private readonly state: RunState,
    private readonly probeFor: (memory: WebAssembly.Memory) => ProbeFunction | null,
  ) {}

  /**
   * Makes counted calls name the job whose id's little-endian i32 words are `idWords` (compared by identity: pass the
   * job's own array), in `memory`: call it before a host function answers 1. False when calls in this memory cannot
   * be counted (answer 0 then).
   */
  prepare(idWords: readonly number[], memory: WebAssembly.Memory): boolean {
    if (idWords === this.idWords && memory === this.memory) return true;
    const probe = this.probeFor(memory);
    if (probe === null) return false;
    const word = (i: number) => BigInt(idWords[i]! >>> 0);
    this.state.probe.set(0, probe);
    this.state.id_low.value = BigInt.asIntN(64, (word(1) << 32n) | word(0));
    this.state.id_high.value = BigInt.asIntN(64, (word(3) << 32n) | word(2));
    this.idWords = idWords;
    this.memory = memory;
    return true;
  }

  /**
   * How many repeats of the open run's call are counted and not yet applied (a u32), leaving them counted: what a
   * watchdog reads to see that a guest keeps calling the host while no call crosses (run.stall).
   */
  pending(): number {
    return (this.state.pending.value as number) >>> 0;
  }

  /** Closes the open run and returns how many repeats of its call were counted and not yet applied (a u32). */
  take(): number {
    const pending = (this.state.pending.value as number) >>> 0;
    if (pending !== 0) this.state.pending.value = 0;
    this.state.open.value = 0;
    if (this.memory !== null) {
      this.state.probe.set(0, null);
      this.idWords = null;
      this.memory = null;
    }
    return pending;
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
