import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeDirs } from "../engine/make-dirs.ts";
import { renderGateMarkdown } from "./gate-markdown.ts";
import { validateGateReport, type GateReport } from "./gate-report.ts";
import { renderGateHtml } from "./html.ts";
import { renderJunit } from "./junit.ts";

export interface GatePaths {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
  readonly junit: string;
}

/** Validates the report against its schema, then writes gate.json, gate.md, gate.html and the JUnit XML. */
export function writeGateReports(report: GateReport, dir: string, junitPath = join(dir, "junit.xml")): GatePaths {
  validateGateReport(JSON.parse(JSON.stringify(report)));
  const paths = { json: join(dir, "gate.json"), markdown: join(dir, "gate.md"), html: join(dir, "gate.html"), junit: junitPath };
  makeDirs(dir);
  makeDirs(dirname(junitPath));
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.markdown, renderGateMarkdown(report));
  writeFileSync(paths.html, renderGateHtml(report));
  writeFileSync(paths.junit, renderJunit(report));
  return paths;
}
