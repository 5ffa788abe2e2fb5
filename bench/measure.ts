/**
 * The measuring core every benchmark shares: how runs are sized and interleaved, what a figure is, and how a budget
 * is judged. Benchmarks (one module each, listed in bench/benchmarks.ts) only say what to run and which figures
 * their measurements make.
 */

/** How hard to measure: the runner's options as every benchmark sees them. */
export interface MeasureSettings {
  /** Samples per contender after calibration; each figure is the median of these. */
  readonly repetitions: number;
  /** The wall time each run is sized to; a sample measures at least half of it. */
  readonly targetMs: number;
  /** Upper bound on the operations of one run, whatever the calibration estimates (a contender may cap lower). */
  readonly maxOpsPerRun: number;
  /** Runs of each contender at its calibrated size before the measured ones. */
  readonly warmupRuns: number;
  readonly quick: boolean;
}

export const FULL_SETTINGS: MeasureSettings = { repetitions: 5, targetMs: 200, maxOpsPerRun: 5_000_000, warmupRuns: 1, quick: false };
export const QUICK_SETTINGS: MeasureSettings = { repetitions: 3, targetMs: 10, maxOpsPerRun: 20_000, warmupRuns: 0, quick: true };

/** One thing being measured, run `n` operations at a time. */
export interface Contender {
  readonly key: string;
  /** Most operations one run may do (e.g. a byte budget divided by the operation's size); default: no extra cap. */
  readonly maxOps?: number;
  /** Does `n` operations and returns the elapsed wall time in ms of the measured part. Throws when the work failed. */
  run(n: number): number;
}

export interface RateStats {
  readonly key: string;
  /** Operations in each run (as calibrated). */
  readonly opsPerRun: number;
  /** Operations in a sample (the median over samples): one or more runs. */
  readonly opsPerSample: number;
  /** Operations per second, one per sample, in order. */
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("internal: median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The clock every benchmark uses. */
export const now = (): number => performance.now();

/**
 * Finds how many operations fill `targetMs`. Runs grow 1, 4, 16, ... until one takes an eighth of the target; the
 * last two give an estimate (their difference is the cost of the operations alone, the rest of the last run the fixed
 * cost of a run: a fresh host, an instance). A run much smaller than its estimate may have been slow for other
 * reasons (a cold JIT, a lazy compile), so the estimate is run and re-estimated until a run is at least half the size
 * it predicts.
 */
function calibrate(contender: Contender, settings: MeasureSettings): number {
  const max = Math.max(1, Math.min(settings.maxOpsPerRun, contender.maxOps ?? Infinity));
  // Warm up first: the first runs of a path are slow (a cold JIT, a lazy compile) and would shrink the estimate.
  const warmStart = now();
  for (let runs = 0; runs < 64 && now() - warmStart < settings.targetMs; runs++) contender.run(1);
  let previous: { n: number; elapsed: number } | null = null;
  let n = 1;
  let estimate = 1;
  for (let attempt = 0; attempt < 16; attempt++) {
    const elapsed = contender.run(n);
    if (elapsed < settings.targetMs / 8 && n < max) {
      previous = { n, elapsed };
      n = Math.min(max, n * 4);
      continue;
    }
    const marginal = previous !== null && elapsed > previous.elapsed ? (elapsed - previous.elapsed) / (n - previous.n) : 0;
    const perOp = marginal > 0 ? marginal : Math.max(elapsed, 1e-3) / n;
    const fixed = Math.min(Math.max(0, elapsed - perOp * n), settings.targetMs / 2);
    estimate = Math.max(1, Math.min(max, Math.round((settings.targetMs - fixed) / perOp)));
    if (estimate <= 2 * n || n >= max) return estimate;
    previous = { n, elapsed };
    n = estimate;
  }
  return estimate;
}

/**
 * One sample: runs of `n` operations until they have measured half the target (or spent four times the target's wall time,
 * for contenders whose runs have a large unmeasured setup), as operations per second. A run that came out much
 * shorter than calibrated (the calibration ran while the machine was busy) is topped up rather than trusted alone.
 */
function sample(contender: Contender, n: number, settings: MeasureSettings): { rate: number; ops: number } {
  const wallStart = now();
  let ops = 0;
  let elapsed = 0;
  do {
    elapsed += contender.run(n);
    ops += n;
  } while (elapsed < settings.targetMs / 2 && now() - wallStart < settings.targetMs * 4);
  return { rate: (ops * 1000) / Math.max(elapsed, 1e-6), ops };
}

/**
 * Measures contenders against each other in the same process: each is calibrated (and warmed up), then the samples
 * are interleaved (the order rotates each repetition), so drift in the machine (frequency, other load, the heap)
 * falls on all of them alike rather than on whichever ran last.
 */
export function measureRates(contenders: readonly Contender[], settings: MeasureSettings): Map<string, RateStats> {
  const ops = contenders.map((contender) => calibrate(contender, settings));
  for (let w = 0; w < settings.warmupRuns; w++) contenders.forEach((contender, i) => contender.run(ops[i]!));
  const samples: number[][] = contenders.map(() => []);
  const sampleOps: number[][] = contenders.map(() => []);
  for (let rep = 0; rep < settings.repetitions; rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + rep) % contenders.length;
      const measured = sample(contenders[i]!, ops[i]!, settings);
      samples[i]!.push(measured.rate);
      sampleOps[i]!.push(measured.ops);
    }
  }
  return new Map(
    contenders.map((contender, i) => {
      const rates = samples[i]!;
      const stats: RateStats = { key: contender.key, opsPerRun: ops[i]!, opsPerSample: median(sampleOps[i]!), samples: rates, median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
      return [contender.key, stats];
    }),
  );
}

/** What a budget holds a figure to: `bounds` (its value or its ratio) must stay <= limit (max) or >= limit (min). */
export interface Budget {
  readonly limit: number;
  readonly bounds: "value" | "ratio";
  readonly direction: "max" | "min";
}

/** One line of bench.json (schema harness/schemas/bench.schema.json, definitions.figure). */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** How many samples `value` is the median of. */
  readonly runs?: number;
  readonly baseline: number | null;
  readonly baselineName?: string | null;
  readonly ratio: number | null;
  readonly budget: Budget | null;
  readonly pass: boolean;
  readonly notes?: string;
}

