import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { createHostAdapter, targetFlag, type HostTarget } from "../adapters/host-target.ts";
import { HostFailure, type CloseProblem, type HostAdapter } from "../adapters/types.ts";
import { buildGateReport, divergenceLines, hostTitle, outcomeNote, reproduceCommand, type GateInvocation, type GateReport } from "../report/gate-report.ts";
import { casesText, countsText } from "../report/gate-markdown.ts";
import { makeDirs } from "../engine/make-dirs.ts";
import { writeGateReports } from "../report/write-gate.ts";
import { discoverFixtures, PROJECT_ROOT } from "../suite/fixtures.ts";
import {
  DEFAULT_CASE_TIMEOUT_MS,
  DEFAULT_MAX_TIMEOUTS,
  describeHostError,
  fixtureSubject,
  hostStartFailureLines,
  interruptedBeforeStart,
  runGate,
  unreachableHost,
  withProblem,
  type CaseHeader,
  type GateCase,
  type GateResult,
  type GateSubject,
} from "../suite/gate.ts";
import { HostExpectationsError, loadHostExpectations, NO_EXPECTATIONS, resolveExpectations } from "../suite/host-expectations.ts";
import { selectCases } from "../suite/run-suite.ts";
import type { PendingCase } from "../programs/gate-cases.ts";
import { SIGNAL_EXIT, stoppedBy, type StopSignal } from "../suite/signals.ts";
import { printable, printableLines } from "../trace/printable.ts";
import { inputErrorLine, MAX_TIMEOUT_MS, nonNegativeInt, parseCommand, positiveInt, REPORT_WRITE, UsageError } from "./args.ts";
import { shippedPath } from "./examples.ts";
import { defaultCorpusDir, OWN_CORPUS, reportDirOption } from "./defaults.ts";
import { sameRegression } from "../programs/counterexample.ts";

/** The most generated cases one run adds: each is generated and run on the reference host before the host starts. */
const MAX_GENERATED = 100_000;

export const RUN_USAGE = `usage: job-parity run [--host-cmd "<command>" | --host-module <path>] [--expectations <file>] [--filter <pattern>]
                     [--corpus <dir>] [--generated N --seed S] [--report-dir <dir>] [--junit <file>] [--timeout <ms>]
                     [--max-timeouts <K>] [--json]

The CI gate for a host: sends every case's guest and scenario to the host and judges each answer by behaviour (the
case's expectations, and its golden result; conformance/PROTOCOL.md, "What is compared, and how"). Without
--host-cmd or --host-module it runs the reference host in this process.

The cases are the fixtures, then the regression corpus (regressions/<id>: what \`job-parity fuzz\` found on any
host), then any generated cases (generated/<seed>/<index>). Regressions and generated cases have no committed golden:
each is judged against the reference host's answer for the same guest and scenario, computed at run time, and the
invariants every run must satisfy.

  --host-cmd "<command>"  a host speaking the JSON-lines protocol (conformance/PROTOCOL.md), run with /bin/sh -c;
                          restarted after a crash or a timeout
  --host-module <path>    a .ts/.mjs module whose default export is () => HostAdapter | Promise<HostAdapter>
  --expectations <file>   the host's skips, expected failures and waived capabilities (.json or .toml; schema
                          harness/schemas/host-expectations.schema.json); an entry that matches nothing is an error.
                          For both, a relative path under conformance/ that does not exist here names that file of
                          job-parity itself (conformance/expectations/ holds examples)
  --filter <pattern>      an exact case id runs that case alone; otherwise a substring of the id, or /regex/
  --corpus <dir>          a regression corpus to send besides job-parity's own (wat-fixtures/regressions) and
                          ./job-parity-corpus (where fuzz saves outside job-parity's checkout); repeatable
  --generated <N>         add N generated cases, the first N the generator makes from --seed (the same every run;
                          at most ${MAX_GENERATED.toLocaleString("en-US")})
  --seed <S>              the seed of the generated cases (needed with --generated)
  --report-dir <dir>      where gate.json, gate.md and gate.html go (default: reports/); written for every run that
                          gets past its options and its expectations file, the host started or not
  --junit <file>          the JUnit XML (default: <report-dir>/junit.xml)
  --timeout <ms>          per case (default ${DEFAULT_CASE_TIMEOUT_MS})
  --max-timeouts <K>      after K cases in a row time out, send no further case: the rest are ERROR JP_NOT_RUN
                          (default ${DEFAULT_MAX_TIMEOUTS}; 0 sends every case)
  --json                  print gate.json on stdout instead of the progress and summary

Outcomes: PASS, FAIL, XFAIL (an expected failure), XPASS (an expected failure that passes: a stale entry), SKIP,
UNSUPPORTED (the case needs a waived capability, a wire method the host does not list or an ABI version it does not
serve), ERROR (the host crashed, broke the protocol or returned nothing), TIMEOUT. ABI v1 requires all twelve
capabilities: a case needing one the host neither claims nor waives FAILs.

Exit codes: 0 every case met its expectation (PASS, SKIP, XFAIL, UNSUPPORTED) and the run has no problem; 1 a case
FAILed or XPASSed, a capability is neither claimed nor waived, or a waiver is stale; 2 the host or the harness broke
(an ERROR or TIMEOUT, a host that cannot start, fails its handshake or ignores shutdown, an unusable expectations
file, bad usage). Ctrl-C (or SIGTERM) stops the host, marks the cases not judged ERROR JP_NOT_RUN, writes the
reports (their verdict: error, exit 2) and exits 130 (143 for SIGTERM); a second one exits at once. A reader of stdout
that goes away (| head) does not stop the run: it finishes, writes the reports and exits with its verdict.`;

