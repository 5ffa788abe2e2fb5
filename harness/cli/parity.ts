import { makeDirs } from "../engine/make-dirs.ts";
import { buildParityReport } from "../report/parity-report.ts";
import { renderParityTable } from "../report/markdown.ts";
import { writeParityReports } from "../report/write.ts";
import { runSuite, selectFixtures } from "../suite/run-suite.ts";
import { spacedriveToday } from "../suite/spacedrive-today.ts";
import { inputErrorLine, parseCommand, REPORT_WRITE, UsageError } from "./args.ts";
import { reportDirOption } from "./defaults.ts";

export const PARITY_USAGE = `usage: job-parity parity [--filter <text|/regex/>] [--report-dir <dir>] [--json]

Runs every fixture natively and as WASM on the reference host, prints the capability matrix and writes
parity.json and parity.md (default: reports/). Exit 0 when every case passed, 1 when one failed, 2 for bad usage
(a flag, a --filter that matches no case) or a report folder that cannot be written.`;

export async function parityCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommand(
    "parity",
    argv,
    { filter: { type: "string" }, "report-dir": { type: "string" }, json: { type: "boolean", default: false } },
    false,
  );
  const fixtures = selectFixtures(values.filter);
  if (fixtures.length === 0) throw new UsageError(`parity: no fixture matches --filter ${JSON.stringify(values.filter)}`);
  const reportDir = reportDirOption("parity", values["report-dir"]);
  const cannotWrite = (error: unknown): number => {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    process.stderr.write(`${inputErrorLine("parity", `cannot write the reports (${reportDir}): ${(error as Error).message}; give a writable --report-dir`, REPORT_WRITE)}\n`);
    return 2;
  };
  // The report folder is made before any case runs: one that cannot be made ends the command at once.
  try {
    makeDirs(reportDir);
  } catch (error) {
    return cannotWrite(error);
  }
  const run = await runSuite(fixtures, (result, i) => {
    if (!values.json) {
      const kind = result.native === null ? "  (WASM-only)" : "";
      out(`${result.passed ? "pass" : "FAIL"}  ${String(i + 1).padStart(3)}/${fixtures.length}  ${result.id}${kind}  (${result.durationMs.toFixed(0)} ms)`);
      if (!result.passed) {
        const native = result.native?.failures ?? [];
        for (const line of [...native.map((f) => `native: ${f}`), ...result.wasm.failures.map((f) => `wasm: ${f}`), ...result.claims.map((f) => `claim: ${f}`)]) out(`        ${line}`);
        if (result.parity?.divergence) out(result.parity.divergence.replace(/^/gm, "        "));
      }
    }
  });
  // Asked of every case, whatever the filter: the answer is about Spacedrive, not about this run.
  const report = buildParityReport(run.cases, run.durationMs, undefined, await spacedriveToday(), values.filter ?? null);
  let paths;
  try {
    paths = writeParityReports(report, reportDir);
  } catch (error) {
    return cannotWrite(error);
  }
  if (values.json) {
    out(JSON.stringify(report, null, 2));
  } else {
    out("");
    out(renderParityTable(report));
    out("");
    out(`${report.summary.cases} cases, ${report.summary.checks} checks, ${(report.summary.durationMs / 1000).toFixed(2)} s`);
    out(`${report.summary.passed} passed, ${report.summary.failed} failed`);
    out(report.coreSurface.headline);
    out(report.spacedriveToday!.headline);
    out(`reports: ${paths.join(", ")}`);
  }
  return report.summary.failed === 0 ? 0 : 1;
}