export interface FigureInput {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly runs?: number;
  readonly baseline?: { readonly value: number; readonly name: string } | null;
  readonly budget?: Budget | null;
  readonly notes?: string;
}

/** A harness bug or a benchmark that could not run (exit code 2), as opposed to a figure outside its budget (1). */
export class BenchError extends Error {
  readonly code = "JP_BENCH";
}

/** Whether a value is within a budget. A ratio budget needs a ratio: without one the figure is misdeclared. */
export function withinBudget(budget: Budget | null, value: number, ratio: number | null, name = "figure"): boolean {
  if (budget === null) return true;
  const bounded = budget.bounds === "value" ? value : ratio;
  if (bounded === null) throw new BenchError(`${name}: its budget bounds the ratio but it has no baseline`);
  if (!Number.isFinite(bounded)) return false;
  return budget.direction === "max" ? bounded <= budget.limit : bounded >= budget.limit;
}

/** A figure with its ratio computed and its budget judged. */
export function figure(input: FigureInput): Figure {
  const baseline = input.baseline ?? null;
  const ratio = baseline === null || baseline.value === 0 ? null : input.value / baseline.value;
  const budget = input.budget ?? null;
  return {
    name: input.name,
    value: input.value,
    unit: input.unit,
    ...(input.runs === undefined ? {} : { runs: input.runs }),
    baseline: baseline === null || ratio === null ? null : baseline.value,
    baselineName: baseline === null || ratio === null ? null : baseline.name,
    ratio,
    budget,
    pass: withinBudget(budget, input.value, ratio, input.name),
    ...(input.notes === undefined ? {} : { notes: input.notes }),
  };
}

/** 1 MB in the MB/s figures: 2^20 bytes, so a 1 MB state at N checkpoints/s is N MB/s. */
export const MB = 1024 * 1024;

/**
 * A benchmark's unit of work: one set of contenders measured together, and the names of the figures it makes (known
 * before measuring, so --only skips the work it does not need).
 */
export interface BenchCase {
  readonly figures: readonly string[];
  /** Measures and returns the figures; `wanted` says which names the run keeps (a case may skip contenders for the rest). */
  run(settings: MeasureSettings, wanted: (name: string) => boolean): Promise<readonly Figure[]> | readonly Figure[];
}

/** One module per benchmark: a name (the figures' prefix) and its cases. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  cases(): readonly BenchCase[];
}