/** How many host errors exit 2 spells out on stderr before summarizing the rest. */
const MAX_ERROR_LINES = 10;

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}


/** The host the options name: a process, a module, or the reference host in this process. */
function hostTarget(hostCmd: string | undefined, hostModule: string | undefined): HostTarget {
  if (hostCmd !== undefined) return { kind: "cmd", command: hostCmd, cwd: process.cwd() };
  if (hostModule !== undefined) return { kind: "module", path: hostModule };
  return { kind: "reference" };
}

// The module as named on the command line stays in the reports and rerun commands; it is loaded from where it is.
const createAdapter = (hostCmd: string | undefined, hostModule: string | undefined): Promise<HostAdapter> =>
  createHostAdapter(hostTarget(hostCmd, hostModule === undefined ? undefined : shippedPath(hostModule)));

/**
 * The regression cases of job-parity's own corpus, of ./job-parity-corpus when it exists (fuzz's default outside the
 * checkout), and of each --corpus, in that order; a case in two of them (the same id: the same program, scenario and
 * guest, however each was found) once. Two folders of one id that hold different cases (one copied and edited) are
 * an error: which of them the id means is unknown.
 */
function corpusCases(explicit: readonly string[], regressionCases: (dir: string) => PendingCase[]): PendingCase[] {
  const dirs = [OWN_CORPUS, defaultCorpusDir(), ...explicit.map((dir) => resolve(dir))];
  const seen = new Map<string, PendingCase>();
  const cases: PendingCase[] = [];
  for (const dir of new Set(dirs)) {
    if (!existsSync(dir)) continue;
    for (const c of regressionCases(dir)) {
      const first = seen.get(c.id);
      if (first === undefined) {
        seen.set(c.id, c);
        cases.push(c);
      } else if (first.dir === undefined || c.dir === undefined || !sameRegression(first.dir, c.dir)) {
        throw new UsageError(`run: ${c.id} is in two corpora as two different cases (${first.dir} and ${c.dir}): rename or delete one`);
      }
    }
  }
  return cases;
}

/** A case the gate was interrupted before preparing: only its id is known. */
const unprepared = (c: PendingCase): CaseHeader => ({ id: c.id, description: "not prepared: the gate was interrupted before it ran this case on the reference host", spec: [], capabilities: [] });

