import { normalizeResult, type ScenarioResult } from "../suite/scenario.ts";
import { formatEvent } from "../trace/format.ts";

/** Prints a job run (exec, resume): every job's trace and outcome, or one JSON document. Returns the exit code. */
export function printRun(result: ScenarioResult, source: string, json: boolean, out: (line: string) => void): number {
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
    trace: job.trace,
  }));
  const [root, ...children] = jobs;
  const exitCode = root!.outcome === "Failed" ? 1 : 0;
  if (json) {
    out(JSON.stringify({ guest: source, extension: normalized.extension, ...root, children, library: normalized.library }, null, 2));
    return exitCode;
  }
  for (const event of normalized.extension) out(`extension  ${formatEvent(event)}`);
  for (const job of jobs) {
    out("");
    out(`${job.job}  ${job.type}${job.parent ? `  (child of ${job.parent})` : ""}`);
    job.trace.forEach((event, i) => out(`  #${String(i).padEnd(4)} ${formatEvent(event)}`));
    const m = job.metrics;
    out(
      `  => ${job.outcome} after ${job.runs} run${job.runs === 1 ? "" : "s"} (exit codes ${job.exitCodes.join(", ") || "none"})` +
        ` · items ${m.items} · bytes ${m.bytes} · warnings ${m.warnings} · non-critical errors ${m.nonCriticalErrors}`,
    );
    const dropped = [job.droppedLogLines > 0 ? ` · ${job.droppedLogLines} log lines dropped` : "", job.droppedWarnings > 0 ? ` · ${job.droppedWarnings} warnings dropped` : ""].join("");
    out(`     saved state: ${job.savedState === null ? "none" : JSON.stringify(job.savedState)}${dropped}${job.error ? ` · error: ${job.error}` : ""}`);
  }
  return exitCode;
}
