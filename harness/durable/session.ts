import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { relative, resolve, isAbsolute } from "node:path";
import { PROJECT_ROOT, SHIPPED_FOLDERS } from "../engine/modules.ts";
import { DURABLE_POLICY_DEFAULTS, type DurablePolicy } from "./runner.ts";
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
    readonly code: "JP_NO_SUCH_JOB" | "JP_NOT_RESUMABLE" | "JP_JOB_RUNNING" | "JP_SOURCE_CHANGED" | "JP_NO_ORIGIN" | "JP_NO_DATABASE" | "JP_EXTENSION_REFUSED",
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
  /** How long one database operation may wait in all for other processes' locks (--lock-wait; SqliteStoreOptions.lockWaitMs). */
  readonly lockWaitMs?: number;
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
  /**
   * The extension to load, named again by the user (--extension): it must have the sha256 the job started with.
   * Without it, resume loads the path the database names only under the directory the job was started from, and only
   * when it runs in that directory or above it (see extensionToLoad).
   */
  readonly extension?: string;
  /** The directory resume runs in (default: the process's). */
  readonly cwd?: string;
}

/** Where a durable run reports what happens outside the job (recoveries, the job's id), line by line. */
export type Notes = (line: string) => void;

export interface DurableRunResult {
  readonly result: ScenarioResult;
  readonly db: string;
  /** The file `resume`, run in this directory, must be given as --extension; null when it loads the job's own unasked. */
  readonly extension: string | null;
}

