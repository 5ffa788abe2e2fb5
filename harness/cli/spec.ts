import { discoverFixtures } from "../suite/fixtures.ts";
import { gaps, specIndex, type ClauseRow } from "../suite/spec-index.ts";
import { parseCommand, UsageError } from "./args.ts";

export const SPEC_USAGE = `usage: job-parity spec [--json] [--filter <text>] [--cases] [--text]

The specification's clauses (docs/ABI.md, conformance/PROTOCOL.md), each with the cases that cite it, the mutants
(or broken host processes) that break it, and the invariants that check it in generated and regression cases. A MUST clause observed by cases needs both; \`job-parity mutants\` checks
that every such mutant is caught by a case citing its clause.

  --filter <text>  only the clauses whose id contains <text>
  --cases          name each clause's cases and invariants under its line (with --filter, they are named anyway)
  --text           print each clause's text under its line
  --json           one JSON document: clauses (id, level, section, document, text, why, verified, cases, mutants,
                   brokenHosts, invariants, gaps) and totals

Exit codes: 0 every MUST clause is checked as its verification says; 1 one is not (its gaps say why); 2 bad usage.`;

function line(row: ClauseRow, width: number): string {
  const checked = row.verified.by === "protocol" ? `${row.brokenHosts.length} broken host${row.brokenHosts.length === 1 ? "" : "s"}` : `${row.mutants.length} mutant${row.mutants.length === 1 ? "" : "s"}`;
  const how =
    row.verified.by === "case"
      ? `${String(row.cases.length).padStart(3)} case${row.cases.length === 1 ? " " : "s"}  ${checked}`
      : row.verified.by === "protocol"
        ? `any case   ${checked}`
        : "advice: no host is judged on it";
  const gap = gaps(row);
  return `${row.id.padEnd(width)}  ${row.level.padEnd(6)}  ${how}${gap.length > 0 ? `  GAP: ${gap.join("; ")}` : ""}`;
}

export async function specCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommand("spec", argv, { json: { type: "boolean", default: false }, filter: { type: "string" }, cases: { type: "boolean", default: false }, text: { type: "boolean", default: false } }, false);
  const rows = specIndex(discoverFixtures()).filter((row) => values.filter === undefined || row.id.includes(values.filter));
  if (rows.length === 0) throw new UsageError(`spec: no clause id contains ${JSON.stringify(values.filter)} (job-parity spec lists them all)`);
  const withGaps = rows.filter((row) => gaps(row).length > 0);
  const exitCode = withGaps.length === 0 ? 0 : 1;
  if (values.json) {
    const clauses = rows.map((row) => ({ ...row, gaps: gaps(row) }));
    const totals = {
      clauses: rows.length,
      must: rows.filter((row) => row.level === "MUST").length,
      byVerification: Object.fromEntries(["case", "protocol", "advice"].map((by) => [by, rows.filter((row) => row.verified.by === by).length])),
      withGaps: withGaps.map((row) => row.id),
    };
    out(JSON.stringify({ clauses, totals, exitCode }, null, 2));
    return exitCode;
  }
  const width = Math.max(...rows.map((row) => row.id.length));
  let section = "";
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      out(`${section === "" ? "" : "\n"}${section} (${row.document === "abi" ? "docs/ABI.md" : "conformance/PROTOCOL.md"})`);
    }
    out(line(row, width));
    if ((values.cases || values.filter !== undefined) && row.cases.length > 0) out(`    cases: ${row.cases.join(", ")}`);
    if ((values.cases || values.filter !== undefined) && row.invariants.length > 0) out(`    invariants: ${row.invariants.join(", ")}`);
    if (values.text) out(`    ${row.text}`);
  }
  const byCase = rows.filter((row) => row.level === "MUST" && row.verified.by === "case");
  out("");
  out(
    `${rows.length} clauses (${rows.filter((row) => row.level === "MUST").length} MUST); ${byCase.length} observed by cases, ` +
      `${rows.filter((row) => row.verified.by === "protocol").length} by broken hosts; ` +
      `${withGaps.length === 0 ? "no gaps" : `${withGaps.length} with gaps: ${withGaps.map((row) => row.id).join(", ")}`}`,
  );
  return exitCode;
}
