import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import initWabt from "wabt";
import { describe, expect, it } from "vitest";
import { LOOP_CHECK_FUNCTION, LOOP_CHECK_INTERVAL, LOOP_CHECK_MODULE, LoopCheckError, addLoopChecks } from "../../harness/engine/loop-checks.ts";
import { PROJECT_ROOT } from "../../harness/engine/modules.ts";
import { compileWat } from "../../harness/engine/wat.ts";
import { programArb } from "../../harness/programs/arbitraries.ts";
import { renderWasm } from "../../harness/programs/render-wasm.ts";

// ---------------------------------------------------------------------------------------------------------------
// Helpers: WAT with every feature the rewrite decodes, and running a module before and after it.

type Wabt = Awaited<ReturnType<typeof initWabt>>;
let wabtReady: Promise<Wabt> | null = null;
const FEATURES = {
  multi_value: true,
  bulk_memory: true,
  mutable_globals: true,
  sign_extension: true,
  sat_float_to_int: true,
  reference_types: true,
  simd: true,
  tail_call: true,
  exceptions: true,
  threads: true,
};

/**
 * WAT -> wasm, with a name section (the rewrite drops it). `validate: false` leaves validation to the engine: wabt
 * 1.0.39's validator refuses shared memories even with threads enabled.
 */
async function wat(source: string, { validate = true } = {}): Promise<Uint8Array> {
  const wabt = await (wabtReady ??= initWabt());
  const module = wabt.parseWat("test.wat", source, FEATURES);
  try {
    module.resolveNames();
    if (validate) module.validate();
    return new Uint8Array(module.toBinary({ write_debug_names: true }).buffer);
  } finally {
    module.destroy();
  }
}

type Tick = () => number;
const ticking = (tick: Tick): WebAssembly.Imports => ({ [LOOP_CHECK_MODULE]: { [LOOP_CHECK_FUNCTION]: tick } });

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}): Record<string, unknown> {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports;
}

/** A tick that counts its calls and returns `next` (the checks until the next tick). */
function counter(next: number) {
  const tick = Object.assign(() => {
    tick.calls++;
    return next;
  }, { calls: 0 });
  return tick;
}

type Call = readonly [name: string, ...args: unknown[]];

/** Calls each export in turn; a trap is a result too (its message). */
function outcomes(exports: Record<string, unknown>, calls: readonly Call[]): unknown[] {
  return calls.map(([name, ...args]) => {
    try {
      return { value: (exports[name] as (...a: unknown[]) => unknown)(...args) };
    } catch (error) {
      return { trap: (error as Error).message };
    }
  });
}

/**
 * Runs `calls` on the module as compiled and as instrumented (interval 3 and a tick that returns 3, so ticks happen
 * all through), expects the same outcomes, and returns them with the instrumented module's tick count.
 */
async function sameBehaviour(source: string, calls: readonly Call[], imports: () => WebAssembly.Imports = () => ({}), validate = true) {
  const bytes = await wat(source, { validate });
  const before = outcomes(instantiate(bytes, imports()), calls);
  const tick = counter(3);
  const after = outcomes(instantiate(addLoopChecks(bytes, 3), { ...imports(), ...ticking(tick) }), calls);
  expect(after).toEqual(before);
  return { results: before.map((o) => (Object.hasOwn(o as object, "value") ? (o as { value: unknown }).value : "trap")), ticks: tick.calls };
}

function imports(bytes: Uint8Array) {
  return WebAssembly.Module.imports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
}

function exports(bytes: Uint8Array) {
  return WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
}

const TICK_IMPORT = { module: LOOP_CHECK_MODULE, name: LOOP_CHECK_FUNCTION, kind: "function" };

/** The element segments' flags (the first byte of each; every segment here has one and the section one segment). */
function elementFlags(bytes: Uint8Array): number {
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p]!;
    let size = 0;
    let shift = 0;
    let b: number;
    p++;
    do {
      b = bytes[p++]!;
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (id === 9) {
      expect(bytes[p], "one element segment").toBe(1);
      return bytes[p + 1]!;
    }
    p += size;
  }
  throw new Error("test setup: no element section");
}

