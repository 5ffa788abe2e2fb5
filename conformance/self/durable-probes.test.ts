import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../harness/cli/args.ts";
import { EXEC_USAGE, execCommand } from "../../harness/cli/exec.ts";
import { jobsCommand } from "../../harness/cli/jobs.ts";
import { execDurable, resumeDurable } from "../../harness/durable/session.ts";
import { GuestLoadError } from "../../harness/engine/errors.ts";
import { compileWat, WAT_LIMITS } from "../../harness/engine/wat.ts";
import { FailingStateStore } from "../../harness/host/failing-store.ts";
import { ReferenceHost, STORE_FAILURE_PAUSE } from "../../harness/host/host.ts";
import { SqliteStateStore, StoreError } from "../../harness/host/sqlite-store.ts";
import { MemoryStateStore, NO_COUNTS } from "../../harness/host/state-store.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";
import { loadSubject, stateBytes } from "../../harness/suite/scenario.ts";
import { formatEvent } from "../../harness/trace/format.ts";
import checkpointer from "../crash-guests/checkpointer.native.ts";
import { runCli } from "../support/cli.ts";
import { storedJobs } from "../support/job-db.ts";

// Probes of the durable store and the CLI, each reproduced: a checkpoint the store cannot take, a crafted job
// database, WAT that hangs or crashes the compiler, and the CLI's edges (huge listings, read-only databases, mistyped
// paths, conflicting flags, large states, timed-out runs, guests with 100,000 exports).
// Several processes on one database under disk load: conformance/durable-contention.test.ts.

const dir = mkdtempSync(join(tmpdir(), "job-parity-probes-"));
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const noSignal = new Int32Array(new SharedArrayBuffer(4));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const CHECKPOINTER = join(PROJECT_ROOT, "conformance/crash-guests/checkpointer.native.ts");
/** The checkpointer's state at a step (see checkpointer.native.ts), for 40 steps of 200-byte states, one every 4. */
const JOB_STATE = { target: 40, size: 200, every: 4 };
function stateAt(step: number): string {
  const header = `{"step":${step},"target":40,"size":200,"every":4}`;
  let text = header;
  for (let i = header.length; i < 200; i++) text += String.fromCharCode((step * 31 + i) & 0x7f);
  return text;
}

async function refusal(run: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = (await run.then(() => null, (e: unknown) => e)) as { code: string; message: string } | null;
  if (error === null) expect.fail("expected a refusal");
  return error;
}

