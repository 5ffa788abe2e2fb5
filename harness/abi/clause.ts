import type { ImportName } from "./imports.ts";
import type { StatusName } from "./status.ts";

/**
 * One rule of the specification (see clauses.ts): its types and the helpers the clause tables use.
 */
/** RFC 2119 levels. MUST clauses are checked; SHOULD clauses are advice a host is not judged on. */
export type ClauseLevel = "MUST" | "SHOULD";

/**
 * How a clause is verified:
 * - `case`: gate cases observe it; at least one case cites it and catches its clause mutant (an in-process host).
 * - `protocol`: the conversation itself; a broken host process (conformance/hosts/) breaks it and the gate must
 *   report that host as broken.
 * - `advice`: a SHOULD clause; no host is judged on it.
 */
export type Verification =
  | { readonly by: "case" }
  | { readonly by: "protocol" }
  | { readonly by: "advice" };

export interface Clause {
  /** `<section>.<rule>`, lowercase words joined by `-`; stable: fixtures and reports cite it. */
  readonly id: string;
  readonly level: ClauseLevel;
  /** The rule, in full sentences that use MUST / MUST NOT / SHOULD; a host author implements this text. */
  readonly text: string;
  /** The imports it concerns (for the ABI document's cross-references and coverage per import). */
  readonly imports?: readonly ImportName[];
  /** The guest exports it concerns. */
  readonly exports?: readonly string[];
  /** Protocol messages or wire methods it concerns. */
  readonly messages?: readonly string[];
  /** Status codes it names. */
  readonly statuses?: readonly StatusName[];
  /** Why the rule is so, when the reason is not obvious (a decision against core, an arbitrary choice made a rule). */
  readonly why?: string;
  readonly verified: Verification;
}

export interface ClauseSection {
  readonly id: string;
  readonly title: string;
  /** Which document prints it. */
  readonly document: "abi" | "protocol";
}

export const verifiedBy = {
  case: { by: "case" } as Verification,
  protocol: { by: "protocol" } as Verification,
  advice: { by: "advice" } as Verification,
} as const;
