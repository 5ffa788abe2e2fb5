import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * mkdir -p. Node's own (mkdirSync with recursive: true) never returns on a path it cannot create under an existing
 * directory that answers ENOENT, such as /proc/x: it retries the parent forever. This one creates each missing level
 * in turn and throws the first error with its code, the path it could not create, and the syscall.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = statSync(at, { throwIfNoEntry: false });
    if (found !== undefined) {
      if (!found.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: "ENOTDIR", path: at, syscall: "mkdir" });
      break;
    }
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Made meanwhile by another process: fine if it is a directory.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(level).isDirectory()) throw error;
    }
  }
}