describe("a checkpoint the store cannot take: the durable host pauses the job at its intact last checkpoint", () => {
  function hostWithFailingSave(storeFailure: "refuse" | "pause" | undefined) {
    const host = new ReferenceHost({ store: new FailingStateStore(new MemoryStateStore(), new Set([3])), storeFailure });
    const loaded = loadSubject(host, { kind: "native", definition: checkpointer });
    const job = host.createJob(loaded.scope, "checkpointer", stateBytes(JOB_STATE));
    return { host, job };
  }

  it("policy pause: the third save fails, the job (which returns Failed on STORE_ERROR) ends Paused with the second checkpoint and its counters", () => {
    const { host, job } = hostWithFailingSave("pause");
    host.drive(job, { resume: true }); // a drive that resumes does not run it again at once
    expect(job.status).toBe("Paused");
    expect(job.runs).toBe(1);
    expect(job.exitCodes).toEqual([2]);
    expect(job.error).toMatch(new RegExp(`^${STORE_FAILURE_PAUSE}`));
    expect(job.trace.events.some((e) => e.kind === "abi_violation" && e.code === "STORE_ERROR")).toBe(true);
    expect(new TextDecoder().decode(host.store.load(job.id)!)).toBe(stateAt(8));
    expect(job.metrics.items).toBe(8n); // the counters of the checkpoint it resumes from
    host.drive(job, { resume: true });
    expect(job.status).toBe("Completed");
    expect(job.metrics.items).toBe(40n);
    expect(job.error).toBeNull();
  });

  it("the default (what the gate runs, checkpoint.store-error): the refusal alone, and the job's own Failed stands", () => {
    for (const policy of [undefined, "refuse" as const]) {
      const { host, job } = hostWithFailingSave(policy);
      host.drive(job, { resume: true });
      expect(job.status).toBe("Failed");
      expect(job.metrics.items).toBe(12n);
    }
  });

  it("exec --db: the job database refusing a checkpoint leaves the job Paused and resumable, not Failed", async () => {
    const db = join(dir, "store-failure.db");
    let writes = 0;
    // The store tells the session of each write just before its transaction; failing there fails the save with the
    // previous checkpoint untouched, as a database that stays locked or full does.
    const notes = (line: string) => {
      if (line.startsWith("checkpoint writing") && ++writes === 3) throw new StoreError("JP_STORE_LOCKED", "the database stayed locked (simulated)");
    };
    const run = await execDurable({ db, source: CHECKPOINTER, job: "checkpointer", state: JOB_STATE, printCheckpoints: true }, notes, noSignal);
    const root = run.result.jobs[0]!;
    expect(root.status).toBe("Paused");
    expect(run.result.errors[0]).toContain("the database stayed locked (simulated)");
    const [row] = storedJobs(db);
    expect(row).toMatchObject({ status: "Paused", exitCodes: [2], metrics: { items: "8" }, checkpoint: { sequence: 2 } });
    const resumed = await resumeDurable({ db, jobId: root.id }, () => {}, noSignal);
    expect(resumed.result.jobs[0]).toMatchObject({ status: "Completed", runs: 2 });
    expect(storedJobs(db)).toMatchObject([{ status: "Completed", metrics: { items: "40" }, error: null, checkpoint: null }]);
  });

  it("a busy database is waited out: a save while another process holds the write lock for 300 ms succeeds", async () => {
    const db = join(dir, "busy.db");
    const store = new SqliteStateStore(db, { busyTimeoutMs: 5, lockWaitMs: 10_000 });
    try {
      const holder = spawn(process.execPath, ["-e", `const D = require("better-sqlite3"); const db = new D(${JSON.stringify(db)}); db.exec("BEGIN IMMEDIATE"); console.log("locked"); setTimeout(() => { db.exec("ROLLBACK"); db.close(); }, 300);`], {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((resolve) => holder.stdout.on("data", () => resolve()));
      store.save("job", new TextEncoder().encode("state"));
      expect(new TextDecoder().decode(store.load("job")!)).toBe("state");
      expect(store.busy.retries).toBeGreaterThan(0);
      expect(store.busy.waitedMs).toBeGreaterThan(100);
      await new Promise((resolve) => holder.on("exit", resolve));
    } finally {
      store.close();
    }
  });
});

describe("resume loads only an extension it is allowed to, and says which", () => {
  /** A native extension that, imported, leaves a file behind: what a crafted database would have resume run. */
  const evil = join(dir, "evil.mjs");
  const marker = join(dir, "evil-ran");
  writeFileSync(evil, `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\nexport default { init: () => 0, jobs: {} };\n`);

  async function pausedJob(db: string): Promise<string> {
    const run = await execDurable({ db, source: CHECKPOINTER, job: "checkpointer", state: JOB_STATE, interrupts: [{ action: "pause", atCheck: 6 }] }, () => {}, noSignal);
    return run.result.jobs[0]!.id;
  }

  function craft(db: string, id: string, change: (origin: Record<string, unknown>) => void): void {
    const raw = new Database(db);
    const origin = JSON.parse((raw.prepare("SELECT origin FROM jobs WHERE id = ?").get(id) as { origin: string }).origin) as Record<string, unknown>;
    change(origin);
    raw.prepare("UPDATE jobs SET origin = ? WHERE id = ?").run(JSON.stringify(origin), id);
    raw.close();
  }

  it("exec --db stores the directory the job was started from beside the extension's path and sha256", async () => {
    const db = join(dir, "origin.db");
    await pausedJob(db);
    expect(storedJobs(db)[0]!.origin).toMatchObject({ path: CHECKPOINTER, sha256: sha256(readFileSync(CHECKPOINTER)), startDir: process.cwd() });
  });

  it("a crafted database naming a module elsewhere (with its right sha256): refused before anything of it runs", async () => {
    const db = join(dir, "crafted.db");
    const id = await pausedJob(db);
    const evilSha = sha256(readFileSync(evil));
    for (const startDir of [dir, "/", undefined]) {
      craft(db, id, (origin) => {
        origin.path = evil;
        origin.sha256 = evilSha;
        if (startDir === undefined) delete origin.startDir;
        else origin.startDir = startDir;
      });
      const error = await refusal(resumeDurable({ db, jobId: id }, () => {}, noSignal));
      expect(error.code).toBe("JP_EXTENSION_REFUSED");
      expect(error.message).toContain(`names the extension ${evil} (sha256 ${evilSha})`);
      expect(error.message).toContain(`--extension ${evil}`);
      expect(existsSync(marker)).toBe(false);
    }
    expect(storedJobs(db)[0]).toMatchObject({ id, status: "Paused" }); // still resumable with the real extension
    // Named again with --extension, a file must have the stored sha256: the real extension is not the crafted one.
    const mismatch = await refusal(resumeDurable({ db, jobId: id, extension: CHECKPOINTER }, () => {}, noSignal));
    expect(mismatch.code).toBe("JP_SOURCE_CHANGED");
    expect(mismatch.message).toContain(`${CHECKPOINTER} is not the extension job ${id} was started with`);
    expect(existsSync(marker)).toBe(false);
  });

  it("under the start directory, run from there: loaded unasked; a symlink there leading out of it: refused", async () => {
    const start = join(dir, "start");
    mkdirSync(start);
    const copy = join(start, "checkpointer.native.ts");
    writeFileSync(copy, readFileSync(CHECKPOINTER)); // the same bytes, so the same sha256
    const link = join(start, "linked.mjs");
    symlinkSync(evil, link);
    const db = join(dir, "symlink.db");
    const first = await pausedJob(db);
    craft(db, first, (origin) => Object.assign(origin, { path: copy, startDir: start }));
    const resumed = await resumeDurable({ db, jobId: first, cwd: start }, () => {}, noSignal);
    expect(resumed.result.jobs[0]!.status).toBe("Completed");

    const second = await pausedJob(db);
    craft(db, second, (origin) => Object.assign(origin, { path: link, sha256: sha256(readFileSync(evil)), startDir: start }));
    expect((await refusal(resumeDurable({ db, jobId: second, cwd: start }, () => {}, noSignal))).code).toBe("JP_EXTENSION_REFUSED");
    expect(existsSync(marker)).toBe(false);
  });

  it("job-parity's own files (exec --example) load unasked wherever the job was started and resumed", async () => {
    const db = join(dir, "own.db");
    const id = await pausedJob(db); // its extension is conformance/crash-guests/checkpointer.native.ts, job-parity's own
    craft(db, id, (origin) => Object.assign(origin, { startDir: dir }));
    const resumed = await resumeDurable({ db, jobId: id, cwd: dir }, () => {}, noSignal);
    expect(resumed.result.jobs[0]!.status).toBe("Completed");
  });

  it("CLI: resume prints the path and sha256 it loads; jobs shows each job's extension", () => {
    const db = join(dir, "cli.db");
    const exec = runCli(["exec", CHECKPOINTER, "--job", "checkpointer", "--state", JSON.stringify(JOB_STATE), "--db", db, "--pause-at-check", "3", "--quiet"]);
    expect(exec.status, exec.stderr).toBe(0);
    const [job] = storedJobs(db);
    const jobs = runCli(["jobs", "--db", db]);
    expect(jobs.status, jobs.stderr).toBe(0);
    const [header, line] = jobs.stdout.trim().split("\n");
    expect(header).toMatch(/\bextension$/);
    expect(line).toMatch(new RegExp(`${job!.id}.*  ${CHECKPOINTER.replace(/[.]/g, "\\.")}$`));
    const resume = runCli(["resume", job!.id, "--db", db, "--quiet"]);
    expect(resume.status, resume.stderr).toBe(0);
    expect(resume.stderr).toContain(`job-parity: job ${job!.id}: loading extension ${CHECKPOINTER} (sha256 ${sha256(readFileSync(CHECKPOINTER))})`);
  });
});

describe("WAT that would hang or crash the compiler: refused with JP_WAT_LIMIT saying what, where and how to fix", () => {
  const module = (body: string) =>
    `(module (memory (export "memory") 1) (func (export "wasm_alloc") (param i32) (result i32) i32.const 0)\n (func (export "job") (param i32 i32 i32 i32) (result i32)\n${body}\n i32.const 0))\n`;

  it("200 levels of flat block/end (wabt's parser never returned): refused at once, in a process that ends", () => {
    const file = join(dir, "flat200.wat");
    writeFileSync(file, module("block\n".repeat(200) + "end\n".repeat(200)));
    const run = runCli(["exec", file, "--job", "job"], 30_000);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}:129:1: the WAT nests 202 levels deep`);
    expect(run.stderr).toContain(`the limit is ${WAT_LIMITS.maxNesting}`);
    expect(run.stderr).toMatch(/compile it to \.wasm with another tool/);
  });

  it("200 levels of folded blocks (wabt: 'memory access out of bounds', then broken for the process): named for what it is", async () => {
    const file = join(dir, "folded200.wat");
    const error = (await compileWat(file, module("(block ".repeat(200) + ")".repeat(200))).catch((e: unknown) => e)) as GuestLoadError;
    expect(error).toBeInstanceOf(GuestLoadError);
    expect(error.code).toBe("JP_WAT_LIMIT");
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.]/g, "\\.")}:3:\\d+: the WAT nests 202 levels deep`));
    // wabt is unharmed: the next module compiles.
    expect((await compileWat(join(dir, "fine.wat"), module("(block ".repeat(100) + ")".repeat(100)))).byteLength).toBeGreaterThan(0);
  });

  it("a source over the size limit is refused before wabt loads it", async () => {
    const padding = `;; ${"x".repeat(1000)}\n`.repeat(Math.ceil(WAT_LIMITS.maxSourceBytes / 1000) + 10);
    const error = (await compileWat(join(dir, "huge.wat"), module(padding)).catch((e: unknown) => e)) as GuestLoadError;
    expect(error.code).toBe("JP_WAT_LIMIT");
    expect(error.message).toMatch(/the WAT is \d+ bytes \(after @include\); the limit is 16777216/);
  });
});

