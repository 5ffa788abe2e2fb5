import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import fc from "fast-check";
import { targetLabel, type HostTarget } from "../adapters/host-target.ts";
import { tierUpLater } from "../engine/tiering.ts";
import { DEFAULT_CASE_TIMEOUT_MS } from "../suite/gate.ts";
import { caseArb, hostCaseArb, type ProgramCase } from "./arbitraries.ts";
import { coverageOf, mergeCoverage, type Coverage } from "./coverage.ts";
import { isSaved, saveRegression, toRegression, type RegressionCase } from "./counterexample.ts";
import { checkProgram } from "./differential.ts";
import { BOUNDARY_FAULTS, boundaryFault } from "./faults.ts";
import {
  COUNTER,
  COUNTER_SLOTS,
  isHostFinding,
  spawnFuzzWorker,
  timingPhases,
  type Finding,
  type FromWorker,
  type FuzzWorkerPool,
  type ToWorker,
} from "./fuzz-protocol.ts";
import { hostRegression, replayFlags, type HostCounterexample } from "./host-counterexample.ts";
import type { Counterexample } from "./property.ts";
import { checkOnHost, openFuzzHost } from "./host-fuzz.ts";

export { isHostFinding, TIMING_PHASES, type Finding } from "./fuzz-protocol.ts";

/** A host under test that could not be started or shake hands, in a worker: the message says what and how to fix it. */
export class FuzzHostError extends Error {}

/**
 * Fuzzing sessions: the parity property (native vs WASM on the reference host), or the host property (a host under
 * test vs the reference host, host-fuzz.ts), run for a budget of runs or time on worker threads, with every
 * divergence shrunk in its worker, saved to the regression corpus and reported. Orchestration only; the CLI prints.
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
export const hostLabel = (fault: string | null, target: HostTarget | null = null) =>
  target !== null ? targetLabel(target) : fault === null ? "reference" : `fault:${fault}`;

// --- sessions ------------------------------------------------------------------------------------------------

export interface FuzzOptions {
  readonly seed: number;
  readonly budget: Budget;
  readonly workers: number;
  readonly shard: Shard;
  /** Where counterexamples are saved (saveRegression: `<dir>/<id>/case.json` and `guest.wat`). */
  readonly corpusDir: string;
  /**
   * Corpora `run` sends on every run (job-parity's own): a case one of them holds already is not saved again in
   * corpusDir, where `run` would meet it twice; it is reported as found there.
   */
  readonly knownCorpora?: readonly string[];
  /** A deliberately faulty WASM boundary from faults.ts, or null for the reference host. */
  readonly fault: string | null;
  /** A host under test (fuzzed against the reference host's answers), or null/absent for the parity property. */
  readonly target?: HostTarget | null;
  /** Per case with a host under test (default: the gate's, 5000 ms). */
  readonly timeoutMs?: number;
  /** Workers to take (and get back when the session winds down cleanly) instead of starting new ones. */
  readonly pool?: FuzzWorkerPool;
  /** Stop once this many divergences were found (each one costs a shrink). */
  readonly maxDivergences: number;
  readonly chunkSize?: number;
  /** Called on the main thread for each divergence, after it was saved. */
  readonly onCounterexample?: (found: FoundCase) => void;
}

export interface FoundCase {
  readonly counterexample: Finding;
  readonly regression: RegressionCase;
  /** The case's directory in the corpus. */
  readonly dir: string;
  /** Written by this find (false: the corpus already had it, or it could not be written: saveError). */
  readonly saved: boolean;
  /** Why the case could not be written to the corpus (the counterexample is still reported); null when it was, or was there. */
  readonly saveError: string | null;
  /** The first time this session found this case (by content id). */
  readonly first: boolean;
}

