import { WATCHDOG_IMPORTS } from "../../harness/host/watchdog.ts";
import { describe, expect, it } from "vitest";
import { saturatingAddU64, U64_MAX, u64FromWords, u64Words, U64Words } from "../../harness/abi/codec.ts";
import { INTERRUPT } from "../../harness/abi/exports.ts";
import { nodeEngine } from "../../harness/engine/engine.ts";
import { importTrampoline, REPEAT_CALLS } from "../../harness/engine/import-trampoline.ts";
import { guestFromSource } from "../../harness/engine/load.ts";
import { ReferenceHost, type HostOptions } from "../../harness/host/host.ts";
import { InterruptController, type InterruptPlan } from "../../harness/host/interrupts.ts";
import { WasmExtension } from "../../harness/jobs/wasm-extension.ts";
import type { TraceEvent } from "../../harness/trace/events.ts";
import { TraceRecorder } from "../../harness/trace/recorder.ts";

/**
 * Coalescible calls (job_increment_bytes/items): the trampoline counts repeats of a call in wasm and the host applies
 * them together. Everything observable must be as if each call had crossed on its own: metrics, every trace event in
 * order, import counts, refusals, interrupts planned at a call number.
 */

/** A guest calling job_increment_items(ptr, n) `count` times, then job_check_interrupt(ptr). */
const LOOP_GUEST = `(module
  (import "spacedrive" "job_increment_items" (func $inc (param i32 i64)))
  (import "spacedrive" "job_check_interrupt" (func $check (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "inc") (param $ptr i32) (param $n i64) (param $count i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $count)))
      (call $inc (local.get $ptr) (local.get $n))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $next))))
  (func (export "check") (param $ptr i32) (result i32) (call $check (local.get $ptr))))`;

interface LoopExports {
  memory: WebAssembly.Memory;
  inc: (ptr: number, n: bigint, count: number) => void;
  check: (ptr: number) => number;
}

const ZERO_ID = [0, 0, 0, 0];

/** The guest linked to host functions that log what crosses; `answer` is what the increment's host function answers. */
async function loggedLoop(answer: number) {
  const seen: string[] = [];
  const functions = {
    job_increment_items: (ptr: number, low: number, high: number) => {
      seen.push(`inc ${ptr >>> 0} ${u64FromWords(low, high)}`);
      if (answer === 1) linked.runs.prepare(ZERO_ID, exports.memory); // the id: 16 zero bytes
      return answer;
    },
    job_check_interrupt: (ptr: number) => {
      seen.push(`check ${ptr}`);
      return 0;
    },
    [REPEAT_CALLS]: (count: number) => void seen.push(`repeat ${count}`),
  };
  const linked = importTrampoline(nodeEngine).link(functions);
  const guest = await guestFromSource("coalescing-loop.wat", LOOP_GUEST);
  const exports = new WebAssembly.Instance(guest.module, { ...linked.imports, ...WATCHDOG_IMPORTS }).exports as unknown as LoopExports;
  return { seen, exports, runs: linked.runs, probeSlot: () => (linked.imports.spacedrive!.probe as WebAssembly.Table).get(0) as unknown };
}

