/** Time as the host sees it. Injected so rate limits are deterministic in tests. */
export interface Clock {
  now(): number;
}

/** A clock that moves only when told to: the default, so a scenario replays identically. */
export class ManualClock implements Clock {
  constructor(private ms = 0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const systemClock: Clock = { now: () => Date.now() };
