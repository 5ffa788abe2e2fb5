// Which harness bin/ starts: the compiled copy in build/ (written by `npm run build` and by every `npm test`) when it
// is complete and no TypeScript source under harness/ is newer than its compiled file; otherwise the TypeScript
// itself, through tsx. The compiled copy saves each process tsx's start-up; the check costs a stat per file (~2 ms).
// (The build is incremental: a source touched but not changed is not emitted again, so it keeps to tsx until it is.)
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD = join(ROOT, "build");

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/**
 * Whether `root`/build holds a compiled file for every TypeScript source under `root`/harness (and the other `dirs`
 * named), none older than it.
 */
export function buildIsUpToDate(root = ROOT, dirs = ["harness"]) {
  try {
    return dirs.every((dir) =>
      sources(join(root, dir)).every((source) => {
        const compiled = join(root, "build", relative(root, source)).replace(/\.ts$/, ".js");
        return statSync(compiled).mtimeMs >= statSync(source).mtimeMs;
      }),
    );
  } catch {
    return false; // no build, or a compiled file missing
  }
}

/**
 * Imports the module `path` (relative to the root, without extension), compiled when the build is up to date for
 * harness/ and the other `dirs` it needs.
 */
export async function importHarness(path, dirs = ["harness"]) {
  if (process.env.JOB_PARITY_TYPESCRIPT !== "1" && buildIsUpToDate(ROOT, dirs)) return import(pathToFileURL(join(BUILD, `${path}.js`)).href);
  const { register } = await import("tsx/esm/api");
  register();
  return import(pathToFileURL(join(ROOT, `${path}.ts`)).href);
}
