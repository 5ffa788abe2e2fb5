import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../harness/suite/fixtures.ts";
import { ProcessGroup, type KillableRun } from "./support/killable.ts";
import { checkpointerState } from "./support/checkpointer.ts";

// Several processes on one job database, on a disk busy with fsyncs. Three `exec --db` processes
// share one database while a fourth process writes and fsyncs 256 KiB in a loop; each job checkpoints 64 KiB states
// (every commit fsynced) and is paused halfway, then three `resume` processes finish them, under the same load.
// Without the store's retries, a busy database would fail the process (SQLITE_BUSY at open or job creation: exit 2)
// or the checkpoint (STORE_ERROR: the job Failed for good). Each attempt's SQLite busy wait is cut to 1 ms here
// (JOB_PARITY_DB_BUSY_TIMEOUT_MS), where the real default is 2 s, so that the contention a slow disk causes over
// seconds shows on this machine's fast one within the test's time: the processes must report that they found the
// database busy and tried again, and every job and every checkpoint must come out whole. The three processes meet
// only when the machine runs them at once, which a machine busy with other tests may not do: a fifth process takes
// the database's write lock for 10 ms of every 50, so that every process finds it busy whatever the load.

const GUESTS = [
  join(PROJECT_ROOT, "conformance/crash-guests/checkpointer.wat"),
  join(PROJECT_ROOT, "conformance/crash-guests/checkpointer.wat"),
  join(PROJECT_ROOT, "conformance/crash-guests/checkpointer.native.ts"),
];
const STATE_BYTES = 65536;
const EVERY = 4;
const TARGET = 240;
/** Paused at its 121st interrupt check: after 120 steps, with the checkpoint of step 120 (sent twice). */
const PAUSE_AT = TARGET / 2 + 1;
const PROCESS_TIMEOUT_MS = 25_000;

