/**
 * The signals that stop a long command as Ctrl-C does (SIGTERM: a CI runner cancelling the step): the commands handle
 * them, and the gate names the one that stopped it in what it reports.
 */
export type StopSignal = "SIGINT" | "SIGTERM";

/** The exit code of a command a signal stopped: 128 + the signal's number. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** How a message names what stopped the command. */
export const stoppedBy = (signal: StopSignal | null): string => (signal === "SIGTERM" ? "SIGTERM" : "Ctrl-C");
