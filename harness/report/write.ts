import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { makeDirs } from "../engine/make-dirs.ts";
import { PROJECT_ROOT } from "../engine/modules.ts";
import { renderParityMarkdown } from "./markdown.ts";
import type { ParityReport } from "./parity-report.ts";

/** Writes parity.json and parity.md into `dir`; returns the paths written. */
export function writeParityReports(report: ParityReport, dir: string): string[] {
  makeDirs(dir);
  const json = join(dir, "parity.json");
  const markdown = join(dir, "parity.md");
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  // Links to the clauses lead to job-parity's own documents, wherever the reports are (a consumer's reports/ too).
  writeFileSync(markdown, renderParityMarkdown(report, relative(dir, PROJECT_ROOT).split("\\").join("/") || "."));
  return [json, markdown];
}
