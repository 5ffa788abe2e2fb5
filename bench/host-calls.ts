/**
 * The cost of one host call from WASM: a guest whose job loops calling one import, run through the reference host
 * (runScenario: a fresh host, the guest loaded, the job dispatched and driven to Completed), against the same wasm
 * bytes instantiated with a bare JS import of the same signature (the cheapest a host function can be: the engine's
 * wasm-to-JS call and nothing else), measured interleaved in the same process.
 *
 * - host_call.job_increment_items: `job_increment_items(job, 1)`; the bare import does nothing. The trampoline counts
 *   the repeats in wasm (a call like the one before it does not cross into JS; see CallRuns).
 * - host_call.job_increment_items.alternating: n alternates 1, 2, so no call repeats the one before and every call
 *   crosses into JS: the cost of a call that cannot be counted. For information: no budget.
 * - string_call.job_log, string_call.job_report_progress: a 32-byte message; the bare import decodes the message's
 *   bytes with a reused TextDecoder (what any host must do with a string argument).
 *
 * The reference host records every call in the job's trace, so a call's cost includes recording it and a run's cost
 * per call grows with its trace: each host run makes a fixed number of calls (CALLS_PER_RUN) on a fresh host, and a
 * run of n calls is n / CALLS_PER_RUN such host runs. The bare runs have the same shape (one export call per
 * CALLS_PER_RUN calls, on one instance). Both are timed from the guest's first marker call to its second, around the
 * loop: the host's setup (host, instance, plugin_init, context) is a job's cost, not a call's.
 */
import { encodeJobContext } from "../harness/abi/context.ts";
import type { GuestModule } from "../harness/engine/load.ts";
import { benchGuest } from "./guest.ts";
import type { ImportsWrapper } from "../harness/jobs/wasm-extension.ts";
import { runScenario } from "../harness/suite/scenario.ts";
import type { TraceEvent } from "../harness/trace/events.ts";
import { BenchError, figure, measureRates, now, type Benchmark, type BenchCase, type Budget, type Contender, type Figure, type MeasureSettings, type RateStats } from "./measure.ts";

const JOB = "call_loop";

/**
 * Calls per host run. The default maxLogLinesPerJob is 10,000, so every job_log call of a run is a kept line (past it
 * lines are only counted, a cheaper path than the one measured).
 */
export const CALLS_PER_RUN = 10_000;

/** 32 bytes of printable ASCII, at MESSAGE_PTR in the guest's data. */
const MESSAGE = "a 32-byte message from the guest";
const MESSAGE_PTR = 128;

interface CallSpec {
  readonly figure: string;
  readonly import: "job_increment_items" | "job_log" | "job_report_progress";
  readonly type: string;
  /** The loop body's call, with the job id pointer in $id. */
  readonly call: string;
  /** The trace event each call leaves on the reference host. */
  readonly event: TraceEvent["kind"];
  readonly budget: Budget | null;
  /** What the loop passes, for the figure's notes ("" for the plain call). */
  readonly argument: string;
  readonly baselineName: string;
  /** The bare import; `memory` is the bare instance's memory once it exists. */
  bare(memory: () => WebAssembly.Memory): (...args: never[]) => void;
}

const decoding = (memory: () => WebAssembly.Memory) => {
  const decoder = new TextDecoder();
  return (ptr: number, len: number) => decoder.decode(new Uint8Array(memory().buffer, ptr >>> 0, len >>> 0));
};

