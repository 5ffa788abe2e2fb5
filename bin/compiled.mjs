// Which harness bin/ starts: the compiled copy in build/ (written by `npm run build` and by every `npm test`) when it
// is complete and no TypeScript source under harness/ was edited since that build started; otherwise the TypeScript
// itself, through tsx. The compiled copy saves each process tsx's start-up; the check costs a stat per file (~2 ms).
// The build is incremental, so an unchanged source is not emitted again and its compiled file keeps its old time:
// the check compares sources with the time the last successful build started (build/.built, see bin/build.mjs).
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD = join(ROOT, "build");

/** The file whose modification time is when the last successful build started. */
export const BUILD_STAMP = ".built";

/** The folders of TypeScript the build compiles into build/ (tsconfig.json's "include", but for bin/ and configs). */
export const SOURCE_DIRS = ["harness", "conformance", "wat-fixtures", "bench"];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/**
 * Whether `root`/build holds a compiled file for every TypeScript source under `root`/harness (and the other `dirs`
 * named), from a successful build that started after each source was last edited.
 */
export function buildIsUpToDate(root = ROOT, dirs = ["harness"]) {
  try {
    const built = statSync(join(root, "build", BUILD_STAMP)).mtimeMs;
    return dirs.every((dir) =>
      sources(join(root, dir)).every((source) => {
        const compiled = join(root, "build", relative(root, source)).replace(/\.ts$/, ".js");
        return existsSync(compiled) && statSync(source).mtimeMs <= built;
      }),
    );
  } catch {
    return false; // no build, or no stamp: the last build did not finish
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
