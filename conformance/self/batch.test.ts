import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { guestFromBytes, instantiateGuest, type GuestModule } from "../../harness/engine/load.ts";
import { readModuleInterface } from "../../harness/engine/sections.ts";
import { encodeModule, moduleInterface, printModule } from "../../harness/engine/wasm-module.ts";
import { compileWat } from "../../harness/engine/wat.ts";
import { abi11CaseArb, caseArb, wasmOnlyCaseArb, type ProgramCase } from "../../harness/programs/arbitraries.ts";
import { compileBatch, PROGRAM_FILE } from "../../harness/programs/batch.ts";
import { checkProgram } from "../../harness/programs/differential.ts";
import { BOUNDARY_FAULTS } from "../../harness/programs/faults.ts";
import { casesAt, checkParityProperty } from "../../harness/programs/property.ts";
import { BATCH_MEMORY, BATCH_SELECT, batchModule, programModule, programParts, renderWasm } from "../../harness/programs/render-wasm.ts";
import { runScenario, type Scenario } from "../../harness/suite/scenario.ts";

/**
 * Batched guests (harness/programs/batch.ts): programs compiled together must behave exactly as each one compiled
 * alone, and the batched property must check the cases fc.check checks and find the counterexamples it finds.
 */

const SEED = 0xba7c;
const SAMPLE = 150;

/** A result as comparable text: every field, people's messages and import counts included. */
const text = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? [...v] : v));

const run = (guest: GuestModule, scenario: Scenario) => runScenario({ kind: "wasm", guest }, { ...scenario, limits: { ...scenario.limits, runTimeoutMs: 0 } });

/**
 * The WASM side's result for each case: its guest compiled alone, and compiled in one batch with the others. The
 * batched cases run one after another as the property runs them, each recycling its memories for the next, and their
 * results are read only once all have run (a result that kept a view of guest memory would show it).
 */
function bothWays(cases: readonly ProgramCase[]): { alone: string; batched: string; batchedGuest: boolean }[] {
  const guests = compileBatch(cases);
  const batched = cases.map(({ scenario }, i) => {
    const guest = guests[i];
    if (!guest) return null;
    const result = run(guest, scenario);
    guest.recycle();
    return result;
  });
  return cases.map(({ program, scenario }, i) => {
    const alone = text(run(guestFromBytes(PROGRAM_FILE, renderWasm(program)), scenario));
    return { alone, batched: batched[i] ? text(batched[i]) : alone, batchedGuest: guests[i] !== null };
  });
}

describe("batched guests", () => {
  for (const [name, arb] of [
    ["caseArb", caseArb],
    ["wasmOnlyCaseArb (hostile arguments, memory growth, raw imports)", wasmOnlyCaseArb],
    ["abi11CaseArb", abi11CaseArb],
  ] as const) {
    it(`${name}: ${SAMPLE} programs compiled in one batch give the same WASM results, field for field, as each compiled alone`, () => {
      const cases = fc.sample(arb, { seed: SEED, numRuns: SAMPLE });
      const results = bothWays(cases);
      const different = results.flatMap((r, i) => (r.alone === r.batched ? [] : [`#${i}\n  alone:   ${r.alone.slice(0, 400)}\n  batched: ${r.batched.slice(0, 400)}`]));
      expect(different, `fc.sample(${name.split(" ")[0]}, { seed: ${SEED}, numRuns: ${SAMPLE} })`).toEqual([]);
      // Nearly every program is batched (only one whose own module would not load is compiled alone).
      expect(results.filter((r) => r.batchedGuest).length).toBeGreaterThan(SAMPLE * 0.9);
    });
  }

  it("a program's interface, as the host is given it, is what the host reads from the program's own module", () => {
    for (const { program } of fc.sample(wasmOnlyCaseArb, { seed: SEED, numRuns: 100 })) {
      expect(moduleInterface(programModule(program))).toEqual(readModuleInterface(renderWasm(program)));
    }
  });

  it("each case runs on a fresh instance: a program's memory and globals start as its own module's, whatever ran before it in a recycled memory", () => {
    const cases = fc.sample(caseArb, { seed: SEED + 1, numRuns: 40 });
    const guests = compileBatch(cases);
    // Every case twice, in reverse order the second time: the same results.
    const runOnce = (i: number) => {
      const result = text(run(guests[i]!, cases[i]!.scenario));
      guests[i]!.recycle();
      return result;
    };
    const once = cases.map((_, i) => runOnce(i));
    const again = [...cases.keys()].reverse().map(runOnce);
    expect(again.reverse()).toEqual(once);
  });
});

