import { CAPABILITY_IDS, type CapabilityId } from "../abi/capabilities.ts";
import { reachImports } from "../abi/core-surface.ts";
import { SPACEDRIVE_TODAY } from "../adapters/spacedrive-today.ts";
import { coreCoverage } from "./core-coverage.ts";
import { discoverFixtures, type Fixture } from "./fixtures.ts";
import { runMutationAnalysis, type MutantVerdict } from "./mutation.ts";

/**
 * The design's question asked of Spacedrive as it stands: the spacedrive-today model (adapters/spacedrive-today.ts,
 * built from Spacedrive's sources) run against every case, its answer per capability and per method of core's
 * JobContext. A row works today when a case covering it (under ABI 1.0: today's host has no 1.1) passes and could
 * be run; it cannot run when every case covering it needs a job run today's dispatcher never makes.
 */

export type TodayStatus = "works" | "fails" | "cannot run" | "not reachable" | "no case";

export interface TodayRow {
  readonly name: string;
  readonly status: TodayStatus;
  /** Why it fails (the first failing case and its reason), cannot run (with the Spacedrive line) or is not reachable; null when it works. */
  readonly why: string | null;
  /** `cannot run`: what the model answers had the host run the cases ("works", or the first failure). */
  readonly ifRun: string | null;
}

export interface SpacedriveToday {
  /** `Spacedrive today: 0 of 12 capabilities and 0 of 27 core methods work; 35 of 114 cases cannot run ...`. */
  readonly headline: string;
  readonly description: string;
  readonly capabilities: readonly { readonly id: CapabilityId; readonly status: TodayStatus }[];
  readonly core: readonly TodayRow[];
  /** The cases today's host could not run at all, with the reason (and Spacedrive line) for each. */
  readonly notRunnable: readonly { readonly case: string; readonly reason: string }[];
}

/** The trace event kind an import writes, where it is not the import's own name. */
const EVENT_KIND: Readonly<Record<string, string>> = { job_log: "log", spacedrive_log: "log", job_report_progress: "progress" };

/**
 * A row's status from its covering cases' outcomes: it works when one passes and could be run; it cannot run when none
 * works and some got past loading but need a job run today's dispatcher never makes (the model still answers what the
 * host functions would do, `ifRun`); otherwise it fails. The failure shown is one that names the row's imports or
 * their trace events when there is one, so a row is not explained by another capability's failure.
 */
export function rowVerdict(name: string, cases: readonly string[], verdict: MutantVerdict, imports: readonly string[] = []): TodayRow {
  if (cases.length === 0) return { name, status: "no case", why: null, ifRun: null };
  const blocked = new Map(verdict.notRunnable.map((c) => [c.case, c.reason]));
  const kills = new Map(verdict.kills.map((k) => [k.case, k]));
  const marks = imports.flatMap((name) => [name, `"kind":"${EVENT_KIND[name] ?? name}"`]);
  const own = (id: string) => kills.get(id)!.reasons.find((r) => marks.some((mark) => r.includes(mark)));
  const failure = (id: string) => `${id}: ${own(id) ?? kills.get(id)!.reason}`;
  const firstFailure = (ids: readonly string[]) => {
    const failing = ids.filter((id) => kills.has(id));
    return failing.find((id) => own(id) !== undefined) ?? failing[0];
  };
  if (cases.some((id) => !blocked.has(id) && !kills.has(id))) return { name, status: "works", why: null, ifRun: null };
  const unrunnable = cases.filter((id) => blocked.has(id));
  if (unrunnable.length > 0) {
    const ifRun = unrunnable.some((id) => !kills.has(id)) ? "works" : failure(firstFailure(unrunnable)!);
    return { name, status: "cannot run", why: blocked.get(unrunnable[0]!)!, ifRun };
  }
  return { name, status: "fails", why: failure(firstFailure(cases)!), ifRun: null };
}

/** Runs spacedrive-today against the cases and answers the question for Spacedrive at the pinned commit. */
export async function spacedriveToday(fixtures: readonly Fixture[] = discoverFixtures()): Promise<SpacedriveToday> {
  const report = await runMutationAnalysis({ mutants: [SPACEDRIVE_TODAY], fixtures });
  const verdict = report.mutants[0]!;
  const capabilities = CAPABILITY_IDS.map((id) => ({
    id,
    status: (verdict.passingCapabilities.includes(id) ? "works" : verdict.failingCapabilities.includes(id) ? "fails" : verdict.notRunnableCapabilities.includes(id) ? "cannot run" : "no case") as TodayStatus,
  }));
  const core = coreCoverage(fixtures).rows.map((row): TodayRow => {
    const name = row.kind === "method" ? `ctx.${row.name}()` : `Progress::${row.name}`;
    const cell = row.abi["1.0"];
    return cell.status === "not reachable" ? { name, status: "not reachable", why: cell.detail, ifRun: null } : rowVerdict(name, cell.cases, verdict, reachImports(cell.reach));
  });
  const works = (rows: readonly { status: TodayStatus }[]) => rows.filter((r) => r.status === "works").length;
  return {
    headline:
      `Spacedrive today: ${works(capabilities)} of ${capabilities.length} capabilities and ${works(core)} of ${core.length} core methods work; ` +
      `${verdict.notRunnable.length} of ${verdict.cases.length} cases cannot run at all (their guest links, and then no job export is ever called or the load never ends; ` +
      `the others fail to link or are decided by loading)`,
    description: SPACEDRIVE_TODAY.description,
    capabilities,
    core,
    notRunnable: verdict.notRunnable.map((c) => ({ case: c.case, reason: c.reason })),
  };
}
