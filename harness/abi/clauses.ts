import { ABI_CLAUSES, ABI_SECTIONS } from "./clauses-abi.ts";
import { PROTOCOL_CLAUSES, PROTOCOL_SECTIONS } from "./clauses-protocol.ts";
import type { Clause, ClauseSection } from "./clause.ts";

export type { Clause, ClauseLevel, ClauseSection, Verification } from "./clause.ts";
/**
 * The specification as data: every rule of ABI v1 and of the host protocol is a clause with a stable id, a level and
 * one normative text. docs/ABI.md and conformance/PROTOCOL.md print the clauses (with an anchor each), fixtures cite
 * the clauses they check (`"spec": [...]` in a sidecar), and every clause a case can observe has a clause mutant (a
 * host that breaks only that clause) which a case citing it must catch. A rule that is not here is not a rule.
 */

export const SECTIONS: readonly ClauseSection[] = [...ABI_SECTIONS, ...PROTOCOL_SECTIONS];
export const CLAUSES: readonly Clause[] = [...ABI_CLAUSES, ...PROTOCOL_CLAUSES];

const BY_ID = new Map(CLAUSES.map((clause) => [clause.id, clause]));

export function clauseById(id: string): Clause | undefined {
  return BY_ID.get(id);
}

export function isClauseId(id: string): boolean {
  return BY_ID.has(id);
}

/** The section a clause belongs to: the part of its id before the first dot. */
export function sectionOf(clause: Pick<Clause, "id">): ClauseSection {
  const id = clause.id.slice(0, clause.id.indexOf("."));
  const section = SECTIONS.find((s) => s.id === id);
  if (section === undefined) throw new Error(`internal: clause ${clause.id} names no section (${id})`);
  return section;
}

/** The clauses a gate case must cite and a clause mutant must break: MUST, observed by cases. */
export const CASE_CLAUSES: readonly Clause[] = CLAUSES.filter((clause) => clause.level === "MUST" && clause.verified.by === "case");
