import { availableParallelism } from "node:os";
import { isAbsolute, relative, resolve } from "node:path";
import { randomInt } from "node:crypto";
import { formatCounterexample } from "../programs/counterexample.ts";
import {
  FAULT_NAMES,
  ReplayError,
  replayCase,
  SEED_LIMIT,
  startFuzzSession,
  TIMING_PHASES,
  type Budget,
  type FoundCase,
  type FuzzProgress,
  type FuzzSummary,
  type Shard,
} from "../programs/fuzz-session.ts";
import { PROJECT_ROOT } from "../suite/fixtures.ts";
import { parseCommand, positiveInt, UsageError } from "./args.ts";

export const FUZZ_USAGE = `usage: job-parity fuzz [--time 60s | --runs N] [--seed S] [--workers N] [--shard i/n] [--corpus <dir>] [--fault <name>]
                       [--max-divergences N] [--json]
       job-parity fuzz --seed S --path P [--fault <name>] [--json]

Generates job programs and scenarios and runs each natively and as WASM on fresh reference hosts until the budget is
spent; every divergence is shrunk, printed and saved to the regression corpus.

  --time <duration>       how long to fuzz: 500ms, 90s, 2m (default 60s)
  --runs <N>              how many cases to check, across all workers (instead of --time)
  --seed <S>              the session seed, 0..${SEED_LIMIT - 1} (default: random; printed)
  --workers <N>           worker threads (default: ${availableParallelism()}, the available parallelism)
  --shard <i/n>           run shard i of n (0/4 .. 3/4): shards of one session seed never share a chunk
  --corpus <dir>          where counterexamples are saved (default: wat-fixtures/regressions)
  --fault <name>          fuzz against a deliberately faulty WASM boundary: ${FAULT_NAMES.join(", ")}
  --max-divergences <N>   stop after N divergences (default 10; each is shrunk, which takes a while)
  --json                  print one JSON object (runs, divergences, runsPerSecond, seed, timings, saved, ...)

  --path <P>              replay the one case a counterexample names (with the --seed printed beside it)

Exit codes: 0 no divergence, 1 divergences found (or the replayed case diverges), 2 bad usage or a harness error.`;

const DEFAULT_TIME_MS = 60_000;
const DEFAULT_MAX_DIVERGENCES = 10;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "90s", "2m", "1.5h" in ms, or a UsageError naming the flag. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const ms = match ? Math.round(Number(match[1]) * UNITS[match[2]!]!) : NaN;
  if (!(ms >= 1)) throw new UsageError(`fuzz: --${flag} must be a duration like 60s, 2m or 500ms, got ${JSON.stringify(text)}`);
  return ms;
}

