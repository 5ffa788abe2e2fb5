import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * vitest globalSetup: a check that could not run outside CI (no browser) writes why to the file named by
 * JOB_PARITY_SKIPPED_CHECKS, and the run's last lines say so, with the command that runs it, so that nothing is
 * skipped silently.
 */
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