describe("instances kept between cases", () => {
  /** Imports of `module` whose functions must not be called (only instantiating and the allocator run here). */
  function stubImports(module: WebAssembly.Module): WebAssembly.Imports {
    const imports: Record<string, Record<string, unknown>> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind === "function") (imports[imp.module] ??= {})[imp.name] = () => expect.unreachable(`${imp.module}.${imp.name} called`);
    }
    return imports as WebAssembly.Imports;
  }

  it("an instance a case left behind, its memory scribbled over, starts the next case as the program's own module would: memory and allocator", () => {
    const cases = fc.sample(caseArb, { seed: SEED + 2, numRuns: 30 });
    const guests = compileBatch(cases);
    const shared = guests.find((guest) => guest !== null)!.module;
    // The same host functions for every case: a kept instance is handed out again only for the imports it was made with.
    const imports = stubImports(shared);
    let checked = 0;
    // An instance's exported allocator is the same function object each time it is handed out: counts the reuses.
    let reused = 0;
    let previousAlloc: unknown = null;
    cases.forEach(({ program }, i) => {
      const guest = guests[i];
      if (!guest || guest.module !== shared) return;
      const batched = instantiateGuest(guest, imports).exports as Record<string, unknown>;
      if (batched.wasm_alloc === previousAlloc) reused++;
      previousAlloc = batched.wasm_alloc;
      const ownModule = guestFromBytes(PROGRAM_FILE, renderWasm(program)).module;
      const own = new WebAssembly.Instance(ownModule, stubImports(ownModule)).exports as Record<string, unknown>;
      const bytes = (exports: Record<string, unknown>) => new Uint8Array((exports.memory as WebAssembly.Memory).buffer);
      const [mine, theirs] = [bytes(batched), bytes(own)];
      expect(mine.length, `case ${i}: memory size`).toBe(theirs.length);
      expect(mine.findIndex((byte, at) => byte !== theirs[at]), `case ${i}: the first byte of memory that differs`).toBe(-1);
      const alloc = (exports: Record<string, unknown>) => (exports.wasm_alloc as (size: number) => number)(24);
      expect(alloc(batched), `case ${i}: the heap`).toBe(alloc(own));
      // Whatever the case did to its memory, the next case must not see it.
      bytes(batched).fill(0xa5, 0, 4096);
      alloc(batched);
      guest.recycle();
      checked++;
    });
    expect(checked).toBeGreaterThan(20);
    // Each case after the first gets the instance the one before it left: the check above is of kept instances.
    expect(reused).toBe(checked - 1);
  });
});

describe("a batch module's table", () => {
  const programs = casesAt(SEED, 0, 3).map(({ program }) => programParts(program));
  const { def, slots } = batchModule(programs.filter((p) => p.minPages === programs[0]!.minPages));

  /** An instance of the batch module as encoded, every import a function that must not be called. */
  function instance(module: WebAssembly.Module): Record<string, unknown> {
    const imports: Record<string, Record<string, unknown>> = { [BATCH_MEMORY.module]: { [BATCH_MEMORY.field]: new WebAssembly.Memory({ initial: programs[0]!.minPages }) } };
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind === "function") (imports[imp.module] ??= {})[imp.name] = () => expect.unreachable(`${imp.module}.${imp.name} called`);
    }
    return new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports as Record<string, unknown>;
  }

  it("starts empty; select_program(k) fills program k's slots, and only those", () => {
    const module = new WebAssembly.Module(encodeModule(def) as Uint8Array<ArrayBuffer>);
    for (let k = 0; k < slots.length; k++) {
      const exports = instance(module);
      const table = exports.programs as WebAssembly.Table;
      const filled = () => Array.from({ length: table.length }, (_, i) => table.get(i) !== null);
      expect(filled().some(Boolean)).toBe(false);
      (exports[BATCH_SELECT] as (k: number) => void)(k);
      const mine = new Set(slots[k]!.map(([, slot]) => slot));
      expect(filled()).toEqual(filled().map((_, i) => mine.has(i)));
      for (const [, slot] of slots[k]!) expect(typeof table.get(slot)).toBe("function");
    }
  });

  it("prints as WAT that wabt compiles to a module with the encoder's imports and exports", async () => {
    const viaWabt = new WebAssembly.Module((await compileWat("batch.wat", printModule(def))) as Uint8Array<ArrayBuffer>);
    const viaEncoder = new WebAssembly.Module(encodeModule(def) as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(viaWabt)).toEqual(WebAssembly.Module.imports(viaEncoder));
    const byName = (list: WebAssembly.ModuleExportDescriptor[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(WebAssembly.Module.exports(viaWabt))).toEqual(byName(WebAssembly.Module.exports(viaEncoder)));
    // The WAT's segments and select_program do what the encoder's do: program 1's slots, and only those, filled.
    const exports = instance(viaWabt);
    (exports[BATCH_SELECT] as (k: number) => void)(1);
    const table = exports.programs as WebAssembly.Table;
    const mine = new Set(slots[1]!.map(([, slot]) => slot));
    expect(Array.from({ length: table.length }, (_, i) => table.get(i) !== null)).toEqual(Array.from({ length: table.length }, (_, i) => mine.has(i)));
  });
});

describe("the batched property", () => {
  it("generates the cases fc.check runs, at the same indexes", () => {
    const seen: string[] = [];
    fc.check(fc.property(caseArb, (value) => (seen.push(text(value)), true)), { seed: SEED, numRuns: 120 });
    const windows = [0, 50, 100].flatMap((start) => casesAt(SEED, start, Math.min(50, 120 - start)).map(text));
    expect(windows).toEqual(seen);
  });

  it("finds the counterexample fc.check finds over single modules: the same path, the same shrunk case", () => {
    const wrapImports = BOUNDARY_FAULTS["items-as-bytes"];
    const batched = checkParityProperty({ seed: SEED, numRuns: 200, wrapImports });
    const single = fc.check(
      fc.property(caseArb, ({ program, scenario }: ProgramCase) => checkProgram(program, scenario, { wrapImports }).ok),
      { seed: SEED, numRuns: 200 },
    );
    expect(batched.counterexample).not.toBeNull();
    expect(batched.counterexample!.path).toBe(single.counterexamplePath);
    expect(text(batched.counterexample!.program)).toBe(text(single.counterexample![0].program));
    expect(batched.runs).toBe(Number(single.counterexamplePath!.split(":")[0]) + 1);
  });
});
