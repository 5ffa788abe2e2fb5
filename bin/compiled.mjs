// Which harness bin/ starts: the compiled copy in build/ (written by `npm run build` and by every `npm test`) when it
// is complete and no TypeScript source under harness/ is newer than its compiled file; otherwise the TypeScript
// itself, through tsx. The compiled copy saves each process tsx's start-up; the check costs a stat per file (~2 ms).
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

/** Whether `root`/build holds a compiled file for every TypeScript source under `root`/harness, none older than it. */
export function buildIsUpToDate(root = ROOT) {
  try {
    return sources(join(root, "harness")).every((source) => {
      const compiled = join(root, "build", relative(root, source)).replace(/\.ts$/, ".js");
      return statSync(compiled).mtimeMs >= statSync(source).mtimeMs;
    });
  } catch {
    return false; // no build, or a compiled file missing
  }
}

/** Imports the harness module `path` (relative to the root, without extension): compiled when up to date. */
export async function importHarness(path) {
  if (process.env.JOB_PARITY_TYPESCRIPT !== "1" && buildIsUpToDate()) return import(pathToFileURL(join(BUILD, `${path}.js`)).href);
  const { register } = await import("tsx/esm/api");
  register();
  return import(pathToFileURL(join(ROOT, `${path}.ts`)).href);
}
