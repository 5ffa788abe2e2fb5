import { isAbsolute, relative } from "node:path";
import { MUTANTS, type Mutant } from "../adapters/mutants.ts";
import { FuzzWorkerPool } from "../programs/fuzz-protocol.ts";
import { coverageOf, formatCoverage, mergeCoverage, type Coverage } from "../programs/coverage.ts";
import { FuzzHostError, startFuzzSession, type FuzzOptions, type FuzzSummary } from "../programs/fuzz-session.ts";
import { targetFlag } from "../adapters/host-target.ts";
import { hostReplayCommand } from "../programs/host-counterexample.ts";
import { awaitSession } from "./fuzz-wait.ts";
import { SIGNAL_EXIT, stoppedBy, type StopSignal } from "../suite/signals.ts";

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
  /** The shrunk case, in the corpus (null: none saved). */
  readonly case: string | null;
  /**
   * The command that finds the catch again when no case holds it: caught and not shrunk (a signal stopped its
   * shrinking), or shrunk and not saved (the corpus could not be written, `saveError`).
   */
  readonly replay: string | null;
  readonly saveError: string | null;
  /** A signal stopped its session before its budget: not caught is then not survived. */
  readonly stopped: boolean;
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
  let signal: StopSignal | null = null;
  // Between two mutants' sessions no session listens for a signal: one that came then would end the process unheard.
  const onSignal = (s: StopSignal) => {
    // A second signal ends the command at once, as it would without a listener (a session winding down may hang).
    if (interrupted) process.exit(SIGNAL_EXIT[s]);
    interrupted = true;
    signal ??= s;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const pool = new FuzzWorkerPool();
  try {
    for (const mutant of mutants) {
      if (interrupted) break;
      const row = await fuzzOne(mutant);
      if (row === null) return 2;
      rows.push(row);
      if (!json) {
        const first = row.firstCatch === null ? "-" : `${seconds(row.firstCatch.ms)} (${row.firstCatch.runs} run${row.firstCatch.runs === 1 ? "" : "s"})`;
        const verdict = row.caught ? "caught  " : row.stopped ? "stopped " : "SURVIVED";
        out(`${row.mutant.padEnd(width)}  ${verdict}  ${first.padEnd(22)}  ${String(row.runs).padStart(6)}  ${String(row.skipped).padStart(7)}  ${row.case === null ? "-" : shown(row.case)}`);
        if (row.replay !== null) out(`  ${row.saveError === null ? "caught, not shrunk" : `not saved (${row.saveError})`}: ${row.replay}`);
      }
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await pool.close();
  }

  async function fuzzOne(mutant: Mutant): Promise<MutantFuzzRow | null> {
    const session = startFuzzSession({ ...common, target: { kind: "mutant", name: mutant.name }, pool });
    const summary = await awaitSession(session);
    if (summary instanceof FuzzHostError) {
      err(`job-parity fuzz: mutant ${mutant.name}: ${summary.message}`);
      return null;
    }
    coverage = mergeCoverage(coverage, summary.coverage);
    const saved = summary.cases[0];
    const lost = saved !== undefined && saved.saveError !== null ? saved : summary.cases.length === 0 ? summary.unshrunk[0] : undefined;
    return {
      mutant: mutant.name,
      clause: mutant.clause ?? null,
      caught: summary.divergences > 0,
      firstCatch: summary.firstCatch,
      runs: summary.runs,
      skipped: summary.skipped,
      case: saved !== undefined && saved.saveError === null ? saved.dir : null,
      replay: lost === undefined ? null : hostReplayCommand(lost.seed, lost.path, targetFlag({ kind: "mutant", name: mutant.name })),
      saveError: saved?.saveError ?? null,
      stopped: summary.stopped === "interrupted",
      elapsedMs: summary.elapsedMs,
    };
  }
  const caught = rows.filter((r) => r.caught);
  // A mutant whose session a signal stopped was not fuzzed to its budget: stopped, not survived.
  const survived = rows.filter((r) => !r.caught && !r.stopped).map((r) => r.mutant);
  const elapsedMs = performance.now() - started;
  if (json) {
    out(JSON.stringify({ mutants: rows.length, caught: caught.length, survived, interrupted, seed: common.seed, budget: common.budget, elapsedMs, results: rows, coverage }, null, 2));
  } else {
    if (interrupted) out(`interrupted (${stoppedBy(signal)}): the last row's mutant was stopped, the mutants after it were not fuzzed`);
    const times = caught.map((r) => r.firstCatch?.ms ?? 0).sort((a, b) => a - b);
    const median = times.length === 0 ? "-" : seconds(times[Math.floor(times.length / 2)]!);
    out(`caught ${caught.length} of ${rows.length} mutants (median time to first catch ${median}) in ${seconds(elapsedMs)}`);
    if (survived.length > 0) out(`survived (the generated cases do not reach their bug): ${survived.join(", ")}`);
    out("");
    out(formatCoverage(coverage));
  }
  if (survived.length > 0) return 1;
  return interrupted ? SIGNAL_EXIT[signal ?? "SIGINT"] : 0;
}
