import { BENCHMARKS } from "./benchmarks.ts";
import { buildReport, machine, type BenchReport } from "./report.ts";
import { BenchError, FULL_SETTINGS, QUICK_SETTINGS, type Benchmark, type Figure, type MeasureSettings } from "./measure.ts";

export interface BenchOptions {
  /** Fewer, shorter runs (the self-test's mode): the figures are rough. */
  readonly quick?: boolean;
  /** Samples per figure (default 5, quick 3). */
  readonly repetitions?: number;
  /** Wall time each run is sized to, in ms (default 200, quick 10). */
  readonly targetMs?: number;
  /** Only the figures whose name contains this. */
  readonly only?: string | null;
  /** Default: every benchmark (bench/benchmarks.ts). */
  readonly benchmarks?: readonly Benchmark[];
  /** Called with one line per figure as it completes. */
  readonly progress?: (line: string) => void;
}

export function settingsFor(options: BenchOptions): MeasureSettings {
  const base = options.quick ? QUICK_SETTINGS : FULL_SETTINGS;
  return { ...base, repetitions: options.repetitions ?? base.repetitions, targetMs: options.targetMs ?? base.targetMs };
}

/** Every figure name the benchmarks can produce, in report order (nothing is measured). */
export function figureNames(benchmarks: readonly Benchmark[] = BENCHMARKS): string[] {
  return benchmarks.flatMap((benchmark) => benchmark.cases().flatMap((c) => c.figures));
}

/**
 * Measures the selected figures and returns the report (not yet written: see writeBenchReport). Throws BenchError
 * when a benchmark cannot run or --only selects nothing.
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const benchmarks = options.benchmarks ?? BENCHMARKS;
  const settings = settingsFor(options);
  const only = options.only ?? null;
  const wanted = (name: string) => only === null || name.includes(only);
  const cases = benchmarks.flatMap((benchmark) => benchmark.cases()).filter((c) => c.figures.some(wanted));
  const total = cases.reduce((n, c) => n + c.figures.filter(wanted).length, 0);
  if (total === 0) {
    throw new BenchError(`--only ${JSON.stringify(only)} selects no figure; the figures are:\n  ${figureNames(benchmarks).join("\n  ")}`);
  }
  const startedAt = new Date();
  const host = machine(); // the load average before this process adds its own
  const load = host.loadAverage?.[0] ?? 0;
  if (load > host.cpus) options.progress?.(`bench: the machine is busy (load average ${load} on ${host.cpus} CPUs): other processes compete, the figures will be noisy`);
  const started = performance.now();
  const figures: Figure[] = [];
  const seen = new Set<string>();
  for (const benchCase of cases) {
    const caseStart = performance.now();
    const made = await benchCase.run(settings, wanted);
    const seconds = ((performance.now() - caseStart) / 1000).toFixed(1);
    for (const f of made) {
      if (!wanted(f.name)) continue;
      if (seen.has(f.name)) throw new BenchError(`internal: two figures are named ${f.name}`);
      seen.add(f.name);
      figures.push(f);
      const status = f.pass ? "" : "  FAIL (budget)";
      options.progress?.(`[${figures.length}/${total}] ${f.name}: ${formatProgressValue(f.value)} ${f.unit}${f.ratio === null ? "" : ` (ratio ${f.ratio.toFixed(3)})`} in ${seconds} s${status}`);
    }
  }
  return buildReport({
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    machine: host,
    options: { quick: settings.quick, repetitions: settings.repetitions, targetMs: settings.targetMs, only },
    figures,
  });
}

function formatProgressValue(x: number): string {
  return x >= 1000 ? Math.round(x).toLocaleString("en-US") : Number(x.toPrecision(3)).toString();
}