function parseShard(text: string | undefined): Shard {
  if (text === undefined) return { index: 0, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1) || !(index < count)) {
    throw new UsageError(`fuzz: --shard must look like 0/4 (shard index 0 to count-1, then the shard count), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

function parseSeed(text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n >= SEED_LIMIT) {
    throw new UsageError(`fuzz: --seed must be an integer from ${min === 0 ? 0 : `${min} (write --seed=${min})`} to ${SEED_LIMIT - 1}, got ${JSON.stringify(text)}`);
  }
  return n;
}

function parseFault(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (!FAULT_NAMES.includes(text)) throw new UsageError(`fuzz: --fault must be one of ${FAULT_NAMES.join(", ")}, got ${JSON.stringify(text)}`);
  return text;
}

/** A path relative to the working directory when it is inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function describeBudget(budget: Budget): string {
  return "runs" in budget ? plural(budget.runs, "run") : `for ${seconds(budget.timeMs)}`;
}

function progressLine(p: FuzzProgress): string {
  return `fuzz: ${plural(p.runs, "run")} · ${p.runsPerSecond.toFixed(0)} runs/s · ${plural(p.divergences, "divergence")} · ${seconds(p.elapsedMs)}`;
}

function timingLine(summary: FuzzSummary): string {
  const t = summary.timings;
  const pct = (ms: number) => `${t.total > 0 ? ((ms / t.total) * 100).toFixed(0) : 0}%`;
  const phases = [...TIMING_PHASES, "startup", "other"] as const;
  return `time went to: ${phases.map((phase) => `${phase} ${pct(t[phase])}`).join(" · ")} (of ${seconds(t.total)} in workers)`;
}

function summaryLines(summary: FuzzSummary): string[] {
  const lines = [
    `${plural(summary.runs, "run")} in ${seconds(summary.elapsedMs)} (${summary.runsPerSecond.toFixed(0)} runs/s) on ${plural(summary.workers, "worker")}` +
      ` · seed ${summary.seed} · shard ${summary.shard.index}/${summary.shard.count} · host ${summary.host}`,
  ];
  if (summary.stopped === "interrupted") lines.push("interrupted (Ctrl-C): the counts are those of the runs that finished");
  if (summary.stopped === "max-divergences") lines.push(`stopped after ${plural(summary.divergences, "divergence")} (--max-divergences)`);
  lines.push(`${plural(summary.divergences, "divergence")}${summary.divergences > 0 ? ` (${plural(summary.cases.length, "distinct case")})` : ""}`);
  for (const found of summary.cases) {
    lines.push(`  ${found.saved ? "saved" : "known"}  ${shown(found.dir)}${found.found > 1 ? `  (found ${found.found} times)` : ""}`);
  }
  lines.push(timingLine(summary));
  return lines;
}

/** The live progress line: on stderr, overwritten ~4 times a second on a terminal, one line every 2 s otherwise. */
function progressReporter(session: { progress(): FuzzProgress }) {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const timer = setInterval(
    () => {
      const line = progressLine(session.progress());
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        shown = true;
      } else {
        process.stderr.write(`${line}\n`);
      }
    },
    tty ? 250 : 2000,
  );
  return {
    /** Clears the line (so other output starts at column 0). */
    clear() {
      if (shown) process.stderr.write("\r\x1b[K");
      shown = false;
    },
    stop() {
      clearInterval(timer);
      this.clear();
    },
  };
}

export async function fuzzCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommand(
    "fuzz",
    argv,
    {
      time: { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      shard: { type: "string" },
      corpus: { type: "string" },
      fault: { type: "string" },
      "max-divergences": { type: "string" },
      path: { type: "string" },
      json: { type: "boolean", default: false },
    },
    false,
  );
  const fault = parseFault(values.fault);

  if (values.path !== undefined) {
    for (const flag of ["time", "runs", "workers", "shard", "corpus", "max-divergences"] as const) {
      if (values[flag] !== undefined) throw new UsageError(`fuzz: --${flag} cannot be combined with --path (--path replays one case; drop --${flag})`);
    }
    if (values.seed === undefined) throw new UsageError("fuzz: --path needs the --seed printed with it (--seed S --path P)");
    if (!/^\d+(:\d+)*$/.test(values.path)) throw new UsageError(`fuzz: --path must be a fast-check path like 3:0:2, got ${JSON.stringify(values.path)}`);
    return replay(parseSeed(values.seed, -SEED_LIMIT)!, values.path, fault, values.json, out);
  }

  if (values.time !== undefined && values.runs !== undefined) throw new UsageError("fuzz: --time and --runs cannot be combined (give one budget)");
  const runs = positiveInt("fuzz", "runs", values.runs);
  const budget: Budget = runs !== undefined ? { runs } : { timeMs: values.time !== undefined ? parseDuration("time", values.time) : DEFAULT_TIME_MS };
  const seed = parseSeed(values.seed, 0) ?? randomInt(SEED_LIMIT);
  const workers = positiveInt("fuzz", "workers", values.workers) ?? availableParallelism();
  const shard = parseShard(values.shard);
  const maxDivergences = positiveInt("fuzz", "max-divergences", values["max-divergences"]) ?? DEFAULT_MAX_DIVERGENCES;
  const corpusDir = resolve(values.corpus ?? resolve(PROJECT_ROOT, "wat-fixtures/regressions"));

  if (!values.json) {
    out(`fuzz: seed ${seed} · shard ${shard.index}/${shard.count} · ${plural(workers, "worker")} · ${describeBudget(budget)} · host ${fault === null ? "reference" : `fault:${fault}`} · corpus ${shown(corpusDir)}`);
  }
  let reporter: ReturnType<typeof progressReporter> | null = null;
  const session = startFuzzSession({
    seed,
    budget,
    workers,
    shard,
    corpusDir,
    fault,
    maxDivergences,
    onCounterexample: (found: FoundCase) => {
      if (values.json || !found.first) return;
      reporter?.clear();
      out("");
      out(formatCounterexample(found.counterexample));
      out(`${found.saved ? "saved to" : "already in the corpus:"} ${shown(found.dir)} (host ${found.regression.host})`);
      out("");
    },
  });
  if (!values.json) reporter = progressReporter(session);
  const onSigint = () => session.stop();
  process.once("SIGINT", onSigint);
  let summary: FuzzSummary;
  try {
    summary = await session.done;
  } finally {
    process.off("SIGINT", onSigint);
    reporter?.stop();
  }
  if (values.json) out(JSON.stringify(summary, null, 2));
  else for (const line of summaryLines(summary)) out(line);
  return summary.divergences === 0 ? 0 : 1;
}

function replay(seed: number, path: string, fault: string | null, json: boolean, out: (line: string) => void): number {
  let outcome;
  try {
    outcome = replayCase(seed, path, fault);
  } catch (error) {
    if (error instanceof ReplayError) throw new UsageError(`fuzz: ${error.message}`);
    throw error;
  }
  const { ok, host, counterexample } = outcome;
  if (json) {
    const { result, ...found } = counterexample;
    out(JSON.stringify({ ok, host, ...found, divergence: result.divergence, invariants: result.invariants }, null, 2));
  } else if (ok) {
    out(`no divergence: the case passes now (seed ${seed}, path ${path}, host ${host})`);
  } else {
    out(formatCounterexample(counterexample));
    out(`host: ${host}`);
  }
  return ok ? 0 : 1;
}
