import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { basename } from "node:path";
import type Database from "better-sqlite3";
import { isU64Decimal } from "../abi/codec.ts";
import type { JobStatus } from "../trace/events.ts";
import type { MetricsSnapshot } from "./metrics.ts";
import type { CheckpointMeta, JobSnapshot, ProgressSnapshot, StateStore } from "./state-store.ts";

/** The schema this code reads and writes; a database with a higher one was made by a newer job-parity. */
export const SCHEMA_VERSION = 2;
/** "JPDB": marks a SQLite file as a job-parity job database (PRAGMA application_id). */
const APPLICATION_ID = 0x4a504442;

export type StoreErrorCode =
  | "JP_STORE_CORRUPT"
  | "JP_STORE_NOT_OURS"
  | "JP_STORE_SCHEMA"
  | "JP_STORE_LOCKED"
  | "JP_STORE_FULL"
  | "JP_STORE_TORN"
  | "JP_STORE_IO"
  | "JP_STORE_DRIVER";

/** A durable-store failure, with the database path and what to do; the SQLite error is the cause. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

let driver: typeof Database | null = null;

/**
 * better-sqlite3, loaded when a job database is first opened. It is an optional dependency: only `--db`, `resume`
 * and `jobs` use it, and it compiles from source where no prebuilt binary fits, so an install may leave it out.
 */
function sqliteDriver(): typeof Database {
  if (driver !== null) return driver;
  try {
    driver = createRequire(import.meta.url)("better-sqlite3") as typeof Database;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" ? "is not installed" : `does not load (${(error as Error).message.split("\n")[0]})`;
    throw new StoreError(
      "JP_STORE_DRIVER",
      `a job database (--db, resume, jobs) needs better-sqlite3, which ${why}: run \`npm install better-sqlite3@12\` in the project that uses job-parity (an install with --omit=optional leaves it out)`,
      { cause: error },
    );
  }
  return driver;
}

/** How the job was started, so a new process can load the same extension and resume it. */
export interface JobOrigin {
  readonly kind: "wasm" | "native";
  /** Absolute path of the guest (.wat/.wasm) or native extension module. */
  readonly path: string;
  /** sha256 of the file when the job started: a resume refuses a file that changed since. */
  readonly sha256: string;
  readonly extensionId: string;
  /** Loopback peers the job ran with (null: networking off). */
  readonly networking: readonly string[] | null;
  /**
   * The directory `exec` ran in (absent in rows older than it): `resume` loads the extension the row names without
   * being told again only under it (see harness/durable/session.ts, extensionToLoad).
   */
  readonly startDir?: string;
}

/** A job as `job-parity jobs` lists it. */
export interface StoredJob extends JobSnapshot {
  readonly origin: JobOrigin | null;
  /** `host:pid:token` of the process that last wrote the row (see THIS_PROCESS), or `host:pid` without a token. */
  readonly owner: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The last checkpoint's sequence number (1 for the first) and size; null when the job has none. */
  readonly checkpoint: { readonly sequence: number; readonly bytes: number; readonly savedAt: number } | null;
}

export type Durability = "full" | "normal";

/** The default of SqliteStoreOptions.lockWaitMs. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** How often this store found the database busy and tried again, and how long it waited in all (SqliteStoreOptions.lockWaitMs). */
export interface BusyStats {
  retries: number;
  waitedMs: number;
}

export interface SqliteStoreOptions {
  /**
   * "full" (the default): every checkpoint is fsynced before job_checkpoint answers, so an acknowledged checkpoint
   * survives a power loss. "normal": WAL without an fsync per commit: it survives a killed process, not a lost machine.
   */
  readonly durability?: Durability;
  /** How long one attempt waits in SQLite's busy handler for another connection's lock (default 2000 ms, at most lockWaitMs). */
  readonly busyTimeoutMs?: number;
  /**
   * How long one operation (opening, a job row, a checkpoint, a read) may wait in all for other connections' locks:
   * an attempt that finds the database busy is tried again after a growing pause (5 ms to 250 ms, with jitter) until
   * this much time has passed, then fails with JP_STORE_LOCKED (default 30000 ms). Several processes on one database
   * on a disk busy with fsyncs can hold each other up longer than one busy timeout.
   */
  readonly lockWaitMs?: number;
  /** Caps the database at this many pages (PRAGMA max_page_count): how tests make the disk "full". */
  readonly maxPageCount?: number;
  /**
   * Opens an existing database read-only: nothing is written (no setup, no journal mode change, no recovery: a job
   * left Running by a process that is gone stays Running), and only the listing reads work.
   */
  readonly readonly?: boolean;
  /** Told just before each checkpoint's transaction and just after it commits (the sha256 is the one stored). */
  readonly onCheckpoint?: (event: CheckpointWrite) => void;
}