export const CALLS: readonly CallSpec[] = [
  {
    figure: "host_call.job_increment_items",
    import: "job_increment_items",
    type: "(param i32 i64)",
    call: "(call $measured (local.get $id) (i64.const 1))",
    event: "metrics",
    budget: { limit: 2, bounds: "ratio", direction: "max" },
    argument: "",
    baselineName: "a no-op JS import (i32, i64) -> () in the same loop",
    bare: () => (_job: number, _n: bigint) => {},
  },
  {
    figure: "host_call.job_increment_items.alternating",
    import: "job_increment_items",
    type: "(param i32 i64)",
    call: "(call $measured (local.get $id) (i64.extend_i32_u (i32.add (i32.const 1) (i32.and (local.get $i) (i32.const 1)))))",
    event: "metrics",
    budget: null,
    argument: ", n alternating 1, 2 (every call crosses into JS)",
    baselineName: "a no-op JS import (i32, i64) -> () in the same loop",
    bare: () => (_job: number, _n: bigint) => {},
  },
  {
    figure: "string_call.job_log",
    import: "job_log",
    type: "(param i32 i32 i32 i32)",
    call: `(call $measured (local.get $id) (i32.const 1) (i32.const ${MESSAGE_PTR}) (i32.const ${MESSAGE.length}))`,
    event: "log",
    budget: { limit: 1.5, bounds: "ratio", direction: "max" },
    argument: `, a ${MESSAGE.length}-byte message`,
    baselineName: "a JS import (i32, i32, i32, i32) -> () that only decodes the message with a reused TextDecoder, in the same loop",
    bare: (memory) => {
      const decode = decoding(memory);
      return (_job: number, _level: number, ptr: number, len: number) => void decode(ptr, len);
    },
  },
  {
    figure: "string_call.job_report_progress",
    import: "job_report_progress",
    type: "(param i32 f32 i32 i32)",
    call: `(call $measured (local.get $id) (f32.const 0.5) (i32.const ${MESSAGE_PTR}) (i32.const ${MESSAGE.length}))`,
    event: "progress",
    budget: { limit: 1.5, bounds: "ratio", direction: "max" },
    argument: `, a ${MESSAGE.length}-byte message`,
    baselineName: "a JS import (i32, f32, i32, i32) -> () that only decodes the message with a reused TextDecoder, in the same loop",
    bare: (memory) => {
      const decode = decoding(memory);
      return (_job: number, _progress: number, ptr: number, len: number) => void decode(ptr, len);
    },
  },
];

/**
 * The guest: its state is the number of calls (10 decimal digits). It calls job_check_interrupt once before and once
 * after its loop: those two calls are the markers the loop is timed by (the guest cannot read a clock).
 */
export function callLoopWat(spec: CallSpec): string {
  if (new TextEncoder().encode(MESSAGE).length !== 32) throw new BenchError("internal: the message is not 32 bytes");
  return `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $marker (param i32) (result i32)))
  (import "spacedrive" "${spec.import}" (func $measured ${spec.type}))

  (data (i32.const 64) "${JOB}") ;; ${JOB.length}
  (data (i32.const ${MESSAGE_PTR}) "${MESSAGE}")

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const ${JOB.length}) (i32.const 64) (i32.const ${JOB.length}) (i32.const 0)))

  (func (export "${JOB}") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $count i32) (local $i i32)
    (if (i32.ne (local.get $st_len) (i32.const 10)) (then (return (i32.const 2))))
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $count (call $decimal10 (local.get $st)))
    (drop (call $marker (local.get $id)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        ${spec.call}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (drop (call $marker (local.get $id)))
    (i32.const 0))

  ;; @include "lib/decimal.wat"
  ;; @include "../wat-fixtures/lib/runtime.wat"
)
`;
}

export const callLoopGuest = (spec: CallSpec): Promise<GuestModule> => benchGuest("call-loop.wat", callLoopWat(spec));

const countParam = (count: number) => String(count).padStart(10, "0");

/** The loop's time: set by the marker calls, on either side. */
const loopClock = { marks: 0, start: Number.NaN, end: Number.NaN };
function mark(): void {
  if (loopClock.marks++ === 0) loopClock.start = now();
  else loopClock.end = now();
}
function resetClock(): void {
  Object.assign(loopClock, { marks: 0, start: Number.NaN, end: Number.NaN });
}
function loopMs(what: string): number {
  const elapsed = loopClock.end - loopClock.start;
  if (loopClock.marks !== 2 || !(elapsed >= 0)) throw new BenchError(`internal: ${what}: the call loop was not timed`);
  return elapsed;
}

/** On the host, the marker is the host's job_check_interrupt, timed around; the measured import is left as it is. */
const timeMarkers: ImportsWrapper = (functions) => {
  const check = functions.job_check_interrupt as (job: number) => number;
  return {
    ...functions,
    job_check_interrupt(job: number): number {
      mark();
      return check(job);
    },
  };
};

