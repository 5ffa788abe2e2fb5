import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import { makeDirs } from "../harness/engine/make-dirs.ts";
import { formatSchemaErrors, schemaValidator } from "../harness/schemas/validate.ts";
import { harnessVersion } from "../harness/suite/version.ts";
import { BenchError, type Budget, type Figure } from "./measure.ts";

/** bench.json (schema harness/schemas/bench.schema.json). */
export interface BenchReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: "job-parity"; readonly version: string };
  readonly node: string;
  readonly machine: { readonly cpus: number; readonly model: string; readonly platform: string; readonly arch: string; readonly loadAverage?: readonly number[] };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly options: { readonly quick: boolean; readonly repetitions: number; readonly targetMs: number; readonly only: string | null };
  readonly figures: readonly Figure[];
}

export function machine(): BenchReport["machine"] {
  const loadAverage = loadavg().map((x) => Math.round(x * 100) / 100);
  return { cpus: availableParallelism(), model: cpus()[0]?.model.trim() || "unknown", platform: process.platform, arch: process.arch, loadAverage };
}

export function buildReport(fields: Pick<BenchReport, "startedAt" | "durationMs" | "options" | "figures" | "machine">): BenchReport {
  return { schemaVersion: 1, tool: { name: "job-parity", version: harnessVersion() }, node: process.version, ...fields };
}

/** Schema problems of a report, as lines; empty when it is valid. */
export function reportProblems(report: unknown): string[] {
  const validate = schemaValidator("bench");
  return validate(report) ? [] : formatSchemaErrors(validate.errors);
}

/** 0 every figure is within its budget, 1 one is not. */
export function exitCodeOf(report: Pick<BenchReport, "figures">): 0 | 1 {
  return report.figures.every((f) => f.pass) ? 0 : 1;
}

/** Validates the report against its schema, then writes it; an invalid report is a harness error and is not written. */
export function writeBenchReport(report: BenchReport, path: string): void {
  const problems = reportProblems(report);
  if (problems.length > 0) throw new BenchError(`internal: the bench report does not match harness/schemas/bench.schema.json:\n  ${problems.join("\n  ")}`);
  makeDirs(dirname(path));
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** 3 significant figures, thousands separated: 1,234,567 / 12,346 / 123 / 12.3 / 0.123. */
export function formatNumber(x: number | null): string {
  if (x === null) return "-";
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString("en-US");
  if (abs === 0) return "0";
  return Number(x.toPrecision(3)).toString();
}

export function formatBudget(budget: Budget | null): string {
  if (budget === null) return "-";
  return `${budget.bounds} ${budget.direction === "max" ? "<=" : ">="} ${formatNumber(budget.limit)}`;
}

/** The figures as an aligned table: text columns left, numbers right. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ["name", "value", "unit", "baseline", "ratio", "budget", "pass"];
  const right = [false, true, false, true, true, false, false];
  const rows = figures.map((f) => [f.name, formatNumber(f.value), f.unit, formatNumber(f.baseline), f.ratio === null ? "-" : f.ratio.toFixed(3), formatBudget(f.budget), f.pass ? "yes" : "FAIL"]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