describe("the trampoline's counted calls", () => {
  it("forwards the first call, counts identical ones in wasm, and hands the count over before the next other call", async () => {
    const { seen, exports } = await loggedLoop(1);
    exports.inc(100, 3n, 1000);
    expect(seen).toEqual(["inc 100 3"]);
    exports.check(100);
    expect(seen).toEqual(["inc 100 3", "repeat 999", "check 100"]);
  });

  it("forwards a call with another n or whose id bytes are another job's, after the count so far", async () => {
    const { seen, exports } = await loggedLoop(1);
    exports.inc(100, 3n, 3);
    exports.inc(100, 4n, 2); // another n: forwarded, and it opens a run of its own
    new Uint8Array(exports.memory.buffer)[300] = 1; // the 16 bytes at 290 are no longer the job's id
    exports.inc(290, 4n, 2);
    expect(seen).toEqual(["inc 100 3", "repeat 2", "inc 100 4", "repeat 1", "inc 290 4", "inc 290 4"]);
  });

  it("reads the id in bounds only: 16 bytes that would run past the end of memory are forwarded (no trap)", async () => {
    const { seen, exports } = await loggedLoop(1);
    const end = exports.memory.buffer.byteLength;
    exports.inc(end - 16, 1n, 3); // the last 16 bytes: in bounds, counted
    exports.inc(end - 15, 1n, 2);
    exports.inc(0xffff_fff8, 1n, 1); // ptr + 16 wraps in 32 bits
    expect(seen).toEqual([`inc ${end - 16} 1`, "repeat 2", `inc ${end - 15} 1`, `inc ${end - 15} 1`, `inc ${0xffff_fff8} 1`]);
  });

  it("counts nothing while the host function answers 0", async () => {
    const { seen, exports } = await loggedLoop(0);
    exports.inc(100, 3n, 4);
    exports.check(100);
    expect(seen).toEqual(["inc 100 3", "inc 100 3", "inc 100 3", "inc 100 3", "check 100"]);
  });

  it("take() returns the calls counted and not handed over, closes the run, and releases the probe", async () => {
    const { seen, exports, runs, probeSlot } = await loggedLoop(1);
    exports.inc(100, 3n, 50);
    expect(probeSlot()).toBeTypeOf("function");
    expect(runs.take()).toBe(49);
    expect(probeSlot()).toBeNull(); // the probe, and through it the guest's memory, is not kept past the run
    expect(runs.take()).toBe(0);
    exports.inc(100, 3n, 2); // the run is closed: the next call is forwarded and opens one again
    expect(seen).toEqual(["inc 100 3", "inc 100 3"]);
    expect(runs.take()).toBe(1);
  });
});

/** The definition of n identical increments: one add at a time, saturating. */
function addedOneByOne(start: bigint, delta: bigint, times: number): bigint {
  let total = start;
  for (let i = 0; i < times; i++) total = saturatingAddU64(total, delta);
  return total;
}

