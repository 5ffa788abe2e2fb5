import { describe, expect, it } from "vitest";
import { referenceHandshake } from "../../harness/adapters/in-process.ts";
import { MARKDOWN_BUDGET, renderGateMarkdown } from "../../harness/report/gate-markdown.ts";
import { buildGateReport, DETAIL_LIMITS, detailCutter, type GateReport } from "../../harness/report/gate-report.ts";
import { renderGateHtml } from "../../harness/report/html.ts";
import { renderJunit } from "../../harness/report/junit.ts";
import { discoverFixtures } from "../../harness/suite/fixtures.ts";
import type { GateCase, GateResult, Outcome, RunProblem } from "../../harness/suite/gate.ts";

// The reports of runs no real host needs to make: thousands of failures with huge events, a hostile handshake name,
// terminal escapes in an error, several run problems. Each report is built from a GateResult made here, as the gate
// would return it, and rendered as `run` renders it.

const FIXTURES = discoverFixtures();
const HOST_CMD = "my-host --job-parity";

function gateCase(id: string, outcome: Outcome, more: Partial<GateCase> = {}): GateCase {
  const fixture = FIXTURES.find((f) => f.id === id);
  return {
    id,
    description: fixture?.sidecar.description ?? `case ${id}`,
    spec: fixture?.sidecar.spec ?? [],
    capabilities: fixture?.sidecar.capabilities ?? [],
    outcome,
    durationMs: 1,
    failures: [],
    divergence: null,
    error: null,
    expectation: null,
    missingCapabilities: [],
    missingMethods: [],
    missingAbi: null,
    ...more,
  };
}

function gateReport(cases: GateCase[], more: Partial<GateResult> = {}): GateReport {
  const result: GateResult = { handshake: referenceHandshake(), hostError: null, problems: [], cases, durationMs: 10, exitCode: 1, ...more };
  return buildGateReport(result, { hostCmd: HOST_CMD }, null);
}

/** A FAIL whose answer differs from the golden at job:0's event #3 only (no sidecar expectation failed). */
function divergent(id: string, message: string): GateCase {
  const event = (i: number) => ({ kind: "log", job: "job:0", level: "info", message: `line ${i}` });
  return gateCase(id, "FAIL", {
    divergence: {
      text: `job:0 trace: first divergence at event #3\n  golden  #3 ${JSON.stringify(event(3))}\n  host    #3 (long)`,
      event: { trace: "job:0", index: 3, expected: event(3), actual: { ...event(3), message }, before: [event(0), event(1), event(2)] },
      also: [`job:1 trace: first divergence at event #0\n  golden  #0 (trace ended)\n  host    #0 ${JSON.stringify({ message })}`],
    },
  });
}

const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

