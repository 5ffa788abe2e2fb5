import { normalizeResult, type ScenarioResult } from "../suite/scenario.ts";
import { formatEvent } from "../trace/format.ts";
import { printable } from "../trace/printable.ts";
import type { TraceSummary } from "../trace/window.ts";
import { shellWord } from "../trace/shell.ts";

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
    // Under a trace window (exec and resume have one by default): what the trace kept and did not; null: every event.
    traceSummary: (result.jobs[i]!.traceSummary ?? null) as TraceSummary | null,
  }));
  const [root, ...children] = jobs;
  const exitCode = root!.outcome === "Failed" ? 1 : 0;
  if (options.json) {
    const extensionSummary = result.extensionSummary ?? null;
    out(JSON.stringify({ guest: source, extension: normalized.extension, extensionSummary, ...root, children, library: normalized.library }, null, 2));
    return exitCode;
  }
  const extensionGap = result.extensionSummary?.dropped ? result.extensionSummary : null;
  normalized.extension.forEach((event, i) => {
    if (extensionGap !== null && i === extensionGap.window) out(`extension  ${gapLine(extensionGap)}`);
    out(`extension  ${formatEvent(event)}`);
  });
  if (extensionGap !== null) out(`extension  ${summaryLine(extensionGap)}`);
  for (const job of jobs) {
    out("");
    out(`${job.job}  ${printable(job.type)}${job.parent ? `  (child of ${job.parent})` : ""}`);
    const gap = job.traceSummary?.dropped ? job.traceSummary : null;
    job.trace?.forEach((event, i) => {
      if (gap !== null && i === gap.window) out(`  ${gapLine(gap)}`);
      // A kept event's index in the whole trace: the ones after the gap come after every event not kept.
      const index = gap !== null && i >= gap.window ? i + gap.dropped : i;
      out(`  #${String(index).padEnd(4)} ${formatEvent(event)}`);
    });
    const m = job.metrics;
    out(
      `  => ${job.outcome} after ${job.runs} run${job.runs === 1 ? "" : "s"} (exit codes ${job.exitCodes.join(", ") || "none"})` +
        ` · items ${m.items} · bytes ${m.bytes} · warnings ${m.warnings} · non-critical errors ${m.nonCriticalErrors}`,
    );
    const dropped = [job.droppedLogLines > 0 ? ` · ${job.droppedLogLines} log lines dropped` : "", job.droppedWarnings > 0 ? ` · ${job.droppedWarnings} warnings dropped` : ""].join("");
    const saved = job.savedState === null ? "none" : options.quiet ? `${job.savedState.length} characters` : JSON.stringify(job.savedState);
    out(printable(`     saved state: ${saved}${dropped}${job.error ? ` · error: ${job.error}` : ""}`));
    if (gap !== null) out(`     ${summaryLine(gap)}`);
  }
  return exitCode;
}

/** `2 progress, 1 log`: how many events of each kind a window did not keep, most first. */
function kindCounts(summary: TraceSummary): string {
  const kinds = Object.entries(summary.droppedKinds).sort(([a, x], [b, y]) => y! - x! || a.localeCompare(b));
  return kinds.map(([kind, n]) => `${n} ${kind}`).join(", ");
}

/** The line in place of the events a window did not keep. */
function gapLine(summary: TraceSummary): string {
  const last = summary.window + summary.dropped - 1;
  return `...   ${summary.dropped} events not kept (#${summary.window} to #${last}): ${kindCounts(summary)}`;
}

/** What a window kept of a trace, and the newest checkpoint whether its event was kept or not. */
function summaryLine(summary: TraceSummary): string {
  const checkpoint = summary.lastCheckpoint;
  const last =
    checkpoint === null
      ? ""
      : `; last checkpoint #${checkpoint.index}: ${checkpoint.sha256 === null ? "stateless" : `${checkpoint.bytes} bytes, sha256 ${checkpoint.sha256}`}`;
  return `trace: ${summary.events} events, the first and last ${summary.window} kept (--trace-window), ${summary.dropped} not kept: ${kindCounts(summary)}${last}`;
}

/**
 * The line that tells how to continue a durable run that left jobs unfinished; null when every job ended. `extension`:
 * the file `resume` must be named (--extension) to load the job's extension, run in this directory; null when none.
 */
export function resumeHint(result: ScenarioResult, db: string, extension: string | null): string | null {
  const unfinished = result.jobs.filter((job) => job.status === "Paused" || job.status === "Queued");
  if (unfinished.length === 0) return null;
  const root = result.jobs[0]!;
  const next = root.status === "Paused" || root.status === "Queued" ? root : unfinished[0]!;
  const command = ["job-parity", "resume", next.id, "--db", db, ...(extension === null ? [] : ["--extension", extension])].map(shellWord).join(" ");
  return `job-parity: ${unfinished.length === 1 ? "1 job is" : `${unfinished.length} jobs are`} unfinished; resume with: ${command}`;
}