export interface FuzzProgress {
  readonly runs: number;
  /** Of the runs, the cases not sent to the host under test: they need what its handshake does not offer. */
  readonly skipped: number;
  readonly divergences: number;
  /** Cases caught and still being shrunk (not yet in `divergences`): Ctrl-C now reports them unshrunk. */
  readonly shrinking: number;
  readonly elapsedMs: number;
  readonly runsPerSecond: number;
  /**
   * Of the generated cases the workers have in hand, the one running longest: its seed and path (what `--seed S
   * --path P` replays) and how long it has run. Null between chunks and while a divergence is shrunk. The parity
   * property never cuts a case short (a session with a time budget waits for it), so this is how a session names a
   * case that runs long.
   */
  readonly longestCase: { readonly seed: number; readonly path: string; readonly ms: number } | null;
}

/**
 * Where the workers' time went, in ms summed over workers: the phases (timingPhases), then `startup`, `other`
 * (fast-check: generating, shrinking; messages) and `total`.
 */
export type SessionTimings = Record<string, number> & { startup: number; other: number; total: number };

export type StopReason = "budget" | "interrupted" | "max-divergences";

export interface FuzzSummary extends Omit<FuzzProgress, "longestCase" | "shrinking"> {
  readonly seed: number;
  readonly shard: Shard;
  readonly workers: number;
  readonly budget: Budget;
  readonly fault: string | null;
  readonly host: string;
  readonly corpus: string;
  readonly chunks: number;
  readonly stopped: StopReason;
  /** The first divergence (before shrinking): ms after the session started, and the runs done by then. */
  readonly firstCatch: { readonly ms: number; readonly runs: number } | null;
  /** Hosts under test that did not end as the protocol says when shut down (conversation.shutdown). */
  readonly shutdownProblems: readonly string[];
  /** The timing phases, in order. */
  readonly phases: readonly string[];
  /**
   * Cases a chunk had caught and was still shrinking when Ctrl-C stopped it: not saved, counted in `divergences`;
   * `fuzz --seed <seed> --path <path>` (with the host option) replays each.
   */
  readonly unshrunk: readonly { readonly seed: number; readonly path: string }[];
  /** Each distinct case found, in the order found. */
  readonly cases: readonly { readonly id: string; readonly dir: string; readonly seed: number; readonly path: string; readonly saved: boolean; readonly saveError: string | null; readonly found: number }[];
  /** Ids of the cases this session wrote to the corpus. */
  readonly saved: readonly string[];
  readonly timings: SessionTimings;
  /**
   * What the generated cases of the chunks that ended reached on the reference host (coverage.ts): per import its
   * calls and statuses, per clause the cases exercising it. A chunk stopped by Ctrl-C is not in it.
   */
  readonly coverage: Coverage;
}

export interface FuzzSession {
  /** Counts so far, read from the workers' shared counters. */
  progress(): FuzzProgress;
  /** Stops the workers now (Ctrl-C); `done` still resolves with the summary. */
  stop(): void;
  readonly done: Promise<FuzzSummary>;
}

interface WorkerState {
  readonly worker: Worker;
  readonly counters: Float64Array;
  readonly setupAt: number;
  ready: boolean;
  startupMs: number;
  busyMs: number;
  /** The chunk in hand's first failing case, from its `caught` until its `done` (which brings it shrunk). */
  caught: { readonly seed: number; readonly path: string } | null;
  /** The chunk in hand: when it was sent, and the worker's run count then (the case in hand is the runs since). */
  chunk: { readonly message: Extract<ToWorker, { type: "chunk" }>; readonly at: number; readonly runsBefore: number } | null;
  ended: boolean;
  /** Set while the session waits for the worker: its chunk to end (`done`), or its host to close (`closed`). */
  waiting: ((problem: string | null) => void) | null;
  readonly detach: () => void;
}

/** How long a worker may take to end its chunk, then to shut its host down (a host has 2 s to exit), before it is stopped. */
const WIND_DOWN_MS = 5000;

