import { STATUS } from "../abi/status.ts";
import { U64_MAX } from "../abi/codec.ts";
import { guestFromBytes } from "../engine/load.ts";
import type { ImportsWrapper } from "../jobs/wasm-extension.ts";
import { compareResults } from "../suite/compare.ts";
import { normalizeResult, runScenario, type NormalizedResult, type Scenario } from "../suite/scenario.ts";
import type { JobProgram } from "./ir.ts";
import { renderNative } from "./render-native.ts";
import { renderWasm } from "./render-wasm.ts";

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
  readonly native: NormalizedResult;
  readonly wasm: NormalizedResult;
}

const VALID_STATUSES = new Set<number>(Object.values(STATUS));

/** What must hold of any run, whatever the program: lifecycle shape, metric arithmetic, progress range, statuses. */
export function checkInvariants(side: string, result: NormalizedResult): string[] {
  const problems: string[] = [];
  for (const job of result.jobs) {
    const where = `${side} ${job.id}`;
    const [first, second] = job.trace;
    if (first?.kind !== "status" || first.status !== "Queued") problems.push(`${where}: the trace does not start with Queued`);
    if (second !== undefined && (second.kind !== "status" || second.status !== "Running")) problems.push(`${where}: Queued is not followed by Running`);
    const totals = { bytes: 0n, items: 0n };
    for (const event of job.trace) {
      if (event.kind === "metrics") {
        const expected = totals[event.field] + BigInt(event.delta) > U64_MAX ? U64_MAX : totals[event.field] + BigInt(event.delta);
        if (BigInt(event.total) !== expected) problems.push(`${where}: ${event.field} total ${event.total} after +${event.delta}, expected ${expected}`);
        totals[event.field] = BigInt(event.total);
      } else if (event.kind === "progress" && !(event.value >= 0 && event.value <= 1 && Math.fround(event.value) === event.value)) {
        problems.push(`${where}: progress ${event.value} is not an f32 in 0..1`);
      } else if (event.kind === "log") {
        const status = /^checkpoint status=(\d+)$/.exec(event.message);
        if (status && (!VALID_STATUSES.has(Number(status[1])) || status[1] === "0")) problems.push(`${where}: checkpoint answered status ${status[1]}`);
      }
    }
    if (job.metrics.bytes !== totals.bytes.toString() || job.metrics.items !== totals.items.toString()) {
      problems.push(`${where}: final metrics ${job.metrics.bytes}/${job.metrics.items} differ from the events' totals`);
    }
  }
  return problems;
}

/** Runs one program and scenario natively and as WASM on fresh reference hosts and compares everything. */
export function checkProgram(program: JobProgram, scenario: Scenario, options: DifferentialOptions = {}): DifferentialResult {
  const timings = options.timings;
  let t = performance.now();
  const lap = (phase: keyof Timings) => {
    if (timings) {
      const now = performance.now();
      timings[phase] += now - t;
      t = now;
    }
  };
  const bytes = renderWasm(program);
  lap("render");
  const guest = guestFromBytes("program.wasm", bytes);
  lap("compile");
  const wasm = normalizeResult(runScenario({ kind: "wasm", guest }, scenario, { wrapImports: options.wrapImports }));
  lap("wasm");
  const native = normalizeResult(runScenario({ kind: "native", definition: renderNative(program) }, scenario));
  lap("native");
  const divergence = compareResults(native, wasm, "native", "wasm");
  const invariants = [...checkInvariants("native", native), ...checkInvariants("wasm", wasm)];
  lap("compare");
  return { ok: divergence === null && invariants.length === 0, divergence, invariants, native, wasm };
}
