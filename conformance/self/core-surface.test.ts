import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { referenceHandshake } from "../../harness/adapters/in-process.ts";
import { ABI_1_1_IMPORTS, CORE_SURFACE, CORE_SURFACE_VERSIONS, reachImports, type CoreSurfaceVersion } from "../../harness/abi/core-surface.ts";
import { IMPORTS } from "../../harness/abi/imports.ts";
import { wireMethod } from "../../harness/abi/wire-methods.ts";
import { buildGateReport } from "../../harness/report/gate-report.ts";
import { renderGateMarkdown } from "../../harness/report/gate-markdown.ts";
import { renderGateHtml } from "../../harness/report/html.ts";
import { renderParityMarkdown, renderParityTable } from "../../harness/report/markdown.ts";
import { buildParityReport } from "../../harness/report/parity-report.ts";
import { formatSchemaErrors, schemaValidator } from "../../harness/schemas/validate.ts";
import { coreCoverage, guestAbiVersion, type CoreCoverage } from "../../harness/suite/core-coverage.ts";
import { discoverFixtures, FIXTURES_DIR, PROJECT_ROOT, type Fixture, type Sidecar } from "../../harness/suite/fixtures.ts";

// harness/abi/core-surface.list is extracted from Spacedrive's sources at be454a0b4 (JobContext's `pub fn`s, then the
// variants of `pub enum Progress`); S is the folder holding the copies named as in shared/reference's README.md. It was
// regenerated from the repository's root with:
//
// S=/work/shared/reference/spacedrive-source; { awk '/^\tpub (async )?fn [a-z_]+/{n=$0;sub(/^\tpub (async )?fn /,"",n);sub(/[^a-z_].*/,"",n);print "method",n,"core/src/infra/job/context.rs:"NR}' "$S/core_src_infra_job_context.rs"; awk '/^pub enum Progress \{/{e=1;next} e&&/^\}/{e=0} e&&/^\t[A-Z]/{n=$0;sub(/^\t/,"",n);sub(/[^A-Za-z].*/,"",n);print "progress-variant",n,"core/src/infra/job/progress.rs:"NR}' "$S/core_src_infra_job_progress.rs"; } > harness/abi/core-surface.list
//
// The list is committed, so this test never needs the sources; with JOB_PARITY_SPACEDRIVE_SOURCE=<folder> it also runs
// the same command (EXTRACT) and compares.
const LIST = join(PROJECT_ROOT, "harness/abi/core-surface.list");
const EXTRACT = String.raw`{ awk '/^\tpub (async )?fn [a-z_]+/{n=$0;sub(/^\tpub (async )?fn /,"",n);sub(/[^a-z_].*/,"",n);print "method",n,"core/src/infra/job/context.rs:"NR}' "$S/core_src_infra_job_context.rs"; awk '/^pub enum Progress \{/{e=1;next} e&&/^\}/{e=0} e&&/^\t[A-Z]/{n=$0;sub(/^\t/,"",n);sub(/[^A-Za-z].*/,"",n);print "progress-variant",n,"core/src/infra/job/progress.rs:"NR}' "$S/core_src_infra_job_progress.rs"; }`;

const listLines = (text: string) => text.split("\n").filter((line) => line.trim() !== "");
const tableLines = () => CORE_SURFACE.map((row) => `${row.kind.replace(" ", "-")} ${row.name} ${row.source}`);

describe("the core surface table (harness/abi/core-surface.ts)", () => {
  it("has exactly the rows of core-surface.list: names, order and lines", () => {
    const list = listLines(readFileSync(LIST, "utf8"));
    expect(list.length).toBe(27);
    expect(tableLines()).toEqual(list);
  });

  const sources = process.env.JOB_PARITY_SPACEDRIVE_SOURCE;
  it.runIf(sources !== undefined && sources !== "")("core-surface.list is what the command extracts from JOB_PARITY_SPACEDRIVE_SOURCE", () => {
    const extracted = execFileSync("sh", ["-c", EXTRACT], { encoding: "utf8", env: { ...process.env, S: sources } });
    expect(listLines(extracted)).toEqual(listLines(readFileSync(LIST, "utf8")));
  });

  it("names only imports of the version: 1.0 rows only ABI 1.0's, 1.1 rows those or ABI 1.1's", () => {
    const v11 = new Set<string>(ABI_1_1_IMPORTS);
    const v10 = new Set(IMPORTS.map((spec) => spec.name).filter((name) => !v11.has(name)));
    for (const row of CORE_SURFACE) {
      for (const name of reachImports(row.abi["1.0"])) expect(v10.has(name), `${row.name} under 1.0 names ${name}`).toBe(true);
      for (const name of reachImports(row.abi["1.1"])) expect(v10.has(name) || v11.has(name), `${row.name} under 1.1 names ${name}`).toBe(true);
    }
  });

  it("agrees with the imports table about which imports are 1.1's, once it lists them", () => {
    for (const spec of IMPORTS) {
      const since = (spec as { since?: string }).since;
      if (since !== undefined) expect(since === "1.1", `${spec.name} is since ${since}`).toBe((ABI_1_1_IMPORTS as readonly string[]).includes(spec.name));
    }
  });

  it("names wire methods of the catalogue, and says why for every row out of reach", () => {
    for (const row of CORE_SURFACE) {
      for (const version of CORE_SURFACE_VERSIONS) {
        const reach = row.abi[version];
        if (reach.via === "wire") for (const method of reach.methods) expect(wireMethod(method), `${row.name}: ${method}`).toBeDefined();
        if (reach.via === "none") expect(reach.why.length).toBeGreaterThan(0);
        if (reach.via !== "none" && reach.partial !== undefined) expect(reach.partial.length).toBeGreaterThan(0);
      }
      expect(row.semantics).not.toMatch(/\n/);
    }
  });
});