/** A checkpoint write as `onCheckpoint` sees it: "saved" means committed, so acknowledged to the job. */
export type CheckpointWrite =
  | { readonly phase: "writing"; readonly jobId: string; readonly bytes: number }
  | { readonly phase: "saved"; readonly jobId: string; readonly sha256: string };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id                  TEXT PRIMARY KEY,
  position            INTEGER NOT NULL,
  name                TEXT NOT NULL,
  extension_id        TEXT NOT NULL,
  parent_id           TEXT,
  depth               INTEGER NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('Queued','Running','Paused','Completed','Failed','Cancelled')),
  state               BLOB,
  runs                INTEGER NOT NULL,
  exit_codes          TEXT NOT NULL,
  bytes               TEXT NOT NULL,
  items               TEXT NOT NULL,
  warnings            INTEGER NOT NULL,
  non_critical_errors INTEGER NOT NULL,
  log_lines           INTEGER NOT NULL DEFAULT 0,
  dropped_log_lines   INTEGER NOT NULL DEFAULT 0,
  dropped_warnings    INTEGER NOT NULL DEFAULT 0,
  children_spawned    INTEGER NOT NULL DEFAULT 0,
  checkpoint_counters TEXT,
  progress            REAL,
  progress_message    TEXT,
  error               TEXT,
  origin              TEXT,
  owner               TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_parent ON jobs (parent_id);
CREATE TABLE IF NOT EXISTS job_checkpoints (
  job_id   TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL,
  state    BLOB NOT NULL,
  sha256   TEXT NOT NULL,
  saved_at INTEGER NOT NULL
);`;

/**
 * What takes a database of an older schema to SCHEMA_VERSION, by the version it has: schema 1 kept no counts towards
 * the per-job limits, so a job it kept resumes with them at 0, as it did then; nor the counters of a job's last
 * checkpoint apart from its row's, which stand for them, as they did then.
 */
const MIGRATIONS: Readonly<Record<number, string>> = {
  1: `