describe("applying counted calls in closed form", () => {
  const STARTS = [0n, 5n, 2n ** 32n - 1n, U64_MAX - 10n, U64_MAX];
  const DELTAS = [0n, 1n, 3n, 2n ** 32n - 1n, 2n ** 62n, U64_MAX];
  const TIMES = [1, 2, 3, 7, 1000];

  it("U64Words.addRepeated(d, n) is n adds of d, saturating", () => {
    for (const start of STARTS) {
      for (const delta of DELTAS) {
        for (const times of TIMES) {
          const words = new U64Words();
          words.value = start;
          words.addRepeated(...u64Words(delta), times);
          expect(words.value, `${start} + ${times} x ${delta}`).toBe(addedOneByOne(start, delta, times));
        }
      }
    }
  });

  const JOB = "11111111-2222-4333-8444-555555555555";
  const OTHER = "99999999-2222-4333-8444-555555555555";
  /** Events of `times` increments from `start`, recorded one by one (plainly) or as a run. */
  function recorded(job: string, start: bigint, delta: bigint, times: number, asRun: boolean, recorder = new TraceRecorder()): TraceEvent[] {
    const first = saturatingAddU64(start, delta);
    if (asRun) {
      recorder.recordMetricsRun(job, "bytes", ...u64Words(delta), ...u64Words(first), times);
    } else {
      let total = first;
      for (let i = 0; i < times; i++, total = saturatingAddU64(total, delta)) recorder.record({ kind: "metrics", job, field: "bytes", delta, total });
    }
    return recorder.events;
  }

  it("TraceRecorder.recordMetricsRun records the events of its calls one by one would, saturation included", () => {
    for (const start of STARTS) {
      for (const delta of DELTAS) {
        for (const times of TIMES) {
          const run = recorded(JOB, start, delta, times, true);
          expect(run, `${times} x ${delta} from ${start}`).toEqual(recorded(JOB, start, delta, times, false));
          expect(run).toHaveLength(times);
        }
      }
    }
  });

  it("a run continues the open one, and the calls after it continue the run (its next total is right)", () => {
    const recorder = new TraceRecorder();
    recorder.recordMetrics(JOB, "items", 2, 0, 2, 0); // total 2
    recorder.recordMetricsRun(JOB, "items", 2, 0, 4, 0, 10); // totals 4 .. 22
    recorder.recordMetrics(JOB, "items", 2, 0, 24, 0);
    recorder.recordMetrics(JOB, "items", 2, 0, 7, 0); // does not follow: a new entry, as recorded
    expect(recorder.events.map((e) => (e.kind === "metrics" ? e.total : null))).toEqual([2n, ...Array.from({ length: 11 }, (_, i) => BigInt(4 + 2 * i)), 7n]);
  });

  it("a run past an entry's largest count (2^32-1 repeats) goes on in a new entry, with the totals it must have", () => {
    // White box: four billion events cannot be materialized, so the recorder's fields are set as if they had been counted.
    const recorder = new TraceRecorder();
    const inside = recorder as unknown as { lastRepeats: number; pendingEvents: number; length: number; runNext: U64Words; u64s: BigUint64Array };
    recorder.recordMetrics(JOB, "items", 1, 0, 1, 0);
    const counted = 0xffff_fff0;
    inside.lastRepeats = counted;
    inside.pendingEvents += counted;
    inside.runNext.value = 2n + BigInt(counted); // the total the next event has
    recorder.recordMetricsRun(JOB, "items", 1, 0, ...u64Words(2n + BigInt(counted)), 40);
    expect(recorder.size).toBe(1 + counted + 40);
    expect(inside.length).toBe(2); // the first entry's count filled up, then one more entry
    expect(inside.u64s[3]).toBe(1n + 0xffff_ffffn + 1n); // the second entry's first total: one past the first entry's last
    const last = 1n + BigInt(counted) + 40n;
    recorder.recordMetrics(JOB, "items", 1, 0, ...u64Words(last + 1n)); // continues the run
    expect(inside.length).toBe(2);
    recorder.recordMetrics(JOB, "items", 1, 0, ...u64Words(last + 5n)); // does not
    expect(inside.length).toBe(3);
  });

  it("a run for a job other than the recorder's own is recorded as event objects, in order", () => {
    const recorder = new TraceRecorder();
    recorder.recordMetrics(JOB, "items", 1, 0, 1, 0);
    recorded(OTHER, 0n, 5n, 4, true, recorder);
    expect(recorder.events).toEqual([{ kind: "metrics", job: JOB, field: "items", delta: 1n, total: 1n }, ...recorded(OTHER, 0n, 5n, 4, false)]);
  });

  it("InterruptController.countCalls(n) sets what n countCall calls set, with plans due inside, at or past the block", () => {
    const plans: InterruptPlan[] = [
      { action: "pause", atCall: 9 },
      { action: "cancel", atCall: 7 },
      { action: "cancel", atCall: 12 },
    ];
    for (const blocks of [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [5, 5, 5], [6, 1, 6], [13], [8, 5], [2, 10, 1]]) {
      const oneByOne = new InterruptController(plans);
      const inBlocks = new InterruptController(plans);
      oneByOne.beginRun("j", 0, 0);
      inBlocks.beginRun("j", 0, 0);
      for (const block of blocks) {
        for (let i = 0; i < block; i++) oneByOne.countCall("j");
        inBlocks.countCalls("j", block);
        expect(inBlocks.pending("j"), `blocks ${blocks.join(",")}`).toBe(oneByOne.pending("j"));
      }
    }
    const first = new InterruptController(plans);
    first.beginRun("j", 0, 0);
    first.countCalls("j", 13);
    expect(first.pending("j")).toBe("cancel"); // call 7 comes before call 9
  });
});

