/** The line that reports a job startup recovery paused: every command that opens a job database says it. */
export const recoveredNote = (id: string): string =>
  `job-parity: recovered ${id}: it was Running in a process that is gone; now Paused at its last checkpoint`;
