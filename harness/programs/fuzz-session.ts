import { siblingModule } from "../engine/modules.ts";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { spawnTsWorker } from "../engine/ts-worker.ts";
import fc from "fast-check";
import { caseArb, type ProgramCase } from "./arbitraries.ts";
import { saveRegression, toRegression, type RegressionCase } from "./counterexample.ts";
import { checkProgram, type Timings } from "./differential.ts";
import { BOUNDARY_FAULTS, boundaryFault } from "./faults.ts";
import type { Counterexample } from "./property.ts";

/**
 * Fuzzing sessions: the parity property run for a budget of runs or time on worker threads, with every divergence
 * shrunk in its worker, saved to the regression corpus and reported. Orchestration only; the CLI prints.
 *
 * The seed space is cut into chunks: chunk k of shard i/n is `chunkSize` runs of the property from seed
 * chunkSeed(S, i + k*n), so shards never run the same chunk and (S, shard, chunk) always generates the same cases.
 * Workers take the next chunk until the budget is spent.
 */

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export type Budget = { readonly runs: number } | { readonly timeMs: number };

/** Session seeds and chunk seeds are integers in 0..2^31-1: fast-check keeps them as they are, and `--seed N` needs no sign. */
export const SEED_LIMIT = 2 ** 31;

/**
 * Runs per chunk. Chunks do not shrink to balance the workers at the end of a --runs budget (only the last one is
 * smaller), so a seed and a run count check the same cases on any number of workers.
 */
export const DEFAULT_CHUNK_SIZE = 250;

/**
 * The seed of chunk `index` of a session (index = shard + chunk * shards): a bijection of index mod 2^31 for a given
 * session seed (an odd multiplier, then xor-shifts and odd multiplications mod 2^31), so different chunks, of one
 * shard or of different shards, always get different seeds.
 */
export function chunkSeed(sessionSeed: number, index: number): number {
  let x = (sessionSeed + Math.imul(index, 0x9e3779b1)) & 0x7fffffff;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) & 0x7fffffff;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) & 0x7fffffff;
  x ^= x >>> 16;
  return x;
}

/** The seed of chunk k of a shard. */
export const shardChunkSeed = (sessionSeed: number, shard: Shard, chunk: number) => chunkSeed(sessionSeed, shard.index + chunk * shard.count);

export const FAULT_NAMES = Object.keys(BOUNDARY_FAULTS);

/** The regression's `host`: where the case diverged. */
export const hostLabel = (fault: string | null) => (fault === null ? "reference" : `fault:${fault}`);

// --- the protocol between the session and its workers ---------------------------------------------------------

export const TIMING_PHASES = ["render", "compile", "wasm", "native", "compare"] as const satisfies readonly (keyof Timings)[];

/**
 * Each worker owns a Float64Array over shared memory and updates it after every run, so the session reads exact
 * counts (for progress, and after a Ctrl-C stops the workers mid-chunk) without a message per run.
 */
export const COUNTER = { runs: 0, timings: 1 } as const;
export const COUNTER_SLOTS = COUNTER.timings + TIMING_PHASES.length;

export interface WorkerSetup {
  readonly fault: string | null;
  readonly counters: SharedArrayBuffer;
}

export type ToWorker = {
  readonly type: "chunk";
  readonly chunk: number;
  readonly seed: number;
  readonly numRuns: number;
  /** Date.now() when a time budget ends (Date.now() is the one clock the threads share), or null. */
  readonly deadline: number | null;
};

export type FromWorker =
  | { readonly type: "ready" }
  | {
      readonly type: "done";
      readonly chunk: number;
      /** Cases generated and checked (the shrinking after a divergence is not counted). */
      readonly runs: number;
      readonly counterexample: Counterexample | null;
    };

// --- sessions ------------------------------------------------------------------------------------------------

export interface FuzzOptions {
  readonly seed: number;
  readonly budget: Budget;
  readonly workers: number;
  readonly shard: Shard;
  /** Where counterexamples are saved (saveRegression: `<dir>/<id>/case.json` and `guest.wat`). */
  readonly corpusDir: string;
  /** A deliberately faulty WASM boundary from faults.ts, or null for the reference host. */
  readonly fault: string | null;
  /** Stop once this many divergences were found (each one costs a shrink). */
  readonly maxDivergences: number;
  readonly chunkSize?: number;
  /** Called on the main thread for each divergence, after it was saved. */
  readonly onCounterexample?: (found: FoundCase) => void;
}

export interface FoundCase {
  readonly counterexample: Counterexample;
  readonly regression: RegressionCase;
  /** The case's directory in the corpus. */
  readonly dir: string;
  /** Written by this find (false: the corpus already had it). */
  readonly saved: boolean;
  /** The first time this session found this case (by content id). */
  readonly first: boolean;
}

