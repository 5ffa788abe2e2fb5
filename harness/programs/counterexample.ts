import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeDirs } from "../engine/make-dirs.ts";
import { canonicalJson } from "../trace/diff.ts";
import { formatSchemaErrors, schemaValidator } from "../schemas/validate.ts";
import { formatEvent } from "../trace/format.ts";
import type { Scenario } from "../suite/scenario.ts";
import type { JobProgram } from "./ir.ts";
import type { Counterexample } from "./property.ts";
import { guestHasWat, renderGuest, renderGuestWat } from "./module-twists.ts";

/** The one command that reproduces exactly this case (fast-check replays the seed along the path, no search). */
export function replayCommand(seed: number, path: string, fault?: string): string {
  return `npx job-parity fuzz --seed ${seed} --path '${path}'${fault === undefined ? "" : ` --fault ${fault}`}`;
}

/** A result's jobs for people: each job's status line, then its trace, one numbered event a line. */
export function jobTraceLines(jobs: readonly { id: string; type: string; status: string; trace: readonly Parameters<typeof formatEvent>[0][] }[]): string[] {
  return jobs.flatMap((job) => [`  ${job.id} ${job.type}: ${job.status}`, ...job.trace.map((event, i) => `    #${String(i).padEnd(3)} ${formatEvent(event)}`)]);
}

/**
 * How a counterexample is shown: with its guest's WAT (a replay of one case), or without it (a session, where it is
 * hundreds of lines a case, and saved as guest.wat, and a replay prints it).
 */
export interface ShowOptions {
  readonly wat: boolean;
}

/** The case of a counterexample for people: its scenario, and its program as JSON and (if asked) as WAT. */
export function caseLines(program: JobProgram, scenario: Scenario, show: ShowOptions = { wat: true }): string[] {
  const wat = show.wat ? ["program (WAT):", renderGuestWat(program)] : ["program (WAT): printed by the replay command below (and in guest.wat, where the case is saved)", ""];
  return ["scenario:", `  ${canonicalJson(scenario)}`, "", "program (JSON):", JSON.stringify(program, null, 2), "", ...wat];
}

/** A counterexample for people: seed and path, the program as JSON and WAT, both traces and the first divergence. */
export function formatCounterexample(found: Counterexample, show: ShowOptions = { wat: true }): string {
  const { seed, path, program, scenario, result } = found;
  const trace = (side: "native" | "wasm") => jobTraceLines(result[side].jobs);
  return [
    `counterexample (seed ${seed}, path ${path})`,
    "",
    "what differs:",
    ...(result.divergence ? result.divergence.split("\n").map((line) => `  ${line}`) : []),
    ...result.invariants.map((line) => `  invariant: ${line}`),
    "",
    ...caseLines(program, scenario, show),
    "native trace:",
    ...trace("native"),
    "",
    "wasm trace:",
    ...trace("wasm"),
    "",
    `replay: ${replayCommand(seed, path, found.fault)}`,
  ].join("\n");
}

/** A saved counterexample, replayed by the conformance suite forever. */
export interface RegressionCase {
  readonly version: 1;
  readonly id: string;
  readonly program: JobProgram;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly path: string;
  readonly divergence: string;
  readonly replay: string;
  /** "reference", or "fault:<name>" when found against a deliberately faulty boundary. */
  readonly host: string;
}

/** Named by content, so the same case found by two shards (or twice) is one file. */
export function regressionId(program: JobProgram, scenario: Scenario): string {
  return createHash("sha256").update(canonicalJson({ program, scenario })).digest("hex").slice(0, 12);
}

export function toRegression(found: Counterexample): RegressionCase {
  const { seed, path, program, scenario, result } = found;
  return {
    version: 1,
    id: regressionId(program, scenario),
    program,
    scenario,
    seed,
    path,
    divergence: [result.divergence, ...result.invariants].filter(Boolean).join("\n"),
    replay: replayCommand(seed, path, found.fault),
    host: found.fault === undefined ? "reference" : `fault:${found.fault}`,
  };
}

