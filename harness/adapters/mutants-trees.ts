import type { ReferenceHost } from "../host/host.ts";
import type { JobRecord } from "../host/job.ts";
import { patchDeps, type Mutant } from "./mutant-kit.ts";

/** Mutants for the tree limits (child.tree): a tree's totals counted the ways a host author could get wrong. */

/** The host's parts these mutants reach (TypeScript-private, plain methods at run time). */
const internals = (host: ReferenceHost) => host as unknown as { discardCheckpoint(job: JobRecord): void; runOnce(job: JobRecord): void };

export const TREE_MUTANTS: readonly Mutant[] = [
  {
    name: "tree-jobs-unlimited",
    clause: "child.tree",
    description: "only the per-job limits are enforced: a tree may hold any number of jobs (maxTreeJobs is never checked)",
    plant: () => ({ patchHost: (host) => patchDeps(host, (deps) => ({ limits: { ...deps.limits, maxTreeJobs: Number.POSITIVE_INFINITY } })) }),
  },
  {
    name: "queued-counts-started-jobs",
    clause: "child.tree",
    description: "a job counts as queued until it ends, not until it starts: a running job's children are refused for maxQueuedJobs too early",
    plant: () => ({
      patchHost: (host) => {
        const runOnce = internals(host).runOnce.bind(host);
        internals(host).runOnce = (job) => {
          if (job.runs === 0) job.tree.queued++; // undoes the host's own decrement at the first run
          runOnce(job);
          if (job.runs === 1) job.tree.queued--;
        };
      },
    }),
  },
  {
    name: "finished-checkpoints-counted",
    clause: "child.tree",
    description: "a finished job's checkpoint still counts towards maxTreeStateBytes: the store drops it, the tree's total does not",
    plant: () => ({
      patchHost: (host) => {
        internals(host).discardCheckpoint = (job) => host.store.discard(job.id);
      },
    }),
  },
];
