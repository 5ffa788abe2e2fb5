import type { TraceEvent } from "./events.ts";

/** An append-only event list. Recording is a push: no formatting or copying happens until normalization. */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];

  record(event: TraceEvent): void {
    this.events.push(event);
  }
}
