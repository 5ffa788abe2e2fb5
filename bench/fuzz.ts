/**
 * Fuzzing throughput: generated job programs checked per second (each rendered, run natively and as WASM on fresh
 * reference hosts, and compared), from the fuzz session API exactly as `job-parity fuzz --runs N --seed S --workers W`
 * drives it, with 2 workers (both cores of this project's machine) against the same session on 1 worker. Beside it,
 * the rate of fuzzing a host over the protocol: `fuzz --host-cmd "node bin/job-parity-reference-host.mjs"`, each case
 * sent to a host process and judged against the reference host's answer, which the worker computes too (unbudgeted).
 *
 * The figure is the session's own runsPerSecond (what `fuzz` prints): runs over the session's wall time, worker
 * startup included. The same seed and run count check the same cases on any number of workers (chunks do not depend
 * on the worker count), so the two sessions do the same work. Counterexamples, if any, go to a temp corpus (never
 * the repository's) and make the benchmark fail: a divergence is shrunk, which would distort the figure.
 */
import { availableParallelism } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostTarget } from "../harness/adapters/host-target.ts";
import { PROJECT_ROOT } from "../harness/engine/modules.ts";
import { compileWasmEagerly } from "../harness/engine/tiering.ts";
import { startFuzzSession, type FuzzSummary } from "../harness/programs/fuzz-session.ts";
import { BenchError, figure, median, type Benchmark, type BenchCase, type Budget, type Figure, type MeasureSettings } from "./measure.ts";

export const FIGURE = "fuzz.programs_per_second";
export const SEED = 1;
export const RUNS = 3000;
export const QUICK_RUNS = 500;
/** Sessions per worker count: each takes seconds, so at most this many whatever --repetitions says. */
export const MAX_SESSIONS = 3;
/** Programs per second on 2 workers: the throughput the fuzzer is built for on this 2-core machine (3,000 the goal). */
export const BUDGET: Budget = { limit: 1000, bounds: "value", direction: "min" };
const BUDGET_NOTE = `budget ${BUDGET.limit.toLocaleString("en-US")} programs/s; where the time goes: docs/fuzzing.md "Throughput"`;

/**
 * The same on a session long enough to be mostly past its warm-up (unbudgeted, beside FIGURE): each worker starts and
 * V8 optimises the harness as it goes, so a 3,000-run session checks its first second's cases at about 60% of the
 * rate that follows (docs/fuzzing.md "Throughput").
 */
export const LONG_FIGURE = "fuzz.long_session.programs_per_second";
export const LONG_RUNS = 20_000;
export const QUICK_LONG_RUNS = 5_000;

export const HOST_FIGURE = "fuzz.host_cmd.programs_per_second";
/** The host the host-fuzz figure fuzzes: the reference host behind the protocol, in its own process per worker. */
export const HOST_COMMAND = "node bin/job-parity-reference-host.mjs";
export const HOST_RUNS = 1000;
export const QUICK_HOST_RUNS = 200;
/** Host-fuzz sessions: each starts a host process per worker. */
export const HOST_SESSIONS = 2;

/** One fuzz session of `runs` runs from `seed` on `workers` workers (of a host under test, if given), counterexamples to a temp corpus. */
export async function fuzzSession(runs: number, seed: number, workers: number, target: HostTarget | null = null): Promise<FuzzSummary> {
  const corpusDir = mkdtempSync(join(tmpdir(), "job-parity-bench-fuzz-"));
  compileWasmEagerly(); // as `job-parity fuzz` does
  try {
    const summary = await startFuzzSession({ seed, budget: { runs }, workers, shard: { index: 0, count: 1 }, corpusDir, fault: null, target, maxDivergences: 1 }).done;
    if (summary.divergences > 0) {
      throw new BenchError(`fuzz: seed ${seed} found a divergence (${summary.cases.map((c) => `--seed ${c.seed} --path ${c.path}`).join(", ")}): fix it before measuring throughput`);
    }
    if (summary.runs !== runs) throw new BenchError(`fuzz: the session ran ${summary.runs} of ${runs} runs (stopped: ${summary.stopped})`);
    return summary;
  } finally {
    rmSync(corpusDir, { recursive: true, force: true });
  }
}

const pct = (part: number, whole: number) => `${whole > 0 ? Math.round((part / whole) * 100) : 0}%`;
const range = (xs: number[]) => `${Math.round(Math.min(...xs))}..${Math.round(Math.max(...xs))}`;

