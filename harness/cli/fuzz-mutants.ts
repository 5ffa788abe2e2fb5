import { isAbsolute, relative } from "node:path";
import { MUTANTS, type Mutant } from "../adapters/mutants.ts";
import { FuzzWorkerPool } from "../programs/fuzz-protocol.ts";
import { coverageOf, formatCoverage, mergeCoverage, type Coverage } from "../programs/coverage.ts";
import { FuzzHostError, startFuzzSession, type FuzzOptions, type FuzzSummary } from "../programs/fuzz-session.ts";
import { awaitSession } from "./fuzz-wait.ts";

/**
 * `job-parity fuzz --mutant all`: a fuzzing session against each mutant host in turn (the reference host with one bug
 * planted; harness/adapters/mutants.ts), with the same budget each, and per mutant whether fuzzing caught it and how
 * long that took. What the generator cannot reach survives: the table says where to widen it. The sessions share one
 * set of worker threads (a pool), so a mutant costs its runs and not a worker start.
 */

export const mutantNames = (): string[] => MUTANTS.map((m) => m.name);

export interface MutantFuzzRow {
  readonly mutant: string;
  readonly clause: string | null;
  readonly caught: boolean;
  /** The first divergence, before shrinking: ms after the mutant's session started fuzzing, and runs done by then. */
  readonly firstCatch: FuzzSummary["firstCatch"];
  readonly runs: number;
  readonly skipped: number;
  /** The shrunk case, in the corpus. */
  readonly case: string | null;
  readonly elapsedMs: number;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function fuzzEveryMutant(
  common: Omit<FuzzOptions, "target" | "onCounterexample">,
  json: boolean,
  out: (line: string) => void,
  err: (line: string) => void,
  mutants: readonly Mutant[] = MUTANTS,
): Promise<number> {
  const width = Math.max(...mutants.map((m) => m.name.length));
  const budget = "runs" in common.budget ? `${common.budget.runs} runs` : `${seconds(common.budget.timeMs)}`;
  if (!json) {
    out(`fuzz: every mutant host in turn, ${budget} each · seed ${common.seed} · ${common.workers} worker${common.workers === 1 ? "" : "s"} · corpus ${shown(common.corpusDir)}`);
    out(`${"mutant".padEnd(width)}  verdict   ${"first catch".padEnd(22)}  ${"runs".padStart(6)}  ${"skipped".padStart(7)}  case`);
  }
  const rows: MutantFuzzRow[] = [];
  /** What the cases sent to every mutant reached on the reference host, merged: one table for the whole run. */
  let coverage: Coverage = coverageOf([]);
  const started = performance.now();
  let interrupted = false;
  const pool = new FuzzWorkerPool();
  try {
    for (const mutant of mutants) {
      if (interrupted) break;
      const row = await fuzzOne(mutant);
      if (row === null) return 2;
      rows.push(row);
      if (!json) {
        const first = row.firstCatch === null ? "-" : `${seconds(row.firstCatch.ms)} (${row.firstCatch.runs} run${row.firstCatch.runs === 1 ? "" : "s"})`;
        const verdict = row.caught ? "caught  " : interrupted ? "stopped " : "SURVIVED";
        out(`${row.mutant.padEnd(width)}  ${verdict}  ${first.padEnd(22)}  ${String(row.runs).padStart(6)}  ${String(row.skipped).padStart(7)}  ${row.case === null ? "-" : shown(row.case)}`);
      }
    }
  } finally {
    await pool.close();
  }

  async function fuzzOne(mutant: Mutant): Promise<MutantFuzzRow | null> {
    const session = startFuzzSession({ ...common, target: { kind: "mutant", name: mutant.name }, pool });
    const summary = await awaitSession(session, () => (interrupted = true));
    if (summary instanceof FuzzHostError) {
      err(`job-parity fuzz: mutant ${mutant.name}: ${summary.message}`);
      return null;
    }
    coverage = mergeCoverage(coverage, summary.coverage);
    return {
      mutant: mutant.name,
      clause: mutant.clause ?? null,
      caught: summary.divergences > 0,
      firstCatch: summary.firstCatch,
      runs: summary.runs,
      skipped: summary.skipped,
      case: summary.cases[0]?.dir ?? null,
      elapsedMs: summary.elapsedMs,
    };
  }
  const caught = rows.filter((r) => r.caught);
  const survived = rows.filter((r) => !r.caught).map((r) => r.mutant);
  const elapsedMs = performance.now() - started;
  if (json) {
    out(JSON.stringify({ mutants: rows.length, caught: caught.length, survived, interrupted, seed: common.seed, budget: common.budget, elapsedMs, results: rows, coverage }, null, 2));
  } else {
    if (interrupted) out("interrupted (Ctrl-C): the mutants after the last row were not fuzzed");
    const times = caught.map((r) => r.firstCatch?.ms ?? 0).sort((a, b) => a - b);
    const median = times.length === 0 ? "-" : seconds(times[Math.floor(times.length / 2)]!);
    out(`caught ${caught.length} of ${rows.length} mutants (median time to first catch ${median}) in ${seconds(elapsedMs)}`);
    if (survived.length > 0) out(`survived (the generated cases do not reach their bug): ${survived.join(", ")}`);
    out("");
    out(formatCoverage(coverage));
  }
  return survived.length === 0 ? 0 : 1;
}
