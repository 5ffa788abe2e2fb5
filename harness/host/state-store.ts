/**
 * Where checkpoints live. The in-memory store is the default for tests; a durable store implements the same
 * interface. A save either replaces the previous checkpoint wholly or throws and keeps it.
 */
export interface StateStore {
  save(jobId: string, state: Uint8Array): void;
  load(jobId: string): Uint8Array | null;
  discard(jobId: string): void;
}

export class MemoryStateStore implements StateStore {
  private readonly states = new Map<string, Uint8Array>();

  save(jobId: string, state: Uint8Array): void {
    this.states.set(jobId, state.slice()); // a copy: the caller's bytes may be a view of guest memory
  }

  load(jobId: string): Uint8Array | null {
    return this.states.get(jobId) ?? null;
  }

  discard(jobId: string): void {
    this.states.delete(jobId);
  }
}
