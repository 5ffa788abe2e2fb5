import { availableParallelism } from "node:os";
import { existsSync, mkdtempSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { randomInt } from "node:crypto";
import { PROJECT_ROOT } from "../engine/modules.ts";
import type { HostTarget } from "../adapters/host-target.ts";
import { HostFailure } from "../adapters/types.ts";
import { compileWasmEagerly } from "../engine/tiering.ts";
import { formatCounterexample, replayCommand } from "../programs/counterexample.ts";
import { formatCoverage } from "../programs/coverage.ts";
import { formatHostCounterexample, hostFindingLines, hostReplayCommand, replayFlags } from "../programs/host-counterexample.ts";
import {
  FAULT_NAMES,
  FuzzHostError,
  hostLabel,
  isHostFinding,
  ReplayError,
  replayCase,
  replayOnHost,
  SEED_LIMIT,
  startFuzzSession,
  type Budget,
  type FoundCase,
  type FuzzOptions,
  type FuzzProgress,
  type FuzzSummary,
  type Shard,
} from "../programs/fuzz-session.ts";
import { describeMissing } from "../suite/case-needs.ts";
import { DEFAULT_CASE_TIMEOUT_MS, hostStartFailureLines } from "../suite/gate.ts";
import { MAX_TIMEOUT_MS, parseCommand, positiveInt, UsageError } from "./args.ts";
import { shippedPath } from "./examples.ts";
import { defaultCorpusDir, defaultMutantCorpusDir, OWN_CORPUS } from "./defaults.ts";
import { fuzzEveryMutant, mutantNames } from "./fuzz-mutants.ts";
import { awaitSession } from "./fuzz-wait.ts";
import { SIGNAL_EXIT, stoppedBy, type StopSignal } from "../suite/signals.ts";
import { printableLines } from "../trace/printable.ts";

/** The largest first index of a replayed path: a replay draws every case before it (10,000,000 take about 3 s). */
const MAX_PATH_INDEX = 10_000_000;

export const FUZZ_USAGE = `usage: job-parity fuzz [--time 60s | --runs N] [--seed S] [--workers N] [--shard i/n] [--corpus <dir>] [--fault <name>]
                       [--max-divergences N] [--json]
       job-parity fuzz [--host-cmd "<command>" | --host-module <path> | --mutant <name|all>] [--timeout <ms>] [the options above]
       job-parity fuzz --seed S --path P [--fault <name> | --host-cmd "<command>" | --host-module <path> | --mutant <name>] [--json]

Generates job programs and scenarios and runs each natively and as WASM on fresh reference hosts until the budget is
spent; every divergence is shrunk, printed and saved to the regression corpus. The session ends with a coverage
table: what its cases reached on the reference host (per import its calls and status codes, per clause of the
specification the cases exercising it, and counts of interrupts answered, children, limits met and run ends).

With a host under test (--host-cmd, --host-module, --mutant), each generated case (among them cases only a WASM guest
can be: hostile pointers and lengths, a memory cap) is rendered as a WASM guest and sent to that host as \`job-parity
run\` sends a case, and its answer is judged as the gate judges one: against the reference host's own answer for the
same request (behaviour, never words) and the invariants. A case needing a capability, wire method or ABI version the
host's handshake does not offer is skipped (counted). A divergence, or a host that breaks on a case, is shrunk against
the host, printed with the first divergent event and a replay command, and saved with \`host\` naming the host:
\`job-parity run\` includes the corpus, so the case gates every host after. What a session against a mutant or a
faulty boundary finds is saved apart (--corpus below): it is no regression of a real host.

  --time <duration>       how long to fuzz: 500ms, 90s, 2m (default 60s)
  --runs <N>              how many cases to check, across all workers (instead of --time)
  --seed <S>              the session seed, 0..${SEED_LIMIT - 1} (default: random; printed)
  --workers <N>           worker threads (default and most: ${availableParallelism()}, the available parallelism)
  --shard <i/n>           run shard i of n (0/4 .. 3/4): shards of one session seed never share a chunk
  --corpus <dir>          where counterexamples are saved (default: job-parity-corpus/ here; in job-parity's own
                          checkout, wat-fixtures/regressions, which the suite replays; with --mutant or --fault,
                          reports/mutant-corpus/ here, out of the corpus \`run\` sends to hosts)
  --fault <name>          fuzz against a deliberately faulty WASM boundary: ${FAULT_NAMES.join(", ")}
  --host-cmd "<command>"  fuzz a host speaking the JSON-lines protocol (conformance/PROTOCOL.md), run with /bin/sh -c:
                          one process per worker, restarted when it breaks
  --host-module <path>    fuzz a .ts/.mjs module whose default export is () => HostAdapter | Promise<HostAdapter>
                          (a relative path under conformance/ that does not exist here names job-parity's own file)
  --mutant <name|all>     fuzz a mutant host (job-parity mutants --list lists them); all: each mutant in turn, with the
                          budget for each, printing per mutant whether it was caught and how long that took
  --timeout <ms>          per case, with a host under test (default ${DEFAULT_CASE_TIMEOUT_MS}); a case the reference host
                          itself takes over a quarter of it on is asked again after a timeout, alone, with ten times
                          the reference's time
  --max-divergences <N>   stop after N divergences (default 10, 1 per mutant with --mutant all; each is shrunk)
  --json                  print one JSON object (runs, divergences, runsPerSecond, seed, timings, saved, coverage, ...)

  --path <P>              replay the one case a counterexample names (with the --seed printed beside it)

Exit codes: 0 no divergence, 1 divergences found (or the replayed case diverges; with --mutant all: a mutant
survived), a host that did not shut down as the protocol says, or a host sent no case at all (every case needed what
its handshake does not offer), 2 bad usage, a host under test that cannot start or shake hands (or be brought back
after a case broke it), or a harness error, 130 stopped by Ctrl-C and 143 by SIGTERM before its budget (after its
summary and the cases it saved). A --seed/--path replay holds for the version of job-parity that printed it.`;

const DEFAULT_TIME_MS = 60_000;
const DEFAULT_MAX_DIVERGENCES = 10;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "90s", "2m", "1.5h" in ms, or a UsageError naming the flag. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const ms = match ? Math.round(Number(match[1]) * UNITS[match[2]!]!) : NaN;
  if (match && !(ms >= 1)) throw new UsageError(`fuzz: --${flag} must be at least 1ms, got ${JSON.stringify(text)}`);
  if (!(ms >= 1)) throw new UsageError(`fuzz: --${flag} must be a duration like 60s, 2m or 500ms, got ${JSON.stringify(text)}`);
  return ms;
}

