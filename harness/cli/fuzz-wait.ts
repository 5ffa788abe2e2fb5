import { FuzzHostError, type FuzzSession, type FuzzSummary } from "../programs/fuzz-session.ts";

/**
 * A session's summary, with Ctrl-C stopping the session meanwhile (after `onInterrupt`), or the FuzzHostError that
 * ended it: the host under test could not be run, which the command reports and exits 2 for. Other errors are thrown.
 */
export async function awaitSession(session: FuzzSession, onInterrupt: () => void = () => {}): Promise<FuzzSummary | FuzzHostError> {
  const onSigint = () => {
    onInterrupt();
    session.stop();
  };
  process.once("SIGINT", onSigint);
  try {
    return await session.done;
  } catch (error) {
    if (error instanceof FuzzHostError) return error;
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
