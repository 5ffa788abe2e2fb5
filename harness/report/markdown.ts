import { sectionOf } from "../abi/clauses.ts";
import { coreSurfaceMarkdown, coreSurfaceText } from "./core-surface-report.ts";
import type { SpacedriveToday, TodayRow } from "../suite/spacedrive-today.ts";
import type { ParityReport } from "./parity-report.ts";

const mark = (ok: boolean | null) => (ok === null ? "➖ not run" : ok ? "✅" : "❌");

/** Where a clause is printed, its document and anchor, relative to the report's folder (`root`: job-parity's own files, from there). */
const clauseLink = (id: string, root: string) => `${root}/${sectionOf({ id }).document === "abi" ? "docs/ABI.md" : "conformance/PROTOCOL.md"}#${id}`;
const tally = (t: { passed: number; failed: number }) =>
  t.passed + t.failed === 0 ? "— 0/0" : `${t.failed === 0 ? "✅" : "❌"} ${t.passed}/${t.passed + t.failed}`;

/**
 * The capability x {native, wasm, parity} matrix, the import coverage, and every failure, for people. `root` is the
 * path from the report's folder to job-parity's files (its checkout, or the installed package), for the clause links.
 */
export function renderParityMarkdown(report: ParityReport, root = ".."): string {
  const { summary } = report;
  const lines = [
    `# job-parity: ${report.host.name} ${report.host.version}`,
    "",
    `ABI ${report.abiVersion} · engine ${report.host.engine} · ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped of ${summary.cases} cases (${summary.checks} checks) · ${(summary.durationMs / 1000).toFixed(2)} s`,
    ...(summary.filter === null ? [] : ["", `Filter: \`${summary.filter}\` (only the cases it selects were run; a capability none of them exercises is "not run")`]),
    "",
    "## Capabilities",
    "",
    "| capability | core API | native | wasm | parity | cases |",
    "|---|---|---|---|---|---|",
    ...report.capabilities.map(
      (c) => `| ${c.id} | \`${c.core}\` | ${tally(c.native)} | ${tally(c.wasm)} | ${mark(c.parity)} | ${c.cases.length} |`,
    ),
    "",
    ...coreSurfaceMarkdown(report.coreSurface),
    "",
    ...spacedriveTodayMarkdown(report.spacedriveToday),
    "## Clauses",
    "",
    "The clauses of the specification (docs/ABI.md, conformance/PROTOCOL.md) that the cases cite.",
    "",
    "| clause | level | cases | passed |",
    "|---|---|---|---|",
    ...report.clauses.map((c) => `| [\`${c.id}\`](${clauseLink(c.id, root)}) | ${c.level} | ${c.cases.length} | ${mark(c.failed === 0)} ${c.passed}/${c.passed + c.failed} |`),
    "",
    "## Imports",
    "",
    "| import | origin | positive cases | negative cases |",
    "|---|---|---|---|",
    ...report.imports.map((i) => `| \`${i.name}\` | ${i.origin} | ${i.positive} | ${i.negative} |`),
  ];
  const failed = report.cases.filter((c) => !c.passed);
  if (failed.length > 0) {
    lines.push("", "## Failures", "");
    for (const c of failed) {
      lines.push(`### ${c.id}`, "", c.description, "", "```");
      for (const f of c.native?.failures ?? []) lines.push(`native: ${f}`);
      for (const f of c.wasm.failures) lines.push(`wasm: ${f}`);
      if (c.parity?.divergence) lines.push(c.parity.divergence);
      for (const f of c.claims) lines.push(`claim: ${f}`);
      lines.push("```", "", `Reproduce: \`npx job-parity parity --filter '${c.id}'\``, "");
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The question parity answers, answered for Spacedrive today: yes only when every capability and core method works. */
function todayAnswer(today: SpacedriveToday): string {
  const yes = today.capabilities.every((c) => c.status === "works") && today.core.every((row) => row.status === "works");
  return `Can an extension job do everything a core job can, on Spacedrive today? ${yes ? "Yes" : "No"}.`;
}

/** The answer for Spacedrive as it stands: per capability, per core method, and the cases it cannot run. */
function spacedriveTodayMarkdown(today: SpacedriveToday | null): string[] {
  if (today === null) return [];
  const why = (row: TodayRow) => [row.why, row.ifRun === null ? null : `had it run: ${row.ifRun}`].filter((t) => t !== null).join("; ").replace(/\|/g, "\\|");
  return [
    "## Spacedrive today",
    "",
    `**${todayAnswer(today)}**`,
    "",
    `${today.headline}. The model: ${today.description}.`,
    "",
    `Capabilities: ${today.capabilities.map((c) => `${c.id} ${c.status}`).join(", ")}.`,
    "",
    "| core | today | why |",
    "|---|---|---|",
    ...today.core.map((row) => `| \`${row.name}\` | ${row.status} | ${why(row)} |`),
    "",
  ];
}

export function renderParityTable(report: ParityReport): string {
  const width = Math.max(...report.capabilities.map((c) => c.id.length), 10);
  const cell = (t: { passed: number; failed: number }) =>
    `${t.passed + t.failed === 0 ? "none" : t.failed === 0 ? "ok" : "FAIL"} ${t.passed}/${t.passed + t.failed}`.padEnd(9);
  const lines = [`${"capability".padEnd(width)}  native     wasm       parity`];
  for (const c of report.capabilities) lines.push(`${c.id.padEnd(width)}  ${cell(c.native)}  ${cell(c.wasm)}  ${c.parity === null ? "not run" : c.parity ? "yes" : "NO"}`);
  const uncovered = report.imports.filter((i) => i.positive === 0).map((i) => i.name);
  lines.push("", `imports covered: ${report.imports.length - uncovered.length}/${report.imports.length}${uncovered.length ? ` (missing: ${uncovered.join(", ")})` : ""}`);
  lines.push("", ...coreSurfaceText(report.coreSurface));
  if (report.spacedriveToday !== null) lines.push("", todayAnswer(report.spacedriveToday), report.spacedriveToday.headline);
  return lines.join("\n");
}