/** Shards of one session at most: chunk seeds are drawn from the shard and chunk indexes, in a space this keeps apart. */
const MAX_SHARDS = 65_536;

function parseShard(text: string | undefined): Shard {
  if (text === undefined) return { index: 0, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1) || !(index < count) || count > MAX_SHARDS) {
    throw new UsageError(`fuzz: --shard must look like 0/4 (shard index 0 to count-1, then the shard count, at most ${MAX_SHARDS}), got ${JSON.stringify(text)}`);
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

const TTY_PROGRESS_EVERY_MS = 250;
const LOG_PROGRESS_EVERY_MS = 2000;
/**
 * A generated case in hand this long is named, with the command that runs it alone: nothing cuts a case of the parity
 * property or of a host module short (a session waits for it, past a time budget); a host process's ends at --timeout.
 */
export const SLOW_CASE_MS = 5000;

/** The line that names a case running long: where it is, how long it has run, and how to run it alone. */
export function slowCaseLine(found: NonNullable<FuzzProgress["longestCase"]>, replay: (seed: number, path: string) => string): string {
  return `fuzz: one case has run for ${seconds(found.ms)} (seed ${found.seed}, path ${found.path}); alone: ${replay(found.seed, found.path)}`;
}

function progressLine(p: FuzzProgress): string {
  const shrinking = p.shrinking > 0 ? ` (${p.shrinking} more caught, being shrunk)` : "";
  return `fuzz: ${plural(p.runs, "run")} · ${p.runsPerSecond.toFixed(0)} runs/s · ${plural(p.divergences, "divergence")}${shrinking} · ${seconds(p.elapsedMs)}`;
}

function timingLine(summary: FuzzSummary): string {
  const t = summary.timings;
  const pct = (ms: number) => `${t.total > 0 ? ((ms / t.total) * 100).toFixed(0) : 0}%`;
  const phases = [...summary.phases, "startup", "other"];
  return `time went to: ${phases.map((phase) => `${phase} ${pct(t[phase] ?? 0)}`).join(" · ")} (of ${seconds(t.total)} in workers)`;
}

/** A session that judged nothing on its host: every case it drew was skipped. Not a pass. */
const nothingSent = (summary: FuzzSummary) => summary.runs > 0 && summary.skipped === summary.runs;
/** A budget spent before any case was checked (a --time shorter than starting the workers and the host): no pass. */
const nothingChecked = (summary: FuzzSummary) => summary.runs === 0 && summary.stopped !== "interrupted";

/**
 * The session's summary; `parity`: the parity property's session (no host under test); `replay`: the command that
 * runs one case again (on the same host).
 */
function summaryLines(summary: FuzzSummary, parity: boolean, replay: (seed: number, path: string) => string, signal: StopSignal | null = null): string[] {
  const lines = [
    `${plural(summary.runs, "run")} in ${seconds(summary.elapsedMs)} (${summary.runsPerSecond.toFixed(0)} runs/s) on ${plural(summary.workers, "worker")}` +
      ` · seed ${summary.seed} · shard ${summary.shard.index}/${summary.shard.count} · host ${summary.host}`,
  ];
  if (summary.stopped === "interrupted") lines.push(`interrupted (${stoppedBy(signal)}): the counts are those of the runs that finished`);
  if (summary.stopped === "max-divergences") lines.push(`stopped after ${plural(summary.divergences, "divergence")} (--max-divergences)`);
  if (summary.skipped > 0) lines.push(`${plural(summary.skipped, "case")} skipped: they need a capability, wire method or ABI version the host's handshake does not offer`);
  if (nothingSent(summary)) lines.push("no case was sent to the host: its handshake offers too little for any generated case (a failure, exit 1)");
  if (nothingChecked(summary)) lines.push("no case was checked: the budget ran out while the workers (and the host) started; give a longer --time (a failure, exit 1)");
  const first = summary.firstCatch === null ? "" : `, the first after ${seconds(summary.firstCatch.ms)} (${plural(summary.firstCatch.runs, "run")})`;
  const unshrunk = summary.unshrunk.length > 0 ? `, ${summary.unshrunk.length} caught and not shrunk` : "";
  lines.push(`${plural(summary.divergences, "divergence")}${summary.divergences > 0 ? ` (${plural(summary.cases.length, "distinct case")}${unshrunk}${first})` : ""}`);
  const why = summary.stopped === "interrupted" ? `${stoppedBy(signal)} stopped its shrinking` : "the session had its --max-divergences";
  for (const found of summary.unshrunk) lines.push(`  caught, not shrunk (${why}), not saved: ${replay(found.seed, found.path)}`);
  for (const found of summary.cases) {
    const state = found.saveError !== null ? `not saved (${found.saveError}):` : found.saved ? "saved" : "known";
    lines.push(`  ${state}  ${shown(found.dir)}${found.found > 1 ? `  (found ${found.found} times)` : ""}${found.saveError !== null ? `  replay: ${replay(found.seed, found.path)}` : ""}`);
  }
  for (const problem of summary.shutdownProblems) lines.push(`the host did not shut down as the protocol says: ${problem}`);
  lines.push(timingLine(summary));
  lines.push("", formatCoverage(summary.coverage));
  if (parity) {
    // What a "-" above means here: not a gap of the generator, but cases the parity property cannot judge.
    lines.push(
      "",
      "the parity property checks cases with a native twin only; what only a WASM guest can reach (hostile pointers and lengths,",
      `a memory cap, load and plugin_init failures) is fuzzed with a host under test: --host-cmd "node ${shown(join(PROJECT_ROOT, "bin/job-parity-reference-host.mjs"))}"`,
    );
  }
  return lines;
}

/**
 * The live progress line on stderr: overwritten ~4 times a second on a terminal; otherwise (a log) one line as soon as
 * the first cases are checked, which shows the session is working, then one every 2 s. A case that runs SLOW_CASE_MS
 * or more is named once, on a line of its own.
 */
function progressReporter(session: { progress(): FuzzProgress }, replay: (seed: number, path: string) => string) {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let lastLineAt = -Infinity;
  const named = new Set<string>();
  const timer = setInterval(() => {
    const progress = session.progress();
    const slow = progress.longestCase;
    if (slow !== null && slow.ms >= SLOW_CASE_MS && !named.has(`${slow.seed}/${slow.path}`)) {
      named.add(`${slow.seed}/${slow.path}`);
      if (shown) process.stderr.write("\r\x1b[K");
      process.stderr.write(`${slowCaseLine(slow, replay)}\n`);
    }
    if (tty) {
      process.stderr.write(`\r\x1b[K${progressLine(progress)}`);
      shown = true;
    } else if (progress.runs > 0 && progress.elapsedMs - lastLineAt >= LOG_PROGRESS_EVERY_MS) {
      process.stderr.write(`${progressLine(progress)}\n`);
      lastLineAt = progress.elapsedMs;
    }
  }, TTY_PROGRESS_EVERY_MS);
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

/** The host under test the options name, or null (the parity property). `all` is handled by the caller. */
function parseTarget(values: { "host-cmd"?: string; "host-module"?: string; mutant?: string; fault?: string }): HostTarget | "all-mutants" | null {
  const given = (["host-cmd", "host-module", "mutant"] as const).filter((flag) => values[flag] !== undefined);
  if (given.length > 1) throw new UsageError(`fuzz: give one host under test (--${given.join(", --")} were given)`);
  if (given.length === 1 && values.fault !== undefined) {
    throw new UsageError(`fuzz: --fault makes the reference host's WASM boundary faulty; it cannot be combined with --${given[0]} (a host under test is judged against the reference host)`);
  }
  if (values["host-cmd"] !== undefined) {
    if (values["host-cmd"].trim() === "") throw new UsageError("fuzz: --host-cmd is empty");
    return { kind: "cmd", command: values["host-cmd"], cwd: process.cwd() };
  }
  if (values["host-module"] !== undefined) {
    if (values["host-module"].trim() === "") throw new UsageError("fuzz: --host-module is empty (give a .ts/.mjs module default-exporting () => HostAdapter)");
    const path = resolve(shippedPath(values["host-module"]));
    if (!existsSync(path)) throw new UsageError(`fuzz: --host-module ${values["host-module"]}: no such file (a .ts/.mjs module default-exporting () => HostAdapter)`);
    if (!statSync(path).isFile()) throw new UsageError(`fuzz: --host-module ${values["host-module"]}: is a folder; give the module's file (a .ts/.mjs module default-exporting () => HostAdapter)`);
    return { kind: "module", path };
  }
  if (values.mutant !== undefined) {
    if (values.mutant === "all") return "all-mutants";
    const names = mutantNames();
    if (!names.includes(values.mutant)) {
      throw new UsageError(`fuzz: --mutant must be "all" or a mutant's name (job-parity mutants --list lists them; e.g. ${names.slice(0, 3).join(", ")}), got ${JSON.stringify(values.mutant)}`);
    }
    return { kind: "mutant", name: values.mutant };
  }
  return null;
}

export async function fuzzCommand(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
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
      "host-cmd": { type: "string" },
      "host-module": { type: "string" },
      mutant: { type: "string" },
      timeout: { type: "string" },
      "max-divergences": { type: "string" },
      path: { type: "string" },
      json: { type: "boolean", default: false },
    },
    false,
  );
  const fault = parseFault(values.fault);
  const target = parseTarget(values);
  const timeoutMs = positiveInt("fuzz", "timeout", values.timeout, MAX_TIMEOUT_MS);
  if (timeoutMs !== undefined && target === null) throw new UsageError("fuzz: --timeout is for a host under test (--host-cmd, --host-module, --mutant)");

  if (values.path !== undefined) {
    for (const flag of ["time", "runs", "workers", "shard", "corpus", "max-divergences"] as const) {
      if (values[flag] !== undefined) throw new UsageError(`fuzz: --${flag} cannot be combined with --path (--path replays one case; drop --${flag})`);
    }
    if (target === "all-mutants") throw new UsageError("fuzz: --path replays one case on one host: name the mutant (--mutant <name>), not all");
    if (values.seed === undefined) throw new UsageError("fuzz: --path needs the --seed printed with it (--seed S --path P)");
    if (!/^\d+(:\d+)*$/.test(values.path)) throw new UsageError(`fuzz: --path must be a fast-check path like 3:0:2, got ${JSON.stringify(values.path)}`);
    // The first number is the case's index among its seed's cases, and a replay draws every case before it.
    if (Number(values.path.split(":")[0]) > MAX_PATH_INDEX) {
      throw new UsageError(`fuzz: --path's first number is a case's index among its seed's cases, at most ${MAX_PATH_INDEX.toLocaleString("en-US")} (a replay draws every case before it), got ${values.path.split(":")[0]}`);
    }
    const seed = parseSeed(values.seed, -SEED_LIMIT)!;
    if (target !== null) return await replayHost(seed, values.path, target, timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS, values.json, out, err);
    return replay(seed, values.path, fault, values.json, out);
  }

  if (values.time !== undefined && values.runs !== undefined) throw new UsageError("fuzz: --time and --runs cannot be combined (give one budget)");
  const runs = positiveInt("fuzz", "runs", values.runs);
  const budget: Budget = runs !== undefined ? { runs } : { timeMs: values.time !== undefined ? parseDuration("time", values.time) : DEFAULT_TIME_MS };
  const seed = parseSeed(values.seed, 0) ?? randomInt(SEED_LIMIT);
  const workers = workerCount(values.workers, err);
  const shard = parseShard(values.shard);
  const maxDivergences = positiveInt("fuzz", "max-divergences", values["max-divergences"]);
  if (values.corpus === "") throw new UsageError("fuzz: --corpus needs a folder (the counterexamples are saved there), got an empty one");
  const deliberate = fault !== null || target === "all-mutants" || (target !== null && target.kind === "mutant");
  const corpusDir = resolve(values.corpus ?? (deliberate ? defaultMutantCorpusDir() : defaultCorpusDir()));
  // Checked now, not when the first divergence is saved: a shrunk case is not lost to a path that cannot hold it.
  checkCorpusFolder(corpusDir);
  // A case job-parity's own corpus holds is not saved again elsewhere: `run` sends that corpus on every run.
  const knownCorpora = corpusDir === OWN_CORPUS ? [] : [OWN_CORPUS];
  const common = { seed, budget, workers, shard, corpusDir, knownCorpora, fault, timeoutMs };
  // Sessions compile their guests by the batch (harness/engine/tiering.ts); replays above compile one guest each.
  compileWasmEagerly();

  if (target === "all-mutants") return await fuzzEveryMutant({ ...common, maxDivergences: maxDivergences ?? 1 }, values.json, out, err);

  if (!values.json) {
    const host = hostLabel(fault, target);
    out(`fuzz: seed ${seed} · shard ${shard.index}/${shard.count} · ${plural(workers, "worker")} · ${describeBudget(budget)} · host ${host} · corpus ${shown(corpusDir)}`);
  }
  let reporter: ReturnType<typeof progressReporter> | null = null;
  const session = startFuzzSession({
    ...common,
    target,
    maxDivergences: maxDivergences ?? DEFAULT_MAX_DIVERGENCES,
    onCounterexample: (found: FoundCase) => {
      if (values.json || !found.first) return;
      reporter?.clear();
      out("");
      // The guest's WAT (hundreds of lines) is left to the saved case and the replay: the divergences stay readable.
      const show = { wat: false };
      // It may quote the host's stderr and its words: never as escape sequences.
      out(printableLines(isHostFinding(found.counterexample) ? formatHostCounterexample(found.counterexample, show) : formatCounterexample(found.counterexample, show)));
      if (found.saveError !== null) out(`not saved: ${shown(found.dir)} could not be written (${found.saveError}); the replay command above finds it again`);
      else if (found.saved) out(`saved to ${shown(found.dir)} (host ${found.regression.host})`);
      else {
        const where = dirname(found.dir) === corpusDir ? "the corpus" : "job-parity's own corpus, which run sends on every run";
        out(`already in ${where}: ${shown(found.dir)} (saved from host ${savedHost(found.dir) ?? "unknown"})`);
      }
      out("");
    },
  } satisfies FuzzOptions);
  const hostFlag = target === null ? null : replayFlags(target, timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS);
  const replayOf = (seed: number, path: string) => (hostFlag === null ? replayCommand(seed, path, fault ?? undefined) : hostReplayCommand(seed, path, hostFlag));
  if (!values.json) reporter = progressReporter(session, replayOf);
  let signal: StopSignal | null = null;
  const summary = await awaitSession(session, (s) => (signal ??= s)).finally(() => reporter?.stop());
  if (summary instanceof FuzzHostError) {
    err(`job-parity fuzz: ${printableLines(summary.message)}`); // it may quote the host's stderr
    return 2;
  }
  if (values.json) {
    // Each case and each catch not shrunk with the command that finds it again (its host option included).
    const withReplay = <T extends { seed: number; path: string }>(found: T) => ({ ...found, replay: replayOf(found.seed, found.path) });
    out(JSON.stringify({ ...summary, cases: summary.cases.map(withReplay), unshrunk: summary.unshrunk.map(withReplay) }, null, 2));
  }
  else for (const line of summaryLines(summary, target === null, replayOf, signal)) out(line);
  if (summary.divergences > 0 || summary.shutdownProblems.length > 0 || nothingSent(summary) || nothingChecked(summary)) return 1;
  // Stopped short of its budget by Ctrl-C or SIGTERM: not a clean pass, whatever it checked.
  return summary.stopped === "interrupted" ? SIGNAL_EXIT[signal ?? "SIGINT"] : 0;
}

