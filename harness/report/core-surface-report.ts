import { reachText } from "../abi/core-surface.ts";
import { coreCountsText, type CoreCoverage, type CoreCoverageCell, type CoreCoverageRow } from "../suite/core-coverage.ts";

/**
 * The core surface's coverage (harness/suite/core-coverage.ts) as the reports print it: a Markdown section (parity.md,
 * gate.md), a terminal table (`job-parity parity`) and the words of one cell (gate.html builds its table from these).
 */

const MARK = { reachable: "✅", partial: "🟡", "reachable, no case": "⚠️", "not reachable": "➖" } as const;

/** `ctx.check_interrupt()` for a method, `Progress::Count` for a variant. */
export function coreRowTitle(row: Pick<CoreCoverageRow, "kind" | "name">): string {
  return row.kind === "method" ? `ctx.${row.name}()` : `Progress::${row.name}`;
}

const casesText = (n: number) => `${n} case${n === 1 ? "" : "s"}`;

/** One cell in words: its status, what is missing or why not, how it is reached and by how many cases. */
export function coreCellText(cell: CoreCoverageCell): string {
  switch (cell.status) {
    case "not reachable":
      return `not reachable: ${cell.detail}`;
    case "partial":
      return `partial: ${cell.detail} (${reachText(cell.reach)}; ${cell.cases.length === 0 ? "no case" : casesText(cell.cases.length)})`;
    case "reachable, no case":
      return `reachable, no case (${reachText(cell.reach)})`;
    case "reachable":
      return `reachable (${reachText(cell.reach)}; ${casesText(cell.cases.length)})`;
  }
}

const mdCell = (text: string) => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");

/** The headline, each version's counts, and the table: a Markdown section for parity.md and gate.md. */
export function coreSurfaceMarkdown(coverage: CoreCoverage): string[] {
  return [
    "## Core surface",
    "",
    `**${coverage.headline}.** Can an extension job do everything a core job can? One row per public method of Spacedrive's \`JobContext\` and per \`Progress\` variant at commit ${coverage.commit}; docs/ABI.md, The core surface, says how each is reached. A row is *reachable* when an extension reaches it fully and a case with a native twin imports what reaches it (a 1.1 guest's cases count only under 1.1); computed from the suite's ${casesText(coverage.cases)}, whatever this run's filter.`,
    "",
    ...coverage.versions.map((v) => `- under ${v}: ${coreCountsText(coverage.totals[v])}`),
    "",
    `| core | Spacedrive | what core does | ${coverage.versions.map((v) => `under ${v}`).join(" | ")} |`,
    `|---|---|---|${coverage.versions.map(() => "---|").join("")}`,
    ...coverage.rows.map(
      (row) =>
        `| \`${coreRowTitle(row)}\` | \`${row.source}\` | ${mdCell(row.semantics)} | ${coverage.versions.map((v) => `${MARK[row.abi[v].status]} ${mdCell(coreCellText(row.abi[v]))}`).join(" | ")} |`,
    ),
  ];
}

/** The headline, the counts and a compact table, for the terminal. */
export function coreSurfaceText(coverage: CoreCoverage): string[] {
  const titles = coverage.rows.map(coreRowTitle);
  const width = Math.max(...titles.map((t) => t.length), "core".length);
  const short = (cell: CoreCoverageCell) => (cell.status === "reachable" ? `reachable (${casesText(cell.cases.length)})` : cell.status === "partial" && cell.cases.length === 0 ? "partial, no case" : cell.status);
  const column = Math.max(...coverage.rows.flatMap((row) => coverage.versions.map((v) => short(row.abi[v]).length)), 10);
  return [
    coverage.headline,
    ...coverage.versions.map((v) => `  under ${v}: ${coreCountsText(coverage.totals[v])}`),
    "",
    `${"core".padEnd(width)}  ${coverage.versions.map((v) => v.padEnd(column)).join("  ").trimEnd()}`,
    ...coverage.rows.map((row, i) => `${titles[i]!.padEnd(width)}  ${coverage.versions.map((v) => short(row.abi[v]).padEnd(column)).join("  ").trimEnd()}`),
    "",
    "what is partial, and why rows are not reachable: the core surface section of parity.md",
  ];
}