// ---------------------------------------------------------------------------------------------------------------

function watFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : watFiles(path);
    return name.endsWith(".wat") ? [path] : [];
  });
}

/** Every guest in the repository that compiles and validates (some fixtures are invalid on purpose). */
async function repositoryGuests(): Promise<{ file: string; bytes: Uint8Array }[]> {
  const guests: { file: string; bytes: Uint8Array }[] = [];
  for (const file of [...watFiles(join(PROJECT_ROOT, "wat-fixtures")), ...watFiles(join(PROJECT_ROOT, "conformance"))]) {
    let bytes: Uint8Array;
    try {
      bytes = await compileWat(file, readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    if (WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) guests.push({ file: relative(PROJECT_ROOT, file), bytes });
  }
  const rust = join(PROJECT_ROOT, "sdk-guest", "counter.wasm");
  guests.push({ file: relative(PROJECT_ROOT, rust), bytes: new Uint8Array(readFileSync(rust)) });
  return guests;
}

describe("every guest in the repository instruments to a valid module", () => {
  it("every .wat fixture and sdk-guest/counter.wasm: valid, the same imports plus tick, the same exports", async () => {
    const guests = await repositoryGuests();
    expect(guests.length).toBeGreaterThan(40);
    expect(guests.map((g) => g.file)).toContain("sdk-guest/counter.wasm");
    for (const { file, bytes } of guests) {
      const instrumented = addLoopChecks(bytes);
      expect(WebAssembly.validate(instrumented as Uint8Array<ArrayBuffer>), file).toBe(true);
      expect(imports(instrumented), file).toEqual([...imports(bytes), TICK_IMPORT]);
      expect(exports(instrumented), file).toEqual(exports(bytes));
    }
  });

  it("generated job programs (the fuzzing path) instrument to valid modules with the same interface", () => {
    for (const program of fc.sample(programArb, { seed: 0x100c, numRuns: 100 })) {
      const bytes = renderWasm(program);
      const instrumented = addLoopChecks(bytes);
      expect(WebAssembly.validate(instrumented as Uint8Array<ArrayBuffer>)).toBe(true);
      expect(imports(instrumented)).toEqual([...imports(bytes), TICK_IMPORT]);
      expect(exports(instrumented)).toEqual(exports(bytes));
    }
  });

  it("a module without types, imports or globals gets all three sections", async () => {
    for (const source of ["(module)", '(module (func (export "f") (result i32) (i32.const 7)))']) {
      const instrumented = addLoopChecks(await wat(source));
      expect(WebAssembly.validate(instrumented as Uint8Array<ArrayBuffer>), source).toBe(true);
      expect(imports(instrumented)).toEqual([TICK_IMPORT]);
    }
    const tick = counter(1);
    expect((instantiate(addLoopChecks(await wat('(module (func (export "f") (result i32) (i32.const 7)))'), 1), ticking(tick)).f as () => number)()).toBe(7);
    expect(tick.calls).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("behaviour is unchanged apart from the ticks", () => {
  it("loops, br_table, if, and blocks and loops with multi-value and type-index block types", async () => {
    const { results, ticks } = await sameBehaviour(
      `(module
        (type $pair (func (param i32 i32) (result i32 i32)))
        (func $next_pair (type $pair) (local.get 1) (i32.add (local.get 0) (local.get 1)))
        (func (export "sum") (param $n i32) (result i32) (local $acc i32)
          (block $done
            (loop $next
              (br_if $done (i32.eqz (local.get $n)))
              (local.set $acc (i32.add (local.get $acc) (local.get $n)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $next)))
          (local.get $acc))
        (func (export "classify") (param i32) (result i32)
          (block $c (block $b (block $a (br_table $a $b $c (local.get 0)))
              (return (i32.const 100)))
            (return (i32.const 200)))
          (i32.const 300))
        (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
        ;; a loop whose parameters are on the stack when the check runs
        (func (export "fib") (param $n i32) (result i32)
          i32.const 0
          i32.const 1
          loop $step (type $pair)
            local.get $n
            i32.eqz
            if (type $pair)
            else
              call $next_pair
              local.get $n
              i32.const 1
              i32.sub
              local.set $n
              br $step
            end
          end
          drop)
        (func (export "pairs") (param i32) (result i32 i32)
          (local.get 0) (i32.const 3) (block (type $pair) (call $next_pair)))
        (func (export "signs") (param i32) (result i64)
          (if (result i64) (i32.lt_s (local.get 0) (i32.const 0)) (then (i64.const -1)) (else (i64.const 1)))))`,
      [["sum", 100], ["sum", 0], ["classify", 0], ["classify", 1], ["classify", 2], ["classify", 9], ["swap", 1, 2], ["fib", 10], ["fib", 30], ["pairs", 4], ["signs", -5], ["signs", 5]],
    );
    expect(results).toEqual([5050, 0, 100, 200, 300, 300, [2, 1], 55, 832040, [3, 7], -1n, 1n]);
    expect(ticks).toBeGreaterThan(40);
  });

  it("calls, call_indirect, return_call, ref.func in code and in a funcref global, and many functions (index LEBs grow)", async () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      i === 0 ? `(func $f0 (export "f0") (result i32) (i32.const 0))` : `(func $f${i} (export "f${i}") (result i32) (i32.add (i32.const ${i}) (call $f${i - 1})))`,
    ).join("\n");
    const calls: Call[] = [
      ["indirect", 0, 5],
      ["indirect", 1, 5],
      ["indirect", 2, 5],
      ["via_global", 9],
      ["imported", 21],
      ["tail", 1],
      ["tail_indirect", 2, 6],
      ["countdown", 100_000],
      ["ref_is_null"],
      ["typed_select", 1],
      ["typed_select", 0],
      ["last_indirect"],
      ...Array.from({ length: 200 }, (_, i): Call => [`f${i}`]),
    ];
    const { results } = await sameBehaviour(
      `(module
        (import "env" "twice" (func $twice (param i32) (result i32)))
        (import "env" "base" (global $base i32))
        (type $unary (func (param i32) (result i32)))
        (type $nullary (func (result i32)))
        (table $t 16 funcref)
        (elem (table $t) (i32.const 0) func $inc $dec $square)
        (elem (table $t) (i32.const 8) func $f199)
        (global $chosen (export "chosen") funcref (ref.func $square))
        (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
        (func $dec (type $unary) (i32.sub (local.get 0) (i32.const 1)))
        (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
        (func (export "indirect") (param $slot i32) (param $x i32) (result i32)
          (call_indirect $t (type $unary) (local.get $x) (local.get $slot)))
        (func (export "via_global") (param i32) (result i32)
          (table.set $t (i32.const 7) (global.get $chosen))
          (call_indirect $t (type $unary) (local.get 0) (i32.const 7)))
        (func (export "imported") (param i32) (result i32) (i32.add (global.get $base) (call $twice (local.get 0))))
        (func (export "tail") (param i32) (result i32) (return_call $inc (local.get 0)))
        (func (export "tail_indirect") (param $slot i32) (param $x i32) (result i32)
          (return_call_indirect $t (type $unary) (local.get $x) (local.get $slot)))
        (func $countdown (export "countdown") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 42))
            (else (return_call $countdown (i32.sub (local.get 0) (i32.const 1))))))
        (func (export "ref_is_null") (result i32) (ref.is_null (ref.func $dec)))
        (func (export "typed_select") (param i32) (result i32)
          (call_indirect $t (type $unary) (i32.const 4)
            (table.set $t (i32.const 9) (select (result funcref) (ref.func $inc) (ref.func $square) (local.get 0)))
            (i32.const 9)))
        (func (export "last_indirect") (result i32) (call_indirect $t (type $nullary) (i32.const 8)))
        ${many})`,
      calls,
      () => ({ env: { twice: (x: number) => 2 * x, base: new WebAssembly.Global({ value: "i32" }, 1000) } }),
    );
    expect(results.slice(0, 12)).toEqual([6, 4, 25, 81, 1042, 2, 36, 42, 0, 5, 16, 19900]);
    expect(results.slice(12)).toEqual(Array.from({ length: 200 }, (_, i) => (i * (i + 1)) / 2));
  });

  it("exported functions, tables and funcref globals still reach the right functions after the index shift", async () => {
    const bytes = await wat(`(module
      (import "env" "seven" (func $seven (result i32)))
      (table $t (export "table") 3 funcref)
      (elem (i32.const 0) func $a $seven $b)
      (global (export "g") funcref (ref.func $b))
      (func $a (export "a") (result i32) (i32.const 1))
      (func $b (export "b") (result i32) (i32.const 2))
      (export "seven" (func $seven)))`);
    const env = { env: { seven: () => 7 } };
    const before = instantiate(bytes, env);
    const after = instantiate(addLoopChecks(bytes), { ...env, ...ticking(counter(LOOP_CHECK_INTERVAL)) });
    for (const e of [before, after]) {
      expect([(e.a as () => number)(), (e.b as () => number)(), (e.seven as () => number)()]).toEqual([1, 2, 7]);
      const table = e.table as WebAssembly.Table;
      expect([0, 1, 2].map((i) => (table.get(i) as () => number)())).toEqual([1, 7, 2]);
      expect(((e.g as WebAssembly.Global).value as () => number)()).toBe(2);
    }
  });

  const T = "trap";
  /** Each encoding, what `setup` does with it, and then what slots 0..2 of table 0 and of table 1 return. */
  const SEGMENTS: [flags: number, segment: string, setup: string, slots: unknown[]][] = [
    [0, "(elem (i32.const 0) func $imp $a $b)", "", [7, 10, 20, T, T, T]],
    [1, "(elem $s func $imp $a $b)", "(table.init $t0 $s (i32.const 0) (i32.const 0) (i32.const 3))", [7, 10, 20, T, T, T]],
    [2, "(elem (table $t1) (i32.const 0) func $imp $a $b)", "", [T, T, T, 7, 10, 20]],
    [3, "(elem declare func $imp $a $b)", "(table.set $t0 (i32.const 0) (ref.func $b)) (table.set $t0 (i32.const 2) (ref.func $imp))", [20, T, 7, T, T, T]],
    [4, "(elem (i32.const 0) funcref (ref.func $imp) (ref.null func) (ref.func $b))", "", [7, T, 20, T, T, T]],
    [5, "(elem $s funcref (ref.func $imp) (ref.func $a) (ref.null func))", "(table.init $t1 $s (i32.const 0) (i32.const 0) (i32.const 3)) (elem.drop $s)", [T, T, T, 7, 10, T]],
    // wabt writes an expression segment of ref.func only as function indices: the ref.null keeps encodings 6 and 7
    [6, "(elem (table $t1) (i32.const 1) funcref (ref.func $b) (ref.null func) (ref.func $imp))", "", [T, T, T, T, 20, T]],
    [7, "(elem declare funcref (ref.func $a) (ref.null func))", "(table.set $t1 (i32.const 2) (ref.func $a))", [T, T, T, T, T, 10]],
  ];

  for (const [flags, segment, setup, slots] of SEGMENTS) {
    it(`element segment encoding ${flags}: ${segment}`, async () => {
      const source = `(module
        (import "env" "imp" (func $imp (result i32)))
        (type $r (func (result i32)))
        (table $t0 4 funcref)
        (table $t1 4 funcref)
        (func $a (result i32) (i32.const 10))
        (func $b (result i32) (i32.const 20))
        ${segment}
        (func (export "setup") ${setup})
        (func (export "call") (param $table i32) (param $slot i32) (result i32)
          (if (result i32) (local.get $table)
            (then (call_indirect $t1 (type $r) (local.get $slot)))
            (else (call_indirect $t0 (type $r) (local.get $slot))))))`;
      expect(elementFlags(await wat(source))).toBe(flags);
      const calls: Call[] = [["setup"]];
      for (const table of [0, 1]) for (const slot of [0, 1, 2]) calls.push(["call", table, slot]);
      const { results } = await sameBehaviour(source, calls, () => ({ env: { imp: () => 7 } }));
      expect(results.slice(1)).toEqual(slots);
    });
  }

  it("bulk memory: memory.fill, memory.copy, memory.init, data.drop, table.grow/size/fill/copy", async () => {
    const source = `(module
      (memory (export "memory") 1)
      (table $t 2 funcref)
      (data $greeting "hello, world")
      (data (i32.const 100) "abcdef")
      (func $one (result i32) (i32.const 1))
      (elem declare func $one)
      (func (export "bulk") (result i32) (local $i i32) (local $sum i32)
        (memory.fill (i32.const 0) (i32.const 0x41) (i32.const 16))
        (memory.copy (i32.const 20) (i32.const 100) (i32.const 6))
        (memory.init $greeting (i32.const 40) (i32.const 0) (i32.const 12))
        (data.drop $greeting)
        (loop $each
          (local.set $sum (i32.add (local.get $sum) (i32.mul (local.get $i) (i32.load8_u (local.get $i)))))
          (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 64))))
        (local.get $sum))
      (func (export "init_after_drop") (memory.init $greeting (i32.const 0) (i32.const 0) (i32.const 1)))
      (func (export "tables") (result i32)
        (drop (table.grow $t (ref.func $one) (i32.const 3)))
        (table.fill $t (i32.const 0) (ref.null func) (i32.const 1))
        (table.copy $t $t (i32.const 0) (i32.const 4) (i32.const 1))
        (i32.add (table.size $t) (ref.is_null (table.get $t (i32.const 0))))))`;
    const { results } = await sameBehaviour(source, [["bulk"], ["init_after_drop"], ["tables"]]);
    expect(results[0]).toBeGreaterThan(0);
    expect(results[1]).toBe("trap");
    expect(results[2]).toBe(5);
    const bytes = await wat(source);
    const memories = [instantiate(bytes), instantiate(addLoopChecks(bytes, 3), ticking(counter(3)))].map((e) => {
      (e.bulk as () => number)();
      return new Uint8Array((e.memory as WebAssembly.Memory).buffer, 0, 128);
    });
    expect(memories[1]).toEqual(memories[0]);
  });

  it("SIMD: v128.const, i8x16.shuffle, extract_lane, replace_lane, loads and stores, lanes (immediates that look like opcodes)", async () => {
    const { results } = await sameBehaviour(
      `(module
        (memory 1)
        (func (export "simd") (result i32)
          ;; bytes 0x03 (loop), 0x10 (call), 0x0b (end), 0xd2 (ref.func), 0xfd in the immediates
          (v128.store offset=16 (i32.const 0)
            (i8x16.shuffle 3 16 11 31 0 1 2 3 4 5 6 7 8 9 10 13
              (v128.const i8x16 0x03 0x10 0x0b 0xd2 0xfd 0x12 0x0e 0x1c 0x03 0x03 0x03 0x03 0x0b 0x0b 0x0b 0x0b)
              (v128.const i32x4 0x03030303 0x10101010 0x0b0b0b0b 0xd2d2d2d2)))
          (i32.add
            (i32x4.extract_lane 1 (v128.load offset=16 (i32.const 0)))
            (i8x16.extract_lane_u 3 (i8x16.replace_lane 3 (v128.load (i32.const 16)) (i32.const 200)))))
        (func (export "lanes") (result i32) (local $v v128)
          (local.set $v (v128.load32_zero (i32.const 16)))
          (local.set $v (v128.load8_lane 5 (i32.const 17) (local.get $v)))
          (v128.store16_lane 3 (i32.const 40) (local.get $v))
          (v128.store (i32.const 48) (v128.load8_splat (i32.const 18)))
          (i32.add (i32.load16_u (i32.const 40))
            (i32.add (i32.load (i32.const 60)) (i32.wrap_i64 (i64x2.extract_lane 1 (i64x2.splat (i64.const 0x0310))))))))`,
      [["simd"], ["lanes"]],
    );
    expect(results.every((r) => typeof r === "number")).toBe(true);
  });

  it("sign extension, saturating truncation and float constants", async () => {
    const { results } = await sameBehaviour(
      `(module
        (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0)))
        (func (export "ext16") (param i32) (result i32) (i32.extend16_s (local.get 0)))
        (func (export "ext32") (param i64) (result i64) (i64.extend32_s (local.get 0)))
        (func (export "sat") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
        (func (export "satu") (param f32) (result i64) (i64.trunc_sat_f32_u (local.get 0)))
        (func (export "f64") (result f64) (f64.const 0x1.0310d2030b0bp+3))
        (func (export "f32") (result f32) (f32.const 0x1.0310d2p+3)))`,
      [["ext8", 0xff], ["ext16", 0x8000], ["ext32", 0x80000000n], ["sat", 1e12], ["sat", -1e12], ["satu", -3], ["f64"], ["f32"]],
    );
    expect(results.slice(0, 6)).toEqual([-1, -32768, -2147483648n, 2147483647, -2147483648, 0n]);
    expect(results[6]).toBeCloseTo(8.1, 0);
  });

  it("threads: atomics on a shared memory and atomic.fence", async () => {
    const { results } = await sameBehaviour(
      `(module
        (memory 1 1 shared)
        (func (export "atomics") (result i64) (local $i i32)
          (loop $more
            (drop (i32.atomic.rmw.add (i32.const 8) (local.get $i)))
            (br_if $more (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
          (atomic.fence)
          (drop (memory.atomic.notify (i32.const 8) (i32.const 0)))
          (i64.add (i64.atomic.load (i32.const 8)) (i64.extend_i32_u (i32.atomic.rmw.cmpxchg (i32.const 8) (i32.const 45) (i32.const 1))))))`,
      [["atomics"], ["atomics"]],
      () => ({}),
      false,
    );
    expect(results).toEqual([90n, 92n]);
  });

  it("exception handling (legacy): try, catch, catch_all, throw, rethrow, delegate, with loops inside", async () => {
    const { results } = await sameBehaviour(
      `(module
        (tag $e (param i32))
        (func $thrower (param i32) (local $i i32)
          (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 5))))
          (throw $e (local.get 0)))
        (func (export "caught") (param i32) (result i32)
          (try (result i32)
            (do (call $thrower (local.get 0)) (i32.const -1))
            (catch $e (i32.add (i32.const 1)))
            (catch_all (i32.const -2))))
        (func (export "delegated") (result i32)
          try (result i32)
            try
              i32.const 5
              call $thrower
            delegate 0
            i32.const 0
          catch $e
          end)
        (func (export "rethrown") (result i32)
          try (result i32)
            try
              i32.const 6
              call $thrower
            catch $e
              drop
              rethrow 0
            end
            i32.const 0
          catch_all
            i32.const 9
          end))`,
      [["caught", 41], ["delegated"], ["rethrown"]],
    );
    expect(results).toEqual([42, 5, 9]);
  });

  it("a start section still starts the right function", async () => {
    const log: number[][] = [[], []];
    const source = `(module
      (import "env" "log" (func $log (param i32)))
      (global $g (mut i32) (i32.const 0))
      (func $decoy (global.set $g (i32.const 666)))
      (func $init (global.set $g (i32.const 1234)) (call $log (i32.const 1)))
      (start $init)
      (func (export "read") (result i32) (global.get $g))
      (func (export "decoy") (call $decoy)))`;
    let run = 0;
    const { results } = await sameBehaviour(source, [["read"]], () => {
      const seen = log[run++]!;
      return { env: { log: (x: number) => void seen.push(x) } };
    });
    expect(results).toEqual([1234]);
    expect(log).toEqual([[1], [1]]);
  });

  it("the name section is dropped; other custom sections are copied", async () => {
    const compiled = await wat('(module (func $named (export "f") (result i32) (i32.const 1)))');
    const extra = Uint8Array.from([0, 9, 4, ...new TextEncoder().encode("note"), 1, 2, 3, 4]);
    const bytes = new Uint8Array([...compiled, ...extra]);
    const before = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const after = new WebAssembly.Module(addLoopChecks(bytes) as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.customSections(before, "name").length).toBe(1);
    expect(WebAssembly.Module.customSections(after, "name").length).toBe(0);
    expect(WebAssembly.Module.customSections(after, "note").map((s) => [...new Uint8Array(s)])).toEqual([[1, 2, 3, 4]]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

class Stop extends Error {}

/** A tick that returns `next` and throws Stop from its `limit`th call on. */
function stopping(limit: number, next = LOOP_CHECK_INTERVAL) {
  const tick = Object.assign(() => {
    if (++tick.calls >= limit) throw new Stop("the guest ran too long");
    return next;
  }, { calls: 0 });
  return tick;
}

describe("the point of it: a tick that throws stops the guest", () => {
  it("an infinite loop", async () => {
    const bytes = await wat('(module (func (export "spin") (loop $forever (br $forever))))');
    const tick = stopping(5);
    const spin = instantiate(addLoopChecks(bytes), ticking(tick)).spin as () => void;
    expect(spin).toThrow(Stop);
    expect(tick.calls).toBe(5);
  });

  it("exponential recursion without loops (naive fib(40))", async () => {
    const bytes = await wat(`(module
      (func $fib (export "fib") (param $n i32) (result i32)
        (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
          (then (local.get $n))
          (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`);
    const tick = stopping(3);
    const fib = instantiate(addLoopChecks(bytes), ticking(tick)).fib as (n: number) => number;
    expect(() => fib(40)).toThrow(Stop);
    expect(tick.calls).toBe(3);
    // fib(20) makes 21891 calls: one tick per 3 function entries.
    const counting = counter(3);
    expect((instantiate(addLoopChecks(bytes, 3), ticking(counting)).fib as (n: number) => number)(20)).toBe(6765);
    expect(counting.calls).toBe(Math.floor(21891 / 3));
  });

  it("a loop of k iterations makes 1 + k checks: floor((1 + k) / interval) ticks; then every tick's result", async () => {
    const bytes = await wat(`(module
      (func (export "repeat") (param $k i32)
        (loop $again
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br_if $again (local.get $k)))))`);
    for (let k = 1; k <= 30; k++) {
      const tick = counter(3);
      (instantiate(addLoopChecks(bytes, 3), ticking(tick)).repeat as (k: number) => void)(k);
      expect(tick.calls, `k = ${k}`).toBe(Math.floor((1 + k) / 3));
      // tick's result is the number of checks until the next tick: the first after 3 checks, then one per 10.
      const slower = counter(10);
      (instantiate(addLoopChecks(bytes, 3), ticking(slower)).repeat as (k: number) => void)(k);
      expect(slower.calls, `k = ${k}, tick returns 10`).toBe(1 + k < 3 ? 0 : 1 + Math.floor((1 + k - 3) / 10));
    }
  });

  it("a guest that catches the tick's exception (catch_all) meets another tick at its next check", async () => {
    const bytes = await wat(`(module
      (func (export "stubborn")
        (loop $outer
          (try (do (loop $inner (br $inner))) (catch_all))
          (br $outer))))`);
    const tick = stopping(1);
    const stubborn = instantiate(addLoopChecks(bytes, 100), ticking(tick)).stubborn as () => void;
    expect(stubborn).toThrow(Stop);
    expect(tick.calls).toBe(2); // caught inside the inner loop, then thrown again at the outer loop's check
  });

  it("a tick that answers a negative number stops the guest with a trap, which catch_all cannot catch", async () => {
    const bytes = await wat(`(module
      (func (export "stubborn")
        (loop $outer
          (try (do (loop $inner (br $inner))) (catch_all (br $outer))))))`);
    let calls = 0;
    const stubborn = instantiate(addLoopChecks(bytes, 100), ticking(() => (++calls === 1 ? 50 : -1))).stubborn as () => void;
    expect(stubborn).toThrow(WebAssembly.RuntimeError);
    expect(calls).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** A module with one function `() -> ()` whose body (after its empty locals) is `code`; returns it and where code starts. */
function handAssembled(code: number[]): { bytes: Uint8Array; codeAt: number } {
  const body = [0x00, ...code, 0x0b];
  const head = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00];
  const bytes = Uint8Array.from([...head, 0x0a, body.length + 2, 0x01, body.length, ...body]);
  return { bytes, codeAt: head.length + 5 };
}

/** How often the check (with tick and countdown both at index 0: a module without imports or globals) occurs. */
function checkCount(bytes: Uint8Array): number {
  const check = [0x23, 0, 0x41, 1, 0x4a, 0x04, 0x7f, 0x23, 0, 0x41, 1, 0x6b, 0x05, 0x10, 0, 0x24, 0, 0x23, 0, 0x41, 0, 0x48, 0x04, 0x40, 0x00, 0x0b, 0x23, 0, 0x0b, 0x24, 0];
  let count = 0;
  for (let i = 0; i + check.length <= bytes.length; i++) if (check.every((b, j) => bytes[i + j] === b)) count++;
  return count;
}

describe("immediates Node 20 cannot run (the rewrite alone)", () => {
  it("a memarg with a memory index (multi-memory, flag bit 6) and a 64-bit offset: one check at entry, one at the loop", () => {
    const offset64 = [0x83, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]; // memory64: up to 10 bytes
    const { bytes } = handAssembled([0x41, 0x00, 0x28, 0x42, 0x03, ...offset64, 0x1a, 0x03, 0x40, 0x0b]); // i32.load; drop; loop end
    const instrumented = addLoopChecks(bytes);
    expect(checkCount(instrumented)).toBe(2);
    const simd = handAssembled([0x41, 0x00, 0xfd, 0x00, 0x44, 0x03, 0x03, 0x1a, 0x03, 0x40, 0x0b]); // v128.load memory 3 offset 3
    expect(checkCount(addLoopChecks(simd.bytes))).toBe(2);
  });
});

describe("what the rewrite refuses", () => {
  it("a GC instruction (0xFB prefix): LoopCheckError naming the opcode and its byte offset", () => {
    const { bytes, codeAt } = handAssembled([0x41, 0x00, 0xfb, 0x1c, 0x1a]); // i32.const 0; ref.i31; drop
    const error = (() => {
      try {
        addLoopChecks(bytes);
      } catch (e) {
        return e as LoopCheckError;
      }
      throw new Error("expected a LoopCheckError");
    })();
    expect(error).toBeInstanceOf(LoopCheckError);
    expect(error.code).toBe("JP_LOOP_CHECK");
    expect(error.message).toContain("0xfb");
    expect(error.message).toContain(`byte offset ${codeAt + 2}`);
    expect(error.message).toContain("GC");
  });

  it("try_table (0x1F), an unknown 0xFC instruction and a non-wasm input", () => {
    const tryTable = handAssembled([0x1f, 0x40, 0x00, 0x0b]);
    expect(() => addLoopChecks(tryTable.bytes)).toThrow(new LoopCheckError(`unsupported opcode 0x1f (try_table (exception handling with exnref)) at byte offset ${tryTable.codeAt}`));
    const fc18 = handAssembled([0xfc, 0x12]);
    expect(() => addLoopChecks(fc18.bytes)).toThrow(`unsupported opcode 0xfc 0x12 at byte offset ${fc18.codeAt}`);
    expect(() => addLoopChecks(new TextEncoder().encode("(module)"))).toThrow(LoopCheckError);
    expect(() => addLoopChecks(handAssembled([]).bytes, 0)).toThrow(RangeError);
  });
});