/** A whole number of milliseconds from the environment; undefined when unset or not one. */
function envMilliseconds(name: string): number | undefined {
  const value = Number(process.env[name] ?? "");
  return process.env[name] && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Closes the job database, giving back the jobs this process claimed and never ran, and saying how often it was found
 * busy (each time the operation waited and was tried again).
 */
function closeStore(store: SqliteStateStore, notes: Notes): void {
  try {
    store.release();
  } catch {
    // Left Running, owned by this process: the first process to open the database after this one ends pauses them.
  }
  const { retries, waitedMs } = store.busy;
  if (retries > 0) notes(`job-parity: the job database was busy ${retries} time${retries === 1 ? "" : "s"} (other processes held its lock); waited ${Math.round(waitedMs)} ms in all and tried again each time`);
  store.close();
}

/** Opens the job database, reporting recoveries and (when asked) every checkpoint write on `notes`. */
function openStore(options: DurableOptions, notes: Notes): SqliteStateStore {
  const announce = (event: CheckpointWrite) =>
    notes(event.phase === "writing" ? `checkpoint writing ${event.jobId} ${event.bytes}` : `checkpoint saved ${event.jobId} ${event.sha256}`);
  const store = new SqliteStateStore(options.db, { durability: options.durability, onCheckpoint: options.printCheckpoints ? announce : undefined,
    lockWaitMs: options.lockWaitMs,
    // How long one attempt waits in SQLite's busy handler before the store pauses and tries again (tests make it short
    // so that contention shows within seconds).
    busyTimeoutMs: envMilliseconds("JOB_PARITY_DB_BUSY_TIMEOUT_MS"),
  });
  for (const id of store.recovered) notes(recoveredNote(id));
  return store;
}

function hostFor(
  store: SqliteStateStore,
  shutdownSignal: Int32Array,
  policy: DurablePolicy,
  extra: { interrupts?: readonly InterruptPlan[]; networking?: readonly string[] | null; traceWindow?: number } = {},
) {
  return new ReferenceHost({
    seed: randomUUID(), // ids must be unique across every process that writes this database
    store,
    // A durable job runs as long as it needs: the command's time limits, and a job one stopped kept resumable.
    limits: {
      runTimeoutMs: policy.runTimeoutMs ?? DURABLE_POLICY_DEFAULTS.runTimeoutMs,
      stallTimeoutMs: policy.stallTimeoutMs ?? DURABLE_POLICY_DEFAULTS.stallTimeoutMs,
    },
    onTimeout: policy.onTimeout ?? DURABLE_POLICY_DEFAULTS.onTimeout,
    // A checkpoint the database could not take (after waiting out other processes' locks) pauses the job at its last
    // stored checkpoint, which is intact, instead of leaving the job to fail for good.
    storeFailure: "pause",
    interrupts: extra.interrupts,
    networking: extra.networking ? { peers: extra.networking } : null,
    shutdownSignal,
    traceWindow: extra.traceWindow ?? DEFAULT_TRACE_WINDOW,
  });
}

/** `exec --db`: dispatches a job whose rows and checkpoints live in the database, and drives it. */
export async function execDurable(request: DurableExecRequest & DurablePolicy, notes: Notes, shutdownSignal: Int32Array): Promise<DurableRunResult> {
  const { subject, path, sha256: digest } = await loadSubjectFile(request.source);
  const store = openStore(request, notes);
  try {
    const origin: JobOrigin = { kind: subject.kind, path, sha256: digest, extensionId: EXTENSION_ID, networking: request.networking ?? null, startDir: process.cwd() };
    store.origin = origin;
    const host = hostFor(store, shutdownSignal, request, request);
    const loaded = loadSubject(host, subject);
    const root = host.createJob(loaded.scope, request.job, stateBytes(request.state));
    notes(`job-parity: job ${root.id} stored in ${request.db}`);
    host.drive(root, { resume: request.resume });
    loaded.unload();
    return { result: collectResult(host, loaded, root), db: request.db, extension: notLoadedUnasked(origin, process.cwd()) === null ? null : path };
  } finally {
    closeStore(store, notes);
  }
}

function jobRunning(jobId: string, owner: string): DurableRunError {
  const [host, pid] = owner.split(":"); // host:pid:token (StoredJob.owner)
  return new DurableRunError("JP_JOB_RUNNING", `job ${jobId} is Running in process ${pid} on ${host}; pause it there (Ctrl-C pauses it) or wait for it to end`);
}

function resumable(store: SqliteStateStore, jobId: string): StoredJob & { origin: JobOrigin } {
  const job = store.job(jobId);
  if (job === null) throw new DurableRunError("JP_NO_SUCH_JOB", `no job ${jobId} in ${store.path}; \`job-parity jobs --db ${store.path}\` lists them`);
  if (job.status === "Running") throw jobRunning(jobId, job.owner);
  if (job.status !== "Paused" && job.status !== "Queued") throw new DurableRunError("JP_NOT_RESUMABLE", `job ${jobId} is ${job.status}: there is nothing to resume`);
  if (job.origin === null) throw new DurableRunError("JP_NO_ORIGIN", `job ${jobId} has no stored origin (it was not started by \`job-parity exec --db\`), so no process can load its extension again`);
  return job as StoredJob & { origin: JobOrigin };
}

/** Whether `path` is `dir` or inside it (both real paths). */
function within(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The sha256 of a file, or null when it cannot be read. */
function fileSha256(path: string): string | null {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return null;
  }
}

/**
 * Takes the job for this process (SqliteStateStore.claim) or says why not: another process resuming it got there
 * first (JP_JOB_RUNNING), or it ended meanwhile.
 */
function claim(store: SqliteStateStore, jobId: string): void {
  if (store.claim(jobId)) return;
  const job = resumable(store, jobId); // Running: JP_JOB_RUNNING, from resumable
  // Paused or Queued by another process that is still alive (it drives the job's tree, or it got the job first and
  // paused it again meanwhile).
  const [host, pid] = job.owner.split(":");
  throw new DurableRunError("JP_JOB_RUNNING", `job ${jobId} is ${job.status} in process ${pid} on ${host}, which is still running and runs it itself; wait for that process to end (Ctrl-C pauses it), then resume`);
}

/**
 * Why resume, run in `cwd`, would not load the extension the job's row names unless named again (--extension); null
 * when it would: the file lies under the directory the job was started from and resume runs in that directory or
 * above it (both real paths: no symlink leads out), or it is one of job-parity's own files.
 */
function notLoadedUnasked(origin: JobOrigin, cwd: string): string | null {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : null);
  const [file, start, here] = [real(origin.path), origin.startDir === undefined ? null : real(origin.startDir), real(cwd)];
  // job-parity's own guests and extensions (`exec --example`, its fixtures and their twins) are the harness's, as
  // trusted as it: the folders it ships them in.
  const own = real(PROJECT_ROOT);
  if (file !== null && own !== null && SHIPPED_FOLDERS.some((folder) => within(file, resolve(own, folder)))) return null;
  if (origin.startDir === undefined) return "the database does not say which directory the job was started from";
  if (file === null || start === null || here === null || !within(file, start) || !within(start, here)) {
    return `it loads an extension the database names only when it lies under the directory the job was started from (${origin.startDir}) and resume runs in that directory or above it (here: ${cwd})`;
  }
  return null;
}

/**
 * The extension file resume may load for a job, checked before anything of it runs. The path and sha256 come from the
 * database, and a database can be crafted: so resume loads the path it names only when that path lies under the
 * directory the job was started from and resume runs in that directory or above it (both real paths: no symlink
 * leads out), and otherwise only a path the user names again (--extension). Either way the file must have the sha256
 * the job was started with.
 */