ALTER TABLE jobs ADD COLUMN log_lines INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN dropped_log_lines INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN dropped_warnings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN children_spawned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN checkpoint_counters TEXT;`,
};

interface JobRow {
  id: string;
  position: number;
  name: string;
  extension_id: string;
  parent_id: string | null;
  depth: number;
  status: JobStatus;
  state: Buffer | null;
  runs: number;
  exit_codes: string;
  bytes: string;
  items: string;
  warnings: number;
  non_critical_errors: number;
  /** The metrics of the job's last checkpoint (JSON of a MetricsSnapshot); null before its first (or in schema 1). */
  checkpoint_counters?: string | null;
  // Absent in a schema 1 database read as it is (read-only): 0.
  log_lines?: number;
  dropped_log_lines?: number;
  dropped_warnings?: number;
  children_spawned?: number;
  progress: number | null;
  progress_message: string | null;
  error: string | null;
  origin: string | null;
  owner: string;
  created_at: number;
  updated_at: number;
  sequence: number | null;
  checkpoint_bytes: number | null;
  saved_at: number | null;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * What tells a process from any other that had or will have its pid on this host: the boot and the process's start
 * time (from /proc); null where there is no /proc to read them from.
 */
function processToken(pid: number): string | null {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().slice(0, 8);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22, starttime; the command name before it (in parentheses) may hold spaces.
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return boot && start ? `${boot}-${start}` : null;
  } catch {
    return null;
  }
}

/**
 * This process, as the owner column names it: `host:pid:token`. The token tells this process from an earlier one
 * that had its pid (a container's pid 1 after a restart), which left its rows behind; every thread of the process
 * reads the same one. Without /proc there is none (`host:pid`, judged by the pid alone): a token made up per thread
 * would make the threads of one process strangers to each other.
 */
const TOKEN = processToken(process.pid);
export const THIS_PROCESS = TOKEN === null ? `${hostname()}:${process.pid}` : `${hostname()}:${process.pid}:${TOKEN}`;

/** Whether the process that owns a Running row is still alive (then its jobs are not orphans). */
function ownerAlive(owner: string): boolean {
  if (owner === THIS_PROCESS) return true;
  // `host:pid:token`, or `host:pid` without a token (judged by the pid alone).
  const [host, pid, token, ...rest] = owner.split(":");
  if (host !== hostname() || rest.length > 0) return false; // another machine's row (or none of ours): dead, as core would judge it
  // Anything but a positive pid is no process: kill(0) would probe our own process group, kill(-n) a group, and
  // either would keep a row Running for ever.
  if (pid === undefined || !/^[1-9][0-9]*$/.test(pid)) return false;
  if (token !== undefined && Number(pid) === process.pid) return false; // our pid, another process's token: it is gone
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (token === undefined) return true;
  // A live pid with another start time belongs to a process started since: the owner is gone.
  const now = processToken(Number(pid));
  return now === null || now === token;
}

/** Whether a SQLite error means another connection holds a lock: worth waiting for and trying again. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A synchronous pause: the store is synchronous (a job's checkpoint call waits for it), so it cannot await. */
function sleep(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Turns a SQLite error into a StoreError that names the file and says what to do. Errors that are not SQLite's
 * (a bug here) pass through unchanged.
 */
export function storeError(path: string, doing: string, error: unknown): unknown {
  if (error instanceof CorruptRow) {
    return new StoreError("JP_STORE_CORRUPT", `${path}: ${doing}: ${error.message}: something other than job-parity wrote it. The file was not changed; move it aside or pass another --db.`, { cause: error });
  }
  const code = (error as { code?: unknown }).code;
  if (error instanceof StoreError || typeof code !== "string" || !code.startsWith("SQLITE_")) return error;
  const detail = `${(error as Error).message} (${code})`;
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new StoreError("JP_STORE_CORRUPT", `${path}: ${doing}: the file is not a readable SQLite database: ${detail}. It was not changed; move it aside or pass another --db.`, { cause: error });
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new StoreError("JP_STORE_LOCKED", `${path}: ${doing}: the database is locked by another connection: ${detail}. Wait for it to finish or stop it; nothing was written.`, { cause: error });
  }
  if (code === "SQLITE_FULL") {
    return new StoreError("JP_STORE_FULL", `${path}: ${doing}: the disk (or the database's size cap) is full: ${detail}. The write was rolled back, so what was stored before it (the last checkpoint) is kept; free space and try again.`, { cause: error });
  }
  if (code.startsWith("SQLITE_READONLY")) {
    return new StoreError(
      "JP_STORE_IO",
      `${path}: ${doing}: the database or its folder is not writable by this user (SQLite writes ${basename(path)}-wal and ${basename(path)}-shm beside the file): ${detail}. Give this user write access to both, run as the user that owns them, or pass another --db; \`job-parity jobs\` can still list it read-only.`,
      { cause: error },
    );
  }
  if (code === "SQLITE_CANTOPEN") {
    return new StoreError("JP_STORE_IO", `${path}: ${doing}: the file cannot be opened or made: ${detail}. Check that its folder exists and that this process may write there.`, { cause: error });
  }
  return new StoreError("JP_STORE_IO", `${path}: ${doing}: ${detail}`, { cause: error });
}

/**
 * The durable state store: jobs and their checkpoints in one SQLite file, in WAL mode. Each checkpoint is one
 * transaction that replaces the job's checkpoint row and updates its counters, so after a crash the database holds
 * either the new checkpoint with its counters or the previous one with its counters, never a mix. Rows keep a
 * sha256 of the state, checked on every load. Opening the file recovers orphans: jobs left Running by a process
 * that no longer exists become Paused with their last checkpoint, as core pauses jobs on shutdown.
 */
