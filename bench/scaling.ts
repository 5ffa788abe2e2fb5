/**
 * How a job's cost grows with its length: a WASM guest whose job does N steps, N = 1e3, 1e4, 1e5 and 1e6, run
 * through the reference host (runScenario: a fresh host, the guest loaded, the job dispatched and driven to
 * Completed). Each step makes host calls: job_increment_items every step (one metrics trace event each),
 * job_check_interrupt every 64 steps and job_report_progress every 1024, so an N-step job records N + N/64 + N/1024
 * trace events or so. If the host's cost per call or per event grew with the trace (a copy of the trace per event, a
 * scan of it, a map that degrades), the time per step would grow with N.
 *
 * Figures: ns per step at each N (baseline: the N=1e3 figure, ratio = per-step(N) / per-step(1e3)), and
 * `scaling.slope`, the least-squares slope of log(job time) against log(N) over the sizes: 1.0 is linear, 2.0
 * quadratic. Its budget, at most 1.10, is the one this benchmark holds the host to.
 */
import { PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { GuestModule } from "../harness/engine/load.ts";
import { benchGuest } from "./guest.ts";
import type { ImportsWrapper } from "../harness/jobs/wasm-extension.ts";
import { runScenario } from "../harness/suite/scenario.ts";
import { BenchError, figure, median, now, type Benchmark, type BenchCase, type Figure, type MeasureSettings } from "./measure.ts";

export const JOB = "scaling_loop";

/** The sizes `npm run bench` measures. */
export const SCALING_SIZES: readonly number[] = [1e3, 1e4, 1e5, 1e6];

/** The slope's budget: at most this (1.0 = linear). */
export const SLOPE_LIMIT = 1.1;

/** Steps between job_check_interrupt calls and between job_report_progress calls (powers of two: a mask). */
export const CHECK_EVERY = 64;
export const PROGRESS_EVERY = 1024;

/**
 * The least-squares slope of log(time) against log(n): the exponent k of time ~ n^k. Needs two or more distinct n
 * and positive values.
 */
export function logLogSlope(points: readonly { readonly n: number; readonly time: number }[]): number {
  if (points.length < 2) throw new BenchError("internal: a slope needs at least two points");
  for (const p of points) if (!(p.n > 0 && p.time > 0)) throw new BenchError(`internal: a log-log slope needs positive values, got n=${p.n} time=${p.time}`);
  const xs = points.map((p) => Math.log(p.n));
  const ys = points.map((p) => Math.log(p.time));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  if (sxx === 0) throw new BenchError("internal: a slope needs at least two distinct sizes");
  return sxy / sxx;
}

/** 1000 -> "1e3", 1000000 -> "1e6"; other sizes as they are (12 -> "12"). */
export function sizeLabel(n: number): string {
  const exponent = Math.round(Math.log10(n));
  return n >= 10 && 10 ** exponent === n ? `1e${exponent}` : String(n);
}

/**
 * The guest: reads N (10 decimal digits) from its state, reports progress 0 (the clock starts), does N steps, reports
 * progress 1 (the clock stops) and completes. A step is job_increment_items(1), plus job_check_interrupt every
 * CHECK_EVERY steps (it returns 1 on any interrupt) and job_report_progress(i/N) every PROGRESS_EVERY.
 */
export const SCALING_LOOP_WAT = `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_check_interrupt" (func $check (param i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))

  (data (i32.const 64) "${JOB}") ;; ${JOB.length}

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const ${JOB.length}) (i32.const 64) (i32.const ${JOB.length}) (i32.const 0)))

  (func (export "${JOB}") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $n i32) (local $i i32)
    (if (i32.ne (local.get $st_len) (i32.const 10)) (then (return (i32.const 2))))
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $n (call $decimal10 (local.get $st)))
    (call $progress (local.get $id) (f32.const 0) (i32.const 0) (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $items (local.get $id) (i64.const 1))
        (if (i32.eq (i32.and (local.get $i) (i32.const ${CHECK_EVERY - 1})) (i32.const ${CHECK_EVERY - 1}))
          (then (if (call $check (local.get $id)) (then (return (i32.const 1))))))
        (if (i32.eq (i32.and (local.get $i) (i32.const ${PROGRESS_EVERY - 1})) (i32.const ${PROGRESS_EVERY - 1}))
          (then (call $progress (local.get $id)
                  (f32.div (f32.convert_i32_u (local.get $i)) (f32.convert_i32_u (local.get $n)))
                  (i32.const 0) (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $progress (local.get $id) (f32.const 1) (i32.const 0) (i32.const 0))
    (i32.const 0))

  ;; @include "lib/decimal.wat"
  ;; @include "../wat-fixtures/lib/runtime.wat"
)
`;

export const scalingGuest = (): Promise<GuestModule> => benchGuest("scaling-loop.wat", SCALING_LOOP_WAT);

/**
 * The measured part of a job: from the return of its first job_report_progress call (before step 1) to the return of
 * its last (after step N). Only job_report_progress is wrapped, so the per-step calls go the host's own path.
 */
const loopClock = { calls: 0, start: Number.NaN, end: Number.NaN };
const timeProgress: ImportsWrapper = (functions) => {
  const progress = functions.job_report_progress as (job: number, value: number, ptr: number, len: number) => void;
  return {
    ...functions,
    job_report_progress(job: number, value: number, ptr: number, len: number): void {
      progress(job, value, ptr, len);
      const t = now();
      if (loopClock.calls++ === 0) loopClock.start = t;
      loopClock.end = t;
    },
  };
};

/** Progress calls a job of `n` steps makes: the first, one every PROGRESS_EVERY steps, the last. */
const progressCalls = (n: number) => 2 + Math.floor(n / PROGRESS_EVERY);

/** Trace events an n-step job must record at least: one metrics event per step, one progress event per progress call. */
const minEvents = (n: number) => n + progressCalls(n);

/**
 * One job of `n` steps on a fresh reference host; throws unless it completed with `n` items and its whole trace.
 * `loopMs` is the N steps' time, `wallMs` the whole runScenario's (a fresh host, the instance, collecting the result).
 */
export function runScalingJob(g: GuestModule, n: number): { loopMs: number; wallMs: number; events: number; loop: { start: number; end: number } } {
  Object.assign(loopClock, { calls: 0, start: Number.NaN, end: Number.NaN });
  const start = now();
  // The default run timeout (10 s) is for hostile guests; a long job on a busy machine must not be cut off.
  const result = runScenario({ kind: "wasm", guest: g }, { job: JOB, state: String(n).padStart(10, "0"), limits: { runTimeoutMs: 300_000 } }, { wrapImports: timeProgress });
  const wallMs = now() - start;
  const job = result.jobs[0];
  const events = job?.trace.length ?? 0;
  if (job?.status !== "Completed" || job.metrics.items !== String(n) || events < minEvents(n) || loopClock.calls !== progressCalls(n)) {
    const refusal = job?.trace.find((event) => event.kind === "abi_violation");
    const why = result.errors[0] ?? (refusal === undefined ? null : JSON.stringify(refusal));
    throw new BenchError(
      `${JOB} (N=${n}): the job ended ${job?.status ?? "(no job)"} with ${job?.metrics.items ?? "?"} items, ${events} trace events and ${loopClock.calls} progress calls` +
        `${why === null ? "" : `: ${why}`}`,
    );
  }
  const loopMs = loopClock.end - loopClock.start;
  if (!(loopMs >= 0)) throw new BenchError(`internal: ${JOB} (N=${n}): the loop was not timed`);
  return { loopMs, wallMs, events, loop: { start: loopClock.start, end: loopClock.end } };
}

export const figureName = (n: number) => `scaling.per_step.${sizeLabel(n)}`;
export const SLOPE_FIGURE = "scaling.slope";

interface SizeStats {
  readonly n: number;
  /** ns per step, one per sample. */
  readonly samples: number[];
  /** Jobs per sample (the last sample's). */
  jobs: number;
  /** Whole-job wall times (ms), one per job run in samples. */
  readonly wallMs: number[];
  events: number;
  /** ns per step the garbage collector paused the thread inside the loops, one per sample. */
  readonly gcSamples: number[];
}

/**
 * A full garbage collection, when it can be had: the garbage of one sample (a 1e6-step job leaves a million dead trace
 * events) must be collected before the next sample, not inside it. A job's own collections still count: they are
 * part of its cost. Without --expose-gc, the flag is set at run time and \`gc\` taken from a fresh context.
 */
function fullGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === "function") return existing;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/**
 * One sample of size `n`: jobs of n steps until their loops measured half the target (at least one job; at most four
 * times the target in wall time), as ns per step over all of them.
 */
