import { readFileSync } from "node:fs";
import {
  CORE_COMMIT,
  CORE_SURFACE,
  CORE_SURFACE_VERSIONS,
  reachImports,
  type CoreReach,
  type CoreSurfaceKind,
  type CoreSurfaceRow,
  type CoreSurfaceVersion,
} from "../abi/core-surface.ts";
import { requestedAbi } from "../abi/version.ts";
import { wireMethod } from "../abi/wire-methods.ts";
import { readModuleInterface } from "../engine/sections.ts";
import { discoverFixtures, type Fixture } from "./fixtures.ts";
import { readGolden } from "./goldens.ts";

/**
 * The answer to "can an extension job do everything a core job can?", row by row of the core surface
 * (harness/abi/core-surface.ts), under each ABI version. Every report (parity.json/.md, gate.json/.md/.html) and the
 * parity command print this one computation.
 *
 * A row is, under a version:
 * - `reachable`: an extension reaches it fully, and a case covers it: a case whose job runs (not a load-error case),
 *   which has a native twin, whose guest is built for that version or an older minor (a 1.1 guest counts only under
 *   1.1), and whose sidecar's `imports` name one of the row's imports (for a wire row: `spacedrive_call` in a case of
 *   the wire methods' capability; for a context row: any such case, since every job receives the context; for a
 *   Progress variant: only a case whose golden sends that variant, see sendsVariant);
 * - `reachable, no case`: reachable, but no case covers it: a gap in the suite;
 * - `partial`: reachable only in part (`detail` says what is missing), with the cases that cover that part;
 * - `not reachable`: no import, wire method or context field reaches it (`detail` says why).
 */

export type CoreCoverageStatus = "reachable" | "partial" | "reachable, no case" | "not reachable";

export const CORE_COVERAGE_STATUSES: readonly CoreCoverageStatus[] = ["reachable", "partial", "reachable, no case", "not reachable"];

export interface CoreCoverageCell {
  readonly status: CoreCoverageStatus;
  /** How the row is reached under this version, as the table says. */
  readonly reach: CoreReach;
  /** `partial`: what is missing; `not reachable`: why; otherwise null. */
  readonly detail: string | null;
  /** The cases that cover it, by fixture id (empty for `not reachable` and `reachable, no case`). */
  readonly cases: readonly string[];
}

export interface CoreCoverageRow {
  readonly kind: CoreSurfaceKind;
  readonly name: string;
  readonly source: string;
  readonly semantics: string;
  readonly role: CoreSurfaceRow["role"];
  readonly abi: Readonly<Record<CoreSurfaceVersion, CoreCoverageCell>>;
}

export type CoreCoverageCounts = Record<CoreCoverageStatus, number>;

export interface CoreCoverage {
  /** The Spacedrive commit the rows describe. */
  readonly commit: string;
  readonly versions: readonly CoreSurfaceVersion[];
  /** How many cases were looked at (every fixture of the suite, whatever a run's filter). */
  readonly cases: number;
  /** `core surface: 13 of 27 reachable under 1.0, 13 of 27 under 1.1`. */
  readonly headline: string;
  readonly totals: Readonly<Record<CoreSurfaceVersion, CoreCoverageCounts>>;
  readonly rows: readonly CoreCoverageRow[];
}

/** The `<major>.<minor>` a fixture's guest asks for (its `spacedrive_abi_version_<major>_<minor>` export), null when unreadable. */
export type GuestAbiReader = (fixture: Fixture) => string | null;

/** Exports named in WAT text: `(export "name"` wherever it stands (inline on a field or a module-level export). */
const WAT_EXPORT = /\(export\s+"((?:[^"\\]|\\.)*)"/g;

/**
 * The ABI version a fixture's guest asks for, read without compiling it: the exports of its WAT text, or of its wasm
 * binary's export section. A guest that cannot be read or has several markers is reported as null (it fails to load).
 */
export function guestAbiVersion(fixture: Fixture): string | null {
  try {
    let names: string[];
    if (fixture.guestPath.endsWith(".wasm")) {
      const bytes = new Uint8Array(readFileSync(fixture.guestPath));
      if (!WebAssembly.validate(bytes)) return null;
      names = readModuleInterface(bytes).exports.map((e) => e.name);
    } else {
      const text = readFileSync(fixture.guestPath, "utf8").replace(/\(;[\s\S]*?;\)/g, "").replace(/;;.*$/gm, "");
      names = [...text.matchAll(WAT_EXPORT)].map((m) => m[1]!);
    }
    return requestedAbi(names).version;
  } catch {
    return null;
  }
}

/** Whether a guest built for `guest` runs under `version`: the same major, a minor not newer. */
function countsUnder(guest: string | null, version: CoreSurfaceVersion): boolean {
  if (guest === null) return false;
  const [major, minor] = guest.split(".").map(Number);
  const [vMajor, vMinor] = version.split(".").map(Number);
  return major === vMajor && minor! <= vMinor!;
}

/** The fixtures whose cases can cover a row under `version`: a job runs, a native twin, a guest of that version. */
function eligible(fixtures: readonly Fixture[], version: CoreSurfaceVersion, abiOf: GuestAbiReader): Fixture[] {
  return fixtures.filter((f) => !("loadError" in f.sidecar.expect) && f.twinPath !== null && countsUnder(abiOf(f), version));
}

/**
 * The progress a fixture's golden expects: the `type` of each job_progress value, and `job_report_progress` when it
 * has a plain progress event. Empty when the golden is missing or expects a load error.
 */
export type ProgressReader = (fixture: Fixture) => ReadonlySet<string>;

