import fc from "fast-check";
import type { Scenario } from "../suite/scenario.ts";
import { caseArb, type ProgramCase } from "./arbitraries.ts";
import { checkProgram, type DifferentialOptions, type DifferentialResult } from "./differential.ts";
import type { JobProgram } from "./ir.ts";

export interface PropertyOptions extends DifferentialOptions {
  readonly seed: number;
  readonly numRuns: number;
  /** Replays one counterexample: the fast-check path printed with it. */
  readonly path?: string;
  /** Stop after this many ms (fast-check's interruptAfterTimeLimit); runs so far still count. */
  readonly timeLimitMs?: number;
  /** Skip shrinking (faster when only counting divergences). */
  readonly endOnFailure?: boolean;
  /** Called after every run with its outcome. */
  readonly onRun?: (ok: boolean) => void;
}

export interface Counterexample {
  readonly seed: number;
  readonly path: string;
  readonly program: JobProgram;
  readonly scenario: Scenario;
  readonly result: DifferentialResult;
}

export interface PropertyOutcome {
  readonly runs: number;
  readonly counterexample: Counterexample | null;
}

/** The differential property: for every program and scenario, native and WASM agree and satisfy the invariants. */
export function checkParityProperty(options: PropertyOptions): PropertyOutcome {
  let runs = 0;
  const property = fc.property(caseArb, ({ program, scenario }: ProgramCase) => {
    runs++;
    const { ok } = checkProgram(program, scenario, options);
    options.onRun?.(ok);
    return ok;
  });
  const details = fc.check(property, {
    seed: options.seed,
    numRuns: options.numRuns,
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
    endOnFailure: options.endOnFailure ?? false,
  });
  if (!details.failed || details.counterexample === null) return { runs, counterexample: null };
  const [{ program, scenario }] = details.counterexample;
  // Run the shrunk case once more to keep its full result (the property only kept a boolean).
  const result = checkProgram(program, scenario, { wrapImports: options.wrapImports });
  return { runs, counterexample: { seed: details.seed, path: details.counterexamplePath ?? "", program, scenario, result } };
}