describe("CLI edges", () => {
  it("jobs on a database of 211,000 jobs lists them all (Math.max(...rows) overflowed the stack)", async () => {
    const db = join(dir, "many.db");
    new SqliteStateStore(db).close();
    const raw = new Database(db);
    raw.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 210999)
      INSERT INTO jobs (id, position, name, extension_id, parent_id, depth, status, state, runs, exit_codes, bytes, items, warnings,
        non_critical_errors, progress, progress_message, error, origin, owner, created_at, updated_at)
      SELECT printf('00000000-0000-4000-8000-%012d', i), i, 'counter', 'fixture', NULL, 0, 'Completed', NULL, 1, '[0]', '0', '1', 0, 0, 1.0, '',
        NULL, NULL, 'elsewhere:1', 0, 0 FROM n`);
    raw.close();
    const lines: string[] = [];
    expect(await jobsCommand(["--db", db], (text) => lines.push(...text.split("\n")))).toBe(0);
    expect(lines.length).toBe(211_001);
  });

  it("a job row holding what job-parity never writes: JP_STORE_CORRUPT naming the job and column, never a TypeError", async () => {
    const db = join(dir, "edited.db");
    new SqliteStateStore(db).close();
    const raw = new Database(db);
    const insert = raw.prepare(`INSERT INTO jobs (id, position, name, extension_id, parent_id, depth, status, state, runs, exit_codes, bytes, items, warnings,
      non_critical_errors, progress, progress_message, error, origin, owner, created_at, updated_at)
      VALUES (?, 0, 'counter', 'fixture', NULL, 0, 'Completed', NULL, 1, ?, '0', ?, 0, 0, 1.0, '', NULL, NULL, 'elsewhere:1', ?, 0)`);
    const id = "00000000-0000-4000-8000-000000000001";
    for (const [exitCodes, items, createdAt, column] of [["garbage", "1", 0, "exit_codes"], ["[0]", "-5", 0, "items"], ["[0]", "1", "yesterday", "created_at"]] as const) {
      raw.prepare("DELETE FROM jobs").run();
      insert.run(id, exitCodes, items, createdAt);
      const error = await jobsCommand(["--db", db], () => {}).catch((e: unknown) => e);
      expect(error, column).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe("JP_STORE_CORRUPT");
      expect((error as StoreError).message).toContain(`job ${id}'s ${column} is`);
    }
    raw.close();
  });

  it("jobs on an empty file or a folder: refused, and the file left as it is (SQLite would have written a database into it)", async () => {
    const empty = join(dir, "empty.db");
    writeFileSync(empty, "");
    await expect(jobsCommand(["--db", empty], () => {})).rejects.toThrow(/is empty: not a job database/);
    expect(statSync(empty).size).toBe(0);
    await expect(jobsCommand(["--db", dir], () => {})).rejects.toThrow(/is a folder; give the database file/);
    await expect(execCommand([join(PROJECT_ROOT, "sdk-guest/counter.wasm"), "--job", "counter", "--db", dir], () => {})).rejects.toThrow(/--db .* is a folder; give a file in it/);
  });

  it("jobs on a database it cannot write (read-only file and folder): listed read-only", async () => {
    const folder = join(dir, "read-only");
    mkdirSync(folder);
    const db = join(folder, "jobs.db");
    await execDurable({ db, source: CHECKPOINTER, job: "checkpointer", state: JOB_STATE, interrupts: [{ action: "pause", atCheck: 3 }] }, () => {}, noSignal);
    const locked = makeReadOnly(folder, db);
    if (!locked) {
      console.log("skipped: cannot make a folder read-only here (root without chattr)");
      return;
    }
    const lines: string[] = [];
    expect(await jobsCommand(["--db", db], (text) => lines.push(...text.split("\n")))).toBe(0);
    expect(lines[1]).toMatch(/checkpointer\s+Paused\s+1\s/);
  });

  it("resume with a mistyped --db: refused, and no file is created", async () => {
    const db = join(dir, "typo.db");
    const error = await refusal(resumeDurable({ db, jobId: "00000000-0000-4000-8000-000000000000" }, () => {}, noSignal));
    expect(error.code).toBe("JP_NO_DATABASE");
    expect(error.message).toContain(`no job database at ${db}`);
    expect(existsSync(db)).toBe(false);
  });

  it("resume on an empty file: JP_NO_DATABASE, and the file stays empty (SQLite would have written a database into it)", async () => {
    const db = join(dir, "empty-resume.db");
    writeFileSync(db, "");
    const error = await refusal(resumeDurable({ db, jobId: "00000000-0000-4000-8000-000000000000" }, () => {}, noSignal));
    expect(error.code).toBe("JP_NO_DATABASE");
    expect(error.message).toContain(`${db} is empty: not a job database`);
    expect(statSync(db).size).toBe(0);
    expect(existsSync(`${db}-wal`) || existsSync(`${db}-shm`)).toBe(false);
  });

  it("jobs --lock-wait <ms>: how long opening waits for another connection's lock before JP_STORE_LOCKED", async () => {
    const db = join(dir, "locked.db");
    const store = new SqliteStateStore(db);
    store.recordJob({ id: "a", type: "counter", extensionId: "ext", parentId: null, depth: 0, status: "Running", initialState: null, runs: 1, exitCodes: [], metrics: { bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 }, counts: NO_COUNTS, progress: null, error: null });
    store.close();
    const raw = new Database(db);
    try {
      // A Running row of a process that is gone: opening must write (recover it), and another connection holds the lock.
      raw.prepare("UPDATE jobs SET owner = 'gone:0'").run();
      raw.exec("BEGIN IMMEDIATE");
      const started = performance.now();
      const error = (await jobsCommand(["--db", db, "--lock-wait", "300"], () => {}).catch((e: unknown) => e)) as StoreError;
      expect(error).toBeInstanceOf(StoreError);
      expect(error.code).toBe("JP_STORE_LOCKED");
      expect(error.message).toMatch(/the limit is 300 ms\).*--lock-wait <ms>/);
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      raw.close();
    }
    await expect(jobsCommand(["--db", db, "--lock-wait", "soon"], () => {})).rejects.toThrow(UsageError);
  });

  it("exec --pause-at-check and --cancel-at-check together: refused (the second request would never be seen)", async () => {
    const error = await execCommand(["sdk-guest/counter.wasm", "--job", "counter", "--pause-at-check", "3", "--cancel-at-check", "3"], () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/give --pause-at-check or --cancel-at-check, not both/);
  });

  it("--state-file passes a 1 MiB state byte for byte; --state-json refuses invalid JSON; --state's help says what it does", async () => {
    const extension = join(dir, "echo.mjs");
    writeFileSync(extension, `export default { init: (api) => api.registerJob("echo", "run_echo", true), jobs: { run_echo(ctx, state) { ctx.checkpoint(state); return 1; } } };\n`);
    const state = join(dir, "state.json");
    const big = JSON.stringify({ data: "y".repeat(1 << 20), n: 12345678901234567890n.toString() });
    writeFileSync(state, big);
    const out: string[] = [];
    expect(await execCommand([extension, "--job", "echo", "--state-file", state, "--json", "--quiet"], (line) => out.push(line))).toBe(0);
    expect((JSON.parse(out.join("\n")) as { savedState: string }).savedState).toBe(big);

    const json: string[] = [];
    const exact = '{"n": 12345678901234567890}';
    expect(await execCommand([extension, "--job", "echo", "--state-json", exact, "--json", "--quiet"], (line) => json.push(line))).toBe(0);
    expect((JSON.parse(json.join("\n")) as { savedState: string }).savedState).toBe(exact); // the text as given

    const invalid = await execCommand([extension, "--job", "echo", "--state-json", "{not json"], () => {}).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(UsageError);
    expect((invalid as Error).message).toMatch(/--state-json is not valid JSON: /);
    const both = await execCommand([extension, "--job", "echo", "--state", "1", "--state-file", state], () => {}).catch((e: unknown) => e);
    expect((both as Error).message).toMatch(/give one of --state, --state-json and --state-file/);
    // A file that never ends (a device) is read up to the most a job tree may hold, then refused.
    const endless = await execCommand([extension, "--job", "echo", "--state-file", "/dev/zero"], () => {}).catch((e: unknown) => e);
    expect(endless).toBeInstanceOf(UsageError);
    expect((endless as Error).message).toMatch(/--state-file \/dev\/zero: larger than the 268435456 bytes a job tree may hold \(maxTreeStateBytes\)/);
    expect(EXEC_USAGE).toMatch(/invalid JSON included, as UTF-8 text without a word/);
    expect(EXEC_USAGE).toMatch(/limited by the\s+shell \(about 128 KiB\)/);
  });

  it("a run stopped by a time limit prints as such, never 'returned undefined'", () => {
    const line = formatEvent({ kind: "status", job: "job:0", status: "Failed", end: { cause: "timeout" } });
    expect(line).not.toContain("undefined");
    expect(line).toMatch(/Failed \(stopped by a time limit\)/);
  });

  it("a guest with 99,990 exports and a wrong --job: answered in seconds, with 20 names and the count", async () => {
    const file = join(dir, "exports.wasm");
    writeFileSync(file, manyExports(99_990));
    const started = performance.now();
    const error = await execCommand([file, "--job", "nope"], () => {}).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.length).toBeLessThan(2000);
    expect(message).toContain("job_19, ... and 99970 more (99990 in all)");
    expect(elapsed).toBeLessThan(15_000); // it took 18 s of CPU when each export was looked up in the list of all
  });
});

