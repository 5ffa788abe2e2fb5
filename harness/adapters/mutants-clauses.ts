import type { Mutant } from "./mutant-kit.ts";

export const CLAUSE_MUTANTS: readonly Mutant[] = [];
