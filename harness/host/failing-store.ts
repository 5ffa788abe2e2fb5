import type { CheckpointMeta, JobSnapshot, StateStore } from "./state-store.ts";

/** The error a FailingStateStore throws for a save the scenario fails. */
export class PlannedStoreFailure extends Error {
  readonly code = "JP_STORE_PLANNED_FAILURE";
}

/**
 * A state store whose saves fail where a scenario says (`storeFailures`, scenario.store-failures): the n-th save
 * that reaches it (a stateless checkpoint's clear is one), counted from 1 over every job. A failed save throws before the store is touched, so the previous
 * checkpoint stays, as a real store's rolled-back write leaves it (checkpoint.store-error).
 */
export class FailingStateStore implements StateStore {
  private saves = 0;
  readonly recordJob?: (job: JobSnapshot) => void;

  constructor(
    private readonly store: StateStore,
    private readonly failing: ReadonlySet<number>,
  ) {
    if (store.recordJob) this.recordJob = store.recordJob.bind(store);
  }

  save(jobId: string, state: Uint8Array, meta?: CheckpointMeta): void {
    this.count();
    this.store.save(jobId, state, meta);
  }

  clear(jobId: string, meta?: CheckpointMeta): void {
    this.count();
    this.store.clear(jobId, meta);
  }

  private count(): void {
    this.saves++;
    if (this.failing.has(this.saves)) throw new PlannedStoreFailure(`the scenario fails save ${this.saves} (storeFailures)`);
  }

  load(jobId: string): Uint8Array | null {
    return this.store.load(jobId);
  }

  discard(jobId: string): void {
    this.store.discard(jobId);
  }
}