/**
 * Lets a signal's handler run: preparing a case is synchronous work behind a promise, and awaiting one after another
 * never returns to the event loop, where signals are handled.
 */
const yieldToSignals = () => new Promise<void>((resolve) => setImmediate(resolve));

/** --generated N --seed S, checked: both or neither. */
function generatedOption(count: string | undefined, seed: string | undefined): { count: number; seed: number } | null {
  const n = positiveInt("run", "generated", count, MAX_GENERATED);
  if (n === undefined) {
    if (seed !== undefined) throw new UsageError("run: --seed goes with --generated N (the seed of the generated cases)");
    return null;
  }
  if (seed === undefined) throw new UsageError("run: --generated needs --seed S: the cases are generated from it, so that every run sends the same ones");
  const s = Number(seed);
  if (seed.trim() === "" || !Number.isInteger(s) || s < 0 || s >= 2 ** 31) throw new UsageError(`run: --seed must be an integer from 0 to ${2 ** 31 - 1}, got ${JSON.stringify(seed)}`);
  return { count: n, seed: s };
}

/** A case's line, and for anything but a pass why, and for a failure what differs and how to run it again. */
function caseLines(c: GateCase, index: number, total: number, invocation: GateInvocation, waivers: readonly { capability: string; reason: string }[]): string[] {
  const lines = [`${c.outcome.padEnd(11)} ${String(index + 1).padStart(3)}/${total}  ${c.id}  (${c.durationMs.toFixed(0)} ms)`];
  if (c.outcome === "PASS") return lines;
  const indent = (text: string) => `        ${text}`;
  const note = outcomeNote(c, waivers);
  if (note) lines.push(...note.split("\n").map(indent));
  if (["FAIL", "XPASS", "ERROR", "TIMEOUT"].includes(c.outcome)) {
    // Every line of a multi-line text indented, so that the case's block stays one block.
    for (const failure of c.failures) lines.push(...`expectation: ${failure}`.split("\n").map(indent));
    lines.push(...divergenceLines(c).flatMap((line) => line.split("\n")).map(indent));
    lines.push(indent(`reproduce: ${reproduceCommand(invocation, c.id)}`));
  }
  return lines;
}

/** Why the run exits 1 or 2, for stderr: what broke the run, each host error by name, each failure and stale entry. */
function stderrSummary(report: GateReport): string[] {
  const lines: string[] = [];
  const hostError = report.host.hostError;
  if (hostError !== null) {
    return hostStartFailureLines("job-parity run: the host", hostError.code, hostError.message);
  }
  for (const problem of report.problems) lines.push(`job-parity run: ${problem.message}`);
  const broken = report.cases.filter((c) => (c.outcome === "ERROR" || c.outcome === "TIMEOUT") && c.error?.code !== "JP_NOT_RUN");
  for (const c of broken.slice(0, MAX_ERROR_LINES)) lines.push(`job-parity run: ${describeHostError(c.id, c.outcome, c.error!)}`);
  if (broken.length > MAX_ERROR_LINES) lines.push(`job-parity run: ... and ${broken.length - MAX_ERROR_LINES} more host errors (see gate.json)`);
  const notRun = report.cases.filter((c) => c.error?.code === "JP_NOT_RUN").length;
  if (notRun > 0) lines.push(`job-parity run: ${notRun} case${notRun === 1 ? " was" : "s were"} not run or not judged (JP_NOT_RUN)`);
  const failed = report.cases.filter((c) => c.outcome === "FAIL");
  if (failed.length > 0) lines.push(`job-parity run: ${failed.length} case${failed.length === 1 ? "" : "s"} failed: ${failed.map((c) => c.id).join(", ")}`);
  for (const c of report.cases.filter((c) => c.outcome === "XPASS")) {
    lines.push(`job-parity run: stale expectation ${c.expectation!.entry}: ${c.id} passes now; remove the entry`);
  }
  return lines;
}

