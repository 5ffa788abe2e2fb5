import { createContext, Script } from "node:vm";
import { LOOP_CHECK_FUNCTION, LOOP_CHECK_INTERVAL, LOOP_CHECK_MODULE } from "../engine/loop-checks.ts";

/** The limit that stopped a run: its wall-clock time (run.timeout) or its time without a host call (run.stall). */
export type StopLimit = "runTimeoutMs" | "stallTimeoutMs";

/** A run that did not end within the host's time limit, or stalled; the host stopped it. */
export class RunTimeout extends Error {
  readonly code = "JP_RUN_TIMEOUT";

  constructor(
    message: string,
    options?: ErrorOptions,
    /** Which limit stopped it. */
    readonly limit: StopLimit = "runTimeoutMs",
  ) {
    super(message, options);
  }
}

const timeoutMessage = (timeoutMs: number) => `the run did not end within ${timeoutMs} ms (limits.runTimeoutMs); the host stopped it`;
const stallMessage = (stallMs: number) => `the run made no host call for ${stallMs} ms (limits.stallTimeoutMs); the host stopped it`;

// Guest code: every guest is compiled with loop checks (engine/loop-checks.ts), which call `tick` at function and loop
// entries every so often. Past the deadline of the guest code running now, or once it has gone stallMs without a host
// call, tick answers -1 and the guest traps right there: a trap no guest code can catch, on any engine. Nothing here
// depends on the engine's own timeouts.

/** When the guest code running now must have ended (performance.now() milliseconds); Infinity: no limit. */
let deadline = Number.POSITIVE_INFINITY;
/** Set when tick stopped the guest (to the limit that did): the trap that follows is the watchdog's, not the guest's. */
let stopped: StopLimit | null = null;
/** The stall limit of the guest code running now (run.stall): its host calls so far, read at each tick; null: none. */
let hostCalls: (() => number) | null = null;
let stallMs = 0;
/** The count tick last saw, and when it first saw it: the guest has made no host call since (or since it started). */
let seenCalls = 0;
let seenAt = 0;

function tick(): number {
  const now = performance.now();
  if (now > deadline) {
    stopped = "runTimeoutMs";
    return -1;
  }
  // A run makes progress when it calls the host. The count is read here, once per interval, and compared with the
  // last one: a host call costs nothing more, and a call any time since the last tick counts (a tick never stops a
  // guest that called the host since the tick before, however long ago that tick was: a thread descheduled or paused
  // for a collection between two ticks is not a stall).
  if (hostCalls !== null) {
    const calls = hostCalls();
    if (calls !== seenCalls) {
      seenCalls = calls;
      seenAt = now;
    } else if (now - seenAt > stallMs) {
      stopped = "stallTimeoutMs";
      return -1;
    }
  }
  return LOOP_CHECK_INTERVAL;
}

/** The import every guest instance needs besides its `spacedrive` imports: the loop checks' tick. */
export const WATCHDOG_IMPORTS: WebAssembly.Imports = Object.freeze({ [LOOP_CHECK_MODULE]: Object.freeze({ [LOOP_CHECK_FUNCTION]: tick }) });

/** What the stall limit watches in the guest code a thunk runs (run.stall). */
export interface StallWatch {
  /** Milliseconds the guest may run without a host call; 0: no stall limit. */
  readonly stallTimeoutMs: number;
  /**
   * The guest's host calls so far: any count that changes with every host call of the guest code running now, calls a
   * host counts without crossing into JavaScript included (the import trampoline's repeats).
   */
  readonly hostCalls: () => number;
}

/**
 * Runs `thunk`, which calls into guest code, with a time limit (run.timeout) and, given `stall`, a stall limit
 * (run.stall): a guest that has not returned `timeoutMs` after it started, or that has gone `stall.stallTimeoutMs`
 * without calling the host, is stopped at its next loop or function entry and the run ends as a RunTimeout. 0 means
 * no limit. Nested calls (a child's run inside its parent's host call) keep their own limits; the parent's host call
 * counts as its progress.
 */
export function runGuestWithTimeout<T>(thunk: () => T, timeoutMs: number, stall?: StallWatch): T {
  const outer = { deadline, stopped, hostCalls, stallMs, seenCalls, seenAt };
  const start = performance.now();
  deadline = timeoutMs > 0 ? start + timeoutMs : Number.POSITIVE_INFINITY;
  stopped = null;
  hostCalls = stall !== undefined && stall.stallTimeoutMs > 0 ? stall.hostCalls : null;
  stallMs = stall?.stallTimeoutMs ?? 0;
  seenCalls = hostCalls?.() ?? 0;
  seenAt = start;
  try {
    return thunk();
  } catch (error) {
    if (stopped === "runTimeoutMs") throw new RunTimeout(timeoutMessage(timeoutMs), { cause: error });
    if (stopped === "stallTimeoutMs") throw new RunTimeout(stallMessage(stallMs), { cause: error }, "stallTimeoutMs");
    throw error;
  } finally {
    ({ deadline, stopped, hostCalls, stallMs, seenCalls, seenAt } = outer);
  }
}

// Native jobs are JavaScript, which no tick reaches: they are stopped by V8's own script timeout (node:vm), which
// only V8 honours. Native jobs run only inside the harness, which runs on Node. That timeout counts wall-clock time
// from the start and cannot look at a job's host calls, so no native run has a stall limit (run.stall): a native job
// is host code, as core's jobs are, and only runTimeoutMs bounds it.

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
