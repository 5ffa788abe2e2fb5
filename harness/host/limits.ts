import { DEFAULT_MEMORY_CAP_PAGES } from "../engine/load.ts";

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
  /** Jobs in one tree (a dispatched job and its descendants, the root included). */
  readonly maxTreeJobs: number;
  /** Jobs of one tree spawned and not yet started. */
  readonly maxQueuedJobs: number;
  /** Bytes of state one tree holds: its jobs' initial states (children's params) and current checkpoints. */
  readonly maxTreeStateBytes: number;
  /** Runs of one job (first run plus resumes) the runner will drive before giving up. */
  readonly maxRunsPerJob: number;
  /** Largest wire-call payload in bytes. */
  readonly maxCallPayloadBytes: number;
  /** Warnings kept per job; past it one LIMIT_EXCEEDED refusal is recorded and further warnings are only counted. */
  readonly maxWarningsPerJob: number;
  /** Wall time of one run (and of plugin_init) before the host stops it: the job Fails with end cause timeout. 0: none. */
  readonly runTimeoutMs: number;
  /**
   * Time a run (or plugin_init, or plugin_cleanup) may spend in guest code without making a host call before the host
   * stops it (a stall; end cause timeout); a run that keeps calling the host is never stopped by it. 0: none.
   */
  readonly stallTimeoutMs: number;
  /** Largest guest memory, in 64 KiB pages: memory.grow past it fails (answers -1) as under any capped host. */
  readonly maxMemoryPages: number;
}

export const DEFAULT_LIMITS: HostLimits = {
  maxStateBytes: 16 * 1024 * 1024,
  maxMessageBytes: 64 * 1024,
  maxLogLinesPerJob: 10_000,
  maxChildrenPerJob: 64,
  maxChildDepth: 4,
  maxTreeJobs: 4096,
  maxQueuedJobs: 1024,
  maxTreeStateBytes: 256 * 1024 * 1024,
  maxRunsPerJob: 32,
  maxCallPayloadBytes: 1024 * 1024,
  maxWarningsPerJob: 10_000,
  runTimeoutMs: 10_000,
  // Equal to runTimeoutMs: with both set so, the wall-clock limit always stops a stalled run first, so the stall limit
  // only acts where a case or a host turns the wall-clock limit off or raises it (the durable commands do).
  stallTimeoutMs: 10_000,
  maxMemoryPages: DEFAULT_MEMORY_CAP_PAGES, // 1 GiB
};

/** What each limit bounds, and what happens past it: the limits table of docs/ABI.md. */
export const LIMIT_DESCRIPTIONS: Readonly<Record<keyof HostLimits, string>> = {
  maxStateBytes: "Largest checkpoint state, in bytes; a larger one is refused with LIMIT_EXCEEDED and the previous checkpoint is kept (checkpoint.save).",
  maxMessageBytes: "Largest message (progress message, progress JSON of job_progress, warning, non-critical error, log line), in UTF-8 bytes; larger is LIMIT_EXCEEDED (call.message-size).",
  maxLogLinesPerJob: "Log lines kept per job; past it, one LIMIT_EXCEEDED and the rest dropped and counted (report.flood).",
  maxChildrenPerJob: "Children one job may spawn in all its runs; more is LIMIT_EXCEEDED (child.spawn).",
  maxChildDepth:
    "Deepest child (the root job is depth 0); deeper is LIMIT_EXCEEDED (child.spawn). A scenario sets it to at most 100: a wait runs a job's children inside its call (child.wait), " +
    "so every level of a tree takes call stack, of which a host need not have more.",
  maxTreeJobs: "Jobs created in one tree (a dispatched job and its descendants, the root included, and jobs that ended too); a spawn past it is LIMIT_EXCEEDED (child.tree).",
  maxQueuedJobs: "Jobs of one tree spawned and not yet started (a job starts when its first run begins); a spawn past it is LIMIT_EXCEEDED (child.tree).",
  maxTreeStateBytes: "Bytes of state one tree holds (every job's initial state and current checkpoint); a spawn or checkpoint past it is LIMIT_EXCEEDED (child.tree).",
  maxRunsPerJob: "Runs of one job (the first and its resumes) the host drives with `resume`; the first run always happens, so 0 and 1 both mean no resume (run.resume).",
  maxCallPayloadBytes: "Largest wire-call payload, in bytes; larger is LIMIT_EXCEEDED (wire.call).",
  maxWarningsPerJob: "Warnings kept per job; past it, one LIMIT_EXCEEDED and the rest dropped and counted (report.flood).",
  runTimeoutMs: "Milliseconds a run (or plugin_init, or plugin_cleanup) may take before the host stops it; 0: no limit (run.timeout).",
  stallTimeoutMs:
    "Milliseconds a run (or plugin_init, or plugin_cleanup) may spend in guest code without a host call before the host stops it; a run that keeps calling the host may take as long as it needs; 0: no limit (run.stall). " +
    "The reference host's default equals its runTimeoutMs default, so that under its defaults the wall-clock limit stops a stalled run first and no case depends on the stall limit unless it sets it.",
  maxMemoryPages:
    "Largest guest memory, in 64 KiB pages: memory.grow past it answers -1 (memory.cap); a larger initial memory fails to load (link.memory-limit). " +
    "Shared memories included. A scenario may set it above the host's default, up to 65536 (the most a 32-bit memory holds).",
};

export function resolveLimits(overrides: Partial<HostLimits> = {}): HostLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
