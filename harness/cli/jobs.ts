import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { recoveredNote } from "../durable/notes.ts";
import { printable } from "../trace/printable.ts";
import { SqliteStateStore, StoreError, type StoredJob } from "../host/sqlite-store.ts";
import { MAX_TIMEOUT_MS, nonNegativeInt, parseCommand, UsageError } from "./args.ts";

export const JOBS_USAGE = `usage: job-parity jobs --db <file> [--json] [--lock-wait <ms>]

Lists the jobs in a job database: status, runs, progress, metrics, the last checkpoint and the extension each job
loads on resume. Opening the database recovers orphans: jobs left Running by a process that is gone are shown (and
kept) as Paused. A database this process cannot write (a read-only file or folder) is listed as it is, read-only,
without recovering anything.

  --db <file>         the job database (required; it must exist)
  --json              print a JSON array instead of a table
  --lock-wait <ms>    how long one database operation waits in all for other processes' locks (default 30000)

Exit codes: 0 listed; 2 the database could not be read.`;

function row(job: StoredJob): string[] {
  const progress = job.progress === null ? "-" : `${(job.progress.value * 100).toFixed(1)}%`;
  const checkpoint = job.checkpoint === null ? "-" : `#${job.checkpoint.sequence} ${job.checkpoint.bytes} B`;
  const m = job.metrics;
  const extension = job.origin?.path ?? "-";
  return [job.id, job.type + (job.parentId ? ` (child of ${job.parentId.slice(0, 8)})` : ""), job.status, String(job.runs), progress, m.items, m.bytes, String(m.warnings), String(m.nonCriticalErrors), checkpoint, new Date(job.updatedAt).toISOString(), extension];
}

/** SQLite's answers when it cannot write the file or create its journal beside it. */
const READ_ONLY_CODES = /^SQLITE_(CANTOPEN|READONLY|PERM|AUTH)/;

function cannotWrite(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return error instanceof StoreError && typeof code === "string" && READ_ONLY_CODES.test(code);
}

/**
 * Opens a database to list it: as every command does (recovering orphans), or, when this process cannot write it,
 * read-only. A WAL database whose folder is read-only cannot even be read in place (SQLite needs its -shm file), so
 * then a copy of it (and of its -wal) in a temporary folder is read.
 */
function openForListing(db: string, lockWaitMs: number | undefined): { store: SqliteStateStore; cleanup: () => void } {
  const none = () => {};
  try {
    return { store: new SqliteStateStore(db, { lockWaitMs }), cleanup: none };
  } catch (error) {
    if (!cannotWrite(error)) throw error;
  }
  process.stderr.write(`job-parity: ${db} cannot be written here: listed read-only, as it is (jobs left Running by a process that is gone are not recovered)\n`);
  try {
    return { store: new SqliteStateStore(db, { readonly: true, lockWaitMs }), cleanup: none };
  } catch (error) {
    if (!cannotWrite(error)) throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), "job-parity-jobs-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const copy = join(dir, basename(db));
    copyFileSync(db, copy);
    if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${copy}-wal`);
    return { store: new SqliteStateStore(copy, { readonly: true, lockWaitMs }), cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

const LINES_PER_WRITE = 1000;

export async function jobsCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values } = parseCommand("jobs", argv, { db: { type: "string" }, json: { type: "boolean", default: false }, "lock-wait": { type: "string" } }, false);
  if (values.db === undefined) throw new UsageError(`jobs: --db <file> is required`, JOBS_USAGE);
  const lockWaitMs = nonNegativeInt("jobs", "lock-wait", values["lock-wait"], MAX_TIMEOUT_MS, "a whole number of milliseconds");
  // Listing never creates a database: a mistyped path is an error, not a new empty file.
  if (!existsSync(values.db)) throw new UsageError(`jobs: no database at ${values.db}; "job-parity exec <guest> --job <name> --db ${values.db}" creates one`);
  const stat = statSync(values.db);
  if (stat.isDirectory()) throw new UsageError(`jobs: ${values.db} is a folder; give the database file (exec --db <file> made it)`);
  // SQLite takes an empty file for a new database and would write one into it: listing leaves the file as it is.
  if (stat.size === 0) throw new UsageError(`jobs: ${values.db} is empty: not a job database (exec --db <file> makes one)`);
  const { store, cleanup } = openForListing(values.db, lockWaitMs);
  try {
    for (const id of store.recovered) process.stderr.write(`${recoveredNote(id)}\n`);
    if (values.json) {
      out(JSON.stringify(store.jobs().map(({ initialState, ...job }) => ({ ...job, initialStateBytes: initialState?.byteLength ?? 0 })), null, 2));
      return 0;
    }
    // Only the cells are kept, one job at a time: a database of 200,000 jobs is listed without holding every row.
    const table = [["id", "type", "status", "runs", "progress", "items", "bytes", "warnings", "errors", "checkpoint", "updated", "extension"]];
    // A guest names its job types: printable, so a name cannot write escape sequences to the terminal.
    store.forEachJob((job) => void table.push(row(job).map(printable)));
    if (table.length === 1) {
      out(`no jobs in ${values.db}`);
      return 0;
    }
    // A loop, not Math.max(...column): spreading 200,000 rows as arguments overflows the stack.
    const widths = table[0]!.map(() => 0);
    for (const r of table) r.forEach((cell, c) => (widths[c] = Math.max(widths[c]!, cell.length)));
    // Lines go out a thousand at a time: a write per line was a quarter of listing 200,000 jobs.
    for (let start = 0; start < table.length; start += LINES_PER_WRITE) {
      out(table.slice(start, start + LINES_PER_WRITE).map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n"));
    }
    return 0;
  } finally {
    store.close();
    cleanup();
  }
}
