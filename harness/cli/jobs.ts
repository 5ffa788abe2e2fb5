import { existsSync } from "node:fs";
import { recoveredNote } from "../durable/notes.ts";
import { SqliteStateStore, type StoredJob } from "../host/sqlite-store.ts";
import { parseCommand, UsageError } from "./args.ts";

export const JOBS_USAGE = `usage: job-parity jobs --db <file> [--json]

Lists the jobs in a job database: status, runs, progress, metrics and the last checkpoint. Opening the database
recovers orphans: jobs left Running by a process that is gone are shown (and kept) as Paused.

  --db <file>   the job database (required; it must exist)
  --json        print a JSON array instead of a table

Exit codes: 0 listed; 2 the database could not be read.`;

function row(job: StoredJob): string[] {
  const progress = job.progress === null ? "-" : `${(job.progress.value * 100).toFixed(1)}%`;
  const checkpoint = job.checkpoint === null ? "-" : `#${job.checkpoint.sequence} ${job.checkpoint.bytes} B`;
  const m = job.metrics;
  return [job.id, job.type + (job.parentId ? ` (child of ${job.parentId.slice(0, 8)})` : ""), job.status, String(job.runs), progress, m.items, m.bytes, String(m.warnings), String(m.nonCriticalErrors), checkpoint, new Date(job.updatedAt).toISOString()];
}

export async function jobsCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommand("jobs", argv, { db: { type: "string" }, json: { type: "boolean", default: false } }, false);
  if (values.db === undefined) throw new UsageError(`jobs: --db <file> is required\n\n${JOBS_USAGE}`);
  // Listing never creates a database: a mistyped path is an error, not a new empty file.
  if (!existsSync(values.db)) throw new UsageError(`jobs: no database at ${values.db}; "job-parity exec <guest> --job <name> --db ${values.db}" creates one`);
  const store = new SqliteStateStore(values.db);
  try {
    for (const id of store.recovered) process.stderr.write(`${recoveredNote(id)}\n`);
    const jobs = store.jobs();
    if (values.json) {
      out(JSON.stringify(jobs.map(({ initialState, ...job }) => ({ ...job, initialStateBytes: initialState?.byteLength ?? 0 })), null, 2));
      return 0;
    }
    if (jobs.length === 0) {
      out(`no jobs in ${values.db}`);
      return 0;
    }
    const table = [["id", "type", "status", "runs", "progress", "items", "bytes", "warnings", "errors", "checkpoint", "updated"], ...jobs.map(row)];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    for (const r of table) out(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
    return 0;
  } finally {
    store.close();
  }
}
