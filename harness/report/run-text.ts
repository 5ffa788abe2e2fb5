import { normalizeResult, type ScenarioResult } from "../suite/scenario.ts";
import { formatEvent } from "../trace/format.ts";

/** How much of a run to print: every event (the default), or one outcome line per job (long durable runs). */
export interface RunTextOptions {
  readonly json: boolean;
  readonly quiet?: boolean;
}

/**
 * Prints a job run (exec, resume): every job's trace and outcome, or one JSON document (without traces when quiet).
 * Returns the exit code: 1 when the root job Failed, else 0.
 */
export function printRun(result: ScenarioResult, source: string, options: RunTextOptions, out: (line: string) => void): number {
  const normalized = normalizeResult(result);
  const jobs = normalized.jobs.map((job, i) => ({
    job: job.id,
    // The real id: what `resume` and `jobs` take. Normalized names (job:0) are for comparing runs.
    id: result.jobs[i]!.id,
    type: job.type,
    parent: job.parent,
    outcome: job.status,
    runs: job.runs,
    exitCodes: job.exitCodes,
    metrics: job.metrics,
    savedState: job.savedState,
    droppedLogLines: job.droppedLogLines,
    droppedWarnings: job.droppedWarnings,
    error: result.errors[i] ?? null,
    trace: options.quiet ? undefined : job.trace,
  }));
  const [root, ...children] = jobs;
  const exitCode = root!.outcome === "Failed" ? 1 : 0;
  if (options.json) {
    out(JSON.stringify({ guest: source, extension: normalized.extension, ...root, children, library: normalized.library }, null, 2));
    return exitCode;
  }
  for (const event of normalized.extension) out(`extension  ${formatEvent(event)}`);
  for (const job of jobs) {
    out("");
    out(`${job.job}  ${job.type}${job.parent ? `  (child of ${job.parent})` : ""}`);
    job.trace?.forEach((event, i) => out(`  #${String(i).padEnd(4)} ${formatEvent(event)}`));
    const m = job.metrics;
    out(
      `  => ${job.outcome} after ${job.runs} run${job.runs === 1 ? "" : "s"} (exit codes ${job.exitCodes.join(", ") || "none"})` +
        ` · items ${m.items} · bytes ${m.bytes} · warnings ${m.warnings} · non-critical errors ${m.nonCriticalErrors}`,
    );
    const dropped = [job.droppedLogLines > 0 ? ` · ${job.droppedLogLines} log lines dropped` : "", job.droppedWarnings > 0 ? ` · ${job.droppedWarnings} warnings dropped` : ""].join("");
    const saved = job.savedState === null ? "none" : options.quiet ? `${job.savedState.length} characters` : JSON.stringify(job.savedState);
    out(`     saved state: ${saved}${dropped}${job.error ? ` · error: ${job.error}` : ""}`);
  }
  return exitCode;
}

/** The line that tells how to continue a durable run that left jobs unfinished; null when every job ended. */
export function resumeHint(result: ScenarioResult, db: string): string | null {
  const unfinished = result.jobs.filter((job) => job.status === "Paused" || job.status === "Queued");
  if (unfinished.length === 0) return null;
  const root = result.jobs[0]!;
  const next = root.status === "Paused" || root.status === "Queued" ? root : unfinished[0]!;
  return `job-parity: ${unfinished.length === 1 ? "1 job is" : `${unfinished.length} jobs are`} unfinished; resume with: job-parity resume ${next.id} --db ${db}`;
}