// A fixture as discoverFixtures gives it; the guest's ABI comes from `abi` below, never from a file.
function fixture(id: string, sidecar: Partial<Sidecar>, twin = true): Fixture {
  return {
    id,
    sidecarPath: `${id}.json`,
    guestPath: `${id}.wat`,
    twinPath: twin ? `${id}.native.ts` : null,
    sidecar: { description: id, spec: [], capabilities: [], imports: [], scenario: { job: "j" } as Sidecar["scenario"], expect: { status: "Completed" }, ...sidecar },
  };
}

describe("coverage of the core surface (harness/suite/core-coverage.ts)", () => {
  const guests: Record<string, string> = { "v11/progress": "1.1" };
  const abi = (f: Fixture) => guests[f.id] ?? "1.0";
  const imports = (...names: string[]) => names as Sidecar["imports"];
  const fixtures = [
    fixture("warnings/one", { imports: imports("register_job", "job_add_warning") }),
    fixture("v11/progress", { imports: imports("register_job", "job_progress", "job_add_non_critical_error") }),
    fixture("wasm-only/bytes", { imports: imports("register_job", "job_increment_bytes") }, false),
    fixture("load/log", { imports: imports("register_job", "job_log"), expect: { loadError: { code: "JP_LINK" } } }),
    fixture("networking/peers", { imports: imports("register_job", "spacedrive_call"), capabilities: ["networking"] }),
    fixture("progress/report", { imports: imports("register_job", "job_report_progress") }),
  ];
  // What each case's golden sends as progress (goldenProgress reads the real ones).
  const sent: Record<string, string[]> = { "v11/progress": ["Generic", "Percentage", "Indeterminate"], "progress/report": ["job_report_progress"] };
  const coverage = coreCoverage(fixtures, abi, (f) => new Set(sent[f.id] ?? []));
  const cell = (name: string, version: CoreSurfaceVersion) => coverage.rows.find((row) => row.name === name)!.abi[version];

  it("a case with a native twin whose imports reach the row covers it, under its guest's version and newer ones", () => {
    expect(cell("add_warning", "1.0")).toMatchObject({ status: "reachable", cases: ["warnings/one"] });
    expect(cell("add_warning", "1.1")).toMatchObject({ status: "reachable", cases: ["warnings/one"] });
  });

  it("a 1.1 guest's cases count only under 1.1", () => {
    expect(cell("add_non_critical_error", "1.0")).toMatchObject({ status: "reachable, no case", cases: [] });
    expect(cell("add_non_critical_error", "1.1")).toMatchObject({ status: "reachable", cases: ["v11/progress"] });
    expect(cell("Generic", "1.1")).toMatchObject({ status: "reachable", cases: ["v11/progress"] });
    expect(cell("Percentage", "1.1").cases).toEqual(["v11/progress", "progress/report"]);
  });

  it("a Progress variant row counts a case only if its golden sends that variant", () => {
    expect(cell("Structured", "1.1")).toMatchObject({ status: "reachable, no case", cases: [] });
    expect(cell("Indeterminate", "1.1").cases).toEqual(["v11/progress"]);
    // In the suite: structured-refused imports job_progress but every value it sends is refused or a Count.
    const suite = coreCoverage().rows;
    for (const name of ["Structured", "Indeterminate", "Bytes", "Generic"]) {
      expect(suite.find((row) => row.name === name)!.abi["1.1"].cases, name).not.toContain("progress/structured-refused");
    }
    expect(suite.find((row) => row.name === "Count")!.abi["1.1"].cases).toContain("progress/structured-refused");
  });

  it("WASM-only cases and cases that fail to load cover nothing", () => {
    expect(cell("increment_bytes", "1.0").status).toBe("reachable, no case");
    expect(cell("log", "1.0").status).toBe("reachable, no case");
  });

  it("a wire row is covered by spacedrive_call in a case of its methods' capability only", () => {
    expect(cell("networking_service", "1.0")).toMatchObject({ status: "partial", cases: ["networking/peers"] });
    expect(cell("library", "1.0")).toMatchObject({ status: "partial", cases: [] });
  });

  it("partial says what is missing, not reachable says why, whatever the cases", () => {
    expect(cell("progress", "1.0")).toMatchObject({ status: "partial", cases: ["progress/report"] });
    expect(cell("progress", "1.0").detail).toMatch(/no Count, Bytes, Structured or Generic/);
    expect(cell("metrics", "1.0")).toMatchObject({ status: "not reachable", cases: [] });
    expect(cell("checkpoint", "1.0").detail).toMatch(/no stateless checkpoint/);
    expect(cell("library_db", "1.1").status).toBe("not reachable");
  });

  it("the context row is covered by any case that runs a job with a twin", () => {
    expect(cell("id", "1.0").cases).toEqual(["warnings/one", "networking/peers", "progress/report"]);
  });

  it("counts honestly: the headline gives fully reachable, covered rows of all rows", () => {
    const reachable = (v: CoreSurfaceVersion) => coverage.rows.filter((row) => row.abi[v].status === "reachable").length;
    expect(coverage.headline).toBe(`core surface: ${reachable("1.0")} of 27 reachable under 1.0, ${reachable("1.1")} of 27 under 1.1`);
    for (const v of CORE_SURFACE_VERSIONS) expect(Object.values(coverage.totals[v]).reduce((a, b) => a + b, 0)).toBe(27);
  });
});

