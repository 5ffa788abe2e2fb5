import fc from "fast-check";
import type { Scenario } from "../suite/scenario.ts";
import { caseArb, type ProgramCase } from "./arbitraries.ts";
import { compileBatch } from "./batch.ts";
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

/**
 * Cases compiled into one module (batch.ts): enough to spread a module's fixed cost thin, few enough that a time
 * budget ending mid-batch wastes little.
 */
export const BATCH_SIZE = 50;

/**
 * The differential property: for every program and scenario, native and WASM agree and satisfy the invariants.
 *
 * The cases are fast-check's (seed, run index) as fc.check would run them, generated a batch at a time and compiled
 * together; the first failing case is handed to fc.check by its path, to be shrunk with each candidate compiled alone.
 * A replay (`path`) runs through fc.check from the start.
 */
export function checkParityProperty(options: PropertyOptions): PropertyOutcome {
  if (options.path !== undefined) return checkWithFastCheck(options);
  const started = performance.now();
  const timedOut = () => options.timeLimitMs !== undefined && performance.now() - started >= options.timeLimitMs;
  let runs = 0;
  for (let start = 0; start < options.numRuns && !timedOut(); start += BATCH_SIZE) {
    const cases = casesAt(options.seed, start, Math.min(BATCH_SIZE, options.numRuns - start));
    const guests = compileBatch(cases, options.timings);
    for (let i = 0; i < cases.length && !timedOut(); i++) {
      const { program, scenario } = cases[i]!;
      const result = checkProgram(program, scenario, options, guests[i] ?? undefined);
      runs++;
      options.onRun?.(result.ok, { program, scenario, result });
      guests[i]?.recycle();
      if (!result.ok) return { runs, counterexample: shrinkCase(options, cases[i]!, start + i, started) };
    }
  }
  return { runs, counterexample: null };
}

/**
 * The cases fc.check(fc.property(caseArb, ...), { seed }) runs at indexes start..start+count-1. fc.sample is given the
 * arbitrary, not a property: it would bias a property's runs a second time and generate other cases.
 */
export function casesAt(seed: number, start: number, count: number): ProgramCase[] {
  return fc.sample(caseArb, { seed, path: String(start), numRuns: count });
}

/** The failing case at `index`, shrunk by fc.check from its path (within what is left of the time limit). */
function shrinkCase(options: PropertyOptions, found: ProgramCase, index: number, started: number): Counterexample {
  const timeLimitMs = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (performance.now() - started);
  const path = String(index);
  const { counterexample } = checkWithFastCheck({ ...options, path, numRuns: 1, timeLimitMs: timeLimitMs === undefined ? undefined : Math.max(1, timeLimitMs), onRun: undefined });
  if (counterexample !== null) return counterexample;
  // fast-check was out of time before the case ran: it is kept unshrunk, as an interrupted shrink keeps its last.
  const result = checkProgram(found.program, found.scenario, { wrapImports: options.wrapImports });
  if (result.ok) throw new Error(`internal: case ${path} of seed ${options.seed} failed compiled with others and passes alone (harness/programs/batch.ts)`);
  const counterexample2 = { seed: options.seed, path, program: found.program, scenario: found.scenario, result };
  return options.fault === undefined ? counterexample2 : { ...counterexample2, fault: options.fault };
}

/** The property through fc.check, each case compiled alone. */
function checkWithFastCheck(options: PropertyOptions): PropertyOutcome {
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