const dir = mkdtempSync(join(tmpdir(), "job-parity-contention-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The checkpoint the job sends at a step (see conformance/crash-guests/checkpointer.wat). */
function expectedState(step: number): Buffer {
  return checkpointerState(step, { target: TARGET, size: STATE_BYTES, every: EVERY });
}

/** The sha256s a run acknowledges, in order, for steps from..to (every EVERY steps), then `extra` repeats of the last. */
function expectedSaves(from: number, to: number, extra = 0): string[] {
  const out: string[] = [];
  for (let step = from; step <= to; step += EVERY) out.push(sha256(expectedState(step)));
  for (let i = 0; i < extra; i++) out.push(out[out.length - 1]!);
  return out;
}

/** A process that writes 256 KiB and fsyncs it, over and over, until killed: a disk busy with syncs. */
const FSYNC_LOOP = `
const { openSync, writeSync, fsyncSync } = require("node:fs");
const fd = openSync(process.argv[1], "w");
const block = Buffer.alloc(256 << 10, 7);
for (let n = 0; ; n++) { writeSync(fd, block, 0, block.length, (n % 4) * block.length); fsyncSync(fd); }
`;

/**
 * A process that holds the database's write lock for 10 ms of every 50, until killed (WAL, as the store opens it; it
 * never waits for the lock itself: when a store holds it, it tries again at its next turn).
 */
const LOCK_LOOP = `
const Database = require("better-sqlite3");
const db = new Database(process.argv[1], { timeout: 0 });
db.pragma("journal_mode = WAL");
const nap = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  try { db.exec("BEGIN IMMEDIATE"); Atomics.wait(nap, 0, 0, 10); db.exec("COMMIT"); } catch {}
  Atomics.wait(nap, 0, 0, 40);
}
`;

interface Row {
  id: string;
  status: string;
  items: string;
  error: string | null;
}

/** The database as it is, read without recovering anything. */
function readDb(db: string): { jobs: Row[]; checkpoints: Map<string, { sequence: number; sha256: string; state: Buffer }> } {
  const raw = new Database(db, { readonly: true });
  try {
    const jobs = raw.prepare("SELECT id, status, items, error FROM jobs ORDER BY position").all() as Row[];
    const rows = raw.prepare("SELECT job_id, sequence, sha256, state FROM job_checkpoints").all() as { job_id: string; sequence: number; sha256: string; state: Buffer }[];
    return { jobs, checkpoints: new Map(rows.map((r) => [r.job_id, r])) };
  } finally {
    raw.close();
  }
}

function saved(run: KillableRun): { job: string; sha: string }[] {
  return run.stderrLines.flatMap((line) => {
    const match = /^checkpoint saved (\S+) ([0-9a-f]{64})$/.exec(line);
    return match ? [{ job: match[1]!, sha: match[2]! }] : [];
  });
}

function busyRetries(run: KillableRun): number {
  return run.stderrLines.reduce((sum, line) => sum + Number(/the job database was busy (\d+) time/.exec(line)?.[1] ?? 0), 0);
}

describe("three processes on one job database, with a disk busy with fsyncs", () => {
  it("every job and every checkpoint comes out whole: busy attempts are waited out and tried again", async () => {
    const started = performance.now();
    const db = join(dir, "shared.db");
    const group = new ProcessGroup();
    const load = spawn(process.execPath, ["-e", FSYNC_LOOP, join(dir, "load.bin")], { stdio: "ignore" });
    const locker = spawn(process.execPath, ["-e", LOCK_LOOP, db], { cwd: PROJECT_ROOT, stdio: "ignore" });
    const previous = process.env.JOB_PARITY_DB_BUSY_TIMEOUT_MS;
    process.env.JOB_PARITY_DB_BUSY_TIMEOUT_MS = "1";
    let retries = 0;
    try {
      const state = JSON.stringify({ target: TARGET, size: STATE_BYTES, every: EVERY });
      const common = ["--db", db, "--print-checkpoints", "--json", "--quiet"];

      // Stage 1: three jobs started at once, each paused halfway.
      const execs = await Promise.all(
        GUESTS.map((guest) => group.run(["exec", guest, "--job", "checkpointer", "--state", state, "--pause-at-check", String(PAUSE_AT), ...common], PROCESS_TIMEOUT_MS)),
      );
      const ids: string[] = [];
      for (const { exit, run } of execs) {
        expect(exit.code, run.stderr).toBe(0);
        const json = JSON.parse(run.stdout) as { id: string; outcome: string; metrics: { items: string } };
        expect(json, run.stderr).toMatchObject({ outcome: "Paused", metrics: { items: String(TARGET / 2) } });
        ids.push(json.id);
        // Every checkpoint it sent was acknowledged, in order, none lost: steps 4..120, then 120 again at the pause.
        expect(saved(run).map((s) => s.sha)).toEqual(expectedSaves(EVERY, TARGET / 2, 1));
        expect(new Set(saved(run).map((s) => s.job))).toEqual(new Set([json.id]));
        retries += busyRetries(run);
      }
      const paused = readDb(db);
      expect(paused.jobs.map((job) => [job.status, job.items, job.error])).toEqual(ids.map(() => ["Paused", String(TARGET / 2), null]));
      for (const id of ids) {
        const checkpoint = paused.checkpoints.get(id)!;
        // The stored checkpoint is the last one acknowledged, byte for byte, with every save counted.
        expect(checkpoint.sha256).toBe(sha256(expectedState(TARGET / 2)));
        expect(sha256(checkpoint.state)).toBe(checkpoint.sha256);
        expect(checkpoint.sequence).toBe(TARGET / 2 / EVERY + 1);
      }

      // Stage 2: the three resumed at once, each to its end.
      const resumes = await Promise.all(ids.map((id) => group.run(["resume", id, ...common], PROCESS_TIMEOUT_MS)));
      resumes.forEach(({ exit, run }, i) => {
        expect(exit.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout), run.stderr).toMatchObject({ id: ids[i], outcome: "Completed", metrics: { items: String(TARGET) } });
        expect(saved(run).map((s) => s.sha)).toEqual(expectedSaves(TARGET / 2 + EVERY, TARGET));
        retries += busyRetries(run);
      });
      const done = readDb(db);
      // Rows are in the order the database first saw the jobs, which the three processes raced for.
      const byId = (a: string[], b: string[]) => a[0]!.localeCompare(b[0]!);
      expect(done.jobs.map((job) => [job.id, job.status, job.items]).sort(byId)).toEqual(ids.map((id) => [id, "Completed", String(TARGET)]).sort(byId));
      expect(done.checkpoints.size).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.JOB_PARITY_DB_BUSY_TIMEOUT_MS;
      else process.env.JOB_PARITY_DB_BUSY_TIMEOUT_MS = previous;
      load.kill("SIGKILL");
      locker.kill("SIGKILL");
      group.killAll();
    }
    // The contention was real: without the retries, each of these busy answers failed a process or a checkpoint.
    expect(retries).toBeGreaterThan(0);
    console.log(`durable contention: 6 processes, ${retries} busy answers waited out, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 60_000);
});
