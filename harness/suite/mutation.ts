import { CAPABILITY_IDS, type CapabilityId } from "../abi/capabilities.ts";
import { MutantAdapter } from "../adapters/mutant-adapter.ts";
import { HostFailure, type HostFailureCode } from "../adapters/types.ts";
import { CASE_CLAUSES } from "../abi/clauses.ts";
import { MUTANTS, type CannotRun, type Mutant } from "../adapters/mutants.ts";
import { discoverFixtures, type Fixture } from "./fixtures.ts";
import { runGate, type GateCase, type Outcome } from "./gate.ts";

/**
 * Mutation analysis: the gate (`runGate`, exactly as `job-parity run` judges any host) against every mutant host.
 * A case catches a mutant when its outcome is anything but PASS, SKIP or UNSUPPORTED; a mutant no case catches
 * survives, and is a hole in the fixtures.
 *
 * By clause (the default): a mutant that breaks a clause of the specification is run against the cases that cite
 * that clause, and must be caught by one of them; a mutant without a clause (spacedrive-today) against every case.
 * A mutant that models a real host (spacedrive-today) also says which cases that host could not run at all.
 * `allCases` runs every mutant against every case: the full kill matrix. Orchestration only: nothing here prints.
 */

/** Outcomes that mean the case did not notice the bug. */
const UNCAUGHT: readonly Outcome[] = ["PASS", "SKIP", "UNSUPPORTED"];

export const catches = (outcome: Outcome) => !UNCAUGHT.includes(outcome);

export interface MutantKill {
  readonly case: string;
  readonly outcome: Outcome;
  readonly capabilities: readonly CapabilityId[];
  /** Why the case failed: its first unmet expectation, or the first difference from the golden, or the host error. */
  readonly reason: string;
  /** Every unmet expectation (first lines), for a reader looking for the one about a given import or event. */
  readonly reasons: readonly string[];
}

export interface MutantVerdict {
  readonly name: string;
  readonly description: string;
  /** The clause it breaks, if any. */
  readonly clause: string | null;
  /** The ids of the cases it was run against. */
  readonly cases: readonly string[];
  readonly killed: boolean;
  /** The ids of the cases that caught it, in fixture order. */
  readonly killedBy: readonly string[];
  readonly kills: readonly MutantKill[];
  /** Capabilities with at least one case that caught it (a capability's cases must all pass for parity). */
  readonly failingCapabilities: readonly CapabilityId[];
  /** Capabilities claimed in the handshake whose cases all passed, and could all be run (none in `notRunnable`). */
  readonly passingCapabilities: readonly CapabilityId[];
  /**
   * Cases the host the mutant models could not have run at all (MutantParts.cannotRun: spacedrive-today, whose
   * dispatcher never calls a job export). Their outcome above is the model's answer had the host got that far.
   */
  readonly notRunnable: readonly NotRunnableCase[];
  /** Capabilities no case fails but some case of which cannot be run: they would pass if the host ran them. */
  readonly notRunnableCapabilities: readonly CapabilityId[];
  /**
   * Not run: the selected cases include none of those citing its clause, though the suite has some. Neither killed
   * nor a survivor, since the cases that could catch it were left out.
   */
  readonly notRun: boolean;
  readonly durationMs: number;
}

export interface NotRunnableCase {
  readonly case: string;
  readonly capabilities: readonly CapabilityId[];
  /** Why, with the modelled host's source line. */
  readonly reason: string;
}

/** A clause of the specification that cases observe: its cases and its mutants, and whether each mutant died. */
export interface ClauseVerdict {
  readonly id: string;
  readonly cases: readonly string[];
  readonly mutants: readonly { readonly name: string; readonly killed: boolean; readonly killedBy: readonly string[]; readonly notRun: boolean }[];
  /** Cited by a case, and every mutant of it killed by a case citing it. */
  readonly covered: boolean;
  /** Every mutant of it was not run (MutantVerdict.notRun): the selection says nothing about it. */
  readonly notRun: boolean;
}

export interface MutationReport {
  readonly cases: number;
  readonly mutants: readonly MutantVerdict[];
  /** One row per clause a case must cite (MUST, verified by cases), in the specification's order. */
  readonly clauses: readonly ClauseVerdict[];
  readonly killed: number;
  readonly survivors: readonly string[];
  /** Mutants not run (MutantVerdict.notRun). */
  readonly notRun: readonly string[];
  readonly durationMs: number;
}

export interface MutationOptions {
  readonly mutants?: readonly Mutant[];
  readonly fixtures?: readonly Fixture[];
  /** Run every mutant against every case, not only a clause mutant against the cases citing its clause. */
  readonly allCases?: boolean;
  readonly timeoutMs?: number;
  /** Called as each mutant is judged (for progress lines). */
  readonly onMutant?: (verdict: MutantVerdict, index: number, total: number) => void;
}

function reason(c: GateCase): string {
  if (c.error) return `${c.error.code}: ${c.error.message}`;
  const first = c.failures[0] ?? c.divergence?.text ?? c.outcome;
  return first.split("\n")[0]!;
}

/**
 * The cases a modelled host could not have run (from MutantAdapter.cannotRun), with their reasons. A host that never
 * runs a job cannot run a case expecting a job result; a case expecting a load error is still decided by the load.
 */
