import { parentPort } from "node:worker_threads";
import { targetLabel } from "../adapters/host-target.ts";
import { HostFailure } from "../adapters/types.ts";
import { hostStartFailureLines } from "../suite/gate.ts";
import { CoverageCounter } from "./coverage.ts";
import { emptyTimings } from "./differential.ts";
import { boundaryFault } from "./faults.ts";
import { COUNTER, TIMING_PHASES, type FromWorker, type ToWorker, type WorkerSetup } from "./fuzz-protocol.ts";
import { emptyHostTimings, HOST_TIMING_PHASES, openFuzzHost, type FuzzHost } from "./host-fuzz.ts";
import { hostReplayCommand, replayFlags } from "./host-counterexample.ts";
import { checkHostProperty } from "./host-property.ts";
import { checkParityProperty, type Counterexample } from "./property.ts";

/**
 * A fuzzing session's worker thread: set up by a session (the parity property, or the host property against its own
 * host under test), it runs the chunks the session hands it, one property run each, and keeps its counters in shared
 * memory after every run. A divergence is shrunk here and sent back with the chunk's result. A worker can be set up
 * again by a later session (a pool: `fuzz --mutant all`), after its host was closed.
 */
if (parentPort === null) throw new Error("fuzz-worker.ts runs as a worker thread of a fuzzing session");
const port = parentPort;
const post = (message: FromWorker) => port.postMessage(message);

type Chunk = Extract<ToWorker, { type: "chunk" }>;

/**
 * The coverage of one chunk's generated cases on the reference host (coverage.ts), tallied from results the property
 * has already computed: `add` per case, `take` at the chunk's end for the `done` message.
 */
function chunkCoverage() {
  let counter = new CoverageCounter();
  return {
    add: (input: Parameters<CoverageCounter["add"]>[0]) => counter.add(input),
    take() {
      const coverage = counter.coverage();
      counter = new CoverageCounter();
      return coverage;
    },
  };
}

/** The time left for a chunk under a time budget; undefined without one, <= 0 when it is spent. */
const timeLeft = (message: Chunk) => (message.deadline === null ? undefined : message.deadline - Date.now());

/** A counterexample as plain data: structured cloning copies own data properties only, not computed ones. */
function plain(found: Counterexample): Counterexample {
  const { ok, divergence, invariants, native, wasm } = found.result;
  const { seed, path, program, scenario } = found;
  return { seed, path, program, scenario, result: { ok, divergence, invariants, native, wasm }, ...(found.fault === undefined ? {} : { fault: found.fault }) };
}

interface Mode {
  runChunk(message: Chunk): Promise<void> | void;
  close(): Promise<string | null>;
}

/** The parity property: native vs WASM on the reference host (with a faulty boundary, if the session has one). */
function parityMode(setup: WorkerSetup, counters: Float64Array): Mode {
  const fault = setup.fault ?? undefined;
  const wrapImports = fault === undefined ? undefined : boundaryFault(fault);
  const timings = emptyTimings();
  const publish = () => TIMING_PHASES.forEach((phase, i) => (counters[COUNTER.timings + i] = timings[phase]));
  const coverage = chunkCoverage();
  return {
    runChunk(message) {
      let runs = 0;
      let caught = false;
      // After each generated case (the shrinking that follows a divergence is not reported, but its time is in timings).
      const onRun: Parameters<typeof checkParityProperty>[0]["onRun"] = (ok, { program, scenario, result }) => {
        // The reference host's result: the WASM side's (it counts import calls), or the native side's when the
        // session's fault makes the WASM boundary faulty.
        coverage.add({ program, scenario, result: fault === undefined ? result.raw!.wasm : result.raw!.native });
        runs++;
        counters[COUNTER.runs]!++;
        // The next case starts now, unless this one failed: then it is shrunk, which is not a case in hand.
        counters[COUNTER.caseSince] = ok ? Date.now() : 0;
        publish();
        if (!ok && !caught) {
          caught = true;
          post({ type: "caught", at: Date.now(), seed: message.seed, path: String(runs - 1) });
        }
      };
      const timeLimitMs = timeLeft(message);
      if (timeLimitMs !== undefined && timeLimitMs <= 0) return post({ type: "done", chunk: message.chunk, runs, counterexample: null, coverage: coverage.take() });
      const { counterexample: found } = checkParityProperty({ seed: message.seed, numRuns: message.numRuns, timeLimitMs, onRun, timings, wrapImports, fault });
      // The shrinking's time is in timings now; the counters get it too.
      publish();
      post({ type: "done", chunk: message.chunk, runs, counterexample: found && plain(found), coverage: coverage.take() });
    },
    close: async () => null,
  };
}

