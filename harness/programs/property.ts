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
  /** Called after every generated case with its outcome (not for the shrinking that follows a failure). */
  readonly onRun?: (ok: boolean, run: { readonly program: JobProgram; readonly scenario: Scenario; readonly result: DifferentialResult }) => void;
  /** The name of the deliberate fault in `wrapImports`, so a replay command can name it. */
  readonly fault?: string;
}

export interface Counterexample {
  readonly seed: number;
  readonly path: string;
  readonly program: JobProgram;
  readonly scenario: Scenario;
  readonly result: DifferentialResult;
  /** The deliberate fault it was found against, if any. */
  readonly fault?: string;
}

export interface PropertyOutcome {
  /** Generated cases checked (shrinking attempts are not counted). */
  readonly runs: number;
  readonly counterexample: Counterexample | null;
}

/** The differential property: for every program and scenario, native and WASM agree and satisfy the invariants. */
export function checkParityProperty(options: PropertyOptions): PropertyOutcome {
  let runs = 0;
  let shrinking = false; // fast-check generates until the first failure, then only shrinks
  const property = fc.property(caseArb, ({ program, scenario }: ProgramCase) => {
    const result = checkProgram(program, scenario, options);
    const { ok } = result;
    if (!shrinking) {
      runs++;
      options.onRun?.(ok, { program, scenario, result });
    }
    if (!ok) shrinking = true;
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
  const found = { seed: details.seed, path: details.counterexamplePath ?? "", program, scenario, result };
  return { runs, counterexample: options.fault === undefined ? found : { ...found, fault: options.fault } };
}