export function notRunnableCases(cannotRun: ReadonlyMap<string, CannotRun>, fixtures: readonly Fixture[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const fixture of fixtures) {
    const why = cannotRun.get(fixture.id);
    if (why !== undefined && !(why.atDispatch && "loadError" in fixture.sidecar.expect)) out.set(fixture.id, why.reason);
  }
  return out;
}

/** One mutant's verdict from its gate run; `notRunnable` by case id (notRunnableCases). */
export function verdictFor(
  mutant: Mutant,
  cases: readonly GateCase[],
  claimed: readonly CapabilityId[],
  durationMs: number,
  notRunnable: ReadonlyMap<string, string> = new Map(),
): MutantVerdict {
  const caught = cases.filter((c) => catches(c.outcome));
  const failing = new Set<CapabilityId>(caught.flatMap((c) => c.capabilities));
  const covered = new Set<CapabilityId>(cases.filter((c) => c.outcome === "PASS").flatMap((c) => c.capabilities));
  const unrunnable = cases.filter((c) => notRunnable.has(c.id));
  const blocked = new Set<CapabilityId>(unrunnable.flatMap((c) => c.capabilities));
  return {
    name: mutant.name,
    description: mutant.description,
    clause: mutant.clause ?? null,
    cases: cases.map((c) => c.id),
    killed: caught.length > 0,
    killedBy: caught.map((c) => c.id),
    kills: caught.map((c) => ({ case: c.id, outcome: c.outcome, capabilities: c.capabilities, reason: reason(c), reasons: c.failures.map((f) => f.split("\n")[0]!) })),
    failingCapabilities: CAPABILITY_IDS.filter((id) => failing.has(id)),
    passingCapabilities: CAPABILITY_IDS.filter((id) => claimed.includes(id) && covered.has(id) && !failing.has(id) && !blocked.has(id)),
    notRunnable: unrunnable.map((c) => ({ case: c.id, capabilities: c.capabilities, reason: notRunnable.get(c.id)! })),
    notRunnableCapabilities: CAPABILITY_IDS.filter((id) => blocked.has(id) && !failing.has(id)),
    notRun: false,
    durationMs,
  };
}

const notRunVerdict = (mutant: Mutant): MutantVerdict => ({ ...verdictFor(mutant, [], [], 0), notRun: true });

/** The cases a mutant is judged by: those citing its clause, or every case (no clause, or `allCases`). */
export function casesFor(mutant: Mutant, fixtures: readonly Fixture[], allCases = false): Fixture[] {
  if (allCases || mutant.clause === undefined) return [...fixtures];
  return fixtures.filter((fixture) => fixture.sidecar.spec.includes(mutant.clause!));
}

/** The clause matrix: every clause cases must cite, with its cases and how its mutants fared against them. */
export function clauseVerdicts(fixtures: readonly Fixture[], verdicts: readonly MutantVerdict[]): ClauseVerdict[] {
  return CASE_CLAUSES.map((clause) => {
    const cases = fixtures.filter((fixture) => fixture.sidecar.spec.includes(clause.id)).map((fixture) => fixture.id);
    const mutants = verdicts
      .filter((v) => v.clause === clause.id)
      .map((v) => {
        const killedBy = v.killedBy.filter((id) => cases.includes(id));
        return { name: v.name, killed: killedBy.length > 0, killedBy, notRun: v.notRun };
      });
    const covered = cases.length > 0 && mutants.length > 0 && mutants.every((m) => m.killed);
    return { id: clause.id, cases, mutants, covered, notRun: mutants.length > 0 && mutants.every((m) => m.notRun) };
  });
}

/** Runs the gate against each mutant in turn. A host that cannot start (a handshake) rejects: a harness error. */
export async function runMutationAnalysis(options: MutationOptions = {}): Promise<MutationReport> {
  const started = performance.now();
  const mutants = options.mutants ?? MUTANTS;
  const fixtures = options.fixtures ?? discoverFixtures();
  const verdicts: MutantVerdict[] = [];
  let suite: readonly Fixture[] | undefined;
  for (const mutant of mutants) {
    // A selection without the cases citing the clause cannot judge the mutant; only the whole suite lacking them can.
    if (options.fixtures !== undefined && casesFor(mutant, fixtures, options.allCases).length === 0) {
      suite ??= discoverFixtures();
      if (casesFor(mutant, suite).length > 0) {
        verdicts.push(notRunVerdict(mutant));
        options.onMutant?.(verdicts.at(-1)!, verdicts.length - 1, mutants.length);
        continue;
      }
    }
    const adapter = new MutantAdapter(mutant);
    try {
      const cases = casesFor(mutant, fixtures, options.allCases);
      const result = await runGate(adapter, { fixtures: cases, timeoutMs: options.timeoutMs });
      if (result.hostError !== null) throw new HostFailure(result.hostError.code as HostFailureCode, result.hostError.message);
      const verdict = verdictFor(mutant, result.cases, result.handshake?.capabilities ?? [], result.durationMs, notRunnableCases(adapter.cannotRun, cases));
      verdicts.push(verdict);
      options.onMutant?.(verdict, verdicts.length - 1, mutants.length);
    } finally {
      await adapter.close();
    }
  }
  return {
    cases: fixtures.length,
    mutants: verdicts,
    clauses: clauseVerdicts(fixtures, verdicts),
    killed: verdicts.filter((v) => v.killed).length,
    survivors: verdicts.filter((v) => !v.killed && !v.notRun).map((v) => v.name),
    notRun: verdicts.filter((v) => v.notRun).map((v) => v.name),
    durationMs: performance.now() - started,
  };
}
