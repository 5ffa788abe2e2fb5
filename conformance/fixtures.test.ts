import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CAPABILITY_IDS } from "../harness/abi/capabilities.ts";
import { IMPORT_NAMES } from "../harness/abi/imports.ts";
import { buildParityReport, type ParityReport } from "../harness/report/parity-report.ts";
import { writeParityReports } from "../harness/report/write.ts";
import { discoverFixtures, PROJECT_ROOT } from "../harness/suite/fixtures.ts";
import { runFixture, type CaseResult } from "../harness/suite/run-case.ts";
import { formatSchemaErrors, schemaValidator } from "../harness/schemas/validate.ts";
import { wallClockRetries } from "./support/wall-clock.ts";

const fixtures = discoverFixtures();
/** Each fixture's result, by id (a retried case keeps its last). */
const results = new Map<string, CaseResult>();
const started = performance.now();

// Each fixture runs natively and as WASM on fresh reference hosts. Both sides must meet the sidecar's expectations
// (identical traces alone would let a wrong host agree with itself), the traces must be identical, and the
// sidecar's claims about which imports it exercises must be true of the WASM run.
describe("fixtures: native twin vs WASM guest on the reference host", () => {
  for (const fixture of fixtures) {
    it(`${fixture.id}${fixture.twinPath === null ? " (WASM-only: expectations and claims, no twin)" : ""}`, { retry: wallClockRetries(fixture) }, async () => {
      const result = await runFixture(fixture);
      results.set(fixture.id, result);
      expect(result.wasm.failures, "WASM run vs the sidecar's expectations").toEqual([]);
      if (fixture.twinPath === null) {
        expect(result.native, "a WASM-only case has no native side").toBeNull();
      } else {
        expect(result.native?.failures, "native run vs the sidecar's expectations").toEqual([]);
        expect(result.parity?.divergence, "native and WASM must be identical").toBeNull();
      }
      expect(result.claims, "the sidecar's claims about the run").toEqual([]);
    });
  }
});

// Runs after every fixture above (tests in a file run in order): the report describes exactly those cases.
describe("parity report", () => {
  it("of a filtered run: the filter recorded, a capability no case of it exercises not run (no verdict), still schema-valid", () => {
    const counter = results.get("lifecycle/counter")!;
    const report = buildParityReport([counter], 0, undefined, null, "lifecycle/counter");
    expect(report.summary.filter).toBe("lifecycle/counter");
    expect(report.capabilities.find((c) => c.id === "child_jobs")).toMatchObject({ parity: null, cases: [] });
    expect(report.capabilities.find((c) => c.id === "progress")!.parity).toBe(true);
    const validate = schemaValidator("parity-report");
    expect(validate(JSON.parse(JSON.stringify(report))), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
  });

  it("writes reports/parity.json (schema-valid) and reports/parity.md from the cases above", () => {
    expect([...results.keys()]).toEqual(fixtures.map((f) => f.id));
    const report = buildParityReport([...results.values()], performance.now() - started);
    const [jsonPath, markdownPath] = writeParityReports(report, join(PROJECT_ROOT, "reports"));
    const written = JSON.parse(readFileSync(jsonPath!, "utf8")) as ParityReport;
    const validate = schemaValidator("parity-report");
    expect(validate(written), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
    expect(written.summary).toMatchObject({ cases: fixtures.length, passed: [...results.values()].filter((r) => r.passed).length });
    expect(written.capabilities.map((c) => c.id)).toEqual(CAPABILITY_IDS);
    expect(written.imports.map((i) => i.name)).toEqual(IMPORT_NAMES);
    const markdown = readFileSync(markdownPath!, "utf8");
    for (const id of CAPABILITY_IDS) expect(markdown).toMatch(new RegExp(`^\\| ${id} \\|`, "m"));
  });

  it("links each clause in parity.md to its anchor in job-parity's own documents, from any report folder", () => {
    const report = buildParityReport([...results.values()], 0);
    const elsewhere = mkdtempSync(join(tmpdir(), "job-parity-reports-"));
    try {
      const [, markdownPath] = writeParityReports(report, join(elsewhere, "nested", "reports"));
      const links = [...readFileSync(markdownPath!, "utf8").matchAll(/\]\(([^)#]+\.md)#([^)]+)\)/g)];
      expect(links.length).toBeGreaterThan(10);
      for (const [, file, anchor] of links) {
        const target = resolve(dirname(markdownPath!), file!);
        expect(existsSync(target), target).toBe(true);
        expect(readFileSync(target, "utf8")).toContain(`<a id="${anchor}"></a>`);
      }
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("shows parity for every capability and covers every import", () => {
    const report = buildParityReport([...results.values()], 0);
    expect(report.capabilities.filter((c) => c.parity !== true).map((c) => c.id), "capabilities without parity").toEqual([]);
    expect(report.imports.filter((i) => i.positive === 0).map((i) => i.name), "imports no case calls").toEqual([]);
  });
});