/** The host a saved case names (its case.json's `host`), or null when it cannot be read. */
function savedHost(dir: string): string | null {
  try {
    const host = (JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as { host?: unknown }).host;
    return typeof host === "string" ? host : null;
  } catch {
    return null;
  }
}

/**
 * The corpus folder, or the folder that would hold it (made when the first case is saved), is a folder this process
 * can write. Nothing is left behind: a session that finds nothing writes nothing. The check makes and removes an empty
 * folder there rather than asking access(2), which says yes to root for any folder, /proc included.
 */
function checkCorpusFolder(corpusDir: string): void {
  let existing = corpusDir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new UsageError(`fuzz: --corpus ${shown(corpusDir)}: ${shown(existing)} is a file; give a folder (made if missing) for the cases found`);
  }
  try {
    rmdirSync(mkdtempSync(join(existing, ".job-parity-probe-")));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "not writable";
    throw new UsageError(`fuzz: --corpus ${shown(corpusDir)}: ${shown(existing)} cannot be written by this user (${code}); give a folder you can write for the cases found`);
  }
}

/**
 * --workers, at most the machine's available parallelism: each worker is a thread running programs flat out, so more
 * only share the same cores (and each holds its own engine and host process: 64 took 2.8 GB for a slower session).
 */
function workerCount(value: string | undefined, err: (line: string) => void): number {
  const cores = availableParallelism();
  const asked = positiveInt("fuzz", "workers", value);
  if (asked === undefined) return cores;
  if (asked <= cores) return asked;
  err(`job-parity fuzz: --workers ${asked} is more than this machine runs at once (${cores}); using ${cores}`);
  return cores;
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
    out(`no divergence: the case passes now (seed ${seed}, path ${path}, host ${host}; a case found on a host under test is drawn again only with its host option)`);
  } else {
    out(formatCounterexample(counterexample));
    out(`host: ${host}`);
  }
  return ok ? 0 : 1;
}

