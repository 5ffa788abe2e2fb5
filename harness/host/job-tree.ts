/**
 * What one tree of jobs holds (a dispatched job and all its descendants), counted against the tree limits
 * (child.tree): however each job keeps its own limits, a tree of 64 children per job, 4 deep, could hold 64^4 jobs.
 */
export class JobTree {
  /** Jobs created in the tree, the root included. */
  jobs = 0;
  /** Jobs spawned in the tree and not yet started. */
  queued = 0;
  /** The bytes the tree's jobs hold: every job's initial state (a child's params) and its current checkpoint. */
  stateBytes = 0;
}
