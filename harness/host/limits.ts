/**
 * Every limit the reference host enforces, in one place, with its default. Hosts report theirs in the handshake;
 * the ABI document lists these defaults.
 */
export interface HostLimits {
  /** Largest checkpoint state in bytes; larger checkpoints answer LIMIT_EXCEEDED and keep the previous one. */
  readonly maxStateBytes: number;
  /** Largest message (progress, warning, error, log) in bytes; larger ones are refused with LIMIT_EXCEEDED. */
  readonly maxMessageBytes: number;
  /** Log lines kept per job; past it one LIMIT_EXCEEDED refusal is recorded and further lines are only counted. */
  readonly maxLogLinesPerJob: number;
  /** Children one job may spawn in total. */
  readonly maxChildrenPerJob: number;
  /** Depth of the child tree (a root job has depth 0). */
  readonly maxChildDepth: number;
  /** Runs of one job (first run plus resumes) the runner will drive before giving up. */
  readonly maxRunsPerJob: number;
  /** Largest wire-call payload in bytes. */
  readonly maxCallPayloadBytes: number;
}

export const DEFAULT_LIMITS: HostLimits = {
  maxStateBytes: 16 * 1024 * 1024,
  maxMessageBytes: 64 * 1024,
  maxLogLinesPerJob: 10_000,
  maxChildrenPerJob: 64,
  maxChildDepth: 4,
  maxRunsPerJob: 32,
  maxCallPayloadBytes: 1024 * 1024,
};

export function resolveLimits(overrides: Partial<HostLimits> = {}): HostLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