/** Jobs of a guest that increments through the reference host, each a pattern the counting must get right. */
const JOBS_GUEST = `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_increment_bytes" (func $bytes (param i32 i64)))
  (import "spacedrive" "job_check_interrupt" (func $check (param i32) (result i32)))
  (data (i32.const 64) "mixed")
  (data (i32.const 72) "forged")
  (data (i32.const 80) "trapping")
  (data (i32.const 96) "grown")
  (data (i32.const 104) "spinning")
  (data (i32.const 112) "checked")

  (func $register (param $name i32) (param $len i32)
    (drop (call $register_job (local.get $name) (local.get $len) (local.get $name) (local.get $len) (i32.const 0))))
  (func (export "plugin_init") (result i32)
    (call $register (i32.const 64) (i32.const 5))
    (call $register (i32.const 72) (i32.const 6))
    (call $register (i32.const 80) (i32.const 8))
    (call $register (i32.const 96) (i32.const 5))
    (call $register (i32.const 104) (i32.const 8))
    (call $register (i32.const 112) (i32.const 7))
    (i32.const 0))

  (func $items_times (param $id i32) (param $n i64) (param $count i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $count)))
      (call $items (local.get $id) (local.get $n))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $next))))

  ;; 300 steps: items(1) each; bytes(4096) every 7th; items(2) every 50th; an interrupt check every 10th.
  (func (export "mixed") (param $ctx i32) (param i32 i32 i32) (result i32)
    (local $id i32) (local $i i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const 300)))
      (call $items (local.get $id) (i64.const 1))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 7))) (then (call $bytes (local.get $id) (i64.const 4096))))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 50))) (then (call $items (local.get $id) (i64.const 2))))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 10))) (then (drop (call $check (local.get $id)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.const 0))

  ;; 5 calls; the id changed in memory: 3; changed back: 2; 16 bytes past the end of memory: 2; the id again: 2.
  (func (export "forged") (param $ctx i32) (param i32 i32 i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $items_times (local.get $id) (i64.const 1) (i32.const 5))
    (i32.store8 offset=15 (local.get $id) (i32.xor (i32.load8_u offset=15 (local.get $id)) (i32.const 1)))
    (call $items_times (local.get $id) (i64.const 1) (i32.const 3))
    (i32.store8 offset=15 (local.get $id) (i32.xor (i32.load8_u offset=15 (local.get $id)) (i32.const 1)))
    (call $items_times (local.get $id) (i64.const 1) (i32.const 2))
    (call $items_times (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 8)) (i64.const 1) (i32.const 2))
    (call $items_times (local.get $id) (i64.const 1) (i32.const 2))
    (i32.const 0))

  ;; 10 calls, then a trap.
  (func (export "trapping") (param $ctx i32) (param i32 i32 i32) (result i32)
    (call $items_times (call $job_id (local.get $ctx)) (i64.const 1) (i32.const 10))
    (unreachable))

  ;; 3 calls; 2 with an id past the end of memory; memory grows and the id is copied there: 4 calls with it.
  (func (export "grown") (param $ctx i32) (param i32 i32 i32) (result i32)
    (local $id i32) (local $far i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $far (i32.add (i32.mul (memory.size) (i32.const 65536)) (i32.const 100)))
    (call $items_times (local.get $id) (i64.const 1) (i32.const 3))
    (call $items_times (local.get $far) (i64.const 1) (i32.const 2))
    (drop (memory.grow (i32.const 1)))
    (memory.copy (local.get $far) (local.get $id) (i32.const 16))
    (call $items_times (local.get $far) (i64.const 1) (i32.const 4))
    (i32.const 0))

  ;; 10 calls, then a loop that never ends.
  (func (export "spinning") (param $ctx i32) (param i32 i32 i32) (result i32)
    (call $items_times (call $job_id (local.get $ctx)) (i64.const 1) (i32.const 10))
    (loop $forever (br $forever))
    (i32.const 0))

  ;; 10 calls, an interrupt check, 10 calls: returns the check's answer as its code when it is not 0.
  (func (export "checked") (param $ctx i32) (param i32 i32 i32) (result i32)
    (local $id i32) (local $answer i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $items_times (local.get $id) (i64.const 1) (i32.const 10))
    (local.set $answer (call $check (local.get $id)))
    (call $items_times (local.get $id) (i64.const 1) (i32.const 10))
    (if (result i32) (local.get $answer) (then (i32.const 1)) (else (i32.const 0))))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)`;

/** Runs one job of JOBS_GUEST on a fresh host, counting the calls that crossed into JS. */
async function runJob(name: string, options: HostOptions = {}) {
  const guest = await guestFromSource(new URL("./coalescing.wat", import.meta.url).pathname, JOBS_GUEST);
  const host = new ReferenceHost(options);
  const crossed = { items: 0, bytes: 0, repeats: 0 };
  const extension = WasmExtension.load(host, "coalescing", guest, undefined, (functions) => {
    const items = functions.job_increment_items as (...args: number[]) => number;
    const bytes = functions.job_increment_bytes as (...args: number[]) => number;
    const repeat = functions[REPEAT_CALLS] as (count: number) => void;
    return {
      ...functions,
      job_increment_items: (...args: number[]) => (crossed.items++, items(...args)),
      job_increment_bytes: (...args: number[]) => (crossed.bytes++, bytes(...args)),
      [REPEAT_CALLS]: (count: number) => (crossed.repeats++, repeat(count)),
    };
  });
  const job = host.createJob(extension.scope, name, null);
  host.drive(job);
  const events = job.trace.events.filter((e) => e.kind === "metrics" || e.kind === "abi_violation" || e.kind === "interrupt_check");
  const shown = events.map((e) => (e.kind === "metrics" ? `${e.field} +${e.delta} = ${e.total}` : e.kind === "abi_violation" ? e.code : `check ${e.answer}`));
  return { job, shown, crossed, calls: extension.importCalls() };
}

