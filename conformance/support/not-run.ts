import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Checks that need something of the machine (a browser, a Python with wasmtime): with CI=true a missing one fails the
 * run; elsewhere the check does not run and the run's last lines say so, with the command that runs it, so that
 * nothing is skipped silently.
 */
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** Records that a check did not run: what, why, and how to run it (printed at the end of the run). */
export function noteNotRun(line: string): void {
  const file = process.env.JOB_PARITY_SKIPPED_CHECKS;
  if (file !== undefined) appendFileSync(file, `${line}\n`);
}

/** vitest globalSetup: collects the noteNotRun lines of the run's test files in a temp file, and prints them last. */
export default function setup(): () => void {
  const file = join(tmpdir(), `job-parity-skipped-checks-${process.pid}.txt`);
  rmSync(file, { force: true });
  process.env.JOB_PARITY_SKIPPED_CHECKS = file;
  return () => {
    if (!existsSync(file)) return;
    process.stdout.write(`\nNOT RUN: ${readFileSync(file, "utf8").trim().split("\n").join("\nNOT RUN: ")}\n`);
    rmSync(file, { force: true });
  };
}
