import { siblingModule } from "../engine/modules.ts";
import { spawnTsWorker } from "../engine/ts-worker.ts";
import type { OnTimeout } from "../host/host.ts";
import type { DurableExecRequest, DurableResumeRequest } from "./session.ts";

/**
 * The time limits of a durable command's runs and what a job stopped by one ends as (--run-timeout, --stall-timeout,
 * --on-timeout). A durable job is meant to run as long as it needs (nothing in core's JobContext limits a job's time):
 * no wall-clock limit, a stall limit for a guest that spins without calling the host, and a stopped job kept resumable.
 */
export interface DurablePolicy {
  /** Wall-clock milliseconds per run; 0: none (the default). */
  readonly runTimeoutMs?: number;
  /** Milliseconds a run may go without a host call; 0: none. Default 10 s. */
  readonly stallTimeoutMs?: number;
  /** "pause" (the default): a stopped job ends Paused at its last checkpoint, resumable; "fail": it ends Failed. */
  readonly onTimeout?: OnTimeout;
}

export const DURABLE_POLICY_DEFAULTS: Required<DurablePolicy> = { runTimeoutMs: 0, stallTimeoutMs: 10_000, onTimeout: "pause" };

export type DurableCommand =
  | { readonly kind: "exec"; readonly request: DurableExecRequest & DurablePolicy }
  | { readonly kind: "resume"; readonly request: DurableResumeRequest & DurablePolicy };

/** How the worker prints the run: the source as the user named it, JSON or text, with or without traces. */
export interface DurableOutput {
  readonly source: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

export interface DurableWorkerData {
  readonly command: DurableCommand;
  readonly output: DurableOutput;
  /** Element 0 becomes 1 when the process is asked to stop: running jobs pause at their next interrupt check. */
  readonly shutdownSignal: Int32Array;
}

export type FromDurableWorker =
  /** The run was printed; its exit code (1: the root job Failed). */
  | { readonly kind: "done"; readonly exitCode: number }
  /** `input`: the user's input or environment is at fault (a bad file, a locked database), not the harness. */
  | { readonly kind: "failed"; readonly input: boolean; readonly code: string | null; readonly message: string };

export type DurableOutcome = FromDurableWorker & { readonly signal: NodeJS.Signals | null };

const WORKER_URL = siblingModule(import.meta.url, "worker");

/**
 * Runs a durable command on a worker thread, which also prints the run (this thread loads only what it needs to start
 * the worker: a durable process pays for the harness's modules once) and handles the process's stop signals meanwhile: the first SIGINT or
 * SIGTERM asks every running job to pause at its next interrupt check (so it checkpoints and stays resumable), and no
 * new run starts; a second one exits at once (the database is left as after a crash: the next process recovers it).
 */
export function runDurable(command: DurableCommand, output: DurableOutput, say: (line: string) => void): Promise<DurableOutcome> {
  const shutdownSignal = new Int32Array(new SharedArrayBuffer(4));
  let received: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received !== null) {
      say(`job-parity: ${signal} again: stopping now; the next job-parity process on this database recovers the running jobs as Paused`);
      process.exit(130);
    }
    received = signal;
    Atomics.store(shutdownSignal, 0, 1);
    say(`job-parity: ${signal}: pausing running jobs at their next interrupt check (send it again to stop at once)`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const worker = spawnTsWorker(WORKER_URL, { command, output, shutdownSignal } satisfies DurableWorkerData);
  return new Promise<DurableOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: FromDurableWorker) => {
      if (settled) return;
      settled = true;
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve({ ...outcome, signal: received });
    };
    worker.on("message", (message: FromDurableWorker) => {
      finish(message);
      void worker.terminate();
    });
    worker.on("error", (error) => finish({ kind: "failed", input: false, code: null, message: error.stack ?? String(error) }));
    worker.on("exit", (code) => finish({ kind: "failed", input: false, code: null, message: `the job worker exited (code ${code}) without a result` }));
  });
}
