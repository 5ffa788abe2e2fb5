import { CAPABILITY_IDS } from "../abi/capabilities.ts";
import { findMutants, MUTANTS } from "../adapters/mutants.ts";
import { HostFailure } from "../adapters/types.ts";
import { runMutationAnalysis, type ClauseVerdict, type MutantKill, type MutantVerdict, type MutationReport } from "../suite/mutation.ts";
import { runBrokenHosts } from "../suite/broken-hosts.ts";
import { selectFixtures } from "../suite/run-suite.ts";
import { parseCommand, UsageError } from "./args.ts";

export const MUTANTS_USAGE = `usage: job-parity mutants [--json] [--filter <mutant name substring>] [--cases <case filter>] [--all-cases]
       job-parity mutants --list [--filter <mutant name substring>] [--json]

Mutation analysis of the suite: runs the gate (every case against its golden and its sidecar, as \`run\` does) against
mutant hosts, each the reference host with one bug planted, and prints the kill matrix and the clause matrix.

Every clause of the specification that cases observe has at least one mutant: a host that breaks only that clause.
The protocol's clauses are broken by host processes instead (conformance/hosts/), which the gate must report.
Such a mutant is run against the cases that cite its clause (their sidecars' "spec") and must be caught by one of
them (any outcome but PASS, SKIP or UNSUPPORTED). A clause is covered when a case cites it and each of its mutants
dies. spacedrive-today (Spacedrive's host as it stands, modelled from its sources) breaks no single clause: it runs
against every case, and its failing capabilities answer "can an extension job do everything a core job can, today?".
Its dispatcher never calls a job export, so each case that needs a job run is also listed as not runnable today.

  --list           only list the mutants (name, clause, the bug planted), running nothing: the names \`fuzz --mutant\`
                   takes; with --json, an array of {name, clause, description}
  --filter <text>  only the mutants whose name contains <text>
  --cases <filter> only these cases (a case id, a substring, or /regex/): which of them catch a mutant? A mutant
                   none of whose cases is selected is "not run" (neither killed nor survived)
  --all-cases      run every mutant against every case (the full kill matrix; slower)
  --no-processes   skip the broken host processes that break the protocol's clauses (conformance/hosts/)
  --json           one JSON document on stdout: mutants, killed, survived, notRun, uncoveredClauses, cases,
                   durationMs, exitCode, per mutant (results) its name, clause, description, cases run, killedBy,
                   kills, capabilities, notRunnable cases and notRun, and per clause (clauses; with --filter only the
                   selected mutants' clauses) its cases, its mutants, whether it is covered and whether it was notRun

Exit codes: 0 every mutant was caught and (without --filter or --cases) every clause is covered; 1 a mutant survived
or a clause is not covered; 2 the harness broke (a missing golden, bad usage).`;

export const TODAY = "spacedrive-today";

/** How many case ids a matrix line names before "+N". */
const SHOWN_CASES = 4;

function matrixLine(verdict: MutantVerdict, width: number, clauseWidth: number): string {
  const columns = (verdictText: string, count: string, rest: string) =>
    `${verdict.name.padEnd(width)}  ${(verdict.clause ?? "-").padEnd(clauseWidth)}  ${verdictText.padEnd(8)}  ${count.padStart(9)}  ${rest}`;
  const tried = `${verdict.killedBy.length}/${verdict.cases.length}`;
  if (verdict.notRun) return columns("not run", "-", `--cases selected none of the cases citing its clause (try --all-cases or another --cases): ${verdict.description}`);
  if (!verdict.killed) {
    const why = verdict.cases.length === 0 ? "no case cites its clause" : "no case catches it";
    return columns("SURVIVED", tried, `${why}: ${verdict.description}`);
  }
  const shown = verdict.killedBy.slice(0, SHOWN_CASES).join(", ");
  const more = verdict.killedBy.length > SHOWN_CASES ? `, +${verdict.killedBy.length - SHOWN_CASES}` : "";
  const unrunnable = verdict.notRunnable.length === 0 ? "" : ` · ${verdict.notRunnable.length} not runnable today`;
  return columns("killed", tried, `${shown}${more}${unrunnable}`);
}

/**
 * The clauses the matrix shows: every one on a run of every mutant; with --filter only the selected mutants' clauses,
 * since the others were not analysed.
 */
function shownClauses(report: MutationReport, filtered: boolean): ClauseVerdict[] {
  return filtered ? report.clauses.filter((c) => c.mutants.length > 0) : [...report.clauses];
}

