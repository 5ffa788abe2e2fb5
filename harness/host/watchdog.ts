import { createContext, Script } from "node:vm";
import { LOOP_CHECK_FUNCTION, LOOP_CHECK_INTERVAL, LOOP_CHECK_MODULE } from "../engine/loop-checks.ts";

/** A run that did not end within the host's time limit; the host stopped it. */
export class RunTimeout extends Error {
  readonly code = "JP_RUN_TIMEOUT";
}

const timeoutMessage = (timeoutMs: number) => `the run did not end within ${timeoutMs} ms (limits.runTimeoutMs); the host stopped it`;

// Guest code: every guest is compiled with loop checks (engine/loop-checks.ts), which call `tick` at function and loop
// entries every so often. Past the deadline of the guest code running now, tick answers -1 and the guest traps right
// there: a trap no guest code can catch, on any engine. Nothing here depends on the engine's own timeouts.

/** When the guest code running now must have ended (performance.now() milliseconds); Infinity: no limit. */
let deadline = Number.POSITIVE_INFINITY;
/** Set when tick stopped the guest: the trap that follows is the watchdog's, not the guest's. */
let stopped = false;

function tick(): number {
  if (performance.now() <= deadline) return LOOP_CHECK_INTERVAL;
  stopped = true;
  return -1;
}

/** The import every guest instance needs besides its `spacedrive` imports: the loop checks' tick. */
export const WATCHDOG_IMPORTS: WebAssembly.Imports = Object.freeze({ [LOOP_CHECK_MODULE]: Object.freeze({ [LOOP_CHECK_FUNCTION]: tick }) });

/**
 * Runs `thunk`, which calls into guest code, with a time limit (run.timeout): a guest that has not returned by then
 * is stopped at its next loop or function entry and the run ends as a RunTimeout. 0 means no limit. Nested calls
 * keep their own deadlines.
 */
export function runGuestWithTimeout<T>(thunk: () => T, timeoutMs: number): T {
  const outer = { deadline, stopped };
  deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Number.POSITIVE_INFINITY;
  stopped = false;
  try {
    return thunk();
  } catch (error) {
    if (stopped) throw new RunTimeout(timeoutMessage(timeoutMs), { cause: error });
    throw error;
  } finally {
    ({ deadline, stopped } = outer);
  }
}

// Native jobs are JavaScript, which no tick reaches: they are stopped by V8's own script timeout (node:vm), which
// only V8 honours. Native jobs run only inside the harness, which runs on Node.

const call = new Script("thunk()");
const context = createContext({ thunk: null as (() => unknown) | null });

/**
 * Runs a native job's `thunk` with a time limit: V8 stops JavaScript spinning at its next loop or call check and the
 * run ends as a RunTimeout. Starting it costs about 0.1 ms; 0 means no limit.
 */
export function runNativeWithTimeout<T>(thunk: () => T, timeoutMs: number): T {
  if (timeoutMs <= 0) return thunk();
  context.thunk = thunk;
  try {
    return call.runInContext(context, { timeout: timeoutMs }) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new RunTimeout(timeoutMessage(timeoutMs), { cause: error });
    throw error;
  } finally {
    context.thunk = null;
  }
}
