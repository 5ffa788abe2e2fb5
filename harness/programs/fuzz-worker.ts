import { parentPort, workerData } from "node:worker_threads";
import { emptyTimings } from "./differential.ts";
import { boundaryFault } from "./faults.ts";
import { COUNTER, TIMING_PHASES, type FromWorker, type ToWorker, type WorkerSetup } from "./fuzz-session.ts";
import { checkParityProperty, type Counterexample } from "./property.ts";

/**
 * A fuzzing session's worker thread: runs the chunks the session hands it, one checkParityProperty each, and keeps
 * its counters in shared memory after every run. A divergence is shrunk here and sent back with the chunk's result.
 */
if (parentPort === null) throw new Error("fuzz-worker.ts runs as a worker thread of a fuzzing session");
const port = parentPort;
const setup = workerData as WorkerSetup;
const counters = new Float64Array(setup.counters);
const fault = setup.fault ?? undefined;
const wrapImports = fault === undefined ? undefined : boundaryFault(fault);
const timings = emptyTimings();
const post = (message: FromWorker) => port.postMessage(message);

/** A counterexample as plain data: structured cloning copies own data properties only, not computed ones. */
function plain(found: Counterexample): Counterexample {
  const { ok, divergence, invariants, native, wasm } = found.result;
  const { seed, path, program, scenario } = found;
  return { seed, path, program, scenario, result: { ok, divergence, invariants, native, wasm }, ...(found.fault === undefined ? {} : { fault: found.fault }) };
}

port.on("message", (message: ToWorker) => {
  let runs = 0;
  // After each generated case (the shrinking that follows a divergence is not reported, but its time is in timings).
  const onRun = () => {
    runs++;
    counters[COUNTER.runs]!++;
    TIMING_PHASES.forEach((phase, i) => (counters[COUNTER.timings + i] = timings[phase]));
  };
  const timeLimitMs = message.deadline === null ? undefined : message.deadline - Date.now();
  if (timeLimitMs !== undefined && timeLimitMs <= 0) {
    post({ type: "done", chunk: message.chunk, runs, counterexample: null });
    return;
  }
  const { counterexample: found } = checkParityProperty({ seed: message.seed, numRuns: message.numRuns, timeLimitMs, onRun, timings, wrapImports, fault });
  // The shrinking's time is in timings now; the counters get it too.
  TIMING_PHASES.forEach((phase, i) => (counters[COUNTER.timings + i] = timings[phase]));
  post({ type: "done", chunk: message.chunk, runs, counterexample: found && plain(found) });
});

post({ type: "ready" });
