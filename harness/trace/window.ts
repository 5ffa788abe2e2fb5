import type { TraceEventKind } from "./events.ts";

/**
 * The window exec and the durable commands give every trace (`--trace-window`): the first and the last 1,000 events
 * are kept. Every conformance case and nearly every real job has fewer than 2,000 events, so it prints whole, and
 * 2,000 lines are already more than anyone reads in a terminal. 2,000 ordinary events take a few hundred kilobytes;
 * each is bounded by a limit (a message by maxMessageBytes, a state by maxStateBytes and kept only by the newest
 * checkpoint), so a job of any length runs in bounded memory.
 */
export const DEFAULT_TRACE_WINDOW = 1000;

/** What a windowed trace did not keep (TraceRecorder.summary). */
export interface TraceSummary {
  /** Events recorded, kept or not. */
  readonly events: number;
  /** The window: the first `window` events and the last `window` are kept. */
  readonly window: number;
  /** Events kept: `events` of the recorder, the first `window` and then the last ones. */
  readonly kept: number;
  /** Events not kept: those at indices [window, window + dropped) of the trace. */
  readonly dropped: number;
  /** How many events of each kind were not kept. */
  readonly droppedKinds: Partial<Record<TraceEventKind, number>>;
  /**
   * The newest checkpoint, whether its event was kept or not: its index in the trace, its size and its state's sha256
   * (null: a stateless checkpoint). Null when the job never checkpointed.
   */
  readonly lastCheckpoint: { readonly index: number; readonly bytes: number; readonly sha256: string | null } | null;
}