export interface FuzzProgress {
  readonly runs: number;
  readonly divergences: number;
  readonly elapsedMs: number;
  readonly runsPerSecond: number;
}

/** Where the workers' time went, in ms summed over workers; `other` is fast-check (generating, shrinking) and messages. */
export interface SessionTimings extends Timings {
  startup: number;
  other: number;
  total: number;
}

export type StopReason = "budget" | "interrupted" | "max-divergences";

export interface FuzzSummary extends FuzzProgress {
  readonly seed: number;
  readonly shard: Shard;
  readonly workers: number;
  readonly budget: Budget;
  readonly fault: string | null;
  readonly host: string;
  readonly corpus: string;
  readonly chunks: number;
  readonly stopped: StopReason;
  /** Each distinct case found, in the order found. */
  readonly cases: readonly { readonly id: string; readonly dir: string; readonly seed: number; readonly path: string; readonly saved: boolean; readonly found: number }[];
  /** Ids of the cases this session wrote to the corpus. */
  readonly saved: readonly string[];
  readonly timings: SessionTimings;
}

export interface FuzzSession {
  /** Counts so far, read from the workers' shared counters. */
  progress(): FuzzProgress;
  /** Stops the workers now (Ctrl-C); `done` still resolves with the summary. */
  stop(): void;
  readonly done: Promise<FuzzSummary>;
}

const WORKER_URL = siblingModule(import.meta.url, "fuzz-worker");

function spawnWorker(setup: WorkerSetup): Worker {
  return spawnTsWorker(WORKER_URL, setup);
}

interface WorkerState {
  readonly worker: Worker;
  readonly counters: Float64Array;
  readonly spawnedAt: number;
  ready: boolean;
  startupMs: number;
  busyMs: number;
  chunk: { readonly message: ToWorker; readonly at: number } | null;
  ended: boolean;
}

