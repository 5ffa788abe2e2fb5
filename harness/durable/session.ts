import { randomUUID } from "node:crypto";
import { ReferenceHost } from "../host/host.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import type { JobRecord } from "../host/job.ts";
import { SqliteStateStore, type CheckpointWrite, type Durability, type JobOrigin, type StoredJob } from "../host/sqlite-store.ts";
import { collectResult, EXTENSION_ID, loadSubject, stateBytes, type ScenarioResult } from "../suite/scenario.ts";
import { loadSubjectFile } from "../suite/subject-file.ts";
import { DEFAULT_TRACE_WINDOW } from "../trace/window.ts";
import { recoveredNote } from "./notes.ts";

/** A durable run that cannot start: what is wrong and what to do. `code` is stable. */
export class DurableRunError extends Error {
  constructor(
    readonly code: "JP_NO_SUCH_JOB" | "JP_NOT_RESUMABLE" | "JP_JOB_RUNNING" | "JP_SOURCE_CHANGED" | "JP_NO_ORIGIN",
    message: string,
  ) {
    super(message);
  }
}

/** Options every durable command shares. */
export interface DurableOptions {
  readonly db: string;
  readonly durability?: Durability;
  /** Announce every checkpoint on stderr: `checkpoint writing <job> <bytes>` before, `checkpoint saved <job> <sha256>` after. */
  readonly printCheckpoints?: boolean;
  /** Keep the first and the last `traceWindow` events of each trace (HostOptions.traceWindow); absent: DEFAULT_TRACE_WINDOW, 0: all. */
  readonly traceWindow?: number;
}

export interface DurableExecRequest extends DurableOptions {
  /** A guest (.wat, .wasm) or a native extension module (.ts, .mjs, ...). */
  readonly source: string;
  readonly job: string;
  readonly state?: unknown;
  readonly interrupts?: readonly InterruptPlan[];
  readonly resume?: boolean;
  readonly networking?: readonly string[] | null;
}

export interface DurableResumeRequest extends DurableOptions {
  readonly jobId: string;
}

/** Where a durable run reports what happens outside the job (recoveries, the job's id), line by line. */
export type Notes = (line: string) => void;

export interface DurableRunResult {
  readonly result: ScenarioResult;
  readonly db: string;
}

/** Opens the job database, reporting recoveries and (when asked) every checkpoint write on `notes`. */
function openStore(options: DurableOptions, notes: Notes): SqliteStateStore {
  const announce = (event: CheckpointWrite) =>
    notes(event.phase === "writing" ? `checkpoint writing ${event.jobId} ${event.bytes}` : `checkpoint saved ${event.jobId} ${event.sha256}`);
  const store = new SqliteStateStore(options.db, { durability: options.durability, onCheckpoint: options.printCheckpoints ? announce : undefined });
  for (const id of store.recovered) notes(recoveredNote(id));
  return store;
}

function hostFor(
  store: SqliteStateStore,
  shutdownSignal: Int32Array,
  extra: { interrupts?: readonly InterruptPlan[]; networking?: readonly string[] | null; traceWindow?: number } = {},
) {
  return new ReferenceHost({
    seed: randomUUID(), // ids must be unique across every process that writes this database
    store,
    interrupts: extra.interrupts,
    networking: extra.networking ? { peers: extra.networking } : null,
    shutdownSignal,
    traceWindow: extra.traceWindow ?? DEFAULT_TRACE_WINDOW,
  });
}

/** `exec --db`: dispatches a job whose rows and checkpoints live in the database, and drives it. */
export async function execDurable(request: DurableExecRequest, notes: Notes, shutdownSignal: Int32Array): Promise<DurableRunResult> {
  const { subject, path, sha256: digest } = await loadSubjectFile(request.source);
  const store = openStore(request, notes);
  try {
    store.origin = { kind: subject.kind, path, sha256: digest, extensionId: EXTENSION_ID, networking: request.networking ?? null };
    const host = hostFor(store, shutdownSignal, request);
    const loaded = loadSubject(host, subject);
    const root = host.createJob(loaded.scope, request.job, stateBytes(request.state));
    notes(`job-parity: job ${root.id} stored in ${request.db}`);
    host.drive(root, { resume: request.resume });
    loaded.unload();
    return { result: collectResult(host, loaded, root), db: request.db };
  } finally {
    store.close();
  }
}

function resumable(store: SqliteStateStore, jobId: string): StoredJob & { origin: JobOrigin } {
  const job = store.job(jobId);
  if (job === null) throw new DurableRunError("JP_NO_SUCH_JOB", `no job ${jobId} in ${store.path}; \`job-parity jobs --db ${store.path}\` lists them`);
  if (job.status === "Running") {
    throw new DurableRunError("JP_JOB_RUNNING", `job ${jobId} is Running in process ${job.owner}; pause it there (Ctrl-C pauses it) or wait for it to end`);
  }
  if (job.status !== "Paused" && job.status !== "Queued") throw new DurableRunError("JP_NOT_RESUMABLE", `job ${jobId} is ${job.status}: there is nothing to resume`);
  if (job.origin === null) throw new DurableRunError("JP_NO_ORIGIN", `job ${jobId} has no stored origin (it was not started by \`job-parity exec --db\`), so no process can load its extension again`);
  return job as StoredJob & { origin: JobOrigin };
}

/**
 * `resume`: in a new process, loads the job's extension from the same file (refused if the file changed), takes the
 * job back with its unfinished descendants, and drives it from its last checkpoint until it ends.
 */
export async function resumeDurable(request: DurableResumeRequest, notes: Notes, shutdownSignal: Int32Array): Promise<DurableRunResult> {
  const store = openStore(request, notes);
  try {
    const stored = resumable(store, request.jobId);
    const { origin } = stored;
    const { subject, sha256: digest } = await loadSubjectFile(origin.path);
    if (digest !== origin.sha256) {
      throw new DurableRunError(
        "JP_SOURCE_CHANGED",
        `${origin.path} changed since job ${stored.id} started (sha256 ${digest.slice(0, 12)}... now, ${origin.sha256.slice(0, 12)}... then); resuming a checkpoint with other code could misread it. Restore the file or start the job again.`,
      );
    }
    store.origin = origin;
    const host = hostFor(store, shutdownSignal, { networking: origin.networking, traceWindow: request.traceWindow });
    const loaded = loadSubject(host, subject);
    const root = host.restoreJob(loaded.scope, stored);
    // Unfinished descendants come back queued under their parents, in the order they were created.
    const restored = new Map<string, JobRecord>([[root.id, root]]);
    for (const row of store.jobs()) {
      const parent = row.parentId === null ? undefined : restored.get(row.parentId);
      if (parent !== undefined && (row.status === "Queued" || row.status === "Paused")) restored.set(row.id, host.restoreJob(loaded.scope, row, parent));
    }
    notes(`job-parity: resuming job ${root.id} (${root.status}, ${root.runs} run${root.runs === 1 ? "" : "s"} so far) from ${request.db}`);
    host.drive(root, { resume: true });
    loaded.unload();
    return { result: collectResult(host, loaded, root), db: request.db };
  } finally {
    store.close();
  }
}
