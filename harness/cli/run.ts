import { importModule } from "../engine/modules.ts";
import { isAbsolute, relative, resolve } from "node:path";
import { HostFailure, type CloseProblem, type HostAdapter } from "../adapters/types.ts";
import { buildGateReport, divergenceLines, hostTitle, outcomeNote, reproduceCommand, type GateInvocation, type GateReport } from "../report/gate-report.ts";
import { casesText, countsText } from "../report/gate-markdown.ts";
import { writeGateReports } from "../report/write-gate.ts";
import { discoverFixtures, type Fixture } from "../suite/fixtures.ts";
import { DEFAULT_CASE_TIMEOUT_MS, describeHostError, runGate, unreachableHost, withProblem, type GateCase, type GateResult } from "../suite/gate.ts";
import { HostExpectationsError, loadHostExpectations, NO_EXPECTATIONS, resolveExpectations } from "../suite/host-expectations.ts";
import { selectFixtures } from "../suite/run-suite.ts";
import { parseCommand, positiveInt, UsageError } from "./args.ts";

export const RUN_USAGE = `usage: job-parity run [--host-cmd "<command>" | --host-module <path>] [--expectations <file>] [--filter <pattern>]
                     [--report-dir <dir>] [--junit <file>] [--timeout <ms>] [--json]

The CI gate for a host: sends every case's guest and scenario to the host and judges each answer by behaviour (the
case's expectations, and its golden result; conformance/PROTOCOL.md, "What is compared, and how"). Without
--host-cmd or --host-module it runs the reference host in this process.

  --host-cmd "<command>"  a host speaking the JSON-lines protocol (conformance/PROTOCOL.md), run with /bin/sh -c;
                          restarted after a crash or a timeout
  --host-module <path>    a .ts/.mjs module whose default export is () => HostAdapter | Promise<HostAdapter>
  --expectations <file>   the host's skips, expected failures and waived capabilities (.json or .toml; schema
                          harness/schemas/host-expectations.schema.json); an entry that matches nothing is an error
  --filter <pattern>      an exact case id runs that case alone; otherwise a substring of the id, or /regex/
  --report-dir <dir>      where gate.json, gate.md and gate.html go (default: reports/); written for every run
  --junit <file>          the JUnit XML (default: <report-dir>/junit.xml)
  --timeout <ms>          per case (default ${DEFAULT_CASE_TIMEOUT_MS})
  --json                  print gate.json on stdout instead of the progress and summary

Outcomes: PASS, FAIL, XFAIL (an expected failure), XPASS (an expected failure that passes: a stale entry), SKIP,
UNSUPPORTED (the case needs a waived capability or a wire method the host does not list), ERROR (the host crashed,
printed garbage or returned nothing), TIMEOUT. ABI v1 requires all twelve capabilities: a case needing one the host
neither claims nor waives FAILs.

Exit codes: 0 every case met its expectation (PASS, SKIP, XFAIL, UNSUPPORTED) and the run has no problem; 1 a case
FAILed or XPASSed, a capability is neither claimed nor waived, or a waiver is stale; 2 the host or the harness broke
(an ERROR or TIMEOUT, a host that cannot start, fails its handshake or ignores shutdown, an unusable expectations
file, bad usage).`;

/** How many host errors exit 2 spells out on stderr before summarizing the rest. */
const MAX_ERROR_LINES = 10;

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}


function isAdapter(value: unknown): value is HostAdapter {
  const adapter = value as Partial<HostAdapter> | null;
  return typeof adapter === "object" && adapter !== null && [adapter.handshake, adapter.runCase, adapter.close].every((f) => typeof f === "function");
}