/** Where a session's worker time went, as the session prints it: each phase, worker startup and the rest. */
function timeSplit(summary: FuzzSummary): string {
  const t = summary.timings;
  const parts = summary.phases.map((phase) => `${phase} ${pct(t[phase] ?? 0, t.total)}`);
  return [...parts, `worker startup ${pct(t.startup, t.total)}`, `other ${pct(t.other, t.total)}`].join(", ");
}

const fuzzCase: BenchCase = {
  figures: [FIGURE],
  async run(settings: MeasureSettings): Promise<Figure[]> {
    const runs = settings.quick ? QUICK_RUNS : RUNS;
    const sessions = Math.max(1, Math.min(settings.repetitions, MAX_SESSIONS));
    const rates = new Map<number, number[]>([[1, []], [2, []]]);
    let last: FuzzSummary | null = null;
    // Interleaved, the order alternating, so drift falls on both worker counts alike.
    for (let rep = 0; rep < sessions; rep++) {
      for (const workers of rep % 2 === 0 ? [2, 1] : [1, 2]) {
        const summary = await fuzzSession(runs, SEED, workers);
        rates.get(workers)!.push(summary.runsPerSecond);
        if (workers === 2) last = summary;
      }
    }
    const two = median(rates.get(2)!);
    const one = median(rates.get(1)!);
    return [
      figure({
        name: FIGURE,
        value: two,
        unit: "programs/s",
        runs: sessions,
        baseline: { value: one, name: "the same sessions on 1 worker (ratio = what a second worker adds)" },
        budget: BUDGET,
        notes:
          `fuzz sessions of ${runs} runs, seed ${SEED}, reference host, 2 workers vs 1 (${availableParallelism()} CPUs available), ${sessions} sessions each, interleaved; ` +
          `median of runsPerSecond (runs / session wall time, worker startup included; 2 workers ${range(rates.get(2)!)}, 1 worker ${range(rates.get(1)!)} programs/s); ` +
          `time in the last 2-worker session: ${timeSplit(last!)}. ${BUDGET_NOTE}`,
      }),
    ];
  },
};

const longFuzzCase: BenchCase = {
  figures: [LONG_FIGURE],
  async run(settings: MeasureSettings): Promise<Figure[]> {
    const runs = settings.quick ? QUICK_LONG_RUNS : LONG_RUNS;
    const summary = await fuzzSession(runs, SEED, 2);
    return [
      figure({
        name: LONG_FIGURE,
        value: summary.runsPerSecond,
        unit: "programs/s",
        runs: 1,
        notes:
          `one fuzz session of ${runs.toLocaleString("en-US")} runs, seed ${SEED}, reference host, 2 workers (${(summary.elapsedMs / 1000).toFixed(1)} s); ` +
          `unbudgeted: beside ${FIGURE} (3,000 runs), to show the rate past the workers' warm-up; time: ${timeSplit(summary)}`,
      }),
    ];
  },
};

const hostFuzzCase: BenchCase = {
  figures: [HOST_FIGURE],
  async run(settings: MeasureSettings): Promise<Figure[]> {
    const runs = settings.quick ? QUICK_HOST_RUNS : HOST_RUNS;
    const sessions = Math.max(1, Math.min(settings.repetitions, HOST_SESSIONS));
    const target: HostTarget = { kind: "cmd", command: HOST_COMMAND, cwd: PROJECT_ROOT };
    const rates: number[] = [];
    let last: FuzzSummary | null = null;
    for (let rep = 0; rep < sessions; rep++) {
      last = await fuzzSession(runs, SEED, 2, target);
      rates.push(last.runsPerSecond);
    }
    return [
      figure({
        name: HOST_FIGURE,
        value: median(rates),
        unit: "programs/s",
        runs: sessions,
        notes:
          `fuzz --host-cmd "${HOST_COMMAND}" sessions of ${runs} runs, seed ${SEED}, 2 workers (a host process each), ${sessions} sessions; ` +
          `median of runsPerSecond (${range(rates)} programs/s, host process startup included); time in the last session: ${timeSplit(last!)}. ` +
          `Unbudgeted: beside ${FIGURE} for comparison; each case runs on the reference host in the worker (for the answer) and on the host process`,
      }),
    ];
  },
};

export const fuzzBenchmark: Benchmark = {
  name: "fuzz",
  description: "fuzzing throughput: generated programs checked per second on 2 workers vs 1, on a long session, and fuzzing a host over the protocol",
  cases: () => [fuzzCase, longFuzzCase, hostFuzzCase],
};
