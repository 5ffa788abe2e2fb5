import { relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { PROJECT_ROOT } from "./modules.ts";

/**
 * Starts a worker thread on a harness entry module (see siblingModule): a compiled one (.js) starts as it is. A
 * TypeScript one (the harness run from its sources: vitest, tsx) starts from a small ES module that asks
 * bin/compiled.mjs, as bin/ does, for the compiled copy of the entry while the build is up to date for harness/
 * (each worker then loads plain JavaScript instead of transforming about a hundred modules through tsx again), and
 * otherwise registers tsx in the worker and imports the TypeScript: `execArgv: ["--import", "tsx"]` does not do it on
 * Node 20, where tsx registers its ESM hooks on the main thread only and workers do not inherit hooks.
 */
export function spawnTsWorker(entry: URL, workerData: unknown): Worker {
  if (entry.pathname.endsWith(".js")) return new Worker(entry, { workerData });
  const harnessPath = relative(PROJECT_ROOT, fileURLToPath(entry)).replace(/\.ts$/, "").split(sep).join("/");
  const compiledMjs = pathToFileURL(`${PROJECT_ROOT}/bin/compiled.mjs`).href;
  const bootstrap = `const { importHarness } = await import(${JSON.stringify(compiledMjs)});\nawait importHarness(${JSON.stringify(harnessPath)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}
