import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Where the harness runs from. Normally its TypeScript sources, through tsx (or vitest). After `npm run build` (and
 * every `npm test`) there is also a compiled copy in build/, mirroring the tree; bin/ starts it when it is up to date,
 * which saves each process tsx's start-up (about 0.25 s, twice for a process that runs a job on a worker thread).
 * Modules that find files next to themselves, start workers or import user modules ask here, so both ways work.
 */
const HERE = dirname(fileURLToPath(import.meta.url));

/** Whether this process runs the compiled harness (build/harness/...js). */
export const COMPILED = import.meta.url.endsWith(".js");

/** The project's root: the source tree, also when the compiled copy runs. */
export const PROJECT_ROOT = resolve(HERE, COMPILED ? "../../.." : "../..");

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

let typeScriptLoader: Promise<void> | null = null;

/**
 * Imports a module by path (a native extension, a host module). The compiled harness runs without a TypeScript
 * loader, so tsx is registered before the first TypeScript module is imported.
 */
export async function importModule(path: string): Promise<unknown> {
  if (COMPILED && /\.[cm]?ts$/.test(path)) {
    typeScriptLoader ??= import("tsx/esm/api").then(({ register }) => void register());
    await typeScriptLoader;
  }
  return import(pathToFileURL(path).href);
}