export class SqliteStateStore implements StateStore {
  readonly path: string;
  /** Job ids that startup recovery moved from Running to Paused. */
  readonly recovered: readonly string[];
  /** Stamped on rows this process inserts: how to load the job's extension again. */
  origin: JobOrigin | null = null;
  private readonly db: Database.Database;
  private readonly statements: ReturnType<SqliteStateStore["prepare"]>;
  private readonly saveTransaction: (jobId: string, state: Uint8Array, digest: string, meta: CheckpointMeta | undefined) => void;
  private readonly clearTransaction: (jobId: string, meta: CheckpointMeta | undefined) => void;
  /** Jobs this process claimed (claim) that have not run yet, with the status each had before. */
  private readonly claimed = new Map<string, JobStatus>();
  private readonly onCheckpoint: ((event: CheckpointWrite) => void) | null;
  private readonly busyTimeoutMs: number;
  private readonly lockWaitMs: number;
  /** How often the database was found busy and the operation tried again, and the time spent waiting for it. */
  readonly busy: BusyStats = { retries: 0, waitedMs: 0 };

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.onCheckpoint = options.onCheckpoint ?? null;
    this.lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    // One attempt never waits longer than the whole operation may.
    this.busyTimeoutMs = Math.min(options.busyTimeoutMs ?? 2000, this.lockWaitMs);
    const fresh = !existsSync(path);
    const Driver = sqliteDriver(); // outside the try: its error already says what to do
    try {
      this.db = new Driver(path, { timeout: this.busyTimeoutMs, readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (error) {
      // better-sqlite3 checks the folder itself and throws a plain TypeError when it does not exist
      const mapped = storeError(path, "opening", error);
      throw mapped instanceof StoreError ? mapped : new StoreError("JP_STORE_IO", `${path}: opening: ${(error as Error).message}. Create the folder or pass another --db.`, { cause: error });
    }
    try {
      // Every step is idempotent, so a setup that finds the database busy (another process opening or writing it)
      // starts again from the identity check.
      this.statements = this.retrying("opening", () => {
        const version = this.checkIdentity(fresh);
        const needsSetup = version < SCHEMA_VERSION;
        if (options.readonly) {
          // An older schema is read as it is (what it lacks reads as its default); one with no tables cannot be.
          if (version === 0) throw new StoreError("JP_STORE_SCHEMA", `${path}: the database has no job tables yet, and it is opened read-only`);
          return this.prepare();
        }
        this.db.pragma("journal_mode = WAL");
        this.db.pragma(`synchronous = ${(options.durability ?? "full").toUpperCase()}`);
        if (options.maxPageCount !== undefined) this.db.pragma(`max_page_count = ${options.maxPageCount}`);
        // One transaction: a setup cut short (disk full, a kill) must not leave tables without the application_id,
        // or every later open would refuse our own file as JP_STORE_NOT_OURS. A file already set up is not written.
        if (needsSetup) {
          this.db.transaction(() => {
            // Read again under the write lock: another process may have taken the file to this schema meanwhile, and
            // a migration (ALTER TABLE ... ADD COLUMN) cannot be made twice.
            const now = this.db.pragma("user_version", { simple: true }) as number;
            for (let from = now; from > 0 && from < SCHEMA_VERSION; from++) this.db.exec(MIGRATIONS[from]!);
            this.db.exec(SCHEMA);
            this.db.pragma(`application_id = ${APPLICATION_ID}`);
            this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
          }).immediate();
        }
        return this.prepare();
      });
      this.saveTransaction = this.db.transaction((jobId: string, state: Uint8Array, digest: string, meta: CheckpointMeta | undefined) => {
        const now = Date.now();
        this.statements.putCheckpoint.run(jobId, state, digest, now);
        this.putCounters(jobId, meta, now);
      });
      this.clearTransaction = this.db.transaction((jobId: string, meta: CheckpointMeta | undefined) => {
        this.statements.dropCheckpoint.run(jobId);
        this.putCounters(jobId, meta, Date.now());
      });
      this.recovered = options.readonly ? [] : this.retrying("recovering jobs left Running", () => this.recoverOrphans());
    } catch (error) {
      this.db.close();
      throw storeError(path, "opening", error);
    }
  }

  /**
   * Refuses files that are not ours or are from a newer schema, before anything is written to them. Returns the
   * schema version the file has: 0 when it is new or empty (ours to set up), less than SCHEMA_VERSION when it is ours
   * from an older schema.
   */
  private checkIdentity(fresh: boolean): number {
    const applicationId = this.db.pragma("application_id", { simple: true }) as number; // throws NOTADB on garbage
    const version = this.db.pragma("user_version", { simple: true }) as number;
    const tables = this.db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
    if (fresh || (applicationId === 0 && version === 0 && tables.n === 0)) return 0; // new or empty: ours to set up
    if (applicationId !== APPLICATION_ID) {
      throw new StoreError("JP_STORE_NOT_OURS", `${this.path}: this SQLite database is not a job-parity job database (application_id ${applicationId}, ${tables.n} schema objects). It was not changed; pass another --db.`);
    }
    if (version > SCHEMA_VERSION) {
      throw new StoreError("JP_STORE_SCHEMA", `${this.path}: the job database has schema version ${version}, newer than this job-parity understands (${SCHEMA_VERSION}). It was not changed; use the job-parity that wrote it.`);
    }
    return version;
  }

  private prepare() {
    // The statements that write the columns schema 2 added are prepared at their first use, which only a writable store
    // makes: a schema 1 database read as it is (read-only) has no such columns, and preparing them would fail.
    const later = (sql: string) => {
      let statement: Database.Statement | undefined;
      return () => (statement ??= this.db.prepare(sql));
    };
    return {
      putCheckpoint: this.db.prepare(
        `INSERT INTO job_checkpoints (job_id, sequence, state, sha256, saved_at) VALUES (?, 1, ?, ?, ?)
         ON CONFLICT (job_id) DO UPDATE SET sequence = sequence + 1, state = excluded.state, sha256 = excluded.sha256, saved_at = excluded.saved_at`,
      ),
      putCounters: later(
        `UPDATE jobs SET bytes = ?, items = ?, warnings = ?, non_critical_errors = ?, checkpoint_counters = ?, log_lines = ?, dropped_log_lines = ?,
           dropped_warnings = ?, children_spawned = ?, progress = ?, progress_message = ?, owner = ?, updated_at = ? WHERE id = ?`,
      ),
      getCheckpoint: this.db.prepare("SELECT state, sha256 FROM job_checkpoints WHERE job_id = ?"),
      dropCheckpoint: this.db.prepare("DELETE FROM job_checkpoints WHERE job_id = ?"),
      putJob: later(
        `INSERT INTO jobs (id, position, name, extension_id, parent_id, depth, status, state, runs, exit_codes, bytes, items, warnings,
           non_critical_errors, log_lines, dropped_log_lines, dropped_warnings, children_spawned, progress, progress_message, error, origin,
           owner, created_at, updated_at)
         VALUES (@id, (SELECT count(*) FROM jobs), @name, @extension_id, @parent_id, @depth, @status, @state, @runs, @exit_codes, @bytes, @items,
           @warnings, @non_critical_errors, @log_lines, @dropped_log_lines, @dropped_warnings, @children_spawned, @progress, @progress_message,
           @error, @origin, @owner, @now, @now)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, runs = excluded.runs, exit_codes = excluded.exit_codes,
           bytes = excluded.bytes, items = excluded.items, warnings = excluded.warnings, non_critical_errors = excluded.non_critical_errors,
           log_lines = excluded.log_lines, dropped_log_lines = excluded.dropped_log_lines, dropped_warnings = excluded.dropped_warnings,
           children_spawned = excluded.children_spawned,
           progress = excluded.progress, progress_message = excluded.progress_message, error = excluded.error, owner = excluded.owner,
           updated_at = excluded.updated_at`,
      ),
      jobs: this.db.prepare(
        `SELECT jobs.*, c.sequence, length(c.state) AS checkpoint_bytes, c.saved_at FROM jobs
         LEFT JOIN job_checkpoints c ON c.job_id = jobs.id ORDER BY jobs.position`,
      ),
      job: this.db.prepare(
        `SELECT jobs.*, c.sequence, length(c.state) AS checkpoint_bytes, c.saved_at FROM jobs
         LEFT JOIN job_checkpoints c ON c.job_id = jobs.id WHERE jobs.id = ?`,
      ),
      running: this.db.prepare("SELECT id, owner FROM jobs WHERE status = 'Running'"),
      status: this.db.prepare("SELECT status, owner FROM jobs WHERE id = ?"),
      claim: this.db.prepare("UPDATE jobs SET status = 'Running', owner = ?, updated_at = ? WHERE id = ?"),
      release: this.db.prepare("UPDATE jobs SET status = ?, updated_at = ? WHERE id = ? AND status = 'Running' AND owner = ?"),
      // A job a crash stopped resumes from its last checkpoint: its counters go back to that checkpoint's (a row written
      // since, at a status change, holds later ones).
      pause: later(
        `UPDATE jobs SET status = 'Paused', updated_at = ?,
           bytes = coalesce(${counter("bytes")}, bytes), items = coalesce(${counter("items")}, items),
           warnings = coalesce(${counter("warnings")}, warnings), non_critical_errors = coalesce(${counter("nonCriticalErrors")}, non_critical_errors)
         WHERE id = ? AND status = 'Running' AND owner = ?`,
      ),
    };
  }

  private recoverOrphans(): string[] {
    const orphans = (this.statements.running.all() as { id: string; owner: string }[]).filter((row) => !ownerAlive(row.owner));
    if (orphans.length === 0) return []; // the common case writes nothing
    const now = Date.now();
    // A row is paused only if the owner we judged dead still has it: between the read and this write another
    // process may have resumed the job (and written its own owner).
    return this.db.transaction(() => orphans.filter((row) => this.statements.pause().run(now, row.id, row.owner).changes === 1).map((row) => row.id)).immediate();
  }

  private guard<T>(doing: string, action: () => T): T {
    // A native job stopped by its time limit is stopped by V8 wherever it is, inside one of this store's transactions
    // too, which is then left open (none of its writes was acknowledged, and every later write would join it, to be
    // lost when the connection closes): it is rolled back before anything else is done.
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    return this.retrying(doing, action);
  }

  /**
   * Runs `action` (one statement or one transaction: a busy one is rolled back whole, so trying it again is safe),
   * trying again while SQLite answers SQLITE_BUSY, after a growing pause with jitter (so processes that collided do
   * not collide again), until lockWaitMs has passed in all; then JP_STORE_LOCKED saying how long it waited. Other
   * errors become StoreErrors at once.
   */
  private retrying<T>(doing: string, action: () => T): T {
    const started = performance.now();
    let attemptStarted = started;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = action();
        if (attempt > 1) this.endRetries(attemptStarted - started);
        return result;
      } catch (error) {
        if (!isBusy(error)) {
          if (attempt > 1) this.endRetries(performance.now() - started);
          throw storeError(this.path, doing, error);
        }
        const waited = performance.now() - started;
        const left = this.lockWaitMs - waited;
        if (left <= 0) {
          if (attempt > 1) this.endRetries(waited);
          const detail = `${(error as Error).message} (${(error as { code: string }).code})`;
          throw new StoreError(
            "JP_STORE_LOCKED",
            `${this.path}: ${doing}: the database stayed locked by other connections for ${Math.round(waited)} ms (${attempt} attempt${attempt === 1 ? "" : "s"}; the limit is ${this.lockWaitMs} ms): ${detail}. Nothing was written. Wait for the other processes to finish or stop them, or allow a longer wait (--lock-wait <ms>).`,
            { cause: error },
          );
        }
        sleep(Math.min(left, Math.min(250, 5 * 2 ** Math.min(attempt - 1, 6)) * (0.5 + Math.random() / 2)));
        this.busy.retries++;
        // The next attempt's own busy wait must not carry the operation past its limit.
        const remaining = Math.max(0, Math.floor(this.lockWaitMs - (performance.now() - started)));
        this.db.pragma(`busy_timeout = ${Math.min(this.busyTimeoutMs, remaining)}`);
        attemptStarted = performance.now();
      }
    }
  }

