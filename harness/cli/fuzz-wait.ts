import { FuzzHostError, type FuzzSession, type FuzzSummary } from "../programs/fuzz-session.ts";

/** The signals that stop a session as Ctrl-C does (SIGTERM: a CI runner cancelling the step). */
export type StopSignal = "SIGINT" | "SIGTERM";

/** The exit code of a command a signal stopped: 128 + the signal's number. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** How a summary names what stopped it. */
export const stoppedBy = (signal: StopSignal | null): string => (signal === "SIGTERM" ? "SIGTERM" : "Ctrl-C");

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
