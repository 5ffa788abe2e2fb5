import { OUTCOMES, type Outcome } from "../suite/gate.ts";
import { coreSurfaceMarkdown } from "./core-surface-report.ts";
import { ATTENTION, divergenceLines, hostTitle, OUTCOME_MEANING, outcomeNote, problemLines, shorten, type GateReport, type GateReportCase, type OutcomeCounts } from "./gate-report.ts";
import { visibleControls } from "../trace/printable.ts";

const VERDICT = { pass: "✅ pass", fail: "❌ fail", error: "💥 error" } as const;
const CAPABILITY_MARK = { pass: "✅", xfail: "⚠️", fail: "❌", error: "💥", unsupported: "➖", skipped: "⏭️", none: "—" } as const;

/**
 * gate.md's size at most, in bytes. GitHub refuses a step summary over 1 MiB, and the README's CI step appends gate.md
 * to one: the case details stop here (the cases after are listed by id), leaving room for what the step adds.
 */
export const MARKDOWN_BUDGET = 900 * 1024;
/** How many characters of each event a case's details show; gate.html and gate.json show all. */
const EVENT_CHARS = 300;
/** And of any other line of them (a host's stderr, another trace's divergence, the library). */
const LINE_CHARS = 500;

/**
 * A table cell, or any other text from the host or a file inline: one line, pipes escaped, and `&` and `<` as
 * entities (a `<!--` would hide the rest of the page), control characters as `\uXXXX`.
 */