  /** After an operation that was tried again: counts the time it waited, and restores the busy timeout. */
  private endRetries(waitedMs: number): void {
    this.busy.waitedMs += waitedMs;
    this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
  }

  /** The checkpoint's counters, written in the checkpoint's transaction; none given: the row's are left as they are. */
  private putCounters(jobId: string, meta: CheckpointMeta | undefined, now: number): void {
    if (meta === undefined) return;
    const m = meta.metrics.snapshot();
    const c = meta.counts;
    const p = meta.progress;
    const counters = JSON.stringify({ bytes: m.bytes, items: m.items, warnings: m.warnings, nonCriticalErrors: m.nonCriticalErrors });
    this.statements.putCounters().run(m.bytes, m.items, m.warnings, m.nonCriticalErrors, counters, c.logLines, c.droppedLogLines, c.droppedWarnings, c.childrenSpawned, p?.value ?? null, p?.message ?? null, THIS_PROCESS, now, jobId);
  }

  save(jobId: string, state: Uint8Array, meta?: CheckpointMeta): void {
    const digest = sha256(state);
    this.onCheckpoint?.({ phase: "writing", jobId, bytes: state.byteLength });
    this.guard(`saving a checkpoint of job ${jobId}`, () => this.saveTransaction(jobId, state, digest, meta));
    this.onCheckpoint?.({ phase: "saved", jobId, sha256: digest });
  }

