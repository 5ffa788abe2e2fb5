import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

/** What a real `job-parity` process did. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/job-parity.mjs <args>` from the project root, as a user would, and waits for it. */
export function runCli(args: readonly string[], timeoutMs = 60_000): CliRun {
  const result = spawnSync(process.execPath, ["bin/job-parity.mjs", ...args], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: timeoutMs });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
