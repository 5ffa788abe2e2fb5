import type { ExtensionScope } from "./extension.ts";
import type { JobRecord } from "./job.ts";

/**
 * Job id -> running job, as the design's JobContextRegistry. An id resolves only for the scope (instance) it runs
 * on: the id of another live job, a finished job or an unknown id is refused, and nothing of that job is touched.
 */
export class JobContextRegistry {
  /** `outer`: the job that was running on the scope when this one started (a parent waiting for it), restored after. */
  private readonly running = new Map<string, { job: JobRecord; scope: ExtensionScope; outer: JobRecord | null }>();

  enter(scope: ExtensionScope, job: JobRecord): void {
    this.running.set(job.id, { job, scope, outer: scope.currentJob });
    scope.currentJob = job;
  }

  leave(scope: ExtensionScope, job: JobRecord): void {
    const entry = this.running.get(job.id);
    this.running.delete(job.id);
    if (scope.currentJob === job) scope.currentJob = entry?.outer ?? null;
  }

  /** The WASM path: 16 raw id bytes, compared without decoding them (this is on every host call). */
  resolveBytes(scope: ExtensionScope, id: Uint8Array): JobRecord | null {
    const job = scope.currentJob;
    if (job === null) return null;
    const expected = job.idBytes;
    for (let i = 0; i < 16; i++) if (id[i] !== expected[i]) return null;
    return job;
  }

  /** The native path: a context holds its job id and is refused once that job is no longer running there. */
  resolveId(scope: ExtensionScope, id: string): JobRecord | null {
    const entry = this.running.get(id);
    return entry !== undefined && entry.scope === scope && scope.currentJob === entry.job ? entry.job : null;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }
}