async function sample(g: GuestModule, stats: SizeStats, settings: MeasureSettings, gc: (() => void) | null, pauses: PerformanceEntry[]): Promise<void> {
  gc?.();
  await flushGcEntries();
  pauses.length = 0;
  const wallStart = now();
  const loops: { start: number; end: number }[] = [];
  let loopMs = 0;
  let jobs = 0;
  do {
    const run = runScalingJob(g, stats.n);
    loopMs += run.loopMs;
    jobs++;
    loops.push(run.loop);
    stats.wallMs.push(run.wallMs);
    stats.events = run.events;
  } while (loopMs < settings.targetMs / 2 && now() - wallStart < settings.targetMs * 4);
  stats.jobs = jobs;
  stats.samples.push((loopMs * 1e6) / (jobs * stats.n));
  await flushGcEntries();
  const gcMs = pauses.filter((p) => loops.some((l) => p.startTime >= l.start && p.startTime < l.end)).reduce((sum, p) => sum + p.duration, 0);
  stats.gcSamples.push((gcMs * 1e6) / (jobs * stats.n));
}

/** GC entries reach a PerformanceObserver asynchronously: a macrotask lets the pending ones arrive. */
const flushGcEntries = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const fmtNs = (ns: number) => (ns >= 100 || ns === 0 ? ns.toFixed(0) : ns.toPrecision(3));
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3));

