import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { CapabilityId } from "../abi/capabilities.ts";
import type { ImportName } from "../abi/imports.ts";
import { importNativeExtension, type NativeExtensionDefinition } from "../jobs/native-extension.ts";
import type { JobStatus } from "../trace/events.ts";
import type { Scenario } from "./scenario.ts";
import { isClauseId } from "../abi/clauses.ts";
import { formatSchemaErrors, schemaValidator } from "../schemas/validate.ts";
import { PROJECT_ROOT } from "../engine/modules.ts";

export { PROJECT_ROOT };
export const FIXTURES_DIR = join(PROJECT_ROOT, "wat-fixtures");

/** A trace event with only the fields that matter, in normalized form. */
export type PartialEvent = { kind: string } & Record<string, unknown>;

export interface JobExpectation {
  status: JobStatus;
  type?: string;
  runs?: number;
  exitCodes?: number[];
  metrics?: Partial<{ bytes: string; items: string; warnings: number; nonCriticalErrors: number }>;
  savedState?: string | null;
  droppedLogLines?: number;
  droppedWarnings?: number;
  events?: PartialEvent[];
  absent?: PartialEvent[];
  counts?: Record<string, number>;
  extension?: PartialEvent[];
  library?: { entries?: Record<string, unknown>[]; sidecars?: Record<string, unknown>[] };
  children?: JobExpectation[];
}

/** The guest must fail to load, on both sides, with this code (messages are never compared). */
export interface LoadErrorExpectation {
  loadError: { code: string };
}

export interface Sidecar {
  description: string;
  /** The clauses this case checks (harness/abi/clauses.ts ids). */
  spec: string[];
  capabilities: CapabilityId[];
  imports: ImportName[];
  negative?: ImportName[];
  guest?: string;
  /** null: a WASM-only case. */
  twin?: string | null;
  scenario: Scenario;
  expect: JobExpectation | LoadErrorExpectation;
}

export interface Fixture {
  /** `<folder>/<case>`, e.g. `progress/steps`. */
  readonly id: string;
  readonly sidecarPath: string;
  readonly guestPath: string;
  /** null for a WASM-only case (no native twin: judged by its expectations and golden, not by parity). */
  readonly twinPath: string | null;
  readonly sidecar: Sidecar;
}

export class FixtureError extends Error {
  readonly code = "JP_FIXTURE";
}

/** Folders under wat-fixtures that hold shared code or other material, not cases. */
const NOT_CASES = new Set(["lib", "regressions"]);

function sidecarFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!NOT_CASES.has(name)) out.push(...sidecarFiles(path));
    } else if (name.endsWith(".json") && !name.endsWith(".golden.json")) {
      out.push(path);
    }
  }
  return out;
}

/** Reads and validates one sidecar; every problem is reported with the file it is in. */
export function readFixture(sidecarPath: string, root = FIXTURES_DIR): Fixture {
  const where = relative(PROJECT_ROOT, sidecarPath);
  let sidecar: unknown;
  try {
    sidecar = JSON.parse(readFileSync(sidecarPath, "utf8"));
  } catch (error) {
    throw new FixtureError(`${where}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const validate = schemaValidator("fixture");
  if (!validate(sidecar)) {
    throw new FixtureError(`${where} does not match harness/schemas/fixture.schema.json:\n  ${formatSchemaErrors(validate.errors).join("\n  ")}`);
  }
  const spec = sidecar as Sidecar;
  const unknown = spec.spec.filter((id) => !isClauseId(id));
  if (unknown.length > 0) {
    throw new FixtureError(`${where}: "spec" cites ${unknown.map((id) => JSON.stringify(id)).join(", ")}, which ${unknown.length === 1 ? "is not a clause" : "are not clauses"} of the specification (job-parity spec lists them)`);
  }
  const dir = dirname(sidecarPath);
  const stem = basename(sidecarPath, ".json");
  const guestPath = resolve(dir, spec.guest ?? `${stem}.wat`);
  const twinPath = spec.twin === null ? null : resolve(dir, spec.twin ?? `${stem}.native.ts`);
  for (const [what, path] of [["guest", guestPath], ["native twin", twinPath]] as const) {
    if (path !== null && !existsSync(path)) throw new FixtureError(`${where}: its ${what} ${relative(PROJECT_ROOT, path)} does not exist`);
  }
  const id = relative(root, sidecarPath).replace(/\.json$/, "").split("\\").join("/");
  return { id, sidecarPath, guestPath, twinPath, sidecar: spec };
}

/** Every fixture under the fixtures folder, sorted by id. */
export function discoverFixtures(root = FIXTURES_DIR): Fixture[] {
  return sidecarFiles(root).map((path) => readFixture(path, root));
}

export async function loadTwin(fixture: Fixture): Promise<NativeExtensionDefinition> {
  if (fixture.twinPath === null) throw new FixtureError(`${fixture.id} is a WASM-only case: it has no native twin`);
  return importNativeExtension(fixture.twinPath, relative(PROJECT_ROOT, fixture.twinPath));
}