export function goldenProgress(fixture: Fixture): ReadonlySet<string> {
  const kinds = new Set<string>();
  let expected;
  try {
    expected = readGolden(fixture);
  } catch {
    return kinds;
  }
  if (!("result" in expected)) return kinds;
  for (const job of (expected.result as { jobs?: { trace?: { kind: string; progress?: string }[] }[] }).jobs ?? []) {
    for (const event of job.trace ?? []) {
      if (event.kind === "progress") kinds.add("job_report_progress");
      if (event.kind !== "job_progress" || event.progress === undefined) continue;
      try {
        const type = (JSON.parse(event.progress) as { type?: unknown }).type;
        if (typeof type === "string") kinds.add(type);
      } catch {
        // A value the host refused to parse is no variant.
      }
    }
  }
  return kinds;
}

/**
 * Whether a case covering a Progress variant's imports sends that variant: a job_progress value of its type, or
 * (when the row is reached through job_report_progress) any reported progress. Importing job_progress is not enough:
 * a case may send only other kinds, or values the host refuses.
 */
function sendsVariant(variant: string, reach: CoreReach, progress: ReadonlySet<string>): boolean {
  return progress.has(variant) || (reachImports(reach).includes("job_report_progress") && progress.has("job_report_progress"));
}

function covering(reach: CoreReach, fixtures: readonly Fixture[], variant: string | null = null, progressOf: ProgressReader = goldenProgress): string[] {
  switch (reach.via) {
    case "none":
      return [];
    case "context":
      return fixtures.map((f) => f.id);
    case "wire": {
      const capabilities = new Set(reach.methods.map((m) => wireMethod(m)?.capability));
      return fixtures
        .filter((f) => (f.sidecar.imports as readonly string[]).includes("spacedrive_call") && f.sidecar.capabilities.some((c) => capabilities.has(c)))
        .map((f) => f.id);
    }
    case "import": {
      const names = new Set<string>(reachImports(reach));
      return fixtures
        .filter((f) => (f.sidecar.imports as readonly string[]).some((name) => names.has(name)))
        .filter((f) => variant === null || sendsVariant(variant, reach, progressOf(f)))
        .map((f) => f.id);
    }
  }
}

function cell(reach: CoreReach, fixtures: readonly Fixture[], variant: string | null, progressOf: ProgressReader): CoreCoverageCell {
  if (reach.via === "none") return { status: "not reachable", reach, detail: reach.why, cases: [] };
  const cases = covering(reach, fixtures, variant, progressOf);
  if (reach.partial !== undefined) return { status: "partial", reach, detail: reach.partial, cases };
  return { status: cases.length > 0 ? "reachable" : "reachable, no case", reach, detail: null, cases };
}

const emptyCounts = (): CoreCoverageCounts => ({ reachable: 0, partial: 0, "reachable, no case": 0, "not reachable": 0 });

/** The honest count: fully reachable and covered rows only, of all rows. */
export function coreCoverageHeadline(totals: CoreCoverage["totals"], rows: number): string {
  const [first, ...rest] = CORE_SURFACE_VERSIONS;
  return `core surface: ${totals[first].reachable} of ${rows} reachable under ${first}${rest.map((v) => `, ${totals[v].reachable} of ${rows} under ${v}`).join("")}`;
}

/** One version's counts in words: `13 reachable, 6 partial, 0 reachable with no case, 8 not reachable`. */
export function coreCountsText(counts: CoreCoverageCounts): string {
  return `${counts.reachable} reachable, ${counts.partial} partial, ${counts["reachable, no case"]} reachable with no case, ${counts["not reachable"]} not reachable`;
}

/**
 * Computes the core surface's coverage from the fixtures (by default every fixture of the suite). `abiOf` reads the
 * ABI version a fixture's guest asks for (tests pass their own).
 */
export function coreCoverage(
  fixtures: readonly Fixture[] = discoverFixtures(),
  abiOf: GuestAbiReader = guestAbiVersion,
  progressOf: ProgressReader = goldenProgress,
): CoreCoverage {
  const progress = new Map<Fixture, ReadonlySet<string>>();
  const progressCached = (f: Fixture) => {
    if (!progress.has(f)) progress.set(f, progressOf(f));
    return progress.get(f)!;
  };
  const versions = new Map<Fixture, string | null>();
  const abi = (f: Fixture) => {
    if (!versions.has(f)) versions.set(f, abiOf(f));
    return versions.get(f)!;
  };
  const pools = Object.fromEntries(CORE_SURFACE_VERSIONS.map((v) => [v, eligible(fixtures, v, abi)])) as Record<CoreSurfaceVersion, Fixture[]>;
  const rows = CORE_SURFACE.map(
    (row): CoreCoverageRow => ({
      kind: row.kind,
      name: row.name,
      source: row.source,
      semantics: row.semantics,
      role: row.role,
      abi: Object.fromEntries(CORE_SURFACE_VERSIONS.map((v) => [v, cell(row.abi[v], pools[v], row.kind === "progress variant" ? row.name : null, progressCached)])) as Record<CoreSurfaceVersion, CoreCoverageCell>,
    }),
  );
  const totals = Object.fromEntries(
    CORE_SURFACE_VERSIONS.map((v) => {
      const counts = emptyCounts();
      for (const row of rows) counts[row.abi[v].status]++;
      return [v, counts];
    }),
  ) as Record<CoreSurfaceVersion, CoreCoverageCounts>;
  return { commit: CORE_COMMIT, versions: CORE_SURFACE_VERSIONS, cases: fixtures.length, headline: coreCoverageHeadline(totals, rows.length), totals, rows };
}