export function startFuzzSession(options: FuzzOptions): FuzzSession {
  // Before the workers start: each runs the whole harness, briefly (harness/engine/tiering.ts).
  tierUpLater();
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const startedAt = performance.now();
  const deadline = "timeMs" in options.budget ? Date.now() + options.budget.timeMs : null;
  const target = options.target ?? null;
  const host = hostLabel(options.fault, target);
  const phases = timingPhases(target);
  const runBudget = "runs" in options.budget ? options.budget.runs : null;
  /** Date.now() when the first worker got its first chunk: time to first catch counts from there. */
  let fuzzingSince: number | null = null;
  let firstCatch: FuzzSummary["firstCatch"] = null;

  let nextChunk = 0;
  /** --runs: runs promised to chunks in flight plus runs done; a chunk that stops at a divergence gives back the rest. */
  let allocated = 0;
  let divergences = 0;
  let stopped: StopReason | null = null;
  let finished = false;
  let coverage: Coverage = coverageOf([]);
  const cases = new Map<string, { id: string; dir: string; seed: number; path: string; saved: boolean; saveError: string | null; found: number }>();

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
    const shrinking = states.filter((state) => state.caught !== null).length;
    return { runs, skipped: sum(COUNTER.skipped), divergences, shrinking, elapsedMs, runsPerSecond: elapsedMs > 0 ? (runs / elapsedMs) * 1000 : 0, longestCase: longestCase() };
  };

  function longestCase(): FuzzProgress["longestCase"] {
    let longest: FuzzProgress["longestCase"] = null;
    const now = Date.now();
    for (const state of states) {
      const since = state.counters[COUNTER.caseSince]!;
      if (state.chunk === null || since <= 0) continue;
      const index = state.counters[COUNTER.runs]! - state.chunk.runsBefore;
      if (index >= state.chunk.message.numRuns) continue; // the chunk is ending
      const ms = Math.max(0, now - since);
      if (longest === null || ms > longest.ms) longest = { seed: state.chunk.message.seed, path: String(index), ms };
    }
    return longest;
  }

  function assignment(): Extract<ToWorker, { type: "chunk" }> | null {
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
    fuzzingSince ??= Date.now();
    state.chunk = { message, at: performance.now(), runsBefore: state.counters[COUNTER.runs]! };
    state.worker.postMessage(message);
  }

  /** SIGKILL to the worker's host process group (--host-cmd), which a terminated worker cannot end itself. */
  function killHost(state: WorkerState): void {
    const pid = state.counters[COUNTER.hostPid]!;
    if (pid <= 0) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: gone already
    }
  }

  function settleBusy(state: WorkerState): void {
    if (state.chunk !== null) {
      state.busyMs += performance.now() - state.chunk.at;
      state.chunk = null;
    }
  }

  /** Stops the worker now (and its host); a pool starts a new one in its place. */
  function endWorker(state: WorkerState): void {
    if (state.ended) return;
    state.ended = true;
    settleBusy(state);
    state.detach();
    killHost(state);
    void state.worker.terminate();
  }

  /** The worker is done with this session and its host is closed: back to the pool, or stopped. */
  function releaseWorker(state: WorkerState): void {
    if (state.ended) return;
    state.ended = true;
    state.detach();
    if (options.pool) options.pool.give(state.worker);
    else void state.worker.terminate();
  }

  /** Resolves with the next `done` (when `chunk` is set) or `closed`, or with `timedOut` after WIND_DOWN_MS. */
  function waitFor(state: WorkerState, timedOut: string): Promise<string | null> {
    return new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        state.waiting = null;
        resolve(timedOut);
      }, WIND_DOWN_MS);
      state.waiting = (problem) => {
        clearTimeout(timer);
        state.waiting = null;
        resolve(problem);
      };
    });
  }

  /**
   * Winds a host session down as the protocol says: chunks still running are told to stop (they end at their next
   * case), then each host is shut down. A worker that does not answer in time is stopped, and its host killed.
   */
  async function windDown(): Promise<string[]> {
    for (const state of states) state.counters[COUNTER.stop] = 1;
    const problems = await Promise.all(
      states.map(async (state) => {
        if (state.ended) return null;
        if (!state.ready) {
          endWorker(state); // still setting up (starting its host): nothing of it is needed
          return null;
        }
        if (state.chunk !== null && (await waitFor(state, "timeout")) === "timeout") {
          endWorker(state);
          return null;
        }
        state.worker.postMessage({ type: "close" } satisfies ToWorker);
        const late = "late";
        const problem = await waitFor(state, late);
        if (problem === late) {
          // The adapter gives a host 2 s to exit before killing it and saying so, so a close this late is the worker's
          // (still busy with a case the stop reached mid-way), not a host breaking conversation.shutdown: it is stopped.
          endWorker(state);
          return null;
        }
        releaseWorker(state);
        return problem;
      }),
    );
    return problems.filter((p): p is string => p !== null);
  }

  function finish(reason: StopReason): void {
    if (finished) return;
    finished = true;
    stopped ??= reason;
    // With a host under test, a session that ends by itself winds its workers down (their hosts shut down as the
    // protocol says, and pooled workers go back to the pool). Ctrl-C, and the parity property's workers (which
    // cannot be told anything mid-chunk), are stopped now.
    const gentle = stopped !== "interrupted" && target !== null;
    if (!gentle) for (const state of states) endWorker(state);
    const { longestCase: _inHand, shrinking: _shrinking, ...progressNow } = progress();
    // A signal, or enough divergences found by others, stopped these chunks while they shrank what they had caught: each
    // is reported as caught, never lost.
    const unshrunk = stopped === "interrupted" || stopped === "max-divergences" ? states.flatMap((state) => (state.caught === null ? [] : [state.caught])) : [];
    const now = { ...progressNow, divergences: progressNow.divergences + unshrunk.length };
    const timings: SessionTimings = { startup: 0, other: 0, total: 0 };
    phases.forEach((phase, i) => (timings[phase] = sum(COUNTER.timings + i)));
    timings.startup = states.reduce((total, state) => total + state.startupMs, 0);
    timings.total = timings.startup + states.reduce((total, state) => total + state.busyMs + (state.chunk === null ? 0 : performance.now() - state.chunk.at), 0);
    timings.other = Math.max(0, timings.total - timings.startup - phases.reduce((total, phase) => total + timings[phase]!, 0));
    const found = [...cases.values()];
    const stoppedBy = stopped;
    const summary = (shutdownProblems: string[]): FuzzSummary => ({
      ...now,
      seed: options.seed,
      shard: options.shard,
      workers: options.workers,
      budget: options.budget,
      fault: options.fault,
      host,
      corpus: options.corpusDir,
      chunks: nextChunk,
      stopped: stoppedBy,
      cases: found,
      saved: found.filter((c) => c.saved).map((c) => c.id),
      timings,
      firstCatch,
      shutdownProblems,
      unshrunk,
      phases,
      coverage,
    });
    void (gentle ? windDown() : Promise.resolve([])).then((problems) => resolveDone(summary(problems)));
  }

  function fail(error: Error): void {
    if (finished) return;
    finished = true;
    for (const state of states) endWorker(state);
    rejectDone(error);
  }

  function onCounterexample(counterexample: Finding): void {
    divergences++;
    const regression = isHostFinding(counterexample) ? hostRegression(counterexample) : toRegression(counterexample);
    const knownIn = options.knownCorpora?.find((corpus) => isSaved(corpus, regression.id));
    const heldBy = knownIn === undefined ? undefined : join(knownIn, regression.id);
    // A corpus that cannot be written loses no finding: the case is still reported, with its replay command.
    let saved = false;
    let saveError: string | null = null;
    try {
      if (heldBy === undefined) saved = saveRegression(options.corpusDir, regression);
    } catch (error) {
      saveError = (error as Error).message;
    }
    const dir = heldBy ?? join(options.corpusDir, regression.id);
    const known = cases.get(regression.id);
    if (known) known.found++;
    else cases.set(regression.id, { id: regression.id, dir, seed: regression.seed, path: regression.path, saved, saveError, found: 1 });
    options.onCounterexample?.({ counterexample, regression, dir, saved, saveError, first: !known });
    if (divergences >= options.maxDivergences) stopped ??= "max-divergences";
  }

  function onMessage(state: WorkerState, message: FromWorker): void {
    if (finished) {
      // Winding down: a chunk that ended (its cases still count in the coverage), or a host that closed (what a
      // chunk found now is not wanted).
      if (message.type === "done") {
        settleBusy(state);
        coverage = mergeCoverage(coverage, message.coverage);
      }
      if (message.type === "done" || message.type === "closed") state.waiting?.(message.type === "closed" ? message.problem : null);
      return;
    }
    if (message.type === "failed") return fail(new FuzzHostError(message.message));
    if (message.type === "caught") {
      firstCatch ??= { ms: Math.max(0, message.at - (fuzzingSince ?? message.at)), runs: sum(COUNTER.runs) };
      state.caught = { seed: message.seed, path: message.path };
      return;
    }
    if (message.type === "closed") return;
    if (message.type === "ready") {
      state.ready = true;
      state.startupMs = performance.now() - state.setupAt;
    } else {
      const planned = state.chunk?.message.numRuns ?? 0;
      state.caught = null;
      settleBusy(state);
      coverage = mergeCoverage(coverage, message.coverage);
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
    const worker = options.pool?.take() ?? spawnFuzzWorker();
    const onWorkerMessage = (message: FromWorker) => onMessage(state, message);
    const onError = (error: Error) => fail(new Error(`fuzz worker ${i} failed: ${error.stack ?? error.message}`));
    const onExit = (code: number) => {
      if (!state.ended && !finished) fail(new Error(`fuzz worker ${i} exited unexpectedly (code ${code})`));
    };
    worker.on("message", onWorkerMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    const state: WorkerState = {
      worker,
      counters: new Float64Array(counters),
      setupAt: performance.now(),
      ready: false,
      startupMs: 0,
      busyMs: 0,
      chunk: null,
      caught: null,
      ended: false,
      waiting: null,
      detach: () => {
        worker.off("message", onWorkerMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      },
    };
    states.push(state);
    const setup = { fault: options.fault, target, timeoutMs: options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS, counters };
    worker.postMessage({ type: "setup", setup } satisfies ToWorker);
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
 * The exact case at `path` from `seed`: what the property over `arbitrary` received there (checkParityProperty's:
 * caseArb; checkHostProperty's and `run --generated`'s: hostCaseArb). It walks the path with the same property shape
 * and stops at the first value: replaying through the property itself would not run exactly one case, because
 * fast-check goes on past a shrunk path's value (to its siblings when it passes, into shrinking when it fails).
 */
export function caseAt(seed: number, path: string, arbitrary: fc.Arbitrary<ProgramCase> = caseArb): ProgramCase {
  let found: ProgramCase | null = null;
  try {
    fc.check(
      fc.property(arbitrary, (value: ProgramCase) => {
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

export interface HostReplay {
  readonly ok: boolean;
  readonly host: string;
  readonly counterexample: HostCounterexample;
}

/**
 * Runs the case at seed and path once on the host under test and on the reference host, and judges it. Throws a
 * HostFailure when the host cannot start or shake hands.
 */
export async function replayOnHost(seed: number, path: string, target: HostTarget, timeoutMs = DEFAULT_CASE_TIMEOUT_MS): Promise<HostReplay> {
  const { program, scenario } = caseAt(seed, path, hostCaseArb);
  const host = await openFuzzHost(target);
  try {
    const check = await checkOnHost(host, `fuzz/${seed}/${path}`, program, scenario, { timeoutMs });
    const counterexample = { seed, path, program, scenario, host: targetLabel(target), hostFlag: replayFlags(target, timeoutMs), check };
    return { ok: check.ok, host: targetLabel(target), counterexample };
  } finally {
    await host.adapter.close();
  }
}
