import { FuzzHostError, type FuzzSession, type FuzzSummary } from "../programs/fuzz-session.ts";
import type { StopSignal } from "../suite/signals.ts";

/**
 * A session's summary, with Ctrl-C or SIGTERM stopping the session meanwhile (after `onInterrupt`, told which), or
 * the FuzzHostError that ended it: the host under test could not be run, which the command reports and exits 2 for.
 * Other errors are thrown.
 */
export async function awaitSession(session: FuzzSession, onInterrupt: (signal: StopSignal) => void = () => {}): Promise<FuzzSummary | FuzzHostError> {
  const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const handler = () => {
      onInterrupt(signal);
      session.stop();
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await session.done;
  } catch (error) {
    if (error instanceof FuzzHostError) return error;
    throw error;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
