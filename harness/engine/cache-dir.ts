import { homedir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The user's cache folder for job-parity: JOB_PARITY_CACHE_DIR when set, else $XDG_CACHE_HOME/job-parity, else
 * ~/.cache/job-parity. Caches live there and never inside the installed package, which a reinstall replaces and which
 * may not be writable. Everything in it can be deleted at any time.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JOB_PARITY_CACHE_DIR) return resolve(env.JOB_PARITY_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), "job-parity");
  return join(homedir(), ".cache", "job-parity");
}