describe("counted calls through the reference host", () => {
  it("a loop mixing fields, deltas and interrupt checks: every event in order, the totals, the import counts", async () => {
    const { job, shown, crossed, calls } = await runJob("mixed");
    const expected: string[] = [];
    let items = 0;
    let bytes = 0;
    for (let i = 0; i < 300; i++) {
      expected.push(`items +1 = ${++items}`);
      if (i % 7 === 0) expected.push(`bytes +4096 = ${(bytes += 4096)}`);
      if (i % 50 === 0) expected.push(`items +2 = ${(items += 2)}`);
      if (i % 10 === 0) expected.push("check 0");
    }
    expect(job.status).toBe("Completed");
    expect(shown).toEqual(expected);
    expect(job.metrics.items).toBe(BigInt(items));
    expect(job.metrics.bytes).toBe(BigInt(bytes));
    expect(calls).toEqual({ register_job: 6, job_increment_items: 306, job_increment_bytes: 43, job_check_interrupt: 30 });
    // The counting happened: most items(1) calls never crossed (each bytes or items(2) call ends a run).
    expect(crossed.items).toBeLessThan(306 / 2);
    expect(crossed.repeats).toBeGreaterThan(0);
  });

  it("an id changed in guest memory, or out of bounds, is refused call by call, as without counting", async () => {
    const { job, shown } = await runJob("forged");
    const metrics = (from: number, count: number) => Array.from({ length: count }, (_, i) => `items +1 = ${from + i}`);
    expect(shown).toEqual([
      ...metrics(1, 5),
      ...Array<string>(3).fill("NOT_RUNNING_JOB"),
      ...metrics(6, 2),
      ...Array<string>(2).fill("INVALID_MEMORY_ACCESS"),
      ...metrics(8, 2),
    ]);
    expect(job.metrics.items).toBe(9n);
  });

  it("calls counted before a trap or a timeout are applied: the failed job keeps them", async () => {
    const trapped = await runJob("trapping");
    expect(trapped.job.status).toBe("Failed");
    expect(trapped.shown).toEqual(Array.from({ length: 10 }, (_, i) => `items +1 = ${i + 1}`));
    expect(trapped.calls.job_increment_items).toBe(10);
    const stopped = await runJob("spinning", { limits: { runTimeoutMs: 50 } });
    expect(stopped.job.status).toBe("Failed");
    expect(stopped.job.metrics.items).toBe(10n);
    expect(stopped.shown).toHaveLength(10);
  });

  it("an id in memory grown during the run is read through the grown memory", async () => {
    const { job, shown } = await runJob("grown");
    expect(shown).toEqual(["items +1 = 1", "items +1 = 2", "items +1 = 3", "INVALID_MEMORY_ACCESS", "INVALID_MEMORY_ACCESS", ...[4, 5, 6, 7].map((n) => `items +1 = ${n}`)]);
    expect(job.status).toBe("Completed");
  });

  it("an interrupt planned at a call number falls due inside counted calls exactly as call by call", async () => {
    // Calls: 10 increments (1..10), the check (11), 10 increments (12..21).
    const atFive = await runJob("checked", { interrupts: [{ action: "cancel", atCall: 5 }] });
    expect(atFive.shown).toContain(`check ${INTERRUPT.CANCEL}`);
    expect(atFive.job.status).toBe("Cancelled");
    const atEleven = await runJob("checked", { interrupts: [{ action: "pause", atCall: 11 }] });
    expect(atEleven.shown).toContain(`check ${INTERRUPT.PAUSE}`);
    const atFifteen = await runJob("checked", { interrupts: [{ action: "cancel", atCall: 15 }] });
    expect(atFifteen.shown).toContain(`check ${INTERRUPT.CONTINUE}`); // due after the check: seen when the run ends
    expect(atFifteen.job.status).toBe("Completed"); // it returned 0: completed before the request mattered
    expect(atFifteen.job.metrics.items).toBe(20n);
  });
});
