import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Where the harness runs from. In a checkout, its TypeScript sources, through tsx (or vitest). After `npm run compile`
 * (and every `npm test`) there is also a compiled copy in build/, mirroring the tree, which is all an installed package
 * ships; bin/ starts it when it is up to date, which saves each process tsx's start-up (about 0.25 s, twice for a
 * process that runs a job on a worker thread).
 * Modules that find files next to themselves, start workers or import user modules ask here, so both ways work.
 */
const HERE = dirname(fileURLToPath(import.meta.url));

/** Whether this process runs the compiled harness (build/harness/...js). */
export const COMPILED = import.meta.url.endsWith(".js");

/** The project's root: the source tree, also when the compiled copy runs. */
export const PROJECT_ROOT = resolve(HERE, COMPILED ? "../../.." : "../..");

/**
 * Whether job-parity runs as an installed package (under node_modules) rather than from a checkout of its repository.
 * Nothing is written into an installed package: the commands that maintain job-parity's own files refuse there.
 */
export const INSTALLED = PROJECT_ROOT.split(sep).includes("node_modules");

/** The folders of job-parity's own guests, native extensions, example hosts and expectations (shipped in the package). */
export const SHIPPED_FOLDERS: readonly string[] = ["sdk-guest", "wat-fixtures", "conformance"];

/** Where the compiled copy lives (bin/compiled.mjs looks in the same place, from plain JS). */
export const BUILD_DIR = join(PROJECT_ROOT, "build");

/** The source directory of a module: its own, or for a compiled module the one its TypeScript is in. */
export function sourceDir(moduleUrl: string): string {
  const dir = dirname(fileURLToPath(moduleUrl));
  return COMPILED ? join(PROJECT_ROOT, relative(BUILD_DIR, dir)) : dir;
}

/** A module next to `moduleUrl`, by name without extension: `name.ts`, or `name.js` in the compiled copy. */
export function siblingModule(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${COMPILED ? ".js" : ".ts"}`, moduleUrl);
}

/**
 * The compiled copy of a TypeScript module of this project (build/<its path>.js) while the build is up to date for
 * every folder it compiles (a module may import from any of them; bin/compiled.mjs), else null.
 */
export async function compiledTwin(path: string): Promise<string | null> {
  const rel = relative(PROJECT_ROOT, resolve(path));
  if (rel.startsWith("..") || isAbsolute(rel) || !rel.endsWith(".ts")) return null;
  const { buildIsUpToDate, SOURCE_DIRS } = (await import(pathToFileURL(join(PROJECT_ROOT, "bin", "compiled.mjs")).href)) as typeof import("../../bin/compiled.mjs");
  if (!SOURCE_DIRS.includes(rel.split(sep)[0]!) || !buildIsUpToDate(PROJECT_ROOT, SOURCE_DIRS)) return null;
  const twin = join(BUILD_DIR, rel.replace(/\.ts$/, ".js"));
  return existsSync(twin) ? twin : null;
}

let typeScriptLoader: Promise<void> | null = null;

/**
 * Imports a module by path (a native extension, a host module). The compiled harness runs without a TypeScript
 * loader: a module of this project is imported from its compiled copy when that is up to date (no tsx, and a module
 * that imports harness values shares this process's compiled harness instead of loading a second copy from the
 * sources); for any other TypeScript module tsx is registered first.
 * A `.ts` file outside this project goes through tsx's tsImport: with no package.json saying "type": "module" above
 * it, the registered loader takes it for CommonJS and Node refuses its import syntax ("Cannot require() ES Module …
 * in a cycle"); tsImport loads it as a module whatever its package says.
 */
export async function importModule(path: string): Promise<unknown> {
  if (COMPILED && /\.[cm]?ts$/.test(path)) {
    const twin = await compiledTwin(path);
    if (twin !== null) return import(pathToFileURL(twin).href);
  }
  if (path.endsWith(".ts") && !insideProject(path)) {
    const { tsImport } = await import("tsx/esm/api");
    const namespace = (await tsImport(pathToFileURL(resolve(path)).href, import.meta.url)) as { default?: { __esModule?: boolean } };
    return namespace.default?.__esModule === true ? namespace.default : namespace;
  }
  if (COMPILED && /\.[cm]?ts$/.test(path)) {
    typeScriptLoader ??= import("tsx/esm/api").then(({ register }) => void register());
    await typeScriptLoader;
  }
  return import(pathToFileURL(path).href);
}

function insideProject(path: string): boolean {
  const rel = relative(PROJECT_ROOT, resolve(path));
  return !rel.startsWith("..") && !isAbsolute(rel);
}