describe("gate.md stays under GitHub's step summary limit", () => {
  it("many failing cases with huge events: under MARKDOWN_BUDGET, events cut and marked, every failing case named", () => {
    const huge = "y".repeat(20_000);
    const cases = [
      gateCase("crash/one", "ERROR", { error: { code: "JP_HOST_CRASH", message: `the host crashed\n  last lines of its stderr:\n    | ${huge}` } }),
      ...Array.from({ length: 2000 }, (_, i) => divergent(`generated/7/${i}`, `${huge}${i}`)),
    ];
    const report = gateReport(cases);
    const markdown = renderGateMarkdown(report);
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MARKDOWN_BUDGET);
    expect(MARKDOWN_BUDGET).toBeLessThan(1024 * 1024);
    // Each case is named: by its details while they fit, then by a line of its own.
    const lines = new Set(markdown.split("\n"));
    expect(cases.filter((c) => !lines.has(`### ${c.outcome}: ${c.id}`) && !lines.has(`- \`${c.id}\` ${c.outcome}`)).map((c) => c.id)).toEqual([]);
    expect(markdown).toMatch(/^\d+ cases more, by id \(gate.md stays under GitHub's step summary limit; gate.html and gate.json have/m);
    expect(markdown).toContain("### FAIL: generated/7/0\n");
    expect(markdown).toMatch(/^  host   #3 \{"kind":"log","job":"job:0","level":"info","message":"y+… \(\d+ more characters\)$/m);
    expect(Math.max(...markdown.split("\n").filter((line) => line.includes("yyy")).map((line) => line.length))).toBeLessThan(600);
    // The gate.json the report came from keeps every event whole.
    expect((report.cases[1]!.divergence!.event!.actual as { message: string }).message).toHaveLength(20_001);
  });

  it("a host that never shook hands: what broke, with its stderr in a block, and no case by case repetition of it", () => {
    const message = "could not start the host: /bin/sh exited with code 127 (command not found)\n  last lines of its stderr:\n    | /bin/sh: 1: ./my-host: not found";
    const hostError = { code: "JP_HOST_SPAWN" as const, message };
    const cases = FIXTURES.map((f) => gateCase(f.id, "ERROR", { durationMs: 0, error: { code: "JP_HOST_SPAWN", message: `not run: ${message}` } }));
    const markdown = renderGateMarkdown(gateReport(cases, { handshake: null, hostError, problems: [{ ...hostError, severity: 2 }], exitCode: 2 }));
    expect(markdown).toContain("- **JP_HOST_SPAWN: could not start the host: /bin/sh exited with code 127 (command not found)**\n\n  ```\n    last lines of its stderr:\n      | /bin/sh: 1: ./my-host: not found\n  ```");
    expect(markdown).toContain(`No case was sent (What broke says why). The ${FIXTURES.length} cases are ERROR`);
    expect(markdown).not.toContain("### ERROR");
    expect(markdown.length).toBeLessThan(2_000);
  });

  it("a small failing run keeps every case's details", () => {
    const markdown = renderGateMarkdown(gateReport([divergent("progress/steps", "short")]));
    expect(markdown).toContain("### FAIL: progress/steps");
    expect(markdown).toContain('  host   #3 {"kind":"log","job":"job:0","level":"info","message":"short"}');
    expect(markdown).not.toContain("by id");
  });
});

describe("gate.html and junit.xml grow with the cases, not with what a host writes", () => {
  const huge = "y".repeat(200_000);
  const flood = [
    gateCase("crash/one", "ERROR", { error: { code: "JP_HOST_CRASH", message: `the host crashed\n  last lines of its stderr:\n${`    | ${huge}\n`.repeat(20)}` } }),
    gateCase("progress/refused", "FAIL", { failures: Array.from({ length: 200 }, (_, i) => `invariant ${i}: ${huge}`) }),
    ...Array.from({ length: 200 }, (_, i) => divergent(`generated/7/${i}`, `${huge}${i}`)),
  ];
  const report = gateReport(flood, { exitCode: 2 });

  it("each case's detail within DETAIL_LIMITS: events and lines cut and marked, the rest of a case said to be in gate.json", () => {
    // Some 200 MB of host text in: what each report holds per case is bounded.
    const perCase = DETAIL_LIMITS.caseChars + 8 * 1024; // the detail, and the markup, description and reproduce command around it
    for (const [name, text, quote] of [["gate.html", renderGateHtml(report), "&#39;"], ["junit.xml", renderJunit(report), "&apos;"]] as const) {
      expect(text.length, name).toBeLessThan(flood.length * perCase + 256 * 1024);
      expect(text, name).toMatch(/y… \(\d+ more characters\)/);
      expect(text, name).toContain(`the rest of this case${quote}s detail is not shown here`);
      // The reproduce command is never cut.
      expect(text, name).toContain(`--filter ${quote}generated/7/199${quote}`);
    }
    expect((report.cases[2]!.divergence!.event!.actual as { message: string }).message).toHaveLength(200_001); // gate.json: whole
  });

  it("a case's detail that fills its budget exactly: what follows is still said to be cut, once", () => {
    const cut = detailCutter({ lineChars: 100, caseChars: 10 });
    expect(cut(["0123456789"])).toEqual(["0123456789"]);
    expect(cut(["a failure"])).toEqual([expect.stringMatching(/^… the rest of this case's detail is not shown here/)]);
    expect(cut(["a divergence"])).toEqual([]);
  });
});

describe("host text in gate.md, gate.html and junit.xml", () => {
  it("a handshake name with a pipe, a newline and `<!--` stays in gate.md's heading and hides nothing", () => {
    const handshake = { ...referenceHandshake(), name: "evil | host\n<!-- rest", version: "1.0 <b>" };
    const markdown = renderGateMarkdown(gateReport([gateCase("progress/steps", "PASS")], { handshake, exitCode: 0 }));
    const [heading, blank] = markdown.split("\n");
    expect(heading).toBe("# job-parity run: evil \\| host &lt;!-- rest 1.0 &lt;b> — ✅ pass (exit 0)");
    expect(blank).toBe("");
    expect(markdown).not.toContain("<!--");
    expect(markdown).toContain("| capability | core API | evil \\| host &lt;!-- rest | cases |");
  });

  it("control characters from a host's stderr are shown as \\uXXXX, in every report", () => {
    const message = "the host crashed\n  last lines of its stderr:\n    | \u001b[31mred\u001b[0m \u0001\u007f <b>&amp;";
    const report = gateReport(
      [gateCase("progress/steps", "ERROR", { error: { code: "JP_HOST_CRASH", message } })],
      { exitCode: 2, problems: [{ code: "JP_HOST_CRASH", message: `the host crashed: \u001b[0m`, severity: 2 }] },
    );
    for (const [name, text] of [["gate.md", renderGateMarkdown(report)], ["gate.html", renderGateHtml(report)], ["junit.xml", renderJunit(report)]] as const) {
      expect(text, name).not.toMatch(CONTROLS);
      expect(text, name).toContain("\\u001b[31mred\\u001b[0m \\u0001\\u007f");
    }
    expect(renderGateHtml(report)).toContain("\\u001b[31mred\\u001b[0m \\u0001\\u007f &lt;b&gt;&amp;amp;");
  });

  it("characters that show nothing yet change what is read (a byte order mark, bidirectional overrides, a line separator) too; joiners stay", () => {
    const message = "not JSON: \ufeff{} \u202eevil\u202c \u2028fake line; 👩\u200d💻";
    const report = gateReport([gateCase("progress/steps", "ERROR", { error: { code: "JP_HOST_MALFORMED", message } })], { exitCode: 2 });
    for (const [name, text] of [["gate.md", renderGateMarkdown(report)], ["gate.html", renderGateHtml(report)], ["junit.xml", renderJunit(report)]] as const) {
      expect(text, name).toContain("not JSON: \\ufeff{} \\u202eevil\\u202c \\u2028fake line; 👩\u200d💻");
    }
  });
});

describe("junit.xml messages", () => {
  it("the run testcase: the worst problem decides the element, its type and its message; the body lists every problem", () => {
    const problems: RunProblem[] = [
      { code: "JP_CAPABILITY_MISSING", message: "the host does not claim networking", severity: 1 },
      { code: "JP_HOST_SHUTDOWN", message: "the host did not exit within 2000 ms of shutdown", severity: 2 },
    ];
    const xml = renderJunit(gateReport([gateCase("progress/steps", "PASS")], { problems, exitCode: 2 }));
    const run = /<testcase classname="job-parity" name="run"[^>]*>\n\s*(<(\w+) [^>]*>)([^<]*)<\/\2>/.exec(xml);
    expect(run, xml).not.toBeNull();
    expect(run![1]).toBe('<error type="JP_HOST_SHUTDOWN" message="the host did not exit within 2000 ms of shutdown">');
    expect(run![3]).toBe("JP_HOST_SHUTDOWN: the host did not exit within 2000 ms of shutdown\nJP_CAPABILITY_MISSING: the host does not claim networking");
  });

  it("a failure that differs from the golden only: the message shows the divergent event on both sides, shortened", () => {
    const xml = renderJunit(gateReport([divergent("progress/steps", "short"), divergent("progress/refused", "z".repeat(5000))]));
    const messages = [...xml.matchAll(/<failure type="FAIL" message="([^"]*)"/g)].map((m) => m[1]!);
    expect(messages[0]).toBe(
      "job:0 trace: first divergence at event #3: golden {&quot;kind&quot;:&quot;log&quot;,&quot;job&quot;:&quot;job:0&quot;,&quot;level&quot;:&quot;info&quot;,&quot;message&quot;:&quot;line 3&quot;}" +
        " / host {&quot;kind&quot;:&quot;log&quot;,&quot;job&quot;:&quot;job:0&quot;,&quot;level&quot;:&quot;info&quot;,&quot;message&quot;:&quot;short&quot;}",
    );
    const long = messages[1]!.replace(/&quot;/g, '"');
    expect(long).toMatch(/^job:0 trace: first divergence at event #3: golden \{.*\} \/ host \{"kind":"log",.*zzz… \(\d+ more characters\)$/);
    expect(long.length).toBeLessThan(400);
  });
});

describe("gate.html links", () => {
  /** Every `href="#x"` of the page, with whether an element has id x. */
  function deadLinks(html: string): string[] {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length, "ids are unique").toBe(new Set(ids).size);
    const known = new Set(ids);
    return [...new Set([...html.matchAll(/href="#([^"]*)"/g)].map((m) => m[1]!))].filter((id) => !known.has(id));
  }

  it("on a passing run every case badge of the matrices links to the case's row", () => {
    const html = renderGateHtml(gateReport(FIXTURES.map((f) => gateCase(f.id, "PASS")), { exitCode: 0 }));
    expect(html).toContain('href="#row-progress-steps"');
    expect(html).toContain('<tr id="row-progress-steps" data-case="progress/steps">');
    expect(deadLinks(html)).toEqual([]);
  });

  it("a failure, an expected failure and a host error link to their sections; the other outcomes to their rows", () => {
    const expectation = { kind: "expected-fail" as const, reason: "known", entry: 'expected-fail[0] (case "progress/refused")' };
    const outcomes: [string, Outcome, Partial<GateCase>][] = [
      ["progress/steps", "FAIL", { failures: ["expected more"] }],
      ["progress/refused", "XFAIL", { failures: ["expected more"], expectation }],
      ["logging/flood", "ERROR", { error: { code: "JP_HOST_CRASH", message: "gone" } }],
      ["lifecycle/counter", "SKIP", { expectation: { ...expectation, kind: "skip" } }],
    ];
    const cases = FIXTURES.map((f) => {
      const [, outcome, more] = outcomes.find(([id]) => id === f.id) ?? [f.id, "PASS" as const, {}];
      return gateCase(f.id, outcome, more);
    });
    const html = renderGateHtml(gateReport(cases));
    expect(html).toContain('href="#case-progress-steps"');
    expect(html).toContain('href="#case-progress-refused"');
    expect(html).toContain('href="#case-logging-flood"');
    expect(html).not.toContain('href="#case-lifecycle-counter"');
    expect(deadLinks(html)).toEqual([]);
  });
});
