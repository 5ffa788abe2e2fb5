import { CAPABILITY_IDS } from "../abi/capabilities.ts";
import { findMutants, MUTANTS } from "../adapters/mutants.ts";
import { HostFailure } from "../adapters/types.ts";
import { runMutationAnalysis, type MutantVerdict, type MutationReport } from "../suite/mutation.ts";
import { selectFixtures } from "../suite/run-suite.ts";
import { parseCommand, UsageError } from "./args.ts";

export const MUTANTS_USAGE = `usage: job-parity mutants [--json] [--filter <mutant name substring>] [--cases <case filter>]

Mutation analysis of the suite: runs the gate (every fixture against its golden and its sidecar, as \`run\` does)
against mutant hosts, each the reference host with one realistic bug planted, and prints the kill matrix: for each
mutant the cases that caught it (any outcome but PASS, SKIP or UNSUPPORTED). A mutant no case catches survives: a
hole in the fixtures. spacedrive-today models Spacedrive's host functions as they are today and claims every
capability; its failing capabilities answer "can an extension job do everything a core job can, today?".

  --filter <text>  only the mutants whose name contains <text>
  --cases <filter> only these cases (a case id, a substring, or /regex/): which of them catch a mutant?
  --json           one JSON document on stdout: mutants, killed, survived, cases, durationMs, exitCode and per
                   mutant (results) its name, description, killedBy, failingCapabilities, passingCapabilities, kills

Exit codes: 0 every mutant was caught; 1 a mutant survived; 2 the harness broke (a missing golden, bad usage).`;

export const TODAY = "spacedrive-today";

/** How many case ids a matrix line names before "+N". */
const SHOWN_CASES = 4;

function matrixLine(verdict: MutantVerdict, width: number): string {
  const columns = (verdictText: string, count: string, rest: string) => `${verdict.name.padEnd(width)}  ${verdictText.padEnd(8)}  ${count.padStart(5)}  ${rest}`;
  if (!verdict.killed) return columns("SURVIVED", "0", `no case catches it: ${verdict.description}`);
  const shown = verdict.killedBy.slice(0, SHOWN_CASES).join(", ");
  const more = verdict.killedBy.length > SHOWN_CASES ? `, +${verdict.killedBy.length - SHOWN_CASES}` : "";
  return columns("killed", String(verdict.killedBy.length), `${shown}${more}`);
}

/** The capabilities a mutant fails, each with the cases that failed for it. */
function capabilityLines(verdict: MutantVerdict): string[] {
  const lines = [`${verdict.name}, claiming all ${CAPABILITY_IDS.length} capabilities: ${verdict.description}`];
  lines.push(`  failing (${verdict.failingCapabilities.length} of ${CAPABILITY_IDS.length}): ${verdict.failingCapabilities.join(", ") || "none"}`);
  lines.push(`  passing: ${verdict.passingCapabilities.join(", ") || "none"}`);
  for (const capability of verdict.failingCapabilities) {
    const kills = verdict.kills.filter((k) => k.capabilities.includes(capability));
    const example = kills.find((k) => k.case.startsWith(`${capability}/`)) ?? kills[0]!;
    lines.push(`  ${capability} (${kills.length} case${kills.length === 1 ? "" : "s"}), e.g. ${example.case}: ${example.reason.slice(0, 120)}`);
  }
  return lines;
}

export function mutationJson(report: MutationReport, exitCode: number): unknown {
  return {
    mutants: report.mutants.length,
    killed: report.killed,
    survived: report.survivors,
    cases: report.cases,
    durationMs: Math.round(report.durationMs),
    exitCode,
    results: report.mutants.map((v) => ({
      name: v.name,
      description: v.description,
      killed: v.killed,
      killedBy: v.killedBy,
      failingCapabilities: v.failingCapabilities,
      passingCapabilities: v.passingCapabilities,
      kills: v.kills,
      durationMs: Math.round(v.durationMs),
    })),
  };
}

export async function mutantsCommand(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const { values } = parseCommand("mutants", argv, { json: { type: "boolean", default: false }, filter: { type: "string" }, cases: { type: "string" } }, false);
  const fixtures = values.cases === undefined ? undefined : selectFixtures(values.cases);
  if (fixtures?.length === 0) throw new UsageError(`mutants: no case matches --cases ${JSON.stringify(values.cases)}`);
  const mutants = findMutants(values.filter);
  if (mutants.length === 0) {
    throw new UsageError(`mutants: no mutant name contains ${JSON.stringify(values.filter)} (mutants: ${MUTANTS.map((m) => m.name).join(", ")})`);
  }
  const width = Math.max(...mutants.map((m) => m.name.length));
  let report: MutationReport;
  try {
    const header = `${"mutant".padEnd(width)}  ${"verdict".padEnd(8)}  ${"cases".padStart(5)}  caught by`;
    const onMutant = (verdict: MutantVerdict, index: number) => out(index === 0 ? `${header}\n${matrixLine(verdict, width)}` : matrixLine(verdict, width));
    report = await runMutationAnalysis({ mutants, fixtures, onMutant: values.json ? undefined : onMutant });
  } catch (error) {
    if (!(error instanceof HostFailure)) throw error;
    err(`job-parity mutants: a mutant host failed before any case ran: ${error.message}`);
    return 2;
  }
  const exitCode = report.survivors.length === 0 ? 0 : 1;
  if (values.json) {
    out(JSON.stringify(mutationJson(report, exitCode), null, 2));
  } else {
    const today = report.mutants.find((v) => v.name === TODAY);
    if (today) {
      out("");
      for (const line of capabilityLines(today)) out(line);
    }
    out("");
    const survived = report.survivors.length === 0 ? "none survived" : `${report.survivors.length} survived: ${report.survivors.join(", ")}`;
    out(`${report.killed} of ${report.mutants.length} mutants killed by ${report.cases} cases · ${survived} · ${(report.durationMs / 1000).toFixed(2)} s`);
  }
  if (report.survivors.length > 0) {
    err(`job-parity mutants: ${report.survivors.length} mutant${report.survivors.length === 1 ? "" : "s"} survived (no case catches ${report.survivors.length === 1 ? "it" : "them"}): ${report.survivors.join(", ")}`);
  }
  return exitCode;
}
