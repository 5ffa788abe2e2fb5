import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { PROJECT_ROOT, SHIPPED_FOLDERS } from "../engine/modules.ts";
import { FIXTURES_DIR, readFixture } from "../suite/fixtures.ts";
import type { Scenario } from "../suite/scenario.ts";
import { UsageError } from "./args.ts";

/**
 * Example guests by name (`exec --example <name>`), each with the job it runs unless --job says another; a fixture's
 * case id (`lifecycle/counter`) names its guest and its scenario.
 */
export const EXAMPLES: Readonly<Record<string, { readonly file: string; readonly job: string }>> = {
  counter: { file: "sdk-guest/counter.wasm", job: "counter" },
};

/**
 * The file a path argument names (a guest, `--host-module`, `--expectations`): the path as given when it exists
 * (relative to the current directory); else, for a relative path into one of the folders job-parity ships, that file
 * in job-parity's own folder, so that `job-parity exec sdk-guest/counter.wasm` and the documents' examples naming
 * `conformance/expectations/` work from a project that installed it.
 */
export function shippedPath(given: string, cwd = process.cwd()): string {
  if (isAbsolute(given) || existsSync(resolve(cwd, given))) return given;
  const normal = given.replace(/^\.\//, "");
  if (SHIPPED_FOLDERS.some((folder) => normal.startsWith(`${folder}/`)) && existsSync(join(PROJECT_ROOT, normal))) return join(PROJECT_ROOT, normal);
  return given;
}

/**
 * The scenario of example `name`: a named example's job; a fixture's case id's sidecar scenario (job, state,
 * interrupts, limits, permissions, libraries, ...), so that exec runs the case as the gate does; null for neither.
 */
export function exampleScenario(name: string): Scenario | null {
  const named = EXAMPLES[name];
  if (named !== undefined) return { job: named.job };
  const sidecar = join(FIXTURES_DIR, `${name}.json`);
  return /^[\w-]+\/[\w-]+$/.test(name) && existsSync(sidecar) ? readFixture(sidecar).sidecar.scenario : null;
}

/**
 * The file of example `name`: a name of EXAMPLES, or a fixture's case id (its guest: `<id>.wat`, or the one its
 * sidecar names, as for the hostile guests); a UsageError naming the choices otherwise.
 */
export function examplePath(name: string): string {
  const named = EXAMPLES[name];
  if (named !== undefined) return join(PROJECT_ROOT, named.file);
  const sidecar = join(FIXTURES_DIR, `${name}.json`);
  if (/^[\w-]+\/[\w-]+$/.test(name) && existsSync(sidecar)) return readFixture(sidecar).guestPath;
  throw new UsageError(`exec: --example ${name}: no such example; give ${Object.keys(EXAMPLES).join(", ")} or a fixture's case id such as lifecycle/counter (job-parity spec --cases lists the cases)`);
}
