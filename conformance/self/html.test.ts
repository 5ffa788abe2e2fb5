import { NO_EXPECTATIONS, resolveExpectations } from "../../harness/suite/host-expectations.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_HELP, openReportBrowser } from "../support/browser.ts";
import { IN_CI, noteNotRun } from "../support/not-run.ts";
import { CAPABILITY_IDS } from "../../harness/abi/capabilities.ts";
import { buildGateReport, type GateReport } from "../../harness/report/gate-report.ts";
import { renderGateHtml } from "../../harness/report/html.ts";
import { renderJunit } from "../../harness/report/junit.ts";
import { discoverFixtures } from "../../harness/suite/fixtures.ts";
import { runGate } from "../../harness/suite/gate.ts";
import lossyHost from "../expectations/lossy-host.ts";

// gate.html is opened by people, in browsers: check it in one. A headless Chromium (conformance/support/browser.ts)
// loads the page and serializes the DOM it built; the test reads the matrix and the failure section from that DOM,
// not from our own string. A hostile string (markup and a script) rides along in a failure message: if it were not
// escaped, the script would run and rewrite the page. The JUnit XML goes through the same browser's XML parser.
//
// Without a browser: with CI=true the run fails; otherwise these checks do not run and the run's summary says so
// (conformance/support/not-run.ts), with the command that runs them.

const HOSTILE = `</pre></article><script>document.title = "pwned"; document.body.innerHTML = "<p id='pwned'>pwned</p>";</script><b>bold`;
const MODULE = "conformance/expectations/lossy-host.ts";

const dir = mkdtempSync(join(tmpdir(), "job-parity-html-"));
const opened = await openReportBrowser();
const browser = "missing" in opened ? null : opened;
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

if (browser === null && !IN_CI) {
  noteNotRun(`gate.html and junit.xml in a real browser (conformance/self/html.test.ts): ${(opened as { missing: string }).missing}. ${BROWSER_HELP}`);
}

let report: GateReport;

beforeAll(async () => {
  const adapter = lossyHost();
  const fixtures = discoverFixtures();
  // The lossy host does not claim networking; its waiver makes those cases UNSUPPORTED.
  const waivers = [{ index: 0, capability: "networking" as const, reason: "no P2P stack yet" }];
  const expectations = resolveExpectations({ ...NO_EXPECTATIONS, waivers }, fixtures.map((f) => f.id));
  try {
    const result = await runGate(adapter, { fixtures, expectations });
    report = buildGateReport(result, { hostModule: MODULE }, expectations);
  } finally {
    await adapter.close();
  }
  const steps = report.cases.find((c) => c.id === "progress/steps")!;
  steps.failures.push(`hostile text: ${HOSTILE} \u0007`);
});

describe("a browser for the report checks", () => {
  it.runIf(IN_CI)("starts under CI (CI=true): the browser check must run there", () => {
    expect(browser, `${"missing" in opened ? opened.missing : ""}. ${BROWSER_HELP}`).not.toBeNull();
  });
});

describe.runIf(browser !== null)("gate.html in a real headless browser", () => {
  it("renders: one matrix row per capability, the failure with its first divergent event and reproduce command", async () => {
    expect(report.verdict).toBe("fail");
    const html = renderGateHtml(report);
    // Self-contained: inline CSS, nothing fetched, no script of our own.
    expect(html).not.toMatch(/<script|<link|@import|url\(|\b(?:src|href)=["'](?!#)/i);
    const file = join(dir, "gate.html");
    writeFileSync(file, html);
    const dom = await browser!.dom(file);

    expect(dom).toContain("<title>job-parity run: lossy test host");
    expect(dom).not.toContain('id="pwned"'); // the hostile script never ran
    expect(dom).toContain("&lt;script&gt;document.title");

    const matrix = /<table class="matrix">([\s\S]*?)<\/table>/.exec(dom)?.[1];
    expect(matrix, "the matrix table").toBeDefined();
    const rows = [...matrix!.matchAll(/<tr data-capability="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual([...CAPABILITY_IDS]);
    expect(rows).toHaveLength(12);
    expect(matrix!.match(/<tr[\s>]/g)).toHaveLength(13); // the 12 rows and the header, nothing else
    expect(matrix).toMatch(/<tr data-capability="progress">.*data-verdict="fail"/);
    expect(matrix).toMatch(/<tr data-capability="networking">.*data-verdict="unsupported"/);

    const failures = /<section id="failures">([\s\S]*?)<\/section>/.exec(dom)?.[1];
    expect(failures, "the failures section").toBeDefined();
    const steps = /<article class="case" id="case-progress-steps"[\s\S]*?<\/article>/.exec(failures!)?.[0];
    expect(steps, "the progress/steps failure").toBeDefined();
    expect(steps).toContain('data-outcome="FAIL"');
    expect(steps).toContain("first divergent event: job:0 trace #2");
    expect(steps).toContain("golden #2 {\"kind\":\"progress\",\"job\":\"job:0\",\"value\":0.25,\"message\":\"quarter\"}");
    expect(steps).toContain("host   #2 {\"kind\":\"progress\",\"job\":\"job:0\",\"value\":0.3,\"message\":\"quarter\"}");
    expect(steps).toContain(`<pre class="reproduce"><code>npx job-parity run --host-module '${MODULE}' --filter 'progress/steps'</code></pre>`);
    expect([...failures!.matchAll(/<article class="case"/g)]).toHaveLength(report.cases.filter((c) => c.outcome === "FAIL").length);
  });

  it("the JUnit XML of the same report parses as XML (hostile text and a control character included)", async () => {
    const xml = renderJunit(report);
    expect(await browser!.xmlError(xml)).toBeNull();
    expect(xml).toContain("progress/steps");
    // The parser has teeth: the same XML with one character left unescaped does not parse.
    expect(await browser!.xmlError(xml.replace("progress/steps", "progress<steps"))).not.toBeNull();
  });
});