  load(jobId: string): Uint8Array | null {
    const row = this.guard(`loading the checkpoint of job ${jobId}`, () => this.statements.getCheckpoint.get(jobId) as { state: Buffer; sha256: string } | undefined);
    if (row === undefined) return null;
    const state = new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength);
    if (sha256(state) !== row.sha256) {
      throw new StoreError("JP_STORE_TORN", `${this.path}: the checkpoint of job ${jobId} does not match its sha256 (${row.sha256.slice(0, 12)}...): the file was changed outside job-parity. The row was left as it is.`);
    }
    return state;
  }

  discard(jobId: string): void {
    this.guard(`discarding the checkpoint of job ${jobId}`, () => this.statements.dropCheckpoint.run(jobId));
  }

  /** A stateless checkpoint: the checkpoint row goes and the job's counters are written, in one transaction (as save). */
  clear(jobId: string, meta?: CheckpointMeta): void {
    this.guard(`clearing the checkpoint of job ${jobId}`, () => this.clearTransaction(jobId, meta));
  }

  /**
   * Takes a Paused or Queued job for this process before it is resumed: its row becomes Running, owned by this
   * process, in one immediate transaction, so that of two processes resuming the job only one gets it. False, with
   * nothing changed, when the job is not Paused or Queued (another process got it first), or when another process
   * that is still alive wrote it last: a child it queued, or a job it paused while it goes on driving the tree, is
   * that process's to run (it would run it too).
   */
  claim(jobId: string): boolean {
    const claimOnce = this.db.transaction(() => {
      const row = this.statements.status.get(jobId) as { status: JobStatus; owner: string } | undefined;
      if (row === undefined || (row.status !== "Paused" && row.status !== "Queued")) return false;
      if (row.owner !== THIS_PROCESS && ownerAlive(row.owner)) return false;
      this.statements.claim.run(THIS_PROCESS, Date.now(), jobId);
      this.claimed.set(jobId, row.status);
      return true;
    });
    return this.guard(`claiming job ${jobId}`, () => claimOnce.immediate());
  }

  /** Gives back the jobs this process claimed and never ran: each row goes back to the status it had. */
  release(): void {
    for (const [id, status] of this.claimed) {
      this.guard(`giving back job ${id}`, () => this.statements.release.run(status, Date.now(), id, THIS_PROCESS));
    }
    this.claimed.clear();
  }

  recordJob(job: JobSnapshot): void {
    // A claimed job stays Running until it runs: the host records a restored job as it was stored (Paused or Queued)
    // before running it, and a row back at Paused could be claimed by another process meanwhile.
    const held = this.claimed.has(job.id) && (job.status === "Paused" || job.status === "Queued");
    if (!held) this.claimed.delete(job.id);
    this.guard(`recording job ${job.id} (${job.status})`, () =>
      this.statements.putJob().run({
        id: job.id,
        name: job.type,
        extension_id: job.extensionId,
        parent_id: job.parentId,
        depth: job.depth,
        status: held ? "Running" : job.status,
        state: job.initialState,
        runs: job.runs,
        exit_codes: JSON.stringify(job.exitCodes),
        bytes: job.metrics.bytes,
        items: job.metrics.items,
        warnings: job.metrics.warnings,
        non_critical_errors: job.metrics.nonCriticalErrors,
        log_lines: job.counts.logLines,
        dropped_log_lines: job.counts.droppedLogLines,
        dropped_warnings: job.counts.droppedWarnings,
        children_spawned: job.counts.childrenSpawned,
        progress: job.progress?.value ?? null,
        progress_message: job.progress?.message ?? null,
        error: job.error,
        origin: this.origin === null ? null : JSON.stringify(this.origin),
        owner: THIS_PROCESS,
        now: Date.now(),
      }),
    );
  }

  /** Every job in the order the database first saw them. */
  jobs(): StoredJob[] {
    return this.guard("listing jobs", () => (this.statements.jobs.all() as JobRow[]).map(toStoredJob));
  }

  /** Every job in the order the database first saw them, one at a time: a listing of 200,000 jobs keeps none of them. */
  forEachJob(visit: (job: StoredJob) => void): void {
    this.guard("listing jobs", () => {
      for (const row of this.statements.jobs.iterate() as IterableIterator<JobRow>) visit(toStoredJob(row));
    });
  }

  job(id: string): StoredJob | null {
    return this.guard(`reading job ${id}`, () => {
      const row = this.statements.job.get(id) as JobRow | undefined;
      return row === undefined ? null : toStoredJob(row);
    });
  }

  /**
   * This connection's PRAGMA synchronous as SQLite reports it (2 FULL, 1 NORMAL): what `durability` became. Read-only;
   * the setting is per connection, so no other connection can observe it.
   */
  get synchronous(): number {
    return this.db.pragma("synchronous", { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** A job row holding what job-parity never writes (another program edited the file): named by job and column. */
class CorruptRow extends Error {}

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * SQL for one of a row's checkpoint counters, or NULL when it has none; a column that is not JSON (a file changed
 * outside job-parity) gives NULL here, not an error that would stop every open, and is reported when the row is read.
 */
const counter = (name: keyof MetricsSnapshot) => `CASE WHEN json_valid(checkpoint_counters) THEN json_extract(checkpoint_counters, '$.${name}') END`;

/** The counts towards the per-job limits (schema 2): a schema 1 row read as it is has none, which reads as 0. */
const COUNT_COLUMNS = ["log_lines", "dropped_log_lines", "dropped_warnings", "children_spawned"] as const;

/** Checks what toStoredJob reads as more than a value (JSON, u64 text, times, counts) and parses its JSON columns. */
function checkRow(row: JobRow): { exitCodes: number[]; origin: JobOrigin | null; checkpointMetrics: MetricsSnapshot | null } {
  const bad = (column: string, value: unknown, expected: string) => {
    throw new CorruptRow(`job ${row.id}'s ${column} is ${JSON.stringify(value)}, not ${expected}`);
  };
  let exitCodes: unknown;
  try {
    exitCodes = JSON.parse(row.exit_codes);
  } catch {
    bad("exit_codes", row.exit_codes, "a JSON array of integers");
  }
  if (!Array.isArray(exitCodes) || !exitCodes.every((code) => Number.isInteger(code))) bad("exit_codes", row.exit_codes, "a JSON array of integers");
  let parsedOrigin: JobOrigin | null = null;
  if (row.origin !== null) {
    let origin: unknown;
    try {
      origin = JSON.parse(row.origin);
    } catch {
      bad("origin", row.origin, "JSON");
    }
    const o = origin as Partial<Record<keyof JobOrigin, unknown>> | null;
    if (o === null || typeof o !== "object" || (o.kind !== "wasm" && o.kind !== "native") || typeof o.path !== "string" || typeof o.sha256 !== "string") {
      bad("origin", row.origin, 'an object with kind ("wasm" or "native"), path and sha256');
    }
    parsedOrigin = origin as JobOrigin;
  }
  for (const [column, value] of [["bytes", row.bytes], ["items", row.items]] as const) {
    if (!isU64Decimal(value)) bad(column, value, "a u64 in decimal");
  }
  for (const [column, value] of [["created_at", row.created_at], ["updated_at", row.updated_at]] as const) {
    if (!Number.isFinite(value) || Number.isNaN(new Date(value).getTime())) bad(column, value, "a time in milliseconds");
  }
  const counts = COUNT_COLUMNS.map((column) => [column, row[column] ?? 0] as const);
  for (const [column, value] of [["runs", row.runs], ["depth", row.depth], ["warnings", row.warnings], ["non_critical_errors", row.non_critical_errors], ...counts] as const) {
    if (!isCount(value)) bad(column, value, "a count");
  }
  let checkpointMetrics: MetricsSnapshot | null = null;
  if (row.checkpoint_counters !== undefined && row.checkpoint_counters !== null) {
    let counters: unknown;
    try {
      counters = JSON.parse(row.checkpoint_counters);
    } catch {
      bad("checkpoint_counters", row.checkpoint_counters, "JSON");
    }
    const c = (counters ?? {}) as Partial<Record<keyof MetricsSnapshot, unknown>>;
    if (typeof c !== "object" || !isU64Decimal(c.bytes) || !isU64Decimal(c.items) || !isCount(c.warnings) || !isCount(c.nonCriticalErrors)) {
      bad("checkpoint_counters", row.checkpoint_counters, "an object of bytes and items (u64 in decimal), warnings and nonCriticalErrors (counts)");
    }
    checkpointMetrics = c as unknown as MetricsSnapshot;
  }
  return { exitCodes: exitCodes as number[], origin: parsedOrigin, checkpointMetrics };
}

function toStoredJob(row: JobRow): StoredJob {
  const { exitCodes, origin, checkpointMetrics } = checkRow(row);
  const metrics: MetricsSnapshot = { bytes: row.bytes, items: row.items, warnings: row.warnings, nonCriticalErrors: row.non_critical_errors };
  const progress: ProgressSnapshot | null = row.progress === null ? null : { value: row.progress, message: row.progress_message ?? "" };
  return {
    id: row.id,
    type: row.name,
    extensionId: row.extension_id,
    parentId: row.parent_id,
    depth: row.depth,
    status: row.status,
    initialState: row.state === null ? null : new Uint8Array(row.state),
    runs: row.runs,
    exitCodes,
    metrics,
    counts: { logLines: row.log_lines ?? 0, droppedLogLines: row.dropped_log_lines ?? 0, droppedWarnings: row.dropped_warnings ?? 0, childrenSpawned: row.children_spawned ?? 0 },
    checkpointMetrics,
    progress,
    error: row.error,
    origin,
    owner: row.owner,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    checkpoint: row.sequence === null ? null : { sequence: row.sequence, bytes: row.checkpoint_bytes ?? 0, savedAt: row.saved_at ?? 0 },
  };
}
