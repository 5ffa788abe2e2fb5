import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeUtf8, encodeUtf8 } from "../../harness/abi/codec.ts";
import { STATUS } from "../../harness/abi/status.ts";
import { loadGuest, type GuestModule } from "../../harness/engine/load.ts";
import type { MetricsSnapshot } from "../../harness/host/metrics.ts";
import { SCHEMA_VERSION, SqliteStateStore, StoreError, storeError, THIS_PROCESS, type CheckpointWrite, type JobOrigin, type SqliteStoreOptions, type StoreErrorCode } from "../../harness/host/sqlite-store.ts";
import { NO_COUNTS, type CheckpointMeta, type JobSnapshot } from "../../harness/host/state-store.ts";
import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";
import { FIXTURES_DIR, readFixture } from "../../harness/suite/fixtures.ts";
import { runScenario, type Scenario } from "../../harness/suite/scenario.ts";

const dir = mkdtempSync(join(tmpdir(), "job-parity-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A database path nobody has used yet: every test gets its own file. */
const freshPath = () => join(dir, `jobs-${files++}.sqlite`);

// Every connection a test opens is closed after it, even when an assertion failed half-way (an open write lock
// would otherwise leak into the next test's timing).
const opened: { close(): void }[] = [];
afterEach(() => {
  for (const connection of opened.splice(0)) connection.close();
});

function openStore(path = freshPath(), options: SqliteStoreOptions = {}): SqliteStateStore {
  const store = new SqliteStateStore(path, options);
  opened.push(store);
  return store;
}

/** A plain better-sqlite3 connection: what another process (or a person with the sqlite3 shell) would do. */
function openRaw(path: string): Database.Database {
  const db = new Database(path);
  opened.push(db);
  return db;
}

const ZERO: MetricsSnapshot = { bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 };
const bytes = (text: string) => encodeUtf8(text);
const text = (state: Uint8Array | null) => (state === null ? null : decodeUtf8(state));

/** A job as the host reports it; tests override what they are about. */
function snapshot(id: string, overrides: Partial<JobSnapshot> = {}): JobSnapshot {
  return { id, type: "counter", extensionId: "ext", parentId: null, depth: 0, status: "Queued", initialState: null, runs: 0, exitCodes: [], metrics: ZERO, counts: NO_COUNTS, progress: null, error: null, ...overrides };
}

function meta(items: number, progress: CheckpointMeta["progress"] = null): CheckpointMeta {
  return counters({ ...ZERO, items: String(items) }, progress);
}

/** A checkpoint's counters as the host passes them: metrics the store snapshots during the save. */
function counters(metrics: MetricsSnapshot, progress: CheckpointMeta["progress"]): CheckpointMeta {
  return { metrics: { snapshot: () => metrics }, counts: NO_COUNTS, progress };
}

/** Runs `action`, which must throw a StoreError with `code` whose message names the file; returns it. */
function expectStoreError(code: StoreErrorCode, path: string, action: () => unknown): StoreError {
  let thrown: unknown = null;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StoreError);
  const error = thrown as StoreError;
  expect(error.code).toBe(code);
  expect(error.message).toContain(path);
  return error;
}

/** What "the file was not changed" means: same bytes, same mtime, and no journal or WAL left next to it. */
function fingerprint(path: string) {
  return { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs, siblings: readdirSync(dir).filter((name) => name.startsWith(`${basename(path)}-`)) };
}

/** A pid that belonged to a process which has exited (and was reaped): an owner that is certainly dead. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  expect(child.status).toBe(0);
  return child.pid!;
}

/** Rewrites a row's owner, as if another process had written it. */
function setOwner(path: string, id: string, owner: string): void {
  openRaw(path).prepare("UPDATE jobs SET owner = ? WHERE id = ?").run(owner, id);
}

describe("SqliteStateStore: checkpoints", () => {
  it("load is null before any save; save then load returns the state; discard removes it", () => {
    const store = openStore();
    expect(store.load("a")).toBeNull();
    store.save("a", bytes('{"current":3}'));
    expect(text(store.load("a"))).toBe('{"current":3}');
    expect(store.load("b")).toBeNull(); // checkpoints are per job
    store.discard("a");
    expect(store.load("a")).toBeNull();
    store.discard("a"); // discarding nothing is not an error: a job that never checkpointed completes too
  });

  it("a save replaces the previous checkpoint wholly and bumps its sequence; after a discard it starts at 1 again", () => {
    const store = openStore();
    store.recordJob(snapshot("a")); // job() reads the checkpoint through the job's row
    expect(store.job("a")!.checkpoint).toBeNull();
    store.save("a", bytes("a much longer first state"));
    expect(store.job("a")!.checkpoint).toMatchObject({ sequence: 1, bytes: 25 });
    store.save("a", bytes("second"));
    expect(store.job("a")!.checkpoint).toMatchObject({ sequence: 2, bytes: 6 });
    expect(text(store.load("a"))).toBe("second"); // not "second" over the tail of the longer first state
    store.save("a", bytes("third"));
    expect(store.job("a")!.checkpoint!.sequence).toBe(3);
    store.discard("a");
    expect(store.job("a")!.checkpoint).toBeNull();
    store.save("a", bytes("again"));
    expect(store.job("a")!.checkpoint!.sequence).toBe(1);
  });

  it("load returns exactly the bytes saved: empty, every byte value, 1 MB of random bytes", () => {
    const path = freshPath();
    const store = openStore(path);
    const states = {
      empty: new Uint8Array(0), // an empty blob must not come back as null ("no checkpoint")
      everyByte: Uint8Array.from({ length: 256 }, (_, i) => i), // NUL and invalid UTF-8 included: states are bytes, not text
      oneMegabyte: new Uint8Array(randomBytes(1024 * 1024)),
    };
    for (const [id, state] of Object.entries(states)) store.save(id, state);
    for (const [id, state] of Object.entries(states)) expect(Buffer.from(store.load(id)!).equals(state), id).toBe(true);
    store.close();
    // and from the file, through a new connection
    const reopened = openStore(path);
    for (const [id, state] of Object.entries(states)) expect(Buffer.from(reopened.load(id)!).equals(state), id).toBe(true);
  });

  it("save copies the state: changing the caller's bytes afterwards does not change the checkpoint", () => {
    const store = openStore();
    const state = bytes("original");
    store.save("a", state);
    state.fill(0x58);
    expect(text(store.load("a"))).toBe("original");
  });

  it("save stores only the view it is given, not the whole buffer behind it (guest memory is one big buffer)", () => {
    const store = openStore();
    const memory = bytes("....state....");
    store.save("a", memory.subarray(4, 9));
    expect(text(store.load("a"))).toBe("state");
  });
});

describe("SqliteStateStore: a checkpoint and the job's counters are one transaction", () => {
  it("after a save with meta the job's row shows that checkpoint's metrics and progress", () => {
    const store = openStore();
    store.recordJob(snapshot("a", { status: "Running" }));
    const metrics = { bytes: "18446744073709551615", items: "12", warnings: 2, nonCriticalErrors: 1 }; // u64 max survives as text
    const progress = { value: Math.fround(0.48), message: "Counted 12/25" };
    store.save("a", bytes("{}"), counters(metrics, progress));
    const job = store.job("a")!;
    expect(job.metrics).toEqual(metrics);
    expect(job.progress).toEqual(progress);
    expect(job.checkpoint!.sequence).toBe(1);
    expect(job.status).toBe("Running"); // a checkpoint does not touch the status
  });

  it("a save without meta leaves the counters as they were; progress null clears the progress", () => {
    const store = openStore();
    store.recordJob(snapshot("a", { metrics: { ...ZERO, items: "5" }, progress: { value: 0.5, message: "half" } }));
    store.save("a", bytes("{}"));
    expect(store.job("a")).toMatchObject({ metrics: { items: "5" }, progress: { value: 0.5, message: "half" } });
    store.save("a", bytes("{}"), meta(6));
    expect(store.job("a")).toMatchObject({ metrics: { items: "6" }, progress: null });
  });

  it("when writing the counters fails, the checkpoint written just before it in the same save is rolled back", () => {
    const path = freshPath();
    const store = openStore(path);
    store.recordJob(snapshot("a"));
    store.save("a", bytes("first"), meta(1));
    // Another connection makes every update of the job row fail. The checkpoint row is written first, so only a
    // shared transaction can take it back.
    openRaw(path).exec("CREATE TRIGGER refuse BEFORE UPDATE ON jobs BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expectStoreError("JP_STORE_IO", path, () => store.save("a", bytes("second"), meta(2)));
    expect(text(store.load("a"))).toBe("first");
    expect(store.job("a")).toMatchObject({ metrics: { items: "1" }, checkpoint: { sequence: 1 } });
  });

  it("a stateless checkpoint (clear) deletes the checkpoint and writes its counters in one transaction", () => {
    const path = freshPath();
    const store = openStore(path);
    store.recordJob(snapshot("a"));
    store.save("a", bytes("s1"), meta(10));
    store.clear("a", meta(15, { value: 0.5, message: "half" }));
    expect(store.load("a")).toBeNull();
    expect(store.job("a")).toMatchObject({ metrics: { items: "15" }, progress: { value: 0.5, message: "half" }, checkpoint: null });
    // When the counters cannot be written, the checkpoint deleted just before them comes back.
    store.save("a", bytes("s2"), meta(20));
    openRaw(path).exec("CREATE TRIGGER refuse BEFORE UPDATE ON jobs BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expectStoreError("JP_STORE_IO", path, () => store.clear("a", meta(25)));
    expect(text(store.load("a"))).toBe("s2");
    expect(store.job("a")).toMatchObject({ metrics: { items: "20" }, checkpoint: { sequence: 1 } });
  });
});

describe("SqliteStateStore: the job table (recordJob)", () => {
  it("lists jobs in the order they were first recorded; later updates change the row in place", () => {
    const store = openStore();
    store.recordJob(snapshot("z-root", { type: "parent" }));
    store.recordJob(snapshot("a-child", { type: "child", parentId: "z-root", depth: 1 }));
    store.recordJob(snapshot("m-other"));
    // an update of the first job must not move it to the end (ids are deliberately not in creation order)
    store.recordJob(snapshot("z-root", { type: "parent", status: "Running", runs: 1 }));
    expect(store.jobs().map((job) => [job.id, job.type, job.parentId, job.depth])).toEqual([
      ["z-root", "parent", null, 0],
      ["a-child", "child", "z-root", 1],
      ["m-other", "counter", null, 0],
    ]);
  });

  it("each status change updates status, runs, exit codes, counters, progress and error", () => {
    const store = openStore();
    store.recordJob(snapshot("a"));
    expect(store.job("a")).toMatchObject({ status: "Queued", runs: 0, exitCodes: [], error: null });
    store.recordJob(snapshot("a", { status: "Running", runs: 1 }));
    expect(store.job("a")).toMatchObject({ status: "Running", runs: 1 });
    store.recordJob(snapshot("a", { status: "Paused", runs: 1, exitCodes: [1], metrics: { ...ZERO, items: "12" }, progress: { value: 0.5, message: "m" } }));
    expect(store.job("a")).toMatchObject({ status: "Paused", exitCodes: [1], metrics: { items: "12" }, progress: { value: 0.5, message: "m" } });
    store.recordJob(snapshot("a", { status: "Failed", runs: 2, exitCodes: [1, 2], error: "the job returned Failed" }));
    expect(store.job("a")).toMatchObject({ status: "Failed", runs: 2, exitCodes: [1, 2], error: "the job returned Failed" });
    expect(store.job("a")!.owner).toBe(THIS_PROCESS);
    expect(store.job("missing")).toBeNull();
  });

  it("stamps store.origin on the row when it is inserted, and keeps it on later updates", () => {
    const store = openStore();
    const first: JobOrigin = { kind: "wasm", path: "/abs/counter.wat", sha256: "ab".repeat(32), extensionId: "ext", networking: ["alpha", "beta"] };
    const second: JobOrigin = { kind: "native", path: "/abs/other.ts", sha256: "cd".repeat(32), extensionId: "ext", networking: null };
    store.recordJob(snapshot("no-origin")); // before any origin was set
    store.origin = first;
    store.recordJob(snapshot("a"));
    store.origin = second;
    store.recordJob(snapshot("a", { status: "Running" })); // an update: the job still comes from the first file
    store.recordJob(snapshot("b"));
    expect(store.job("no-origin")!.origin).toBeNull();
    expect(store.job("a")!.origin).toEqual(first);
    expect(store.job("b")!.origin).toEqual(second);
  });

  it("keeps the initial state byte for byte: null, empty and binary stay distinct", () => {
    const path = freshPath();
    const store = openStore(path);
    const binary = Uint8Array.from([0, 255, 10, 0]);
    store.recordJob(snapshot("none"));
    store.recordJob(snapshot("empty", { initialState: new Uint8Array(0) }));
    store.recordJob(snapshot("binary", { initialState: binary }));
    store.close();
    const reopened = openStore(path);
    expect(reopened.job("none")!.initialState).toBeNull();
    expect(reopened.job("empty")!.initialState).toEqual(new Uint8Array(0));
    expect(reopened.job("binary")!.initialState).toEqual(binary);
  });
});

describe("SqliteStateStore: durability settings", () => {
  it("puts the file in WAL mode and marks it as a job-parity database", () => {
    const path = freshPath();
    openStore(path).close();
    const raw = openRaw(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal"); // persistent: every later connection sees it
    expect(raw.pragma("application_id", { simple: true })).toBe(0x4a504442); // "JPDB"
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
  });

  it("fsyncs every commit by default (synchronous FULL) and only with durability normal relaxes to NORMAL", () => {
    const path = freshPath();
    expect(openStore(path).synchronous).toBe(2);
    expect(openStore(path, { durability: "full" }).synchronous).toBe(2);
    expect(openStore(path, { durability: "normal" }).synchronous).toBe(1);
  });

  it("a setup cut short (the disk filled up while creating the tables) leaves a file the next open sets up", () => {
    const path = freshPath();
    expectStoreError("JP_STORE_FULL", path, () => openStore(path, { maxPageCount: 4 })); // room for some tables, not all
    const store = openStore(path); // not JP_STORE_NOT_OURS: a half-made schema must not outlive the failed setup
    store.recordJob(snapshot("a"));
    store.save("a", bytes("works"));
    expect(text(store.load("a"))).toBe("works");
  });

  it("opening a file that is already set up, with nothing to recover, does not write to it", () => {
    // so that listing jobs never waits for (or contends with) a process that is checkpointing
    const path = freshPath();
    const store = openStore(path);
    store.recordJob(snapshot("a", { status: "Paused" }));
    store.close();
    const before = fingerprint(path);
    openStore(path).close();
    expect(fingerprint(path)).toEqual(before);
  });
});

describe("SqliteStateStore: startup recovery", () => {
  /** A file with one Running job that has a checkpoint, written by `owner`; returns its path. */
  function runningJob(owner: string): string {
    const path = freshPath();
    const store = openStore(path);
    store.recordJob(snapshot("a", { status: "Running", runs: 1 }));
    store.save("a", bytes('{"current":7}'), meta(7));
    store.close();
    setOwner(path, "a", owner);
    return path;
  }

  it("a Running job whose owner process has exited becomes Paused with its checkpoint and counters intact", () => {
    const path = runningJob(`${hostname()}:${deadPid()}`);
    const store = openStore(path);
    expect(store.recovered).toEqual(["a"]);
    expect(store.job("a")).toMatchObject({ status: "Paused", runs: 1, metrics: { items: "7" }, checkpoint: { sequence: 1 } });
    expect(text(store.load("a"))).toBe('{"current":7}');
    expect(openStore(path).recovered).toEqual([]); // recovered once: the next open finds nothing Running
  });

  it("a job that crashed after a status change later than its checkpoint goes back to the checkpoint's counters", () => {
    // Checkpointed at 7 items, then paused by itself at 9 (the row holds 9) and resumed (Running, still 9): a crash
    // before its next checkpoint resumes it from the checkpoint, with the checkpoint's counters.
    const path = freshPath();
    const store = openStore(path);
    store.recordJob(snapshot("a", { status: "Running", runs: 1 }));
    store.save("a", bytes('{"current":7}'), meta(7));
    const nine = { ...ZERO, items: "9" };
    store.recordJob(snapshot("a", { status: "Paused", runs: 1, metrics: nine }));
    store.recordJob(snapshot("a", { status: "Running", runs: 2, metrics: nine }));
    store.close();
    setOwner(path, "a", `${hostname()}:${deadPid()}`);
    const reopened = openStore(path);
    expect(reopened.recovered).toEqual(["a"]);
    expect(reopened.job("a")).toMatchObject({ status: "Paused", metrics: { items: "7" }, checkpointMetrics: { items: "7" } });
  });

  it("a crashed job whose checkpoint counters are not JSON (a file changed outside job-parity) does not stop the open: it is recovered, and reading it says the row is corrupt", () => {
    const path = runningJob(`${hostname()}:${deadPid()}`);
    const raw = new Database(path);
    raw.prepare("UPDATE jobs SET checkpoint_counters = ? WHERE id = ?").run("{not json", "a");
    raw.close();
    const store = openStore(path);
    expect(store.recovered).toEqual(["a"]);
    expect(() => store.jobs()).toThrow(/checkpoint_counters/);
  });

  it("a Running job of a process that is still alive is left Running", () => {
    const sleeper: ChildProcess = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    try {
      const path = runningJob(`${hostname()}:${sleeper.pid}`);
      const store = openStore(path);
      expect(store.recovered).toEqual([]);
      expect(store.job("a")!.status).toBe("Running");
    } finally {
      sleeper.kill();
    }
  });

  it("a Running job of this very process (another store on the same file) is left Running", () => {
    const path = freshPath();
    const first = openStore(path);
    first.recordJob(snapshot("a", { status: "Running" }));
    const second = openStore(path);
    expect(second.recovered).toEqual([]);
    expect(second.job("a")!.status).toBe("Running");
    expect(second.job("a")!.owner).toBe(THIS_PROCESS);
  });

  it("names this process by host, pid and a token; a row with this pid and another token is an earlier process's: recovered", () => {
    expect(THIS_PROCESS).toMatch(new RegExp(`^${hostname()}:${process.pid}:[^:]+$`));
    // What a process killed before this one got its pid left behind (a container's pid 1 after a restart).
    expect(openStore(runningJob(`${hostname()}:${process.pid}:another-process`)).recovered).toEqual(["a"]);
    expect(openStore(runningJob(THIS_PROCESS)).recovered).toEqual([]);
  });

  it("a live pid whose process started after the row was written (the pid was reused) is recovered, where /proc says so", () => {
    const sleeper: ChildProcess = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    try {
      if (!existsSync(`/proc/${sleeper.pid}/stat`)) return; // no /proc here: a live pid is alive
      expect(openStore(runningJob(`${hostname()}:${sleeper.pid}:00000000-1`)).recovered).toEqual(["a"]);
    } finally {
      sleeper.kill();
    }
  });

  it("a Running job written on another machine is treated as orphaned (its pid means nothing here)", () => {
    const path = runningJob(`not-${hostname()}:${process.pid}`); // a pid that is alive here, on the wrong host
    expect(openStore(path).recovered).toEqual(["a"]);
  });

  it("an owner that is not host:pid of a real process is treated as dead", () => {
    // pid 0 would make process.kill signal this process group and so always look alive
    for (const owner of [`${hostname()}:0`, `${hostname()}:-1`, `${hostname()}:abc`, hostname()]) {
      expect(openStore(runningJob(owner)).recovered, owner).toEqual(["a"]);
    }
  });

  it("only Running rows are recovered: Queued, Paused and finished jobs of a dead owner keep their status", () => {
    const path = freshPath();
    const store = openStore(path);
    const statuses = ["Queued", "Paused", "Completed", "Failed", "Cancelled"] as const;
    for (const status of statuses) store.recordJob(snapshot(status, { status }));
    store.close();
    const dead = `${hostname()}:${deadPid()}`;
    for (const status of statuses) setOwner(path, status, dead);
    const reopened = openStore(path);
    expect(reopened.recovered).toEqual([]);
    expect(reopened.jobs().map((job) => job.status)).toEqual([...statuses]);
  });
});

describe("SqliteStateStore: claiming a job to resume it", () => {
  it("claim turns a Paused job Running for this process once: a second connection's claim changes nothing", () => {
    const path = freshPath();
    const first = openStore(path);
    first.recordJob(snapshot("a", { status: "Paused", runs: 1, metrics: { ...ZERO, items: "7" } }));
    const second = openStore(path);
    expect(first.claim("a")).toBe(true);
    expect(second.claim("a")).toBe(false);
    expect(second.claim("missing")).toBe(false);
    expect(second.job("a")).toMatchObject({ status: "Running", owner: THIS_PROCESS, metrics: { items: "7" } });
  });

  it("the host's record of a claimed job as it was stored keeps the row Running; its run's statuses are written", () => {
    const store = openStore();
    store.recordJob(snapshot("a", { status: "Paused", runs: 1 }));
    store.claim("a");
    store.recordJob(snapshot("a", { status: "Paused", runs: 1 })); // restoreJob, before the run
    expect(store.job("a")!.status).toBe("Running");
    store.recordJob(snapshot("a", { status: "Running", runs: 2 }));
    store.recordJob(snapshot("a", { status: "Paused", runs: 2 })); // the run paused it: a status of its own
    expect(store.job("a")).toMatchObject({ status: "Paused", runs: 2 });
  });

  it("release gives back the jobs claimed and never run, each with the status it had", () => {
    const store = openStore();
    store.recordJob(snapshot("paused", { status: "Paused", runs: 1 }));
    store.recordJob(snapshot("queued", { status: "Queued" }));
    expect(store.claim("paused") && store.claim("queued")).toBe(true);
    store.release();
    expect(store.jobs().map((job) => job.status)).toEqual(["Paused", "Queued"]);
  });
});

describe("SqliteStateStore: files it must not use and failures it must report", () => {
  it("a file of random bytes is JP_STORE_CORRUPT and is left unchanged", () => {
    const path = freshPath();
    writeFileSync(path, randomBytes(8192));
    const before = fingerprint(path);
    const error = expectStoreError("JP_STORE_CORRUPT", path, () => openStore(path));
    expect(error.message).toMatch(/not a readable SQLite database.*move it aside or pass another --db/);
    expect(fingerprint(path)).toEqual(before);
  });

  it("a text file is JP_STORE_CORRUPT and is left unchanged", () => {
    const path = freshPath();
    writeFileSync(path, "these are my notes, not a database\n".repeat(40));
    const before = fingerprint(path);
    expectStoreError("JP_STORE_CORRUPT", path, () => openStore(path));
    expect(fingerprint(path)).toEqual(before);
  });

  it("someone else's SQLite database is JP_STORE_NOT_OURS and is left unchanged", () => {
    const path = freshPath();
    const other = new Database(path);
    other.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat.jpg')");
    other.close();
    const before = fingerprint(path);
    const error = expectStoreError("JP_STORE_NOT_OURS", path, () => openStore(path));
    expect(error.message).toMatch(/not a job-parity job database.*pass another --db/);
    expect(fingerprint(path)).toEqual(before);
  });

  it("a job database from a newer schema is JP_STORE_SCHEMA and is left unchanged", () => {
    const path = freshPath();
    openStore(path).close();
    const newer = new Database(path);
    newer.pragma("user_version = 99");
    newer.close();
    const before = fingerprint(path);
    const error = expectStoreError("JP_STORE_SCHEMA", path, () => openStore(path));
    expect(error.message).toMatch(new RegExp(`schema version 99, newer than this job-parity understands \\(${SCHEMA_VERSION}\\).*use the job-parity that wrote it`));
    expect(fingerprint(path)).toEqual(before);
  });

  it("a transaction a stopped call left open (V8 ends a native job inside a save) is rolled back before the next write, which is kept", () => {
    const path = freshPath();
    const store = openStore(path);
    store.save("a", bytes("acknowledged"), meta(1));
    // As V8 leaves it when it terminates a run between BEGIN and COMMIT: a write of a save that was never acknowledged.
    const db = (store as unknown as { db: Database.Database }).db;
    db.exec("BEGIN IMMEDIATE");
    db.prepare("UPDATE job_checkpoints SET state = ? WHERE job_id = ?").run(Buffer.from("never acknowledged"), "a");
    store.save("b", bytes("next"), meta(2));
    store.close();
    const reopened = openStore(path);
    expect([text(reopened.load("a")), text(reopened.load("b"))]).toEqual(["acknowledged", "next"]);
  });

  it("a job database of schema 1 (no counts towards the per-job limits) is taken to this schema: its jobs keep everything else, with counts of 0", () => {
    const path = freshPath();
    const store = openStore(path);
    store.recordJob(snapshot("kept", { status: "Paused", runs: 1, exitCodes: [1], metrics: { ...ZERO, items: "7" } }));
    store.close();
    // Schema 1 is this schema without the four count columns and the checkpoint counters.
    const older = new Database(path);
    for (const column of ["log_lines", "dropped_log_lines", "dropped_warnings", "children_spawned", "checkpoint_counters"]) older.exec(`ALTER TABLE jobs DROP COLUMN ${column}`);
    older.pragma("user_version = 1");
    older.close();
    // Read-only (jobs, on a file it cannot write), it is listed as it is, with counts of 0, and left at schema 1.
    const listed = openStore(path, { readonly: true });
    expect(listed.jobs().map((job) => [job.id, job.status, job.metrics.items, job.counts])).toEqual([["kept", "Paused", "7", NO_COUNTS]]);
    listed.close();
    const migrated = openStore(path);
    expect(migrated.jobs().map((job) => [job.id, job.status, job.runs, job.metrics.items, job.counts])).toEqual([["kept", "Paused", 1, "7", NO_COUNTS]]);
    const counts = { logLines: 3, droppedLogLines: 1, droppedWarnings: 2, childrenSpawned: 4 };
    migrated.recordJob(snapshot("kept", { status: "Paused", runs: 1, exitCodes: [1], counts }));
    expect(migrated.jobs()[0]!.counts).toEqual(counts);
    migrated.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it("a folder that does not exist is JP_STORE_IO naming the path", () => {
    const path = join(dir, "no-such-folder", "jobs.sqlite");
    expectStoreError("JP_STORE_IO", path, () => openStore(path));
    expect(existsSync(join(dir, "no-such-folder"))).toBe(false);
  });

  it("a save while another connection holds the write lock waits lockWaitMs, then is JP_STORE_LOCKED and keeps the checkpoint", () => {
    const path = freshPath();
    // A wait of 10 attempts' busy timeouts: a process starved for a while still gets more than one attempt in.
    const store = openStore(path, { busyTimeoutMs: 20, lockWaitMs: 200 });
    store.recordJob(snapshot("a"));
    store.save("a", bytes("before"), meta(1));
    const other = openRaw(path);
    other.exec("BEGIN IMMEDIATE");
    const started = performance.now();
    const error = expectStoreError("JP_STORE_LOCKED", path, () => store.save("a", bytes("during"), meta(2)));
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190); // it waited for the lock (timer granularity aside)...
    expect(waited).toBeLessThan(1500); // ...but not for the default 2000 ms
    const attempts = Number(/\((\d+) attempts?; the limit is 200 ms\)/.exec(error.message)?.[1]);
    expect(error.message).toMatch(/stayed locked by other connections for \d+ ms \(\d+ attempts?; the limit is 200 ms\).*Nothing was written/);
    expect(store.busy.retries).toBe(attempts - 1); // each attempt after the first is a retry...
    expect(attempts).toBeGreaterThan(1); // ...and it tried again while it waited
    other.exec("ROLLBACK");
    expect(text(store.load("a"))).toBe("before");
    expect(store.job("a")).toMatchObject({ metrics: { items: "1" }, checkpoint: { sequence: 1 } });
    store.save("a", bytes("after"), meta(3)); // the store is usable again once the lock is gone
    expect(text(store.load("a"))).toBe("after");
    expect(store.job("a")!.checkpoint!.sequence).toBe(2);
  });

  it("a lock wait shorter than the busy timeout bounds each attempt too: JP_STORE_LOCKED after lockWaitMs, not 2000 ms", () => {
    const path = freshPath();
    const store = openStore(path, { lockWaitMs: 300 }); // the default busy timeout, 2000 ms
    store.recordJob(snapshot("a"));
    openRaw(path).exec("BEGIN IMMEDIATE");
    const started = performance.now();
    expectStoreError("JP_STORE_LOCKED", path, () => store.save("a", bytes("during"), meta(1)));
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("SQLITE_READONLY (a file or folder this user may not write) says so, names the -wal and -shm files and what to do", () => {
    for (const code of ["SQLITE_READONLY", "SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_CANTINIT"]) {
      const error = storeError("/data/jobs.db", "saving a checkpoint of job a", Object.assign(new Error("attempt to write a readonly database"), { code }));
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe("JP_STORE_IO");
      expect((error as StoreError).message).toMatch(
        /^\/data\/jobs\.db: saving a checkpoint of job a: the database or its folder is not writable by this user \(SQLite writes jobs\.db-wal and jobs\.db-shm beside the file\).*Give this user write access/,
      );
      expect((error as StoreError).message).toContain(`(${code})`);
    }
  });

  it("a save past the size cap is JP_STORE_FULL and keeps the previous checkpoint and its counters", () => {
    const store = openStore(freshPath(), { maxPageCount: 16 }); // 16 pages of 4 KiB: the schema and a small state fit
    store.recordJob(snapshot("a"));
    store.save("a", bytes("small"), meta(1, { value: 0.25, message: "small" }));
    const error = expectStoreError("JP_STORE_FULL", store.path, () => store.save("a", new Uint8Array(256 * 1024), meta(2, { value: 0.5, message: "big" })));
    expect(error.message).toMatch(/full.*rolled back.*the last checkpoint\) is kept/);
    expect(text(store.load("a"))).toBe("small");
    expect(store.job("a")).toMatchObject({ metrics: { items: "1" }, progress: { value: 0.25, message: "small" }, checkpoint: { sequence: 1, bytes: 5 } });
    store.save("a", bytes("smaller again"), meta(3)); // the failed save left no half transaction behind
    expect(text(store.load("a"))).toBe("smaller again");
  });

  it("onCheckpoint hears 'writing' before each transaction and 'saved' (with the stored sha256) only after a commit", () => {
    const events: CheckpointWrite[] = [];
    const store = openStore(freshPath(), { maxPageCount: 16, onCheckpoint: (event) => events.push(event) });
    store.recordJob(snapshot("a"));
    store.save("a", bytes("small"), meta(1));
    expectStoreError("JP_STORE_FULL", store.path, () => store.save("a", new Uint8Array(256 * 1024), meta(2)));
    const stored = openRaw(store.path).prepare("SELECT sha256 FROM job_checkpoints WHERE job_id = 'a'").get() as { sha256: string };
    expect(events).toEqual([
      { phase: "writing", jobId: "a", bytes: 5 },
      { phase: "saved", jobId: "a", sha256: createHash("sha256").update("small").digest("hex") },
      { phase: "writing", jobId: "a", bytes: 256 * 1024 }, // the failed save: never "saved"
    ]);
    expect(stored.sha256).toBe((events[1] as { sha256: string }).sha256);
  });

  it("a checkpoint changed behind the store's back (state without its sha256) is JP_STORE_TORN and left as it is", () => {
    const path = freshPath();
    const store = openStore(path);
    store.save("a", bytes('{"current":10}'));
    const raw = openRaw(path);
    raw.prepare("UPDATE job_checkpoints SET state = ? WHERE job_id = 'a'").run(Buffer.from('{"current":99}'));
    const row = () => raw.prepare("SELECT state, sha256, sequence FROM job_checkpoints WHERE job_id = 'a'").get();
    const tampered = row();
    const error = expectStoreError("JP_STORE_TORN", path, () => store.load("a"));
    expect(error.message).toMatch(/checkpoint of job a does not match its sha256.*left as it is/);
    expect(row()).toEqual(tampered);
  });
});

describe("SqliteStateStore under the reference host", () => {
  const counter = readFixture(join(FIXTURES_DIR, "lifecycle", "counter.json"));
  let counterGuest: GuestModule;
  beforeAll(async () => {
    counterGuest = await loadGuest(counter.guestPath);
  });

  /**
   * Runs the counter guest on a host whose store is a fresh database; returns the store and the root job's id. The
   * seed is random so that nothing here can lean on the ids a fixed seed hands out.
   */
  function runCounter(scenario: Scenario) {
    const store = openStore();
    const result = runScenario({ kind: "wasm", guest: counterGuest }, scenario, { store, seed: randomUUID() });
    return { store, id: result.jobs[0]!.id };
  }

  it("counter, paused at the 13th check and resumed: the row ends Completed with 25 items, 2 runs and no checkpoint", () => {
    const { store, id } = runCounter(counter.sidecar.scenario);
    expect(store.jobs().map((job) => job.id)).toEqual([id]);
    expect(store.job(id)).toMatchObject({ type: "counter", status: "Completed", runs: 2, exitCodes: [1, 0], metrics: { items: "25" }, progress: { value: 1, message: "Counted 25/25" }, checkpoint: null });
    expect(store.load(id)).toBeNull();
  });

  it("counter, paused and not resumed: the row stays Paused with the checkpoint the pause wrote", () => {
    const { store, id } = runCounter({ ...counter.sidecar.scenario, resume: false });
    // three checkpoints in the run: at 10, and twice at 12 when the pause is seen
    expect(store.job(id)).toMatchObject({ status: "Paused", runs: 1, exitCodes: [1], metrics: { items: "12" }, checkpoint: { sequence: 3 } });
    expect(text(store.load(id))).toBe('{"current":12,"target":25}');
  });

  it("a checkpoint past the size cap answers STORE_ERROR to the job, which keeps its last good checkpoint", () => {
    const answers: number[] = [];
    // Checkpoints that grow until the store is full; the job stops at the first refusal and asks to be resumed.
    const growing: NativeExtensionDefinition = {
      jobs: {
        execute_job(ctx) {
          for (const size of [100, 1000, 256 * 1024]) {
            ctx.incrementItems(1);
            const answer = ctx.checkpoint("x".repeat(size));
            answers.push(answer);
            if (answer !== STATUS.OK) return 1;
          }
          return 0;
        },
      },
    };
    const store = openStore(freshPath(), { maxPageCount: 16 });
    const result = runScenario({ kind: "native", definition: growing }, { job: "execute_job" }, { store, seed: randomUUID() });
    const job = result.jobs[0]!;
    expect(answers).toEqual([STATUS.OK, STATUS.OK, STATUS.STORE_ERROR]);
    // one refusal, on the job's trace, telling whoever reads it which file is full
    expect(job.trace.filter((event) => event.kind === "abi_violation")).toEqual([
      expect.objectContaining({ import: "job_checkpoint", code: "STORE_ERROR", detail: expect.stringMatching(/^the state store failed: .*full/) }),
    ]);
    expect(job.trace.find((event) => event.kind === "abi_violation")).toMatchObject({ detail: expect.stringContaining(store.path) });
    expect(job.status).toBe("Paused");
    expect(store.load(job.id)!.byteLength).toBe(1000);
    expect(store.job(job.id)).toMatchObject({ status: "Paused", checkpoint: { sequence: 2, bytes: 1000 } });
  });
});
