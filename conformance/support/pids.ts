import { readFileSync } from "node:fs";

/** A pid is gone when no process has it, or only a zombie waiting for a parent that is not us. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Whether a pid is gone within 2 s (a killed process group takes a moment to be reaped). */
export async function gone(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 2_000; waited += 25) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return !isAlive(pid);
}
