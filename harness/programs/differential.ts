import { STATUS } from "../abi/status.ts";
import { saturatingAddU64 } from "../abi/codec.ts";
import { guestFromBytes } from "../engine/load.ts";
import type { ImportsWrapper } from "../jobs/wasm-extension.ts";
import { compareResults } from "../suite/compare.ts";
import { normalizeResult, runScenario, type NormalizedResult, type Scenario, type ScenarioResult } from "../suite/scenario.ts";
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
  /** The normalized results, computed when first read (a passing run in a fuzzing loop never needs them). */
  readonly native: NormalizedResult;
  readonly wasm: NormalizedResult;
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
    private readonly raw: { native: ScenarioResult; wasm: ScenarioResult },
  ) {}

  get native(): NormalizedResult {
    return (this.normalized.native ??= normalizeResult(this.raw.native));
  }

  get wasm(): NormalizedResult {
    return (this.normalized.wasm ??= normalizeResult(this.raw.wasm));
  }
}

const VALID_STATUSES = new Set<number>(Object.values(STATUS));

const STATUS_LOG = /^(checkpoint status=|checkpoint_stateless status=|metrics status=|progress_kind=)(\d+)$/;
const STATUS_LOG_CALL: Readonly<Record<string, string>> = {
  "checkpoint status=": "checkpoint",
  "checkpoint_stateless status=": "job_checkpoint_stateless",
  "metrics status=": "job_metrics",
  "progress_kind=": "job_progress",
};
const METRICS_LOG = /^metrics=(\d+),(\d+),(\d+),(\d+)$/;

/**
 * What must hold of any run, whatever the program: lifecycle shape, metric arithmetic, progress range, statuses, and
 * (ABI 1.1) metrics read back as the events added them up, and metrics and waits echoed as the host recorded them.
 */
export function checkInvariants(side: string, result: NormalizedResult | ScenarioResult): string[] {
  const problems: string[] = [];
  for (const job of result.jobs) {
    const where = `${side} ${job.id}`;
    const [first, second] = job.trace;
    if (first?.kind !== "status" || first.status !== "Queued") problems.push(`${where}: the trace does not start with Queued`);
    if (second !== undefined && (second.kind !== "status" || second.status !== "Running")) problems.push(`${where}: Queued is not followed by Running`);
    const totals = { bytes: 0n, items: 0n };
    let read: string | null = null; // the last metrics_read, as the guest echoes it
    let waited: string | null = null; // the last children_waited, as job_wait_for_children answers it
    for (const event of job.trace) {
      if (event.kind === "metrics") {
        const expected = saturatingAddU64(totals[event.field], BigInt(event.delta));
        if (BigInt(event.total) !== expected) problems.push(`${where}: ${event.field} total ${event.total} after +${event.delta}, expected ${expected}`);
        totals[event.field] = BigInt(event.total);
      } else if (event.kind === "progress" && !(event.value >= 0 && event.value <= 1 && Math.fround(event.value) === event.value)) {
        problems.push(`${where}: progress ${event.value} is not an f32 in 0..1`);
      } else if (event.kind === "log") {
        const status = STATUS_LOG.exec(event.message);
        if (status && (!VALID_STATUSES.has(Number(status[2])) || (status[2] === "0" && status[1] !== "progress_kind="))) {
          problems.push(`${where}: ${STATUS_LOG_CALL[status[1]!]} answered status ${status[2]}`);
        }
        const metrics = METRICS_LOG.exec(event.message);
        if (metrics && metrics.slice(1).join(",") !== read) problems.push(`${where}: "${event.message}" is not what job_metrics answered (${read ?? "nothing"})`);
        if (event.message.startsWith("wait=[") && event.message.slice(5) !== waited) problems.push(`${where}: "${event.message}" is not what job_wait_for_children answered (${waited ?? "nothing"})`);
      } else if (event.kind === "metrics_read") {
        const { bytes, items, warnings, nonCriticalErrors } = event.metrics;
        if (BigInt(bytes) !== totals.bytes || BigInt(items) !== totals.items) {
          problems.push(`${where}: job_metrics answered bytes ${bytes} and items ${items}, the events add up to ${totals.bytes} and ${totals.items}`);
        }
        read = `${bytes},${items},${warnings},${nonCriticalErrors}`;
      } else if (event.kind === "children_waited") {
        waited = JSON.stringify(event.children.map((child) => ({ job_id: child.job, status: child.status })));
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
  // Generated programs always end (their loops are bounded), so no watchdog: it costs about 0.1 ms a run.
  scenario = { ...scenario, limits: { ...scenario.limits, runTimeoutMs: 0 } };
  const bytes = renderWasm(program);
  lap("render");
  const guest = guestFromBytes("program.wasm", bytes);
  lap("compile");
  const wasm = runScenario({ kind: "wasm", guest }, scenario, { wrapImports: options.wrapImports });
  lap("wasm");
  const native = runScenario({ kind: "native", definition: renderNative(program) }, scenario);
  lap("native");
  // Both hosts hand out the same ids (same seed), so equal raw results mean equal normalized ones; only a
  // mismatch pays for normalizing and explaining.
  const divergence = sameResult(native, wasm) ? null : compareResults(normalizeResult(native), normalizeResult(wasm), "native", "wasm");
  const invariants = [...checkInvariants("native", native), ...checkInvariants("wasm", wasm)];
  lap("compare");
  return new LazyResult(divergence === null && invariants.length === 0, divergence, invariants, { native, wasm });
}