/** Runs of `n` calls, CALLS_PER_RUN at a time, each on a fresh host; returns the loops' time. */
function hostContender(spec: CallSpec, guest: GuestModule): Contender {
  const runOnce = (count: number): number => {
    resetClock();
    const result = runScenario({ kind: "wasm", guest }, { job: JOB, state: countParam(count) }, { wrapImports: timeMarkers });
    const job = result.jobs[0];
    const calls = job?.trace.reduce((k, event) => (event.kind === spec.event ? k + 1 : k), 0) ?? 0;
    if (job?.status !== "Completed" || calls !== count) {
      const refusal = job?.trace.find((event) => event.kind === "abi_violation");
      const why = result.errors[0] ?? (refusal === undefined ? null : JSON.stringify(refusal));
      throw new BenchError(`${spec.figure}: the job ended ${job?.status ?? "(no job)"} with ${calls} ${spec.event} events for ${count} calls${why === null ? "" : `: ${why}`}`);
    }
    return loopMs(spec.figure);
  };
  return {
    key: "host",
    run(n) {
      let elapsed = 0;
      for (let done = 0; done < n; done += CALLS_PER_RUN) elapsed += runOnce(Math.min(CALLS_PER_RUN, n - done));
      return elapsed;
    },
  };
}

/** The same bytes with bare imports; the context and the state are passed through wasm_alloc as the host does. */
async function bareContender(spec: CallSpec, guest: GuestModule): Promise<Contender> {
  let memory: WebAssembly.Memory | null = null;
  const imports = {
    spacedrive: {
      register_job: () => 0,
      job_check_interrupt: (_job: number) => {
        mark();
        return 0;
      },
      [spec.import]: spec.bare(() => memory!),
    },
  };
  const { instance } = await WebAssembly.instantiate(guest.bytes as Uint8Array<ArrayBuffer>, imports);
  const exports = instance.exports as { memory: WebAssembly.Memory; wasm_alloc: (size: number) => number; plugin_init: () => number } & Record<string, unknown>;
  memory = exports.memory;
  exports.plugin_init();
  const context = encodeJobContext("7b226a6f-625f-4964-a23a-226435633265", "0e1d2c3b-4a59-4867-9685-a4b3c2d1e0f9");
  const ctxPtr = exports.wasm_alloc(context.length);
  const statePtr = exports.wasm_alloc(10);
  new Uint8Array(memory.buffer).set(context, ctxPtr);
  const job = exports[JOB] as (ctxPtr: number, ctxLen: number, statePtr: number, stateLen: number) => number;
  const runOnce = (count: number): number => {
    resetClock();
    new Uint8Array(memory!.buffer).set(new TextEncoder().encode(countParam(count)), statePtr);
    const code = job(ctxPtr, context.length, statePtr, 10);
    if (code !== 0) throw new BenchError(`${spec.figure}: the bare guest returned ${code}`);
    return loopMs(`${spec.figure} (bare)`);
  };
  return {
    key: "bare",
    run(n) {
      let elapsed = 0;
      for (let done = 0; done < n; done += CALLS_PER_RUN) elapsed += runOnce(Math.min(CALLS_PER_RUN, n - done));
      return elapsed;
    },
  };
}

const nsPerCall = (stats: RateStats) => 1e9 / stats.median;

function describe(stats: RateStats): string {
  const count = (x: number) => Math.round(x).toLocaleString("en-US");
  const ns = (rate: number) => (1e9 / rate).toPrecision(3);
  return `${count(stats.opsPerSample)} calls per sample (min ${ns(stats.max)}, max ${ns(stats.min)} ns/call)`;
}

function callCase(spec: CallSpec): BenchCase {
  return {
    figures: [spec.figure],
    async run(settings: MeasureSettings, wanted: (name: string) => boolean): Promise<Figure[]> {
      if (!wanted(spec.figure)) return [];
      const guest = await callLoopGuest(spec);
      const stats = measureRates([hostContender(spec, guest), await bareContender(spec, guest)], settings);
      const host = stats.get("host")!;
      const bare = stats.get("bare")!;

      const notes =
        `a WASM guest calling ${spec.import} in a loop${spec.argument}, through runScenario on a fresh reference host per ${CALLS_PER_RUN.toLocaleString("en-US")} calls ` +
        `(each call recorded in the job's trace), timed around the loop; median of ${host.samples.length} samples of ${describe(host)}; ` +
        `baseline: the same wasm bytes with bare imports, ${describe(bare)}`;
      return [
        figure({ name: spec.figure, value: nsPerCall(host), unit: "ns/call", runs: host.samples.length, baseline: { value: nsPerCall(bare), name: spec.baselineName }, budget: spec.budget, notes }),
      ];
    },
  };
}

export const hostCallsBenchmark: Benchmark = {
  name: "host_call",
  description: "ns per host call from a WASM loop on the reference host, against a bare JS import of the same signature",
  cases: () => CALLS.map(callCase),
};
