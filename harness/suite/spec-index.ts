import { CLAUSES, sectionOf, type ClauseLevel, type Verification } from "../abi/clauses.ts";
import { BROKEN_HOSTS } from "../adapters/broken-hosts.ts";
import { MUTANTS } from "../adapters/mutants.ts";
import { INVARIANT_CLAUSES } from "../programs/invariants.ts";
import type { Fixture } from "./fixtures.ts";

/** One clause of the specification with what checks it: the cases citing it and its mutants (or broken hosts). */
export interface ClauseRow {
  readonly id: string;
  readonly level: ClauseLevel;
  readonly section: string;
  readonly document: "abi" | "protocol";
  readonly text: string;
  readonly why: string | null;
  readonly verified: Verification;
  readonly cases: readonly string[];
  /** In-process mutant hosts that break it (verified by cases). */
  readonly mutants: readonly string[];
  /** Broken host processes that break it (verified by the protocol). */
  readonly brokenHosts: readonly string[];
  /** Invariants that check it (harness/programs/invariants.ts): generated and regression cases, and host fuzzing. */
  readonly invariants: readonly string[];
}

/** Every clause, in the specification's order, with its cases, mutants and broken hosts. */
export function specIndex(fixtures: readonly Fixture[]): ClauseRow[] {
  return CLAUSES.map((clause) => ({
    id: clause.id,
    level: clause.level,
    section: sectionOf(clause).title,
    document: sectionOf(clause).document,
    text: clause.text,
    why: clause.why ?? null,
    verified: clause.verified,
    cases: fixtures.filter((fixture) => fixture.sidecar.spec.includes(clause.id)).map((fixture) => fixture.id),
    mutants: MUTANTS.filter((mutant) => mutant.clause === clause.id).map((mutant) => mutant.name),
    brokenHosts: BROKEN_HOSTS.filter((host) => host.clause === clause.id).map((host) => host.command),
    invariants: Object.entries(INVARIANT_CLAUSES)
      .filter(([, clauses]) => (clauses as readonly string[]).includes(clause.id))
      .map(([name]) => name),
  }));
}

/** Why a clause is not checked the way its verification says (empty when it is), from the index alone. */
export function gaps(row: ClauseRow): string[] {
  if (row.level !== "MUST") return [];
  switch (row.verified.by) {
    case "case":
      return [...(row.cases.length === 0 ? ["no case cites it"] : []), ...(row.mutants.length === 0 ? ["no mutant breaks it"] : [])];
    case "protocol":
      return row.brokenHosts.length === 0 ? ["no broken host breaks it"] : [];
    default:
      return [];
  }
}
