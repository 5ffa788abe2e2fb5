import { guestFromBytes, type GuestModule } from "../engine/load.ts";
import type { ImportsWrapper } from "../jobs/wasm-extension.ts";
import { comparable, compareResults } from "../suite/compare.ts";
import { normalizeResult, runScenario, type NormalizedResult, type Scenario, type ScenarioResult } from "../suite/scenario.ts";
import type { JobProgram } from "./ir.ts";
import { renderNative } from "./render-native.ts";
import { renderWasm } from "./render-wasm.ts";
import { PROGRAM_FILE } from "./batch.ts";
import { checkInvariants, onSide } from "./invariants.ts";

export { checkInvariants } from "./invariants.ts";

export interface DifferentialOptions {
  /** A deliberately faulty WASM boundary (the reference host otherwise). */
  readonly wrapImports?: ImportsWrapper;
  /** Where time goes, in ms, summed over calls. */
  readonly timings?: Timings;
}

export interface Timings {
  render: number;
  compile: number;
  wasm: number;
  native: number;
  compare: number;
}

export const emptyTimings = (): Timings => ({ render: 0, compile: 0, wasm: 0, native: 0, compare: 0 });

export interface DifferentialResult {
  /** Native and WASM identical, and both satisfy the invariants. */
  readonly ok: boolean;
  readonly divergence: string | null;
  /** Invariants broken by either side: an oracle that does not rely on the two sides agreeing. */
  readonly invariants: readonly string[];
  /** The normalized results, computed when first read (a passing run in a fuzzing loop never needs them). */
  readonly native: NormalizedResult;
  readonly wasm: NormalizedResult;
  /** The raw results, as the hosts recorded them (a counterexample that crossed from a worker thread has none). */
  readonly raw?: { readonly native: ScenarioResult; readonly wasm: ScenarioResult };
}

/** Structural equality of recorded values (plain objects, arrays, primitives, bigints); no allocation. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  let keys = 0;
  for (const key in a) {
    keys++;
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  for (const _ in b) keys--;
  return keys === 0;
}

/** The comparable parts of two results are equal (the errors, people's text, are not compared). */
const sameResult = (a: ScenarioResult, b: ScenarioResult) =>
  sameValue(a.extension, b.extension) && sameValue(a.jobs, b.jobs) && sameValue(a.library, b.library);

class LazyResult implements DifferentialResult {
  private normalized: { native?: NormalizedResult; wasm?: NormalizedResult } = {};

  constructor(
    readonly ok: boolean,
    readonly divergence: string | null,
    readonly invariants: readonly string[],
    readonly raw: { readonly native: ScenarioResult; readonly wasm: ScenarioResult },
  ) {}

  get native(): NormalizedResult {
    return (this.normalized.native ??= normalizeResult(this.raw.native));
  }

  get wasm(): NormalizedResult {
    return (this.normalized.wasm ??= normalizeResult(this.raw.wasm));
  }
}

/**
 * Runs one program and scenario natively and as WASM on fresh reference hosts and compares everything. `guest` is the
 * program compiled already (batch.ts); without it the program is rendered and compiled alone.
 */
export function checkProgram(program: JobProgram, scenario: Scenario, options: DifferentialOptions = {}, guest?: GuestModule): DifferentialResult {
  const timings = options.timings;
  let t = performance.now();
  const lap = (phase: keyof Timings) => {
    if (timings) {
      const now = performance.now();
      timings[phase] += now - t;
      t = now;
    }
  };
  // Generated programs always end (their loops are bounded), so no watchdog: it costs about 0.1 ms a run.
  scenario = { ...scenario, limits: { ...scenario.limits, runTimeoutMs: 0 } };
  if (guest === undefined) {
    const bytes = renderWasm(program);
    lap("render");
    guest = guestFromBytes(PROGRAM_FILE, bytes);
    lap("compile");
  }
  const wasm = runScenario({ kind: "wasm", guest }, scenario, { wrapImports: options.wrapImports });
  lap("wasm");
  const native = runScenario({ kind: "native", definition: renderNative(program) }, scenario);
  lap("native");
  // Both hosts hand out the same ids (same seed), so equal raw results mean equal normalized ones; only a
  // mismatch pays for normalizing and explaining.
  const same = sameResult(native, wasm);
  const divergence = same ? null : compareResults(comparable(native), comparable(wasm), "native", "wasm");
  const nativeProblems = checkInvariants("native", native, program, scenario);
  // The invariants read the results' jobs only, which sameResult found equal: the WASM side breaks the same ones.
  const wasmProblems = same ? onSide(nativeProblems, "native", "wasm") : checkInvariants("wasm", wasm, program, scenario);
  const invariants = [...nativeProblems, ...wasmProblems];
  lap("compare");
  return new LazyResult(divergence === null && invariants.length === 0, divergence, invariants, { native, wasm });
}
