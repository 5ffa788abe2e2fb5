import type { GateReport, GateReportCase } from "./gate-report.ts";
import { DETAIL_LIMITS, detailCutter, divergenceLines, eventText, outcomeNote, hostTitle, problemLines, shorten } from "./gate-report.ts";
import { visibleControls } from "../trace/printable.ts";

/**
 * XML 1.0 text: the five special characters escaped, and characters XML cannot hold at all (most C0 controls,
 * U+FFFE/U+FFFF, lone surrogates) or a reader would not see written as visible escapes instead (visibleControls), so
 * a host's garbage cannot break the file.
 */
export function xmlEscape(text: string): string {
  return visibleControls(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Attribute values are one line (parsers turn newlines in attributes into spaces), and no longer than a detail line;
 * the element body has the rest.
 */
const firstLine = (text: string) => shorten(text.split("\n")[0]!, DETAIL_LIMITS.lineChars);
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const attr = (name: string, value: string | number) => `${name}="${xmlEscape(String(value))}"`;

function body(c: GateReportCase): string {
  const detail = detailCutter()([
    ...c.failures.map((f) => `expectation: ${f}`),
    ...divergenceLines(c, DETAIL_LIMITS.eventChars),
    ...(c.error ? [`${c.error.code}: ${c.error.message}`] : []),
  ]);
  return [...detail, `reproduce: ${c.reproduce}`].join("\n");
}

/** How many characters of each event a failure message shows: the body has more, gate.json all. */
const MESSAGE_EVENT_CHARS = 150;

/**
 * The first line of the divergence, with the divergent event on both sides when there is one: some CI pages show only
 * a failure's message, and "first divergence at event #3" alone does not say what differed.
 */
function divergenceMessage(divergence: GateReportCase["divergence"]): string | null {
  if (divergence === null) return null;
  const first = firstLine(divergence.text);
  const { event } = divergence;
  if (event === null) return first;
  return `${first}: golden ${eventText(event.expected, MESSAGE_EVENT_CHARS)} / host ${eventText(event.actual, MESSAGE_EVENT_CHARS)}`;
}

function testcase(c: GateReportCase, waivers: GateReport["expectations"]["waivers"]): string {
  const classname = `job-parity.${c.id.includes("/") ? c.id.slice(0, c.id.lastIndexOf("/")).replace(/\//g, ".") : "cases"}`;
  const open = `    <testcase ${attr("classname", classname)} ${attr("name", c.id)} ${attr("time", seconds(c.durationMs))}`;
  const note = outcomeNote(c, waivers);
  let inner: string | null = null;
  switch (c.outcome) {
    case "PASS":
      break;
    case "FAIL": {
      const first = c.failures[0] !== undefined ? firstLine(c.failures[0]) : (divergenceMessage(c.divergence) ?? "failed");
      inner = `      <failure ${attr("type", "FAIL")} ${attr("message", first)}>${xmlEscape(body(c))}</failure>`;
      break;
    }
    case "XPASS":
      inner = `      <failure ${attr("type", "XPASS")} ${attr("message", firstLine(note))}>${xmlEscape(body(c))}</failure>`;
      break;
    case "ERROR":
    case "TIMEOUT":
      inner = `      <error ${attr("type", c.error?.code ?? c.outcome)} ${attr("message", firstLine(`${c.outcome}: ${c.error?.message ?? ""}`))}>${xmlEscape(body(c))}</error>`;
      break;
    case "XFAIL":
    case "SKIP":
    case "UNSUPPORTED":
      inner = `      <skipped ${attr("message", firstLine(`${c.outcome}: ${note}`))}/>`;
      break;
  }
  const out = `      <system-out>${xmlEscape(`${c.outcome}: ${c.description}\nreproduce: ${c.reproduce}`)}</system-out>`;
  return [`${open}>`, ...(inner ? [inner] : []), out, "    </testcase>"].join("\n");
}

/**
 * The run's problems (capabilities neither claimed nor waived, a host that could not start, ignored shutdown) as one
 * more testcase, so that a CI summary that only lists testcases shows them.
 */
function runTestcase(report: GateReport): string[] {
  if (report.problems.length === 0) return [];
  // The worst problem decides the element, so it names the type and the message too; the body lists them all.
  const worst = report.problems.reduce((a, b) => (b.severity > a.severity ? b : a));
  const text = problemLines(report).join("\n");
  const element = worst.severity === 2 ? "error" : "failure";
  return [
    `    <testcase ${attr("classname", "job-parity")} ${attr("name", "run")} ${attr("time", "0")}>`,
    `      <${element} ${attr("type", worst.code)} ${attr("message", worst.message)}>${xmlEscape(text)}</${element}>`,
    "    </testcase>",
  ];
}

/** JUnit XML: one testsuite for the host, one testcase per case (classname = its fixture folder). */
export function renderJunit(report: GateReport): string {
  const o = report.summary.outcomes;
  const worst = Math.max(0, ...report.problems.map((p) => p.severity));
  const counts = {
    tests: report.summary.cases + (worst > 0 ? 1 : 0),
    failures: o.FAIL + o.XPASS + (worst === 1 ? 1 : 0),
    errors: o.ERROR + o.TIMEOUT + (worst === 2 ? 1 : 0),
    skipped: o.SKIP + o.XFAIL + o.UNSUPPORTED,
  };
  const time = seconds(report.summary.durationMs);
  const { handshake } = report.host;
  const properties = [
    ["host.name", handshake?.name ?? ""],
    ["host.version", handshake?.version ?? ""],
    ["host.abiVersions", handshake?.abiVersions.join(",") ?? ""],
    ["host.capabilities", handshake?.capabilities.join(",") ?? ""],
    ["host.methods", handshake?.methods.join(",") ?? ""],
    ["host.command", report.host.command ?? ""],
    ["host.module", report.host.module ?? ""],
    ["abiVersion", report.abiVersion],
    ["expectations", report.expectations.file ?? ""],
    ["filter", report.options.filter ?? ""],
    ["verdict", report.verdict],
    ["exitCode", String(report.exitCode)],
  ];
  const summary = Object.entries(counts).map(([k, v]) => attr(k, v)).join(" ");
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attr("name", "job-parity")} ${summary} ${attr("time", time)}>`,
    `  <testsuite ${attr("name", `job-parity run: ${hostTitle(report)}`)} ${summary} ${attr("time", time)} ${attr("timestamp", report.generatedAt)}>`,
    "    <properties>",
    ...properties.map(([name, value]) => `      <property ${attr("name", name!)} ${attr("value", value!)}/>`),
    "    </properties>",
    ...runTestcase(report),
    ...report.cases.map((c) => testcase(c, report.expectations.waivers)),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