/** Makes a folder and a file in it read-only for this process; false when that cannot be done here. */
function makeReadOnly(folder: string, file: string): boolean {
  if (process.getuid?.() !== 0) {
    chmodSync(file, 0o444);
    chmodSync(folder, 0o555);
    cleanups.push(() => chmodSync(folder, 0o755));
  } else {
    // root ignores permissions: the immutable attribute holds even for root
    if (spawnSync("chattr", ["+i", file, folder]).status !== 0) return false;
    cleanups.push(() => spawnSync("chattr", ["-i", folder, file]));
  }
  try {
    writeFileSync(join(folder, "probe"), "");
    return false;
  } catch {
    return true;
  }
}

/** A module exporting memory, wasm_alloc and `count` job functions job_0, job_1, ... (all one function). */
function manyExports(count: number): Uint8Array {
  const leb = (value: number): number[] => {
    const out: number[] = [];
    do {
      let byte = value & 0x7f;
      value >>>= 7;
      if (value !== 0) byte |= 0x80;
      out.push(byte);
    } while (value !== 0);
    return out;
  };
  const name = (text: string) => [...leb(text.length), ...Buffer.from(text)];
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const exports: number[] = [...leb(count + 2), ...name("memory"), 2, 0, ...name("wasm_alloc"), 0, 0];
  for (let i = 0; i < count; i++) exports.push(...name(`job_${i}`), 0, 1);
  const body = [0, 0x41, 0, 0x0b];
  return new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0, 1]),
    ...section(7, exports),
    ...section(10, [2, ...leb(body.length), ...body, ...leb(body.length), ...body]),
  ]);
}