/** A host module's adapter; any problem is a host that could not be started. */
async function moduleAdapter(path: string): Promise<HostAdapter> {
  const where = shown(resolve(path));
  let module: { default?: unknown };
  try {
    module = (await importModule(resolve(path))) as { default?: unknown };
  } catch (error) {
    throw new HostFailure("JP_HOST_SPAWN", `cannot load the host module ${where}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof module.default !== "function") {
    throw new HostFailure("JP_HOST_SPAWN", `the host module ${where} must default-export a function () => HostAdapter | Promise<HostAdapter> (its default export is ${typeof module.default})`);
  }
  let adapter: unknown;
  try {
    adapter = await (module.default as () => unknown)();
  } catch (error) {
    throw new HostFailure("JP_HOST_SPAWN", `the host module ${where}'s factory threw: ${(error as Error).message}`, { cause: error });
  }
  if (!isAdapter(adapter)) throw new HostFailure("JP_HOST_SPAWN", `the host module ${where}'s factory did not return a HostAdapter (handshake, runCase, close)`);
  return adapter;
}

async function createAdapter(hostCmd: string | undefined, hostModule: string | undefined): Promise<HostAdapter> {
  if (hostCmd !== undefined) {
    const { ProcessAdapter } = await import("../adapters/process-adapter.ts");
    return new ProcessAdapter(hostCmd, { cwd: process.cwd() });
  }
  if (hostModule !== undefined) return await moduleAdapter(hostModule);
  const { InProcessAdapter } = await import("../adapters/in-process.ts");
  return new InProcessAdapter();
}

/** A case's line, and for anything but a pass why, and for a failure what differs and how to run it again. */
function caseLines(c: GateCase, index: number, total: number, invocation: GateInvocation): string[] {
  const lines = [`${c.outcome.padEnd(11)} ${String(index + 1).padStart(3)}/${total}  ${c.id}  (${c.durationMs.toFixed(0)} ms)`];
  if (c.outcome === "PASS") return lines;
  const indent = (text: string) => `        ${text}`;
  const note = outcomeNote(c);
  if (note) lines.push(...note.split("\n").map(indent));
  if (["FAIL", "XPASS", "ERROR", "TIMEOUT"].includes(c.outcome)) {
    for (const failure of c.failures) lines.push(indent(`expectation: ${failure}`));
    lines.push(...divergenceLines(c).map(indent));
    lines.push(indent(`reproduce: ${reproduceCommand(invocation, c.id)}`));
  }
  return lines;
}

/** Why the run exits 1 or 2, for stderr: what broke the run, each host error by name, each failure and stale entry. */
function stderrSummary(report: GateReport): string[] {
  const lines: string[] = [];
  const hostError = report.host.hostError;
  if (hostError !== null) {
    const what = hostError.code === "JP_HOST_SPAWN" ? "the host could not be started" : "the host failed its handshake";
    lines.push(`job-parity run: ${what}: ${hostError.message.replace(/^could not start the host: /, "")}`);
    return lines;
  }
  for (const problem of report.problems) lines.push(`job-parity run: ${problem.message}`);
  const broken = report.cases.filter((c) => c.outcome === "ERROR" || c.outcome === "TIMEOUT");
  for (const c of broken.slice(0, MAX_ERROR_LINES)) lines.push(`job-parity run: ${describeHostError(c.id, c.outcome, c.error!)}`);
  if (broken.length > MAX_ERROR_LINES) lines.push(`job-parity run: ... and ${broken.length - MAX_ERROR_LINES} more host errors (see gate.json)`);
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
      json: { type: "boolean", default: false },
    },
    false,
  );
  const hostCmd = values["host-cmd"];
  const hostModule = values["host-module"];
  if (hostCmd !== undefined && hostModule !== undefined) throw new UsageError("run: give --host-cmd or --host-module, not both");
  if (hostCmd !== undefined && hostCmd.trim() === "") throw new UsageError("run: --host-cmd is empty");
  const timeoutMs = positiveInt("run", "timeout", values.timeout) ?? DEFAULT_CASE_TIMEOUT_MS;
  const reportDir = resolve(values["report-dir"] ?? "reports");
  const junitPath = values.junit === undefined ? undefined : resolve(values.junit);

  const all = discoverFixtures();
  let expectations;
  try {
    expectations = resolveExpectations(values.expectations === undefined ? NO_EXPECTATIONS : loadHostExpectations(values.expectations), all.map((f) => f.id));
  } catch (error) {
    if (!(error instanceof HostExpectationsError)) throw error;
    err(`job-parity run: the expectations file cannot be used: ${error.message}`);
    return 2;
  }
  const fixtures = selectFixtures(values.filter, all);
  if (fixtures.length === 0) throw new UsageError(`run: no case matches --filter ${JSON.stringify(values.filter)}`);

  const invocation: GateInvocation = { hostCmd, hostModule, expectations: values.expectations, filter: values.filter, timeoutMs };
  const started = performance.now();
  let result: GateResult;
  let adapter: HostAdapter | null = null;
  try {
    adapter = await createAdapter(hostCmd, hostModule);
  } catch (error) {
    if (!(error instanceof HostFailure)) throw error;
    result = unreachableHost(fixtures, error, expectations, started);
  }
  if (adapter !== null) {
    // Ctrl-C: stop the host too (it runs in its own process group, so the signal does not reach it).
    const stopping = adapter;
    process.once("SIGINT", () => {
      err("job-parity run: interrupted; stopping the host");
      void stopping.close().finally(() => process.exit(130));
    });
    try {
      result = await runGate(adapter, {
        fixtures,
        expectations,
        timeoutMs,
        onCase: values.json ? undefined : (c, i, total) => out(caseLines(c, i, total, invocation).join("\n")),
      });
    } finally {
      // The host's ending is part of the verdict (conversation.shutdown), so the reports are written after it.
      const closed = await adapter.close().catch((error: unknown): CloseProblem => ({ code: "JP_HOST_SHUTDOWN", message: `closing the host failed: ${(error as Error).message}` }));
      if (closed) result = withProblem(result!, { ...closed, severity: 2 });
    }
  }
  const report = buildGateReport(result!, invocation, expectations);
  let paths;
  try {
    paths = writeGateReports(report, reportDir, junitPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error; // not the file system: a report that fails its schema is a harness bug
    err(`job-parity run: cannot write the reports (${shown(reportDir)}${junitPath ? `, ${shown(junitPath)}` : ""}): ${(error as Error).message}`);
    return 2;
  }
  if (values.json) {
    out(JSON.stringify(report, null, 2));
  } else {
    const { handshake } = report.host;
    out("");
    out(`host: ${hostTitle(report)}${handshake ? ` (ABI ${handshake.abiVersions.join(", ")})` : ""}`);
    out(`${casesText(report.summary.cases)}: ${countsText(report.summary.outcomes)} · ${(report.summary.durationMs / 1000).toFixed(2)} s`);
    out(`verdict: ${report.verdict} (exit ${report.exitCode})`);
    out(`reports: ${[paths.json, paths.markdown, paths.html, paths.junit].map(shown).join(", ")}`);
  }
  for (const line of stderrSummary(report)) err(line);
  return report.exitCode;
}