/** Replays one case on a host under test: exit 1 when it still diverges, 0 when it passes (or the host does not serve it). */
async function replayHost(seed: number, path: string, target: HostTarget, timeoutMs: number, json: boolean, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let outcome;
  try {
    outcome = await replayOnHost(seed, path, target, timeoutMs);
  } catch (error) {
    if (error instanceof ReplayError) throw new UsageError(`fuzz: ${error.message}`);
    if (!(error instanceof HostFailure)) throw error;
    err(printableLines(hostStartFailureLines("job-parity fuzz: the host under test", error.code, error.message).join("\n")));
    return 2;
  }
  const { ok, host, counterexample } = outcome;
  const { check } = counterexample;
  if (json) {
    const { check: _check, ...found } = counterexample;
    out(JSON.stringify({ ok, ...found, skipped: check.missing !== null, differs: hostFindingLines(check), reference: check.reference, actual: check.actual }, null, 2));
  } else if (check.missing !== null) {
    out(`not sent: the case ${describeMissing(check.missing)} (seed ${seed}, path ${path}, host ${host})`);
  } else if (ok) {
    out(`no divergence: the case passes now (seed ${seed}, path ${path}, host ${host})`);
  } else {
    out(printableLines(formatHostCounterexample(counterexample)));
  }
  return ok ? 0 : 1;
}
