import { createContext, Script } from "node:vm";

/** A run that did not end within the host's time limit; the host stopped it. */
export class RunTimeout extends Error {
  readonly code = "JP_RUN_TIMEOUT";
}

const call = new Script("thunk()");
const context = createContext({ thunk: null as (() => unknown) | null });

/**
 * Runs `thunk` with a time limit. V8 stops a guest spinning in wasm or JS at its next loop or call check (the same
 * mechanism as a worker's terminate, without a worker), and the run ends as a RunTimeout. Starting the watchdog costs
 * about 0.1 ms, so a limit of 0 turns it off for callers that cannot hang (generated programs always end).
 */
export function runWithTimeout<T>(thunk: () => T, timeoutMs: number): T {
  if (timeoutMs <= 0) return thunk();
  context.thunk = thunk;
  try {
    return call.runInContext(context, { timeout: timeoutMs }) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new RunTimeout(`the run did not end within ${timeoutMs} ms (limits.runTimeoutMs); the host stopped it`, { cause: error });
    }
    throw error;
  } finally {
    context.thunk = null;
  }
}