/**
 * Writes `<dir>/<id>/case.json` and `<dir>/<id>/guest.wat` (the guest as rendered when found, so the case keeps its
 * meaning if the renderer changes), and `guest.wasm` besides when the guest's bytes are not a module (no WAT can say
 * them: module-twists.ts, not_wasm). Returns false when the case was already saved.
 */
export function saveRegression(dir: string, regression: RegressionCase): boolean {
  if (isSaved(dir, regression.id)) return false;
  const caseDir = join(dir, regression.id);
  makeDirs(caseDir);
  writeFileSync(join(caseDir, "guest.wat"), renderGuestWat(regression.program, `Regression ${regression.id}: ${regression.replay}`));
  if (!guestHasWat(regression.program)) writeFileSync(join(caseDir, GUEST_WASM), renderGuest(regression.program));
  writeFileSync(join(caseDir, "case.json"), `${JSON.stringify(regression, null, 2)}\n`);
  return true;
}

/** Whether the corpus `dir` holds the case `id` (its case.json: what makes a folder a saved case). */
export function isSaved(dir: string, id: string): boolean {
  return existsSync(join(dir, id, "case.json"));
}

/** The guest a case saves when its bytes are not a module; it is sent instead of guest.wat. */
export const GUEST_WASM = "guest.wasm";

export type SavedRegression =
  | { readonly dir: string; readonly regression: RegressionCase; readonly wat: string; readonly wasm?: Uint8Array }
  | { readonly dir: string; readonly error: string };

/**
 * Whether two saved folders of one id hold the same case: the same program and scenario (which the id names) and the
 * same guest. How each was found may differ (case.json's seed, path, divergence, replay and host, and guest.wat's
 * header comment, which names its replay): one case found by two hosts, or by a host and a deliberate fault, is one
 * case. A folder that cannot be read is not the same as any other.
 */
export function sameRegression(a: string, b: string): boolean {
  const read = (dir: string) => {
    const { program, scenario } = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as RegressionCase;
    const wat = readFileSync(join(dir, "guest.wat"), "utf8").replace(/^(;;[^\n]*\n)+/, "");
    const wasm = existsSync(join(dir, GUEST_WASM)) ? readFileSync(join(dir, GUEST_WASM)) : null;
    return { meaning: canonicalJson({ program, scenario }), wat, wasm };
  };
  try {
    const [x, y] = [read(a), read(b)];
    return x.meaning === y.meaning && x.wat === y.wat && (x.wasm === null || y.wasm === null ? x.wasm === y.wasm : x.wasm.equals(y.wasm));
  } catch {
    return false;
  }
}

/** Every saved case under `dir`, sorted by id; a case that cannot be read is returned with its error, not thrown. */
export function loadRegressions(dir: string): SavedRegression[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name): SavedRegression => {
      const caseDir = join(dir, name);
      try {
        const regression: unknown = JSON.parse(readFileSync(join(caseDir, "case.json"), "utf8"));
        const validate = schemaValidator("regression");
        if (!validate(regression)) {
          const problems = formatSchemaErrors(validate.errors ?? []).slice(0, 5);
          return { dir: caseDir, error: `${caseDir}/case.json is not a regression case (schema harness/schemas/regression.schema.json): ${problems.join("; ")}` };
        }
        return {
          dir: caseDir,
          regression: regression as RegressionCase,
          wat: readFileSync(join(caseDir, "guest.wat"), "utf8"),
          ...(existsSync(join(caseDir, GUEST_WASM)) ? { wasm: new Uint8Array(readFileSync(join(caseDir, GUEST_WASM))) } : {}),
        };
      } catch (error) {
        return { dir: caseDir, error: `${caseDir}: cannot read the case: ${(error as Error).message}` };
      }
    });
}