export async function runCommand(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const { values } = parseCommand(
    "run",
    argv,
    {
      "host-cmd": { type: "string" },
      "host-module": { type: "string" },
      expectations: { type: "string" },
      filter: { type: "string" },
      "report-dir": { type: "string" },
      junit: { type: "string" },
      timeout: { type: "string" },
      "max-timeouts": { type: "string" },
      corpus: { type: "string", multiple: true },
      generated: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean", default: false },
    },
    false,
  );
  const hostCmd = values["host-cmd"];
  const hostModule = values["host-module"];
  if (hostCmd !== undefined && hostModule !== undefined) throw new UsageError("run: give --host-cmd or --host-module, not both");
  if (hostCmd !== undefined && hostCmd.trim() === "") throw new UsageError("run: --host-cmd is empty");
  const timeoutMs = positiveInt("run", "timeout", values.timeout, MAX_TIMEOUT_MS) ?? DEFAULT_CASE_TIMEOUT_MS;
  const maxTimeouts = nonNegativeInt("run", "max-timeouts", values["max-timeouts"]) ?? DEFAULT_MAX_TIMEOUTS;
  const reportDir = reportDirOption("run", values["report-dir"]);
  const junitPath = values.junit === undefined ? undefined : resolve(values.junit);

  const generated = generatedOption(values.generated, values.seed);
  const corpora = values.corpus ?? [];
  for (const dir of corpora) {
    if (!existsSync(resolve(dir)) || !statSync(resolve(dir)).isDirectory()) {
      throw new UsageError(`run: --corpus ${dir}: no such folder (a regression corpus is a folder of <id>/case.json and guest.wat)`);
    }
  }

  const all = discoverFixtures();
  // Loaded here and not in the gate: regressions and generated cases come from the programs, which use the suite.
  const { generatedCases, regressionCases } = await import("../programs/gate-cases.ts");
  const pending = [...corpusCases(corpora, regressionCases), ...(generated ? generatedCases(generated.seed, generated.count, targetFlag(hostTarget(hostCmd, hostModule))) : [])];
  let expectations;
  try {
    const ids = [...all, ...pending].map((c) => c.id);
    // The reports name the file as it was given: a file of job-parity's own is found in the install (shippedPath),
    // whose path is this machine's.
    const given = values.expectations;
    expectations = resolveExpectations(given === undefined ? NO_EXPECTATIONS : { ...loadHostExpectations(shippedPath(given)), file: given }, ids);
  } catch (error) {
    if (!(error instanceof HostExpectationsError)) throw error;
    err(inputErrorLine("run", `the expectations file cannot be used: ${error.message}`, error.code));
    return 2;
  }
  const selected = new Set(selectCases(values.filter, [...all, ...pending]).map((c) => c.id));
  if (selected.size === 0) throw new UsageError(`run: no case matches --filter ${JSON.stringify(values.filter)}`);
  const fixtures = all.filter((f) => selected.has(f.id));
  const cannotWrite = (error: unknown): number => {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error; // not the file system: a report that fails its schema is a harness bug
    err(inputErrorLine("run", `cannot write the reports (${shown(reportDir)}${junitPath ? `, ${shown(junitPath)}` : ""}): ${(error as Error).message}; give a writable --report-dir${junitPath ? " and --junit" : ""}`, REPORT_WRITE));
    return 2;
  };
  // The report folders are made before any case runs: one that cannot be made ends the run at once, not after it.
  try {
    makeDirs(reportDir);
    if (junitPath !== undefined) makeDirs(dirname(junitPath));
  } catch (error) {
    return cannotWrite(error);
  }
  const invocation: GateInvocation = { hostCmd, hostModule, expectations: values.expectations, filter: values.filter, timeoutMs, corpora, generated, maxTimeouts };
  const started = performance.now();
  // Ctrl-C, from here on: no further case, and the host is stopped now (it runs in its own process group, so the signal
  // does not reach it), which ends the case it is running; the reports are still written. A second Ctrl-C exits at
  // once. SIGTERM (a CI runner cancelling the step) is handled the same way, so that the host is stopped with the gate.
  const interrupted = new AbortController();
  let adapter: HostAdapter | null = null;
  const onSignal = (signal: StopSignal) => {
    if (interrupted.signal.aborted) process.exit(SIGNAL_EXIT[signal]);
    const by = stoppedBy(signal);
    err(`job-parity run: interrupted${signal === "SIGINT" ? "" : ` (${by})`}; ${adapter === null ? "" : "stopping the host, then "}writing the reports (${by} again to exit at once)`);
    interrupted.abort(signal);
    if (adapter !== null) void (adapter.abort?.() ?? adapter.close()).catch(() => undefined);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let result: GateResult;
  try {
    // Each runs on the reference host now, before the host under test starts: its answer is the case's golden.
    const derived: GateSubject[] = [];
    for (const c of pending) {
      if (interrupted.signal.aborted) break;
      if (!selected.has(c.id)) continue;
      derived.push(await c.prepare());
      await yieldToSignals();
    }
    const headers = (): CaseHeader[] => {
      const prepared = new Set(derived.map((d) => d.id));
      return [...fixtures.map(fixtureSubject), ...derived, ...pending.filter((c) => selected.has(c.id) && !prepared.has(c.id)).map(unprepared)];
    };
    if (!interrupted.signal.aborted) {
      try {
        adapter = await createAdapter(hostCmd, hostModule);
      } catch (error) {
        if (!(error instanceof HostFailure)) throw error;
        result = unreachableHost([...fixtures.map(fixtureSubject), ...derived], error, expectations, started);
      }
    }
    if (interrupted.signal.aborted) {
      if (adapter !== null) await (adapter.abort?.() ?? adapter.close()).catch(() => undefined);
      result = interruptedBeforeStart(headers(), expectations, interrupted.signal, started);
    } else if (adapter !== null) {
      try {
        result = await runGate(adapter, {
          fixtures,
          derived,
          expectations,
          timeoutMs,
          maxTimeouts,
          signal: interrupted.signal,
          onCase: values.json ? undefined : (c, i, total) => out(printableLines(caseLines(c, i, total, invocation, expectations.waivers).join("\n"))),
        });
      } finally {
        // The host's ending is part of the verdict (conversation.shutdown), so the reports are written after it.
        const closed = interrupted.signal.aborted
          ? null
          : await adapter.close().catch((error: unknown): CloseProblem => ({ code: "JP_HOST_SHUTDOWN", message: `closing the host failed: ${(error as Error).message}` }));
        if (closed) result = withProblem(result!, { ...closed, severity: 2 });
      }
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const report = buildGateReport(result!, invocation, expectations);
  let paths;
  try {
    paths = writeGateReports(report, reportDir, junitPath);
  } catch (error) {
    return cannotWrite(error);
  }
  if (values.json) {
    out(JSON.stringify(report, null, 2));
  } else {
    const { handshake } = report.host;
    out("");
    out(`host: ${printable(hostTitle(report))}${handshake ? ` (ABI ${handshake.abiVersions.join(", ")})` : ""}`);
    out(`${casesText(report.summary.cases)}: ${countsText(report.summary.outcomes)} · ${(report.summary.durationMs / 1000).toFixed(2)} s`);
    // An interrupted run's reports say exit 2 (verdict error); this process exits as interrupted processes do.
    const exit = interrupted.signal.aborted ? `exit ${report.exitCode} in the reports; interrupted, this process exits ${SIGNAL_EXIT[interrupted.signal.reason as StopSignal]}` : `exit ${report.exitCode}`;
    out(`verdict: ${report.verdict} (${exit})`);
    out(`reports: ${[paths.json, paths.markdown, paths.html, paths.junit].map(shown).join(", ")}`);
  }
  // The host's words (its name, its stderr, its error messages) reach the terminal: never as escape sequences.
  for (const line of stderrSummary(report)) err(printableLines(line));
  return interrupted.signal.aborted ? SIGNAL_EXIT[interrupted.signal.reason as StopSignal] : report.exitCode;
}