export function startFuzzSession(options: FuzzOptions): FuzzSession {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const startedAt = performance.now();
  const deadline = "timeMs" in options.budget ? Date.now() + options.budget.timeMs : null;
  const host = hostLabel(options.fault);
  const runBudget = "runs" in options.budget ? options.budget.runs : null;

  let nextChunk = 0;
  /** --runs: runs promised to chunks in flight plus runs done; a chunk that stops at a divergence gives back the rest. */
  let allocated = 0;
  let divergences = 0;
  let stopped: StopReason | null = null;
  let finished = false;
  const cases = new Map<string, { id: string; dir: string; seed: number; path: string; saved: boolean; found: number }>();

  let resolveDone!: (summary: FuzzSummary) => void;
  let rejectDone!: (error: Error) => void;
  const done = new Promise<FuzzSummary>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const sum = (slot: number) => states.reduce((total, state) => total + state.counters[slot]!, 0);
  const progress = (): FuzzProgress => {
    const elapsedMs = performance.now() - startedAt;
    const runs = sum(COUNTER.runs);
    return { runs, divergences, elapsedMs, runsPerSecond: elapsedMs > 0 ? (runs / elapsedMs) * 1000 : 0 };
  };

  function assignment(): ToWorker | null {
    if (stopped !== null) return null;
    let numRuns = chunkSize;
    if (runBudget !== null) {
      const remaining = runBudget - allocated;
      if (remaining <= 0) return null;
      numRuns = Math.min(chunkSize, remaining);
      allocated += numRuns;
    } else if (Date.now() >= deadline!) {
      return null;
    }
    const chunk = nextChunk++;
    return { type: "chunk", chunk, seed: shardChunkSeed(options.seed, options.shard, chunk), numRuns, deadline };
  }

  function dispatch(state: WorkerState): void {
    const message = assignment();
    if (message === null) return;
    state.chunk = { message, at: performance.now() };
    state.worker.postMessage(message);
  }

  function endWorker(state: WorkerState): void {
    if (state.ended) return;
    state.ended = true;
    if (state.chunk !== null) {
      state.busyMs += performance.now() - state.chunk.at;
      state.chunk = null;
    }
    void state.worker.terminate();
  }

  function finish(reason: StopReason): void {
    if (finished) return;
    finished = true;
    stopped ??= reason;
    for (const state of states) endWorker(state);
    const now = progress();
    const timings: SessionTimings = { render: 0, compile: 0, wasm: 0, native: 0, compare: 0, startup: 0, other: 0, total: 0 };
    TIMING_PHASES.forEach((phase, i) => (timings[phase] = sum(COUNTER.timings + i)));
    timings.startup = states.reduce((total, state) => total + state.startupMs, 0);
    timings.total = timings.startup + states.reduce((total, state) => total + state.busyMs, 0);
    timings.other = Math.max(0, timings.total - timings.startup - TIMING_PHASES.reduce((total, phase) => total + timings[phase], 0));
    const found = [...cases.values()];
    resolveDone({
      ...now,
      seed: options.seed,
      shard: options.shard,
      workers: options.workers,
      budget: options.budget,
      fault: options.fault,
      host,
      corpus: options.corpusDir,
      chunks: nextChunk,
      stopped,
      cases: found,
      saved: found.filter((c) => c.saved).map((c) => c.id),
      timings,
    });
  }

  function fail(error: Error): void {
    if (finished) return;
    finished = true;
    for (const state of states) endWorker(state);
    rejectDone(error);
  }

  function onCounterexample(counterexample: Counterexample): void {
    divergences++;
    const regression = toRegression(counterexample);
    const saved = saveRegression(options.corpusDir, regression);
    const dir = join(options.corpusDir, regression.id);
    const known = cases.get(regression.id);
    if (known) known.found++;
    else cases.set(regression.id, { id: regression.id, dir, seed: regression.seed, path: regression.path, saved, found: 1 });
    options.onCounterexample?.({ counterexample, regression, dir, saved, first: !known });
    if (divergences >= options.maxDivergences) stopped ??= "max-divergences";
  }

  function onMessage(state: WorkerState, message: FromWorker): void {
    if (finished) return;
    if (message.type === "ready") {
      state.ready = true;
      state.startupMs = performance.now() - state.spawnedAt;
    } else {
      const planned = state.chunk?.message.numRuns ?? 0;
      if (state.chunk !== null) state.busyMs += performance.now() - state.chunk.at;
      state.chunk = null;
      if (runBudget !== null) allocated -= planned - message.runs;
      try {
        if (message.counterexample !== null) onCounterexample(message.counterexample);
      } catch (error) {
        fail(error as Error);
        return;
      }
    }
    // Budget given back by a chunk that stopped early may let idle workers go on too.
    for (const other of states) if (other.ready && other.chunk === null && !other.ended) dispatch(other);
    if (stopped === "max-divergences") finish("max-divergences");
    // Every started worker was offered a chunk and none is running one: the budget is spent (a worker still starting
    // would be offered nothing either).
    else if (states.every((s) => s.chunk === null)) finish("budget");
  }

  const states: WorkerState[] = [];
  for (let i = 0; i < options.workers; i++) {
    const counters = new SharedArrayBuffer(COUNTER_SLOTS * Float64Array.BYTES_PER_ELEMENT);
    const worker = spawnWorker({ fault: options.fault, counters });
    const state: WorkerState = { worker, counters: new Float64Array(counters), spawnedAt: performance.now(), ready: false, startupMs: 0, busyMs: 0, chunk: null, ended: false };
    states.push(state);
    worker.on("message", (message: FromWorker) => onMessage(state, message));
    worker.on("error", (error) => fail(new Error(`fuzz worker ${i} failed: ${error.stack ?? error.message}`)));
    worker.on("exit", (code) => {
      if (!state.ended && !finished) fail(new Error(`fuzz worker ${i} exited unexpectedly (code ${code})`));
    });
  }

  return {
    progress,
    stop() {
      stopped ??= "interrupted";
      finish("interrupted");
    },
    done,
  };
}

// --- replay --------------------------------------------------------------------------------------------------

/** A seed and path that lead to no case. */
export class ReplayError extends Error {}

/**
 * The exact case at `path` from `seed`: what checkParityProperty's property received there. It walks the path with
 * the same property shape (fc.property over caseArb) and stops at the first value: replaying through
 * checkParityProperty itself would not run exactly one case, because fast-check goes on past a shrunk path's value
 * (to its siblings when it passes, into shrinking when it fails).
 */
export function caseAt(seed: number, path: string): ProgramCase {
  let found: ProgramCase | null = null;
  try {
    fc.check(
      fc.property(caseArb, (value: ProgramCase) => {
        found ??= value;
        return false;
      }),
      { seed, path, numRuns: 1, endOnFailure: true },
    );
  } catch (error) {
    throw new ReplayError(`path ${path} does not lead to a case from seed ${seed} (${(error as Error).message})`);
  }
  if (found === null) throw new ReplayError(`path ${path} does not lead to a case from seed ${seed}`);
  return found;
}

export interface Replay {
  readonly ok: boolean;
  readonly host: string;
  readonly counterexample: Counterexample;
}

/** Runs the case at seed and path once, natively and as WASM (on the given faulty boundary, if any). */
export function replayCase(seed: number, path: string, fault: string | null): Replay {
  const { program, scenario } = caseAt(seed, path);
  const result = checkProgram(program, scenario, fault === null ? {} : { wrapImports: boundaryFault(fault) });
  const counterexample = { seed, path, program, scenario, result, ...(fault === null ? {} : { fault }) };
  return { ok: result.ok, host: hostLabel(fault), counterexample };
}
