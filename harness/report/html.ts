import { coreCountsText } from "../suite/core-coverage.ts";
import { OUTCOMES, type Outcome } from "../suite/gate.ts";
import { coreCellText, coreRowTitle } from "./core-surface-report.ts";
import { casesText, countsText } from "./gate-markdown.ts";
import { DETAIL_LIMITS, detailCutter, divergenceLines, type GateReport, type GateReportCase, hostTitle, OUTCOME_MEANING, outcomeNote, problemLines, shorten } from "./gate-report.ts";
import { visibleControls } from "../trace/printable.ts";

/** HTML text and attribute values: everything a host said is escaped, control characters shown as `\uXXXX`. */
export function htmlEscape(text: string): string {
  return visibleControls(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
const h = htmlEscape;

const anchor = (id: string) => `case-${id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
/** The case's row in "All cases": where a badge links when the case has no section of its own. */
const rowAnchor = (id: string) => `row-${id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
/** The outcomes whose cases have a section (an article) of their own: failures, host errors, expected failures. */
const WITH_ARTICLE: readonly Outcome[] = ["ERROR", "TIMEOUT", "FAIL", "XPASS", "XFAIL"];

const STYLE = `
:root { color-scheme: light; --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1100px; padding: 24px; color: #1f2328; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
pre.reproduce { user-select: all; -webkit-user-select: all; background: #fff8c5; }
.meta { color: var(--muted); margin: 0 0 12px; }
.verdict { display: inline-block; font-weight: 600; padding: 2px 10px; border-radius: 12px; color: #fff; }
.verdict-pass { background: var(--pass); } .verdict-fail { background: var(--fail); } .verdict-error { background: var(--error); }
.badge { display: inline-block; font: 600 11px/1.6 ui-monospace, monospace; padding: 0 6px; border-radius: 10px; border: 1px solid currentColor; margin: 1px 2px; white-space: nowrap; }
.o-PASS { color: var(--pass); } .o-FAIL, .o-XPASS { color: var(--fail); } .o-ERROR, .o-TIMEOUT { color: var(--error); }
.o-XFAIL { color: var(--warn); } .o-SKIP, .o-UNSUPPORTED { color: var(--muted); }
td.v-pass { background: #dafbe1; } td.v-fail { background: #ffebe9; } td.v-error { background: #fbefff; } td.v-xfail { background: #fff8c5; }
td.v-unsupported, td.v-skipped, td.v-none { background: #f6f8fa; color: var(--muted); }
td.c-reachable { background: #dafbe1; } td.c-partial { background: #fff8c5; } td.c-no-case { background: #ffebe9; } td.c-not-reachable { background: #f6f8fa; color: var(--muted); }
a.badge { text-decoration: none; }
article.case { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px; padding: 12px 14px; margin: 12px 0; }
article.case[data-outcome="ERROR"], article.case[data-outcome="TIMEOUT"] { border-left-color: var(--error); }
article.case[data-outcome="XFAIL"] { border-left-color: var(--warn); }
.note { font-weight: 600; } ul.failures { margin: 6px 0; padding-left: 20px; }
`;

function badge(outcome: Outcome, id?: string): string {
  const text = id === undefined ? outcome : `${id} ${outcome}`;
  return id === undefined
    ? `<span class="badge o-${outcome}">${h(text)}</span>`
    : `<a class="badge o-${outcome}" href="#${WITH_ARTICLE.includes(outcome) ? anchor(id) : rowAnchor(id)}" title="${h(OUTCOME_MEANING[outcome])}">${h(text)}</a>`;
}

/** How much of a case's note the table of all cases shows (a host error can be long); the case's article has more. */
const ROW_NOTE_CHARS = 300;

function caseArticle(c: GateReportCase): string {
  const note = outcomeNote(c);
  const parts = [
    `<article class="case" id="${anchor(c.id)}" data-case="${h(c.id)}" data-outcome="${c.outcome}">`,
    `<h3>${badge(c.outcome)} ${h(c.id)}</h3>`,
    `<p>${h(c.description)}</p>`,
  ];
  const cut = detailCutter();
  if (note) parts.push(c.error !== null ? `<pre class="error">${h(cut([note]).join("\n"))}</pre>` : `<p class="note">${h(cut([note]).join(" "))}</p>`);
  const failures = cut(c.failures);
  if (failures.length > 0) parts.push(`<p>Expectations that did not hold:</p><ul class="failures">${failures.map((f) => `<li><code>${h(f)}</code></li>`).join("")}</ul>`);
  const divergence = cut(divergenceLines(c, DETAIL_LIMITS.eventChars));
  if (divergence.length > 0) parts.push(`<pre class="divergence">${h(divergence.join("\n"))}</pre>`);
  parts.push(`<p>Reproduce (this case alone, on the same host):</p><pre class="reproduce"><code>${h(c.reproduce)}</code></pre>`, "</article>");
  return parts.join("\n");
}

const CORE_CLASS = { reachable: "c-reachable", partial: "c-partial", "reachable, no case": "c-no-case", "not reachable": "c-not-reachable" } as const;

/** The core surface: the headline, each version's counts and one row per JobContext method and Progress variant. */
function coreSurfaceSection(report: GateReport): string {
  const coverage = report.coreSurface;
  return [
    '<section id="core-surface">',
    "<h2>Core surface</h2>",
    `<p><strong>${h(coverage.headline)}.</strong> One row per public method of Spacedrive's <code>JobContext</code> and per <code>Progress</code> variant (commit ${h(coverage.commit)}). Reachable: an extension reaches it fully and a case with a native twin imports what reaches it (a 1.1 guest's cases count only under 1.1). From the suite's ${coverage.cases} cases, whatever the filter; not a verdict on this host.</p>`,
    `<ul>${coverage.versions.map((v) => `<li>under ${h(v)}: ${h(coreCountsText(coverage.totals[v]))}</li>`).join("")}</ul>`,
    '<table class="core-surface">',
    `<thead><tr><th>core</th><th>Spacedrive</th><th>what core does</th>${coverage.versions.map((v) => `<th>under ${h(v)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...coverage.rows.map(
      (row) =>
        `<tr data-core="${h(row.name)}"><th scope="row"><code>${h(coreRowTitle(row))}</code></th><td><code>${h(row.source)}</code></td><td>${h(row.semantics)}</td>` +
        coverage.versions.map((v) => `<td class="${CORE_CLASS[row.abi[v].status]}" data-version="${h(v)}" data-status="${h(row.abi[v].status)}">${h(coreCellText(row.abi[v]))}</td>`).join("") +
        "</tr>",
    ),
    "</tbody>",
    "</table>",
    "</section>",
  ].join("\n");
}

/** gate.html: one self-contained page (inline CSS, no scripts, nothing fetched): matrix, failures, expectations, cases. */
export function renderGateHtml(report: GateReport): string {
  const { handshake } = report.host;
  const title = `job-parity run: ${hostTitle(report)} — ${report.verdict}`;
  const how = report.host.command ? `command <code>${h(report.host.command)}</code>` : report.host.module ? `module <code>${h(report.host.module)}</code>` : "the reference host, in process";
  const attention = report.cases.filter((c) => ["ERROR", "TIMEOUT", "FAIL", "XPASS"].includes(c.outcome));
  const xfail = report.cases.filter((c) => c.outcome === "XFAIL");
  const withExpectation = report.cases.filter((c) => c.expectation !== null);
  const body = [
    "<header>",
    `<h1>${h(title)}</h1>`,
    `<p class="meta"><span class="verdict verdict-${report.verdict}">${h(report.verdict)} · exit ${report.exitCode}</span> cases up to ABI ${h(report.abiVersion)} (${h(handshake === null ? "no handshake" : `the host serves ${handshake.abiVersions.join(", ") || "none"}`)}) · ${how} · ${casesText(report.summary.cases)}: ${h(countsText(report.summary.outcomes))} · ${(report.summary.durationMs / 1000).toFixed(2)} s · ${h(report.generatedAt)}</p>`,
    report.options.filter !== null ? `<p class="meta">Filter: <code>${h(report.options.filter)}</code></p>` : "",
    report.expectations.file !== null ? `<p class="meta">Expectations: <code>${h(report.expectations.file)}</code>${report.expectations.host ? ` (${h(report.expectations.host)})` : ""}</p>` : "",
    "</header>",
    report.problems.length > 0 ? `<section id="problems"><h2>What broke</h2><ul class="failures">${problemLines(report).map((line) => `<li><code>${h(line)}</code></li>`).join("")}</ul></section>` : "",
    report.expectations.waivers.length > 0
      ? `<section id="waivers"><h2>Waived capabilities</h2><table><thead><tr><th>capability</th><th>entry</th><th>reason</th></tr></thead><tbody>${report.expectations.waivers
          .map((w) => `<tr><td>${h(w.capability)}${w.claimed ? " (claimed: stale)" : ""}</td><td><code>${h(w.entry)}</code></td><td>${h(w.reason)}</td></tr>`)
          .join("")}</tbody></table></section>`
      : "",
    '<section id="matrix">',
    "<h2>Capabilities</h2>",
    '<table class="matrix">',
    `<thead><tr><th>capability</th><th>core API</th><th>${h(handshake?.name ?? "host")}</th><th>cases</th></tr></thead>`,
    "<tbody>",
    ...report.capabilities.map(
      (c) =>
        `<tr data-capability="${h(c.id)}"><th scope="row">${h(c.id)}</th><td><code>${h(c.core)}</code></td>` +
        `<td class="v-${c.verdict}" data-verdict="${c.verdict}">${h(c.verdict)}${c.claimed ? "" : " (not claimed)"}<br><small>${h(countsText(c.outcomes))}</small></td>` +
        `<td>${c.cases.map((k) => badge(k.outcome, k.id)).join(" ") || "—"}</td></tr>`,
    ),
    "</tbody>",
    "</table>",
    "<h2>Clauses</h2>",
    '<table class="matrix">',
    "<thead><tr><th>clause</th><th>level</th><th>verdict</th><th>cases</th></tr></thead>",
    "<tbody>",
    ...report.clauses.map(
      (c) =>
        `<tr data-clause="${h(c.id)}"><th scope="row"><code>${h(c.id)}</code></th><td>${c.level}</td>` +
        `<td class="v-${c.verdict}" data-verdict="${c.verdict}">${h(c.verdict)}</td><td>${c.cases.map((k) => badge(k.outcome, k.id)).join(" ")}</td></tr>`,
    ),
    "</tbody>",
    "</table>",
    "</section>",
    coreSurfaceSection(report),
    '<section id="failures">',
    `<h2>Failures and host errors (${attention.length})</h2>`,
    attention.length === 0 ? "<p>None: every case met its expectation.</p>" : attention.map(caseArticle).join("\n"),
    "</section>",
  ];
  if (withExpectation.length > 0) {
    body.push(
      '<section id="expectations">',
      "<h2>Skips and expected failures</h2>",
      "<table><thead><tr><th>case</th><th>outcome</th><th>entry</th><th>reason</th></tr></thead><tbody>",
      ...withExpectation.map((c) => `<tr><td><code>${h(c.id)}</code></td><td>${badge(c.outcome)}</td><td><code>${h(c.expectation!.entry)}</code></td><td>${h(c.expectation!.reason)}</td></tr>`),
      "</tbody></table>",
      ...xfail.map(caseArticle),
      "</section>",
    );
  }
  body.push(
    '<section id="cases">',
    "<h2>All cases</h2>",
    "<table><thead><tr><th>case</th><th>outcome</th><th>capabilities</th><th>ms</th><th>note</th></tr></thead><tbody>",
    ...report.cases.map(
      (c) =>
        `<tr id="${rowAnchor(c.id)}" data-case="${h(c.id)}"><td><code>${h(c.id)}</code></td><td>${badge(c.outcome)}</td><td>${h(c.capabilities.join(", ") || "—")}</td><td>${c.durationMs}</td><td>${h(shorten(outcomeNote(c, report.expectations.waivers), ROW_NOTE_CHARS))}</td></tr>`,
    ),
    "</tbody></table>",
    "<h2>Outcomes</h2>",
    "<table><thead><tr><th>outcome</th><th>cases</th><th>meaning</th></tr></thead><tbody>",
    ...OUTCOMES.map((o) => `<tr><td>${badge(o)}</td><td>${report.summary.outcomes[o]}</td><td>${h(OUTCOME_MEANING[o])}</td></tr>`),
    "</tbody></table>",
    "</section>",
  );
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...body.filter((line) => line !== ""),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
