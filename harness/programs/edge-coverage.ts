import type { CaseView } from "./coverage.ts";
import type { ModuleTwist, TwistKind } from "./ir.ts";

/**
 * When an edge case (edge-arbitraries.ts) exercises a clause no other case reaches, from its twists, its scenario and
 * the reference host's result: a twist alone is not enough, the run must have met it (a wasm_alloc armed for answers
 * traps only when a call has an answer to write). The other clauses edge cases aim at (init.resumable,
 * scenario.state, scenario.permissions, dispatch.job-type, dispatch.no-state, child.tree) have rules of their own
 * that their cases meet (coverage.ts, and a tree limit's refusal counts for child.tree).
 */
type Twist<K extends TwistKind> = Extract<ModuleTwist, { kind: K }>;
const twist = <K extends TwistKind>(c: CaseView, kind: K): Twist<K> | undefined => c.program.twists?.find((t): t is Twist<K> => t.kind === kind);

/** Only the stall limit is on: a run stopped by a time limit was stopped by it. */
export const stallOnly = (c: CaseView) => c.scenario.limits?.runTimeoutMs === 0 && (c.scenario.limits.stallTimeoutMs ?? 0) > 0;

const answered = (c: CaseView) => c.has("load_state", (e) => e.kind === "load_state" && e.state !== null) || c.has("call") || c.has("child_spawned") || c.has("children_waited");

export const EDGE_CLAUSE_RULES: readonly { readonly clause: string; readonly how: string; readonly test: (c: CaseView) => boolean }[] = [
  {
    clause: "run.stall",
    how: "a run stopped with only the stall limit on, or one that called the host past the stall limit and was not stopped",
    test: (c) => (c.ends("timeout") && stallOnly(c)) || (twist(c, "spin")?.calls === "calling" && stallOnly(c) && !c.ends("timeout")),
  },
  { clause: "dispatch.alloc-trap", how: "wasm_alloc trapping at dispatch, the run's trap", test: (c) => twist(c, "host_alloc")?.from === "dispatch" && twist(c, "host_alloc")?.how === "trap" && c.ends("trap") },
  {
    clause: "answer.alloc-trap",
    how: "wasm_alloc trapping for an answer, the run's trap",
    test: (c) => {
      const alloc = twist(c, "host_alloc");
      return alloc?.from === "answer" && alloc.how === "trap" && answered(c) && c.ends("trap");
    },
  },
];
