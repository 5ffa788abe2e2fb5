import { spawn, spawnSync } from "node:child_process";
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

/**
 * runCli without blocking the test worker: for a process that mostly waits (on a host's timeout, a grace period),
 * so that concurrent tests fill the wait. Killed (SIGKILL) after `timeoutMs`, as spawnSync's timeout does.
 */
export function runCliAsync(args: readonly string[], timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/job-parity.mjs", ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