function extensionToLoad(job: StoredJob & { origin: JobOrigin }, request: DurableResumeRequest): string {
  const { origin } = job;
  const confirm = `If you trust it, name it again: --extension ${origin.path}`;
  let path: string;
  if (request.extension !== undefined) {
    path = resolve(request.extension);
    if (!existsSync(path)) throw new DurableRunError("JP_EXTENSION_REFUSED", `--extension ${request.extension}: no such file`);
  } else {
    if (!existsSync(origin.path)) {
      throw new DurableRunError("JP_SOURCE_CHANGED", `job ${job.id}'s extension ${origin.path} is gone; restore it, or pass a copy with the same sha256 (${origin.sha256}) as --extension <path>`);
    }
    const where = notLoadedUnasked(origin, request.cwd ?? process.cwd());
    if (where !== null) {
      throw new DurableRunError(
        "JP_EXTENSION_REFUSED",
        `job ${job.id} in ${request.db} names the extension ${origin.path} (sha256 ${origin.sha256}); resume did not load it: ${where}. A job database can be crafted to name any file. ${confirm} (its sha256 must match).`,
      );
    }
    path = origin.path;
  }
  const digest = fileSha256(path);
  if (digest !== origin.sha256) {
    const what = path !== origin.path ? `${path} is not the extension job ${job.id} was started with` : `${path} changed since job ${job.id} started`;
    throw new DurableRunError(
      "JP_SOURCE_CHANGED",
      `${what} (sha256 ${digest === null ? "unreadable" : `${digest.slice(0, 12)}...`} now, ${origin.sha256.slice(0, 12)}... then); resuming a checkpoint with other code could misread it. Restore the file, pass a copy with the sha256 it had as --extension <path>, or start the job again.`,
    );
  }
  return path;
}

/**
 * `resume`: in a new process, loads the job's extension from the same file (refused if the file changed), takes the
 * job back with its unfinished descendants, and drives it from its last checkpoint until it ends.
 */
/** The size of the checkpoint a stored job comes back with: its tree counts it again (child.tree). */
function storedCheckpointBytes(job: StoredJob): number {
  return job.checkpoint?.bytes ?? 0;
}

export async function resumeDurable(request: DurableResumeRequest & DurablePolicy, notes: Notes, shutdownSignal: Int32Array): Promise<DurableRunResult> {
  // Resuming never creates a database: a mistyped path is an error, not a new empty file.
  if (!existsSync(request.db)) {
    throw new DurableRunError("JP_NO_DATABASE", `no job database at ${request.db}; "job-parity exec <guest> --job <name> --db ${request.db}" creates one`);
  }
  // SQLite takes an empty file for a new database and would write one into it: the file is left as it is.
  if (statSync(request.db).size === 0) {
    throw new DurableRunError("JP_NO_DATABASE", `${request.db} is empty: not a job database; "job-parity exec <guest> --job <name> --db <file>" makes one`);
  }
  const store = openStore(request, notes);
  try {
    const stored = resumable(store, request.jobId);
    const { origin } = stored;
    // Nothing of the file runs before its path is allowed and its sha256 checked.
    const path = extensionToLoad(stored, request);
    // Only then is the job taken, before anything of the file runs: of two processes resuming it, one goes on.
    claim(store, stored.id);
    notes(`job-parity: job ${stored.id}: loading extension ${path} (sha256 ${origin.sha256})`);
    const { subject } = await loadSubjectFile(path);
    store.origin = origin;
    const host = hostFor(store, shutdownSignal, request, { networking: origin.networking, traceWindow: request.traceWindow });
    const loaded = loadSubject(host, subject);
    const root = host.restoreJob(loaded.scope, stored, null, storedCheckpointBytes(stored));
    // Descendants come back under their parents, in the order they were created: unfinished ones queued, finished ones
    // as they ended (a wait answers them, and their own children come back under them).
    const restored = new Map<string, JobRecord>([[root.id, root]]);
    for (const row of store.jobs()) {
      const parent = row.parentId === null ? undefined : restored.get(row.parentId);
      if (parent === undefined || row.status === "Running") continue;
      if (row.status !== "Queued" && row.status !== "Paused") {
        restored.set(row.id, host.restoreFinishedJob(row, parent, storedCheckpointBytes(row))); // a Failed job keeps its checkpoint
        continue;
      }
      // A child another process is resuming on its own stays with it.
      if (!store.claim(row.id)) {
        notes(`job-parity: job ${row.id} (a child of ${row.parentId}) was taken by another process; not resumed here`);
        continue;
      }
      restored.set(row.id, host.restoreJob(loaded.scope, row, parent, storedCheckpointBytes(row)));
    }
    notes(`job-parity: resuming job ${root.id} (${root.status}, ${root.runs} run${root.runs === 1 ? "" : "s"} so far) from ${request.db}`);
    // The unfinished children of finished jobs first: they would have run right after their parent's last run.
    for (const job of restored.values()) if (job.terminal) host.driveChildrenOf(job, { resume: true });
    host.drive(root, { resume: true });
    loaded.unload();
    // The hint names the file again when a later resume would not load the stored path as it is: not allowed unasked,
    // or changed since (this run was given a copy with --extension).
    const storedAsIs = fileSha256(origin.path) === origin.sha256;
    const extension = notLoadedUnasked(origin, request.cwd ?? process.cwd()) === null && storedAsIs ? null : path;
    return { result: collectResult(host, loaded, root), db: request.db, extension };
  } finally {
    closeStore(store, notes);
  }
}
