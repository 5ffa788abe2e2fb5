// Which harness bin/ starts: the compiled copy in build/ (written by `npm run compile` and by every `npm test`, and
// shipped in the package) when it matches the TypeScript beside it; otherwise the TypeScript itself, through tsx.
// The compiled copy saves each process tsx's start-up.
//
// A compiled file is trusted for a source when the source was not touched since the last successful build started
// (one stat per file), or else when its content is the content that build compiled: build/.built lists the size and
// sha256 of every source (bin/build.mjs). File times alone cannot decide: an installed package's files all get the
// time they were extracted, in any order, and a checkout touches files it does not change. In an installed package
// (under node_modules/) the stamp is the package's own, made with the files it ships: a source of the size it lists
// is trusted without being read, which keeps the start-up check to a stat per file. A source that is absent leaves
// nothing to be stale against.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD = join(ROOT, "build");

/** The build stamp: its modification time is when the last successful build started; its text lists the sources' sha256. */
export const BUILD_STAMP = ".built";

/** The folders of TypeScript the build compiles into build/ (tsconfig.json's "include", but for bin/ and configs). */
export const SOURCE_DIRS = ["harness", "conformance", "wat-fixtures", "bench"];

function sourcesIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesIn(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Every source under `root`'s `dirs`, by path relative to `root` with "/" separators (the stamp's keys). */
export function sources(root, dirs = SOURCE_DIRS) {
  return dirs.flatMap((dir) => sourcesIn(join(root, dir))).map((path) => relative(root, path).split(sep).join("/"));
}

// sha256 per file, kept while the file's time and size are unchanged, so a process that asks again hashes nothing new.
const digests = new Map();

/** The sha256 of a file's content (hex). */
export function digestOf(path) {
  const { mtimeMs, size } = statSync(path);
  const known = digests.get(path);
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known.sha256;
  const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
  digests.set(path, { mtimeMs, size, sha256 });
  return sha256;
}

/** The stamp's text: the size and sha256 of every source under `root`, read before the build reads them. */
export function stampText(root = ROOT) {
  const list = Object.fromEntries(sources(root).map((source) => [source, { size: statSync(join(root, source)).size, sha256: digestOf(join(root, source)) }]));
  return `${JSON.stringify({ sources: list })}\n`;
}

function readStamp(root) {
  const path = join(root, "build", BUILD_STAMP);
  const built = statSync(path).mtimeMs;
  let listed = {};
  try {
    listed = JSON.parse(readFileSync(path, "utf8")).sources ?? {};
  } catch {
    // an empty or older stamp lists nothing: only file times decide
  }
  return { built, listed };
}

/**
 * Whether `root`/build holds a compiled file for every TypeScript source under `root`/harness (and the other `dirs`
 * named), each from a successful build of that very source: not touched since the build started, or with the content
 * the build's stamp lists.
 */
export function buildIsUpToDate(root = ROOT, dirs = ["harness"]) {
  try {
    const { built, listed } = readStamp(root);
    const installed = root.split(sep).includes("node_modules");
    return sources(root, dirs).every((source) => {
      const path = join(root, source);
      const compiled = join(root, "build", source.replace(/\.ts$/, ".js"));
      if (!existsSync(compiled)) return false;
      const { mtimeMs, size } = statSync(path);
      if (mtimeMs <= built) return true;
      const entry = listed[source];
      if (entry === undefined || entry.size !== size) return false;
      return installed || entry.sha256 === digestOf(path);
    });
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
  const typescript = join(ROOT, `${path}.ts`);
  if (!existsSync(typescript)) {
    // An installed package ships the compiled harness only: without it there is nothing to run.
    process.stderr.write(`job-parity: ${relative(process.cwd(), join(BUILD, `${path}.js`))} or its build stamp is missing: reinstall job-parity, or in a checkout run \`npm run compile\`\n`);
    process.exit(2);
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import(pathToFileURL(typescript).href);
}