/** The host property: the worker's own host under test (its own process, for --host-cmd) vs the reference host. */
async function hostMode(setup: WorkerSetup, counters: Float64Array): Promise<Mode | null> {
  const target = setup.target!;
  const timings = emptyHostTimings();
  const publish = () => HOST_TIMING_PHASES.forEach((phase, i) => (counters[COUNTER.timings + i] = timings[phase]));
  let host: FuzzHost;
  try {
    host = await openFuzzHost(target);
  } catch (error) {
    const who = `the host under test (${targetLabel(target)})`;
    const message = error instanceof HostFailure ? hostStartFailureLines(who, error.code, error.message).join("\n") : `${who} could not be started: ${String((error as Error).message ?? error)}`;
    post({ type: "failed", message });
    return null;
  }
  // The host's process group, so the session can end it if this thread is stopped mid-case; restarts included.
  const pidOf = () => (host.adapter as { pid?: number }).pid ?? 0;
  counters[COUNTER.hostPid] = pidOf();
  const pids = setInterval(() => (counters[COUNTER.hostPid] = pidOf()), 20);
  const options = { timeoutMs: setup.timeoutMs, timings, host: targetLabel(target), hostFlag: replayFlags(target, setup.timeoutMs) };
  const coverage = chunkCoverage();
  return {
    async runChunk(message) {
      let runs = 0;
      const timeLimitMs = timeLeft(message);
      if (timeLimitMs !== undefined && timeLimitMs <= 0) return post({ type: "done", chunk: message.chunk, runs, counterexample: null, coverage: coverage.take() });
      const { counterexample, lost } = await checkHostProperty(host, {
        ...options,
        seed: message.seed,
        numRuns: message.numRuns,
        timeLimitMs,
        // The session has what it needs (enough divergences): the rest of the chunk is let through unchecked.
        stopped: () => counters[COUNTER.stop] !== 0,
        onRun: (check, { program, scenario }) => {
          // The reference host's answer is computed for every case, skipped ones too.
          coverage.add("result" in check.reference ? { program, scenario, result: check.reference.result } : { program, scenario, loadError: check.reference.loadError.code });
          runs++;
          counters[COUNTER.runs]!++;
          if (check.missing !== null) counters[COUNTER.skipped]!++;
          counters[COUNTER.hostPid] = pidOf();
          counters[COUNTER.caseSince] = Date.now();
          publish();
        },
        onFirstFailure: () => {
          counters[COUNTER.caseSince] = 0; // shrinking follows: no generated case in hand
          post({ type: "caught", at: Date.now(), seed: message.seed, path: String(runs - 1) });
        },
      });
      publish();
      if (lost !== undefined) {
        const replay = hostReplayCommand(message.seed, lost.path, options.hostFlag);
        return post({ type: "failed", message: `the host under test (${targetLabel(target)}) could not be brought back after a case broke it (${replay}): ${lost.error}` });
      }
      post({ type: "done", chunk: message.chunk, runs, counterexample, coverage: coverage.take() });
    },
    async close() {
      clearInterval(pids);
      const problem = await host.adapter.close().catch((error: unknown) => ({ message: `closing the host failed: ${(error as Error).message}` }));
      counters[COUNTER.hostPid] = 0;
      return problem ? problem.message : null;
    },
  };
}

let mode: Mode | null = null;
/** The session's counters for this worker (set up with the mode). */
let counters: Float64Array | null = null;
// Messages are handled one at a time, in order: a chunk of the host property is a promise, and a close or the next
// setup waits for it.
let queue: Promise<void> = Promise.resolve();
port.on("message", (message: ToWorker) => {
  queue = queue.then(async () => {
    switch (message.type) {
      case "setup": {
        counters = new Float64Array(message.setup.counters);
        mode = message.setup.target === null ? parityMode(message.setup, counters) : await hostMode(message.setup, counters);
        if (mode !== null) post({ type: "ready" });
        return;
      }
      case "chunk":
        counters![COUNTER.caseSince] = Date.now();
        try {
          return await mode!.runChunk(message);
        } finally {
          counters![COUNTER.caseSince] = 0;
        }
      case "close": {
        const problem = mode === null ? null : await mode.close();
        mode = null;
        return post({ type: "closed", problem });
      }
    }
  });
});
