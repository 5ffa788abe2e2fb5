import { resolve } from "node:path";
import { loadGuest } from "../engine/load.ts";
import { UnknownJobError } from "../host/host.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import { normalizeResult, runScenario, type Scenario } from "../suite/scenario.ts";
import { formatEvent } from "../trace/format.ts";
import { parseCommand, positiveInt, UsageError } from "./args.ts";

export const EXEC_USAGE = `usage: job-parity exec <guest.wat|guest.wasm> --job <name> [options]

Runs one job of a guest on the reference host and prints its trace and outcome.

  --job <name>            the job name registered in plugin_init, or a job export name
  --state <json|text>     initial state (JSON is passed as its text; anything else as UTF-8)
  --pause-at-check <N>    request a pause at the Nth interrupt check of the first run
  --cancel-at-check <N>   request a cancel at the Nth interrupt check of the first run
  --resume                resume a paused job from its last checkpoint until it ends
  --networking <peers>    enable networking with comma-separated loopback peers
  --json                  print one JSON document (outcome, runs, trace, metrics, children)

Exit codes: 0 the job ended Completed, Paused or Cancelled; 1 it Failed; 2 the guest could not be run.`;

function parseState(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // not JSON: passed as UTF-8 text
  }
}

export async function execCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCommand("exec", argv, {
    job: { type: "string" },
    state: { type: "string" },
    "pause-at-check": { type: "string" },
    "cancel-at-check": { type: "string" },
    resume: { type: "boolean", default: false },
    networking: { type: "string" },
    json: { type: "boolean", default: false },
  });
  if (positionals.length !== 1) throw new UsageError(`exec: give exactly one guest file (got ${positionals.length})\n\n${EXEC_USAGE}`);
  if (values.job === undefined) throw new UsageError(`exec: --job is required\n\n${EXEC_USAGE}`);
  const interrupts: InterruptPlan[] = [];
  const pauseAt = positiveInt("exec", "pause-at-check", values["pause-at-check"]);
  const cancelAt = positiveInt("exec", "cancel-at-check", values["cancel-at-check"]);
  if (pauseAt !== undefined) interrupts.push({ action: "pause", atCheck: pauseAt });
  if (cancelAt !== undefined) interrupts.push({ action: "cancel", atCheck: cancelAt });

  const guest = await loadGuest(resolve(positionals[0]!));
  const scenario: Scenario = {
    job: values.job,
    state: parseState(values.state),
    interrupts,
    resume: values.resume,
    networking: values.networking ? { peers: values.networking.split(",").map((p) => p.trim()).filter(Boolean) } : null,
  };
  let result;
  try {
    result = runScenario({ kind: "wasm", guest }, scenario);
  } catch (error) {
    if (error instanceof UnknownJobError) {
      const exported = guest.iface.exports.filter((e) => e.kind === "function").map((e) => e.name);
      throw new UsageError(`exec: ${(error as Error).message}; the guest exports: ${exported.join(", ")}`);
    }
    throw error;
  }
  const normalized = normalizeResult(result);
  const jobs = normalized.jobs.map((job, i) => ({
    job: job.id,
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
  if (values.json) {
    out(JSON.stringify({ guest: positionals[0], extension: normalized.extension, ...root, children, library: normalized.library }, null, 2));
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
