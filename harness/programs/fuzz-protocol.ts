import type { Worker } from "node:worker_threads";
import type { HostTarget } from "../adapters/host-target.ts";
import { siblingModule } from "../engine/modules.ts";
import { spawnTsWorker } from "../engine/ts-worker.ts";
import type { Coverage } from "./coverage.ts";
import type { Timings } from "./differential.ts";
import type { HostCounterexample } from "./host-counterexample.ts";
import { HOST_TIMING_PHASES } from "./host-fuzz.ts";
import type { Counterexample } from "./property.ts";

/**
 * What a fuzzing session and its worker threads say to each other (fuzz-session.ts, fuzz-worker.ts), and the pool
 * that lets one set of workers serve several sessions in turn (`fuzz --mutant all`).
 */

/** What a session found: a native/WASM divergence (property.ts) or a host's divergence from the reference host. */
export type Finding = Counterexample | HostCounterexample;

export const isHostFinding = (found: Finding): found is HostCounterexample => "check" in found;

export const TIMING_PHASES = ["render", "compile", "wasm", "native", "compare"] as const satisfies readonly (keyof Timings)[];

/** The phases a session's timings have: the parity property's, or a host's (host-fuzz.ts). */
export const timingPhases = (target: HostTarget | null): readonly string[] => (target === null ? TIMING_PHASES : HOST_TIMING_PHASES);

/**
 * Each worker owns a Float64Array over shared memory and updates it after every run, so the session reads exact
 * counts (for progress, and after a Ctrl-C stops the workers mid-chunk) without a message per run. `hostPid` is the
 * process group of the worker's host process (--host-cmd), so the session can kill it if the worker cannot close it;
 * the session sets `stop` when it needs no more runs (a host worker then lets the rest of its chunk through unchecked).
 * `caseSince` is Date.now() when the case in hand started (the chunk's start, or the end of the case before it), or 0
 * while no generated case is in hand (between chunks, shrinking): the session names a case that runs long.
 */
export const COUNTER = { runs: 0, skipped: 1, hostPid: 2, stop: 3, caseSince: 4, timings: 5 } as const;
export const COUNTER_SLOTS = COUNTER.timings + Math.max(TIMING_PHASES.length, HOST_TIMING_PHASES.length);

/** How a session sets a worker up: sent as the `setup` message, again for each session a pooled worker serves. */
export interface WorkerSetup {
  readonly fault: string | null;
  /** A host under test, or null for the parity property. */
  readonly target: HostTarget | null;
  /** Per case, with a host under test. */
  readonly timeoutMs: number;
  readonly counters: SharedArrayBuffer;
}

export type ToWorker =
  /** Set up for a session (opening its host under test, if any); the worker answers `ready`, or `failed`. */
  | { readonly type: "setup"; readonly setup: WorkerSetup }
  | {
      readonly type: "chunk";
      readonly chunk: number;
      readonly seed: number;
      readonly numRuns: number;
      /** Date.now() when a time budget ends (Date.now() is the one clock the threads share), or null. */
      readonly deadline: number | null;
    }
  /** Shut the host under test down (the session is over); the worker answers `closed`. */
  | { readonly type: "close" };

export type FromWorker =
  | { readonly type: "ready" }
  /** The host under test could not start or shake hands: the session cannot run. */
  | { readonly type: "failed"; readonly message: string }
  /** The first failing case of a chunk, before shrinking (Date.now()). */
  /** A chunk's first failing case, before it is shrunk: its chunk seed and its path (its index in the chunk). */
  | { readonly type: "caught"; readonly at: number; readonly seed: number; readonly path: string }
  | {
      readonly type: "done";
      readonly chunk: number;
      /** Cases generated and checked (the shrinking after a divergence is not counted). */
      readonly runs: number;
      readonly counterexample: Finding | null;
      /** What the chunk's generated cases reached on the reference host (coverage.ts); the session merges them. */
      readonly coverage: Coverage;
    }
  /** The host under test was shut down; `problem` when it did not end as the protocol says. */
  | { readonly type: "closed"; readonly problem: string | null };

const WORKER_URL = siblingModule(import.meta.url, "fuzz-worker");

export const spawnFuzzWorker = (): Worker => spawnTsWorker(WORKER_URL, null);

/**
 * Worker threads kept between sessions: a session takes them, and gives back those it ended cleanly (their host
 * closed); one it had to stop mid-chunk is terminated, and the next session gets a new one in its place.
 */
export class FuzzWorkerPool {
  private readonly idle: Worker[] = [];

  /** An idle worker, or a new one. */
  take(): Worker {
    return this.idle.pop() ?? spawnFuzzWorker();
  }

  give(worker: Worker): void {
    this.idle.push(worker);
  }

  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }
}