const cell = (text: string) =>
  visibleControls(text)
    .replace(/\r\n|\r|\n/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;");
/** Inline code that survives backticks in the text. */
const code = (text: string) => {
  const flat = visibleControls(text).replace(/\r\n|\r|\n/g, " ");
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

/** Texts for a fenced block: line by line, control characters visible, each line cut at LINE_CHARS. */
const detailLines = (texts: readonly string[]) => texts.flatMap((text) => visibleControls(text).split(/\r\n|\r|\n/)).map((line) => shorten(line, LINE_CHARS));

function caseBlock(c: GateReportCase): string[] {
  const lines = [`### ${c.outcome}: ${c.id}`, "", c.description, ""];
  const note = outcomeNote(c);
  const error = c.error !== null;
  if (note && !error) lines.push(`**${cell(note)}**`, "");
  const details = detailLines([...(error ? [note] : []), ...c.failures.map((f) => `expectation: ${f}`), ...divergenceLines(c, EVENT_CHARS)]);
  if (details.length > 0) lines.push(...fenced(details), "");
  lines.push("Reproduce:", "", ...fenced([c.reproduce]), "");
  return lines;
}

/** A problem of the run: its first line in bold, any further lines (a host's stderr, quoted) in a block under it. */
function problemItem(problem: string): string[] {
  const [first, ...more] = problem.split(/\r\n|\r|\n/);
  if (more.length === 0) return [`- **${cell(first!)}**`];
  return [`- **${cell(first!)}**`, "", ...fenced(detailLines(more)).map((line) => `  ${line}`), ""];
}

const bytes = (lines: readonly string[]) => lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
/** A case's line where its details do not fit. */
const caseLine = (c: GateReportCase) => `- ${code(c.id)} ${c.outcome}`;

/**
 * Case details within `budget` bytes: each case's block while it fits; once one does not, that case and every later
 * one (in later sections too) as a line naming it.
 */
function detailsWithin(budget: number) {
  let left = budget;
  let spent = false;
  return (cases: readonly GateReportCase[]): string[] => {
    const lines: string[] = [];
    for (const [i, c] of cases.entries()) {
      const block = spent ? null : caseBlock(c);
      if (block !== null && bytes(block) <= left) {
        left -= bytes(block);
        lines.push(...block);
        continue;
      }
      spent = true;
      const rest = cases.slice(i);
      return [
        ...lines,
        `${casesText(rest.length)} more, by id (gate.md stays under GitHub's step summary limit; gate.html and gate.json have their details and reproduce commands):`,
        "",
        ...rest.map(caseLine),
        "",
      ];
    }
    return lines;
  };
}

/** gate.md: the verdict, the capability matrix, what broke, what failed, every skip and expected failure. */
export function renderGateMarkdown(report: GateReport): string {
  const { handshake } = report.host;
  const host = report.host.command ? ` · host command ${code(report.host.command)}` : report.host.module ? ` · host module ${code(report.host.module)}` : " · in process";
  const serves = handshake === null ? "no handshake" : `the host serves ${handshake.abiVersions.join(", ") || "none"}`;
  // The handshake's words are the host's: escaped like any other text (a newline or `<!--` would end the heading).
  const title = handshake !== null ? cell(`${handshake.name} ${handshake.version}`) : report.host.command !== null ? `the host ${code(report.host.command)}` : cell(hostTitle(report));
  const lines = [
    `# job-parity run: ${title} — ${VERDICT[report.verdict]} (exit ${report.exitCode})`,
    "",
    `cases up to ABI ${report.abiVersion} (${cell(serves)})${host} · ${casesText(report.summary.cases)}: ${countsText(report.summary.outcomes)} · ${(report.summary.durationMs / 1000).toFixed(2)} s`,
  ];
  if (report.problems.length > 0) {
    const items = problemLines(report).flatMap(problemItem);
    if (items.at(-1) === "") items.pop();
    lines.push("", "## What broke", "", ...items);
  }
  if (report.options.filter !== null) lines.push("", `Filter: ${code(report.options.filter)}`);
  if (report.expectations.file !== null) lines.push("", `Expectations: ${code(report.expectations.file)}${report.expectations.host ? ` (${cell(report.expectations.host)})` : ""}`);
  if (report.expectations.waivers.length > 0) {
    lines.push("", "## Waived capabilities", "", "| capability | entry | reason |", "|---|---|---|");
    for (const w of report.expectations.waivers) lines.push(`| ${w.capability}${w.claimed ? " (claimed: stale)" : ""} | ${cell(w.entry)} | ${cell(w.reason)} |`);
  }
  if (handshake === null) {
    // No case was sent: every case is the same ERROR, and the matrices would say so row by row.
    lines.push("", `No case was sent (What broke says why). The ${casesText(report.cases.length)} are ERROR, each listed in gate.json and gate.html.`);
    return `${lines.join("\n")}\n`;
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
  const failed = attention(["FAIL", "XPASS"]);
  const xfailed = attention(["XFAIL"]);
  const skips: string[] = [];
  const known = report.cases.filter((c) => c.expectation !== null && !ATTENTION.includes(c.outcome));
  if (known.length > 0 || report.expectations.entries.length > 0) {
    skips.push("", "## Skips and expected failures", "", "| case | outcome | entry | reason |", "|---|---|---|---|");
    for (const c of report.cases.filter((c) => c.expectation !== null)) {
      skips.push(`| ${code(c.id)} | ${c.outcome} | ${cell(c.expectation!.entry)} | ${cell(c.expectation!.reason)} |`);
    }
  }
  const rest: string[] = [];
  const unsupported = attention(["UNSUPPORTED"]);
  if (unsupported.length > 0) {
    rest.push("", "## Unsupported", "", ...unsupported.map((c) => `- ${code(c.id)}: ${cell(outcomeNote(c, report.expectations.waivers))}`));
  }
  rest.push("", "## Outcomes", "", "| outcome | cases | meaning |", "|---|---|---|");
  for (const o of OUTCOMES) rest.push(`| ${o} | ${report.summary.outcomes[o]} | ${OUTCOME_MEANING[o]} |`);
  // Everything but the case details is written whole; the details get what is left, less a line for each case they
  // may have to list by id instead (and some room for the headings and notes).
  const fixed = bytes(lines) + bytes(skips) + bytes(rest) + bytes([...broken, ...failed, ...xfailed].map(caseLine)) + 2048;
  const details = detailsWithin(MARKDOWN_BUDGET - fixed);
  if (broken.length > 0) lines.push("", "## Host errors", "", ...details(broken));
  if (failed.length > 0) lines.push("", "## Failures", "", ...details(failed));
  lines.push(...skips);
  if (xfailed.length > 0) lines.push("", "<details><summary>Expected failures in detail</summary>", "", ...details(xfailed), "</details>");
  lines.push(...rest);
  return `${lines.join("\n")}\n`;
}
