import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on a harness entry module (see siblingModule): a compiled one (.js) starts as it is. For a
 * TypeScript one, `execArgv: ["--import", "tsx"]` does not do it on Node 20: tsx registers its ESM hooks on the main
 * thread only (and Node 20 workers do not inherit hooks). So the worker starts from a two-line ES module that
 * registers tsx in the worker and then imports the real entry.
 */
export function spawnTsWorker(entry: URL, workerData: unknown): Worker {
  if (entry.pathname.endsWith(".js")) return new Worker(entry, { workerData });
  const api = import.meta.resolve("tsx/esm/api");
  const bootstrap = `const { register } = await import(${JSON.stringify(api)});\nregister();\nawait import(${JSON.stringify(entry.href)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}
