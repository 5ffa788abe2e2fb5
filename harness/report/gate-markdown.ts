import { OUTCOMES, type Outcome } from "../suite/gate.ts";
import { coreSurfaceMarkdown } from "./core-surface-report.ts";
import { ATTENTION, divergenceLines, hostTitle, OUTCOME_MEANING, outcomeNote, problemLines, type GateReport, type GateReportCase, type OutcomeCounts } from "./gate-report.ts";

const VERDICT = { pass: "✅ pass", fail: "❌ fail", error: "💥 error" } as const;
const CAPABILITY_MARK = { pass: "✅", xfail: "⚠️", fail: "❌", error: "💥", unsupported: "➖", skipped: "⏭️", none: "—" } as const;

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
/** Inline code that survives backticks in the text. */
const code = (text: string) => {
  const flat = text.replace(/\r?\n/g, " ");
  const ticks = "`".repeat(Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return ticks.length > 1 ? `${ticks} ${flat} ${ticks}` : `\`${flat}\``;
};
/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(lines: readonly string[]): string[] {
  const longest = Math.max(0, ...lines.flatMap((line) => [...line.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [fence, ...lines, fence];
}

/** "1 case", "38 cases". */
export const casesText = (n: number) => `${n} case${n === 1 ? "" : "s"}`;

/** "36 PASS, 1 XFAIL" (outcomes with a count only). */
export function countsText(counts: OutcomeCounts): string {
  const parts = OUTCOMES.filter((o) => counts[o] > 0).map((o) => `${counts[o]} ${o}`);
  return parts.length === 0 ? "no cases" : parts.join(", ");
}

function caseBlock(c: GateReportCase): string[] {
  const lines = [`### ${c.outcome}: ${c.id}`, "", c.description, ""];
  const note = outcomeNote(c);
  const error = c.error !== null;
  if (note && !error) lines.push(`**${cell(note)}**`, "");
  const details = [...(error ? note.split("\n") : []), ...c.failures.map((f) => `expectation: ${f}`), ...divergenceLines(c)];
  if (details.length > 0) lines.push(...fenced(details), "");
  lines.push("Reproduce:", "", ...fenced([c.reproduce]), "");
  return lines;
}

/** gate.md: the verdict, the capability matrix, what broke, what failed, every skip and expected failure. */
export function renderGateMarkdown(report: GateReport): string {
  const { handshake } = report.host;
  const host = report.host.command ? ` · host command ${code(report.host.command)}` : report.host.module ? ` · host module ${code(report.host.module)}` : " · in process";
  const serves = handshake === null ? "no handshake" : `the host serves ${handshake.abiVersions.join(", ") || "none"}`;
  const lines = [
    `# job-parity run: ${hostTitle(report)} — ${VERDICT[report.verdict]} (exit ${report.exitCode})`,
    "",
    `cases up to ABI ${report.abiVersion} (${serves})${host} · ${casesText(report.summary.cases)}: ${countsText(report.summary.outcomes)} · ${(report.summary.durationMs / 1000).toFixed(2)} s`,
  ];
  if (report.problems.length > 0) lines.push("", "## What broke", "", ...problemLines(report).map((line) => `- **${cell(line)}**`));
  if (report.options.filter !== null) lines.push("", `Filter: ${code(report.options.filter)}`);
  if (report.expectations.file !== null) lines.push("", `Expectations: ${code(report.expectations.file)}${report.expectations.host ? ` (${cell(report.expectations.host)})` : ""}`);
  if (report.expectations.waivers.length > 0) {
    lines.push("", "## Waived capabilities", "", "| capability | entry | reason |", "|---|---|---|");
    for (const w of report.expectations.waivers) lines.push(`| ${w.capability}${w.claimed ? " (claimed: stale)" : ""} | ${cell(w.entry)} | ${cell(w.reason)} |`);
  }
  lines.push(
    "",
    "## Capabilities",
    "",
    `| capability | core API | ${cell(handshake?.name ?? "host")} | cases |`,
    "|---|---|---|---|",
    ...report.capabilities.map(
      (c) =>
        `| ${c.id} | ${code(c.core)} | ${CAPABILITY_MARK[c.verdict]} ${c.verdict}${c.claimed ? "" : " (not claimed)"} | ${countsText(c.outcomes)} |`,
    ),
  );
  lines.push(
    "",
    "## Clauses",
    "",
    "The clauses of the specification (docs/ABI.md, conformance/PROTOCOL.md) that the run's cases cite; `job-parity spec` lists them all.",
    "",
    "| clause | level | verdict | cases |",
    "|---|---|---|---|",
    ...report.clauses.map((c) => `| ${code(c.id)} | ${c.level} | ${CAPABILITY_MARK[c.verdict]} ${c.verdict} | ${countsText(c.outcomes)} |`),
  );
  lines.push("", ...coreSurfaceMarkdown(report.coreSurface));
  const attention = (outcomes: readonly Outcome[]) => report.cases.filter((c) => outcomes.includes(c.outcome));
  const broken = attention(["ERROR", "TIMEOUT"]);
  if (broken.length > 0) lines.push("", "## Host errors", "", ...broken.flatMap(caseBlock));
  const failed = attention(["FAIL", "XPASS"]);
  if (failed.length > 0) lines.push("", "## Failures", "", ...failed.flatMap(caseBlock));
  const known = report.cases.filter((c) => c.expectation !== null && !ATTENTION.includes(c.outcome));
  if (known.length > 0 || report.expectations.entries.length > 0) {
    lines.push("", "## Skips and expected failures", "", "| case | outcome | entry | reason |", "|---|---|---|---|");
    for (const c of report.cases.filter((c) => c.expectation !== null)) {
      lines.push(`| ${code(c.id)} | ${c.outcome} | ${cell(c.expectation!.entry)} | ${cell(c.expectation!.reason)} |`);
    }
  }
  const xfailed = attention(["XFAIL"]);
  if (xfailed.length > 0) lines.push("", "<details><summary>Expected failures in detail</summary>", "", ...xfailed.flatMap(caseBlock), "</details>");
  const unsupported = attention(["UNSUPPORTED"]);
  if (unsupported.length > 0) {
    lines.push("", "## Unsupported", "", ...unsupported.map((c) => `- ${code(c.id)}: ${outcomeNote(c)}`));
  }
  lines.push("", "## Outcomes", "", "| outcome | cases | meaning |", "|---|---|---|");
  for (const o of OUTCOMES) lines.push(`| ${o} | ${report.summary.outcomes[o]} | ${OUTCOME_MEANING[o]} |`);
  return `${lines.join("\n")}\n`;
}