/** The clause matrix: per clause, its cases and mutants; the uncovered ones say why. */
function clauseLines(clauses: readonly ClauseVerdict[]): string[] {
  const width = Math.max(6, ...clauses.map((c) => c.id.length));
  const lines = [`${"clause".padEnd(width)}  ${"cases".padStart(5)}  mutants killed  status`];
  for (const clause of clauses) {
    const killed = clause.mutants.filter((m) => m.killed).length;
    const why = clause.notRun
      ? "not run: --cases selected none of its cases"
      : clause.cases.length === 0 ? "UNCOVERED: no case cites it" : clause.mutants.length === 0 ? "UNCOVERED: no mutant breaks it" : clause.covered ? "covered" : `UNCOVERED: ${clause.mutants.filter((m) => !m.killed).map((m) => m.name).join(", ")} survived`;
    lines.push(`${clause.id.padEnd(width)}  ${String(clause.cases.length).padStart(5)}  ${`${killed}/${clause.mutants.length}`.padStart(14)}  ${why}`);
  }
  return lines;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The capabilities a mutant fails, each with the cases that failed for it; for a mutant modelling a real host, also
 * the cases that host cannot run at all, grouped by reason (a failing case's outcome is then the host functions'
 * answer had the host got that far, and the example shown is a case that runs, when there is one).
 */
function capabilityLines(verdict: MutantVerdict): string[] {
  const of = `of ${CAPABILITY_IDS.length}`;
  const lines = [`${verdict.name}, claiming all ${CAPABILITY_IDS.length} capabilities: ${verdict.description}`];
  const unrunnable = new Set(verdict.notRunnable.map((c) => c.case));
  if (unrunnable.size > 0) {
    lines.push(`  not runnable today: ${unrunnable.size} of ${verdict.cases.length} cases (their outcome is what the host functions would answer had the host got that far)`);
    const reasons = new Map<string, string[]>();
    for (const c of verdict.notRunnable) reasons.set(c.reason, [...(reasons.get(c.reason) ?? []), c.case]);
    for (const [reason, cases] of reasons) {
      lines.push(`    ${plural(cases.length, "case")}${cases.length <= SHOWN_CASES ? ` (${cases.join(", ")})` : ""}: ${reason}`);
    }
  }
  lines.push(`  failing (${verdict.failingCapabilities.length} ${of}): ${verdict.failingCapabilities.join(", ") || "none"}`);
  if (unrunnable.size > 0) lines.push(`  not runnable today, passing if they ran (${verdict.notRunnableCapabilities.length} ${of}): ${verdict.notRunnableCapabilities.join(", ") || "none"}`);
  lines.push(`  passing (${verdict.passingCapabilities.length} ${of}): ${verdict.passingCapabilities.join(", ") || "none"}`);
  for (const capability of verdict.failingCapabilities) {
    const kills = verdict.kills.filter((k) => k.capabilities.includes(capability));
    const own = (k: MutantKill) => k.case.startsWith(`${capability}/`);
    const runs = (k: MutantKill) => !unrunnable.has(k.case);
    const example = kills.find((k) => own(k) && runs(k)) ?? kills.find(own) ?? kills.find(runs) ?? kills[0]!;
    const blocked = verdict.notRunnable.filter((c) => c.capabilities.includes(capability)).length;
    const count = `${plural(kills.length, "case")}${unrunnable.size > 0 ? `, ${blocked} not runnable today` : ""}`;
    lines.push(`  ${capability} (${count}), e.g. ${example.case}${unrunnable.has(example.case) ? " (not runnable today)" : ""}: ${example.reason.slice(0, 120)}`);
  }
  return lines;
}

/** Clauses that count against the exit code: all of them on a whole run; none when mutants or cases are filtered. */
function uncovered(report: MutationReport, whole: boolean): string[] {
  return whole ? report.clauses.filter((c) => !c.covered).map((c) => c.id) : [];
}

export function mutationJson(report: MutationReport, exitCode: number, whole = true, filtered = false): unknown {
  return {
    mutants: report.mutants.length,
    killed: report.killed,
    survived: report.survivors,
    notRun: report.notRun,
    uncoveredClauses: uncovered(report, whole),
    cases: report.cases,
    durationMs: Math.round(report.durationMs),
    exitCode,
    results: report.mutants.map((v) => ({
      name: v.name,
      clause: v.clause,
      description: v.description,
      killed: v.killed,
      cases: v.cases,
      killedBy: v.killedBy,
      failingCapabilities: v.failingCapabilities,
      passingCapabilities: v.passingCapabilities,
      notRunnableCapabilities: v.notRunnableCapabilities,
      kills: v.kills,
      notRunnable: v.notRunnable,
      notRun: v.notRun,
      durationMs: Math.round(v.durationMs),
    })),
    clauses: shownClauses(report, filtered),
  };
}

export async function mutantsCommand(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const { values } = parseCommand(
    "mutants",
    argv,
    {
      json: { type: "boolean", default: false },
      filter: { type: "string" },
      cases: { type: "string" },
      "all-cases": { type: "boolean", default: false },
      "no-processes": { type: "boolean", default: false },
      list: { type: "boolean", default: false },
    },
    false,
  );
  if (values.list && (values.cases !== undefined || values["all-cases"])) {
    throw new UsageError("mutants: --list runs nothing, so --cases and --all-cases mean nothing with it");
  }
  const fixtures = values.cases === undefined ? undefined : selectFixtures(values.cases, undefined, "--cases");
  if (fixtures?.length === 0) throw new UsageError(`mutants: no case matches --cases ${JSON.stringify(values.cases)}`);
  const mutants = findMutants(values.filter);
  if (mutants.length === 0) {
    throw new UsageError(`mutants: no mutant name contains ${JSON.stringify(values.filter)} (mutants: ${MUTANTS.map((m) => m.name).join(", ")})`);
  }
  if (values.list) {
    if (values.json) out(JSON.stringify(mutants.map(({ name, clause, description }) => ({ name, clause: clause ?? null, description }))));
    else {
      const width = Math.max(...mutants.map((m) => m.name.length));
      for (const m of mutants) out(`${m.name.padEnd(width)}  ${(m.clause ?? "-").padEnd(28)}  ${m.description}`);
    }
    return 0;
  }
  const filtered = values.filter !== undefined;
  const whole = !filtered && values.cases === undefined;
  const width = Math.max(...mutants.map((m) => m.name.length));
  const clauseWidth = Math.max(6, ...mutants.map((m) => (m.clause ?? "-").length));
  let report: MutationReport;
  try {
    const header = `${"mutant".padEnd(width)}  ${"clause".padEnd(clauseWidth)}  ${"verdict".padEnd(8)}  ${"caught by".padStart(9)}  cases`;
    const onMutant = (verdict: MutantVerdict, index: number) => out(index === 0 ? `${header}\n${matrixLine(verdict, width, clauseWidth)}` : matrixLine(verdict, width, clauseWidth));
    report = await runMutationAnalysis({ mutants, fixtures, allCases: values["all-cases"], onMutant: values.json ? undefined : onMutant });
  } catch (error) {
    if (!(error instanceof HostFailure)) throw error;
    err(`job-parity mutants: a mutant host failed before any case ran: ${error.message}`);
    return 2;
  }
  const brokenHosts = whole && !values["no-processes"] ? await runBrokenHosts() : [];
  const missed = brokenHosts.filter((host) => !host.caught);
  const holes = uncovered(report, whole);
  const exitCode = report.survivors.length === 0 && holes.length === 0 && missed.length === 0 ? 0 : 1;
  if (values.json) {
    out(JSON.stringify({ ...(mutationJson(report, exitCode, whole, filtered) as object), brokenHosts }, null, 2));
  } else {
    const clauses = shownClauses(report, filtered);
    out("");
    for (const line of clauseLines(clauses)) out(line);
    if (brokenHosts.length > 0) {
      out("");
      const width = Math.max(...brokenHosts.map((host) => host.clause.length));
      out(`${"protocol clause".padEnd(width)}  broken host, and what the gate reported`);
      for (const host of brokenHosts) {
        out(`${host.clause.padEnd(width)}  ${host.caught ? "caught  " : "MISSED  "}${host.command}: ${host.reported.join(", ") || "nothing"}${host.caught ? "" : ` (expected ${host.expected})`}`);
      }
    }
    const today = report.mutants.find((v) => v.name === TODAY);
    if (today) {
      out("");
      for (const line of capabilityLines(today)) out(line);
    }
    out("");
    const survived = report.survivors.length === 0 ? "none survived" : `${report.survivors.length} survived: ${report.survivors.join(", ")}`;
    const covered = clauses.filter((c) => c.covered).length;
    const notRun = report.notRun.length === 0 ? "" : ` · ${report.notRun.length} not run (try --all-cases or another --cases)`;
    const processes = brokenHosts.length === 0 ? "" : ` · broken hosts caught ${brokenHosts.length - missed.length} of ${brokenHosts.length}`;
    out(`${report.killed} of ${report.mutants.length} mutants killed · ${survived}${notRun} · clauses covered ${covered} of ${clauses.length}${filtered ? " (the selected mutants' clauses)" : ""}${processes} · ${report.cases} cases · ${(report.durationMs / 1000).toFixed(2)} s`);
  }
  if (report.survivors.length > 0) {
    // With --cases, only the cases selected were tried: say so, not that no case catches them.
    const which = values.cases === undefined ? "no case" : `no case --cases ${JSON.stringify(values.cases)} selects`;
    err(`job-parity mutants: ${report.survivors.length} mutant${report.survivors.length === 1 ? "" : "s"} survived (${which} catches ${report.survivors.length === 1 ? "it" : "them"}): ${report.survivors.join(", ")}`);
  }
  for (const host of missed) err(`job-parity mutants: the gate did not report ${host.expected} for the broken host \`${host.command}\` (${host.clause}); it reported ${host.reported.join(", ") || "nothing"}`);
  if (holes.length > 0) err(`job-parity mutants: ${holes.length} clause${holes.length === 1 ? " is" : "s are"} not covered (see the clause matrix): ${holes.join(", ")}`);
  return exitCode;
}