describe("a guest's ABI version, read without compiling it", () => {
  const dir = mkdtempSync(join(tmpdir(), "core-surface-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const wat = (name: string, text: string) => {
    const path = join(dir, `${name}.wat`);
    writeFileSync(path, text);
    return { ...fixture(name, {}), guestPath: path };
  };

  it("from the marker export, inline or at module level; a comment is not an export", () => {
    expect(guestAbiVersion(wat("inline", `(module (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0)))`))).toBe("1.1");
    expect(guestAbiVersion(wat("field", `(module (func $m) (export "spacedrive_abi_version_1_1" (func $m)))`))).toBe("1.1");
    expect(guestAbiVersion(wat("comment", `;; (export "spacedrive_abi_version_1_1")\n(module (; (export "spacedrive_abi_version_1_1") ;))`))).toBe("1.0");
    expect(guestAbiVersion(wat("two", `(module (func (export "spacedrive_abi_version_1_0")) (func (export "spacedrive_abi_version_1_1")))`))).toBeNull();
  });

  it("of the suite's guests, WAT and wasm alike", () => {
    const byId = new Map(discoverFixtures().map((f) => [f.id, f]));
    expect(guestAbiVersion(byId.get("abi_version/supported-marker")!)).toBe("1.0");
    const sdk = [...byId.values()].find((f) => f.guestPath.endsWith(".wasm") && !("loadError" in f.sidecar.expect));
    if (sdk) expect(guestAbiVersion(sdk)).toBe("1.0");
    expect(FIXTURES_DIR).toContain("wat-fixtures");
  });
});

describe("the suite and the reports", () => {
  const coverage: CoreCoverage = coreCoverage();

  it("the suite leaves no row of ABI 1.0 reachable without a case", () => {
    const gaps = coverage.rows.filter((row) => row.abi["1.0"].status === "reachable, no case").map((row) => row.name);
    expect(gaps, "rows an extension reaches under 1.0 that no case with a native twin checks").toEqual([]);
  });

  it("parity.json has it under coreSurface (schema-valid); parity.md and the terminal table print the headline and every row", () => {
    const report = buildParityReport([], 0, coverage);
    const validate = schemaValidator("parity-report");
    expect(validate(JSON.parse(JSON.stringify(report))), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
    const markdown = renderParityMarkdown(report);
    expect(markdown).toContain("## Core surface");
    expect(markdown).toContain(`**${coverage.headline}.**`);
    for (const row of CORE_SURFACE) expect(markdown).toContain(`\`${row.source}\``);
    const table = renderParityTable(report);
    expect(table).toContain(coverage.headline);
    expect(table).toContain("ctx.wait_for_children()");
    expect(table).toContain("Progress::Generic");
  });

  it("gate.json has it under coreSurface (schema-valid); gate.md and gate.html print it", () => {
    const report = buildGateReport({ handshake: referenceHandshake(), hostError: null, problems: [], cases: [], durationMs: 0, exitCode: 0 }, {}, null, coverage);
    const validate = schemaValidator("gate-report");
    expect(validate(JSON.parse(JSON.stringify(report))), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
    expect(renderGateMarkdown(report)).toContain(`**${coverage.headline}.**`);
    const html = renderGateHtml(report);
    expect(html).toContain('<section id="core-surface">');
    expect(html.match(/<tr data-core=/g)).toHaveLength(27);
  });
});