/** Measures every size, interleaved (the order rotates each repetition), and returns the figures. */
export async function measureScaling(sizes: readonly number[], settings: MeasureSettings): Promise<Figure[]> {
  if (sizes.length < 2) throw new BenchError("internal: scaling needs at least two sizes");
  const g = await scalingGuest();
  const gc = fullGc();
  const all: SizeStats[] = sizes.map((n) => ({ n, samples: [], jobs: 0, wallMs: [], events: 0, gcSamples: [] }));
  // Warm up: the host path's first calls run cold code; a few short jobs, then one of each size.
  for (let i = 0; i < 8; i++) runScalingJob(g, sizes[0]!);
  for (let w = 0; w < Math.max(1, settings.warmupRuns); w++) for (const s of all) runScalingJob(g, s.n);
  // The collector's pauses on this thread, to say how much of a step's time is garbage collection.
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  try {
    for (let rep = 0; rep < settings.repetitions; rep++) {
      for (let k = 0; k < all.length; k++) await sample(g, all[(k + rep) % all.length]!, settings, gc, pauses);
    }
  } finally {
    observer.disconnect();
  }
  const perStep = all.map((s) => median(s.samples));
  const base = { value: perStep[0]!, name: figureName(sizes[0]!) };
  const step = `a step is job_increment_items, plus job_check_interrupt every ${CHECK_EVERY} steps and job_report_progress every ${PROGRESS_EVERY}`;
  const figures: Figure[] = all.map((s, i) => {
    const spread = `min ${fmtNs(Math.min(...s.samples))}, max ${fmtNs(Math.max(...s.samples))} ns/step`;
    const notes =
      `a WASM guest's job of N=${s.n} steps through runScenario on the reference host (${step}); timed from the first progress call to the last, ` +
      `${s.events} trace events per job; median of ${s.samples.length} samples of ${s.jobs} job${s.jobs === 1 ? "" : "s"} (${spread}); ` +
      `of which garbage-collection pauses median ${fmtNs(median(s.gcSamples))} ns/step; whole runScenario (fresh host, instance, result) median ${fmtMs(median(s.wallMs))} ms per job`;
    return figure({ name: figureName(s.n), value: perStep[i]!, unit: "ns/step", runs: s.samples.length, baseline: i === 0 ? null : base, notes });
  });
  const slope = logLogSlope(all.map((s, i) => ({ n: s.n, time: perStep[i]! * s.n })));
  const perStepNotes = all.map((s, i) => `N=${sizeLabel(s.n)} ${fmtNs(perStep[i]!)} ns/step (GC ${fmtNs(median(s.gcSamples))})`).join(", ");
  figures.push(
    figure({
      name: SLOPE_FIGURE,
      value: slope,
      unit: "log-log slope",
      runs: settings.repetitions,
      budget: { limit: SLOPE_LIMIT, bounds: "value", direction: "max" },
      notes:
        `least-squares slope of log(job time) against log(N) over N = ${sizes.map(sizeLabel).join(", ")} (job time = median ns/step x N; 1.0 = linear, 2.0 = quadratic); ` +
        `per-step times: ${perStepNotes}; ${gc === null ? "no full GC between samples (gc unavailable)" : "a full GC before each sample"}; a slope above ${SLOPE_LIMIT} means a per-call or per-event cost that grows with the trace`,
    }),
  );
  return figures;
}

/** The benchmark over `sizes` (the self-test uses tiny ones); the figure names follow the sizes. */
export function scalingBenchmarkFor(sizes: readonly number[]): Benchmark {
  const names = [...sizes.map(figureName), SLOPE_FIGURE];
  const scalingCase: BenchCase = {
    figures: names,
    // The slope needs every size, so every size is measured whichever figures are wanted.
    run: (settings: MeasureSettings, wanted: (name: string) => boolean) => measureScaling(sizes, settings).then((figures) => figures.filter((f) => wanted(f.name))),
  };
  return {
    name: "scaling",
    description: "ns per step of a WASM job of N steps (N = 1e3 .. 1e6) through the reference host, and the log-log slope",
    cases: () => [scalingCase],
  };
}

export const scalingBenchmark: Benchmark = scalingBenchmarkFor(SCALING_SIZES);
