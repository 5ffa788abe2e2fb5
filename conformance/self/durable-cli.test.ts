import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { jobsCommand } from "../../harness/cli/jobs.ts";
import { execDurable, resumeDurable } from "../../harness/durable/session.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";
import { runCli, runCliAsync } from "../support/cli.ts";
import { storedJobs } from "../support/job-db.ts";
import { ProcessGroup, type KillableRun } from "../support/killable.ts";

// exec --db, jobs and resume as users run them: each step a new process, so what carries a job from one to the next
// is the database alone. Each process costs a few tenths of a second of CPU, so the flows share processes where they
// can and the refusals beyond one are checked in this process, on the session functions the CLI's worker calls.

const dir = mkdtempSync(join(tmpdir(), "job-parity-durable-cli-"));
const processes = new ProcessGroup();
afterAll(() => {
  processes.killAll();
  rmSync(dir, { recursive: true, force: true });
});

interface RunJson {
  id: string;
  outcome: string;
  runs: number;
  exitCodes: number[];
  metrics: { items: string };
  savedState: string | null;
  trace: { kind: string; status?: string; state?: string | null }[];
}


/**
 * A native job that checkpoints as it starts (so a reader knows it runs), then counts forever in small steps,
 * checking for interrupts, and checkpoints when asked to stop.
 */
const ENDLESS = `export default {
  init: (api) => api.registerJob("endless", "run_endless", true),
  jobs: {
    run_endless(ctx, state) {
      let n = state.length > 0 ? JSON.parse(new TextDecoder().decode(state)).n : 0;
      ctx.checkpoint(JSON.stringify({ n }));
      for (;;) {
        if (ctx.checkInterrupt() !== 0) { ctx.checkpoint(JSON.stringify({ n })); return 1; }
        n++;
        ctx.incrementItems(1);
      }
    },
  },
};
`;

/**
 * A parent that spawns one child on its first run, and a child that counts to 5, one item per step, checkpointing
 * {"n":…} each step and pausing when asked.
 */
const FAMILY = `export default {
  init: (api) => { api.registerJob("parent", "run_parent", true); api.registerJob("child", "run_child", true); return 0; },
  jobs: {
    run_parent(ctx, state) {
      if (state.length === 0) { ctx.spawnChild("child"); ctx.checkpoint("spawned"); }
      if (ctx.checkInterrupt() !== 0) return 1;
      ctx.incrementItems(1);
      return 0;
    },
    run_child(ctx, state) {
      let n = state.length > 0 ? JSON.parse(new TextDecoder().decode(state)).n : 0;
      while (n < 5) {
        if (ctx.checkInterrupt() !== 0) return 1;
        n++;
        ctx.incrementItems(1);
        ctx.checkpoint(JSON.stringify({ n }));
      }
      return 0;
    },
  },
};
`;

/**
 * A native job that counts to 10, one item and one checkpoint a step, pausing when asked; after the first three steps
 * each step takes 300 ms (asleep, not spinning), so a resumed run lasts about two seconds.
 */
const SLOW = `export default {
  init: (api) => api.registerJob("slow", "run_slow", true),
  jobs: {
    run_slow(ctx, state) {
      let n = state.length > 0 ? Number(new TextDecoder().decode(state)) : 0;
      const nap = new Int32Array(new SharedArrayBuffer(4));
      while (n < 10) {
        if (ctx.checkInterrupt() !== 0) return 1;
        n++;
        ctx.incrementItems(1);
        ctx.checkpoint(String(n));
        if (n > 3) Atomics.wait(nap, 0, 0, 300);
      }
      return 0;
    },
  },
};
`;

const PAUSED_STATE = '{"current":12,"target":25}';

describe.each([
  { kind: "WASM", source: "sdk-guest/counter.wasm" },
  { kind: "native", source: "wat-fixtures/lifecycle/counter.native.ts" },
])("a $kind job paused in one process, resumed in another", ({ kind, source }) => {
  const db = join(dir, `${kind}.db`);
  let id = "";

  it("exec --db --pause-at-check 13: the job ends Paused with its checkpoint in the database", () => {
    const run = runCli(["exec", source, "--job", "counter", "--db", db, "--pause-at-check", "13", "--json"]);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    id = json.id;
    expect(json).toMatchObject({ outcome: "Paused", runs: 1, exitCodes: [1], savedState: PAUSED_STATE });
    expect(run.stderr).toContain(`job-parity: job ${id} stored in ${db}`);
    expect(run.stderr).toContain(`resume with: job-parity resume ${id} --db ${db}`);
    const [row] = storedJobs(db);
    expect(row).toMatchObject({ id, status: "Paused", runs: 1, exitCodes: [1], metrics: { items: "12" }, checkpoint: { bytes: PAUSED_STATE.length } });
    expect(row!.origin).toMatchObject({ kind: kind === "WASM" ? "wasm" : "native", path: join(PROJECT_ROOT, source) });
  });

  it("resume <id> --db: a new process continues from the checkpoint to the end; the row is Completed", () => {
    const run = runCli(["resume", id, "--db", db, "--json"]);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json).toMatchObject({ id, outcome: "Completed", runs: 2, exitCodes: [1, 0], metrics: { items: "25" }, savedState: null });
    // The restored job starts Paused, runs again, and its first progress report continues at 13 of 25.
    expect(json.trace.slice(0, 2).map((e) => e.status)).toEqual(["Paused", "Running"]);
    expect(JSON.stringify(json.trace)).toContain("Counted 13/25");
    expect(JSON.stringify(json.trace)).not.toContain("Counted 12/25");
    expect(storedJobs(db)).toMatchObject([{ id, status: "Completed", runs: 2, metrics: { items: "25" }, checkpoint: null }]);
  });
});

describe("job-parity jobs and resume: listings and refusals", () => {
  const db = join(dir, "WASM.db");

  it("jobs --db prints a table with the job's status, runs, progress and items", () => {
    const run = runCli(["jobs", "--db", db]);
    expect(run.status, run.stderr).toBe(0);
    const [header, line] = run.stdout.trim().split("\n");
    expect(header).toMatch(/^id\s+type\s+status\s+runs\s+progress\s+items\s+bytes/);
    expect(line).toMatch(/^[0-9a-f-]{36}\s+counter\s+Completed\s+2\s+100\.0%\s+25\s+0\s/);
  });

  it("resume of a finished job: exit 2 saying why (a real process: the refusal's exit code and stderr)", () => {
    const [done] = storedJobs(db);
    const finished = runCli(["resume", done!.id, "--db", db]);
    expect(finished.status).toBe(2);
    expect(finished.stderr).toContain(`job-parity resume: job ${done!.id} is Completed: there is nothing to resume`);
  });

  // The remaining refusals in this process: the session functions the worker calls, each with its stable code.
  const noSignal = new Int32Array(new SharedArrayBuffer(4));
  const notes: string[] = [];
  const note = (line: string) => void notes.push(line);
  const refusal = async (run: Promise<unknown>): Promise<{ code: string; message: string }> => {
    const error = (await run.then(() => null, (e: unknown) => e)) as { code: string; message: string } | null;
    if (error === null) expect.fail("expected a refusal");
    return error;
  };

  it("resume of an unknown id, or from an extension file that changed since the job started: refused, the job kept", async () => {
    const unknown = await refusal(resumeDurable({ db, jobId: "00000000-0000-4000-8000-000000000000" }, note, noSignal));
    expect(unknown).toMatchObject({ code: "JP_NO_SUCH_JOB" });
    expect(unknown.message).toContain(`job-parity jobs --db ${db}`);

    const extension = join(dir, "endless-copy.mjs");
    writeFileSync(extension, ENDLESS);
    const changedDb = join(dir, "changed.db");
    const paused = await execDurable({ db: changedDb, source: extension, job: "endless", interrupts: [{ action: "pause", atCheck: 3 }] }, note, noSignal);
    const pausedId = paused.result.jobs[0]!.id;
    expect(paused.result.jobs[0]!.status).toBe("Paused");
    writeFileSync(extension, `${ENDLESS}// edited after the job started\n`);
    // Outside the directory the job was started from, the extension is loaded only when named again (--extension).
    const unconfirmed = await refusal(resumeDurable({ db: changedDb, jobId: pausedId }, note, noSignal));
    expect(unconfirmed.code).toBe("JP_EXTENSION_REFUSED");
    const changed = await refusal(resumeDurable({ db: changedDb, jobId: pausedId, extension }, note, noSignal));
    expect(changed.code).toBe("JP_SOURCE_CHANGED");
    expect(changed.message).toMatch(/endless-copy\.mjs changed since job .* started \(sha256/);
    expect(storedJobs(changedDb)).toMatchObject([{ id: pausedId, status: "Paused" }]); // still resumable once the file is back
    expect(changed.message).toContain("pass a copy with the sha256 it had as --extension <path>");
    // A copy as it was, named with --extension: the job goes on, and since the stored file is still changed, the
    // command printed to resume it again names the copy.
    const copy = join(dir, "endless-original.mjs");
    writeFileSync(copy, ENDLESS);
    const again = await resumeDurable({ db: changedDb, jobId: pausedId, extension: copy, runTimeoutMs: 200 }, note, noSignal); // endless: its limit pauses it
    expect(again.extension).toBe(copy);
  });

  it("resume restores unfinished children under their parent: a paused child continues from its own checkpoint", async () => {
    // The parent spawns a child and is paused at its first check; the child, run after the parent's run, is paused
    // too (a plan for job 1) after checkpointing {"n":2}. Resumed, both must continue: the child from n = 2.
    const extension = join(dir, "family.mjs");
    writeFileSync(extension, FAMILY);
    const familyDb = join(dir, "family.db");
    const interrupts = [{ action: "pause" as const, atCheck: 1 }, { action: "pause" as const, atCheck: 3, job: 1 }];
    const first = await execDurable({ db: familyDb, source: extension, job: "parent", interrupts }, note, noSignal);
    expect(first.result.jobs.map((job) => [job.type, job.status, job.savedState])).toEqual([
      ["parent", "Paused", "spawned"],
      ["child", "Paused", '{"n":2}'],
    ]);
    const [parentId, childId] = first.result.jobs.map((job) => job.id);
    const resumed = await resumeDurable({ db: familyDb, jobId: parentId!, extension }, note, noSignal);
    expect(resumed.result.jobs.map((job) => [job.id, job.status, job.runs, job.metrics.items])).toEqual([
      [parentId, "Completed", 2, "1"],
      [childId, "Completed", 2, "5"],
    ]);
    // The child's second run started from its checkpoint: its first increment is the third item.
    const childTrace = resumed.result.jobs[1]!.trace;
    expect(childTrace[0]).toMatchObject({ kind: "status", status: "Paused" });
    expect(childTrace.find((e) => e.kind === "metrics")).toMatchObject({ delta: 1n, total: 3n });
    expect(storedJobs(familyDb).map((row) => [row.id, row.status, row.checkpoint])).toEqual([
      [parentId, "Completed", null],
      [childId, "Completed", null],
    ]);
  });

  it("resume in a new process goes on from the job's counts towards the per-job limits, as a resume in the same process does (run.resume)", async () => {
    // Each run logs 6,001 lines and spawns 40 children: of the 10,000 lines and 64 children a job may have, the
    // resumed run gets 3,999 and 24. A store that kept no counts would let it log and spawn all of them again.
    const extension = join(dir, "counts.mjs");
    writeFileSync(
      extension,
      `export default {
        init: (api) => { api.registerJob("counted", "run_counted", true); api.registerJob("leaf", "run_leaf", true); return 0; },
        jobs: {
          run_counted(ctx, state) {
            for (let i = 0; i < 6000; i++) ctx.log("info", "line");
            const spawned = Array.from({ length: 40 }, () => ctx.spawnChild("leaf")).filter((id) => id !== null).length;
            ctx.log("info", "spawned " + spawned);
            if (state.length > 0) return 0;
            ctx.checkpoint("first");
            return 1;
          },
          run_leaf: () => 0,
        },
      };
`,
    );
    const countsDb = join(dir, "counts.db");
    const first = await execDurable({ db: countsDb, source: extension, job: "counted" }, note, noSignal);
    const [parent] = first.result.jobs;
    expect([parent!.status, parent!.droppedLogLines, first.result.jobs.length]).toEqual(["Paused", 0, 41]);
    const resumed = await resumeDurable({ db: countsDb, jobId: parent!.id, extension }, note, noSignal);
    const job = resumed.result.jobs[0]!;
    expect([job.status, job.runs, job.droppedLogLines]).toEqual(["Completed", 2, 2002]);
    const refusals = job.trace.filter((e) => e.kind === "abi_violation" && e.import === "job_spawn_child");
    expect(refusals).toHaveLength(16);
    expect(refusals.every((e) => e.kind === "abi_violation" && e.limit === "maxChildrenPerJob")).toBe(true);
  });

  it("a job that has run maxRunsPerJob times in all stays Paused: a further resume runs it no more", async () => {
    const extension = join(dir, "forever.mjs");
    writeFileSync(
      extension,
      `export default {
        init: (api) => { api.registerJob("forever", "run_forever", true); return 0; },
        jobs: { run_forever(ctx) { ctx.checkpoint("again"); return 1; } },
      };
`,
    );
    const foreverDb = join(dir, "forever.db");
    const first = await execDurable({ db: foreverDb, source: extension, job: "forever" }, note, noSignal);
    const id = first.result.jobs[0]!.id;
    const resumed = await resumeDurable({ db: foreverDb, jobId: id, extension }, note, noSignal);
    expect([resumed.result.jobs[0]!.status, resumed.result.jobs[0]!.runs]).toEqual(["Paused", 32]);
    const again = await resumeDurable({ db: foreverDb, jobId: id, extension }, note, noSignal);
    expect([again.result.jobs[0]!.status, again.result.jobs[0]!.runs]).toEqual(["Paused", 32]);
  });

  it("a job paused by itself, resumed in a new process and stopped by its time limit, goes back to its last checkpoint's counters", async () => {
    // Checkpoints every 10 items; paused at its 13th check (no checkpoint: it keeps 13 items, run.resume). Resumed in
    // a new process from n = 10, it spins at n = 15 until its time limit, before checkpointing again: it goes back
    // to the counters of the checkpoint at 10 (items 10), as it would in one process, not to the 13 it was paused with.
    const extension = join(dir, "steps.mjs");
    writeFileSync(
      extension,
      `export default {
        init: (api) => api.registerJob("steps", "run_steps", true),
        jobs: {
          run_steps(ctx, state) {
            let n = state.length > 0 ? JSON.parse(new TextDecoder().decode(state)).n : 0;
            for (;;) {
              n++;
              ctx.incrementItems(1);
              if (n % 10 === 0) ctx.checkpoint(JSON.stringify({ n }));
              if (ctx.checkInterrupt() !== 0) return 1;
              if (n === 15 && state.length > 0) for (;;) {}
              if (n >= 50) return 0;
            }
          },
        },
      };
`,
    );
    const stepsDb = join(dir, "steps.db");
    const first = await execDurable({ db: stepsDb, source: extension, job: "steps", interrupts: [{ action: "pause", atCheck: 13 }] }, note, noSignal);
    expect([first.result.jobs[0]!.status, first.result.jobs[0]!.metrics.items]).toEqual(["Paused", "13"]);
    const resumed = await resumeDurable({ db: stepsDb, jobId: first.result.jobs[0]!.id, extension, runTimeoutMs: 300 }, note, noSignal);
    expect([resumed.result.jobs[0]!.status, resumed.result.jobs[0]!.metrics.items, resumed.result.jobs[0]!.savedState]).toEqual(["Paused", "10", '{"n":10}']);
  });

  it("resume in a new process takes back the finished children too: a wait answers them, and their unfinished children run", async () => {
    // root spawns a and pauses; a spawns g and completes; g is paused at its first check. Resumed, g (a's child) runs
    // first, as it would have right after a's run, and completes; root's second run waits: it is answered a, Completed.
    const extension = join(dir, "tree.mjs");
    writeFileSync(
      extension,
      `export default {
        init: (api) => { for (const name of ["root", "a", "g"]) api.registerJob(name, "run_" + name, true); return 0; },
        jobs: {
          run_root(ctx, state) {
            if (state.length === 0) { ctx.spawnChild("a"); ctx.checkpoint("spawned"); return 1; }
            ctx.log("info", "waited: " + ctx.waitForChildren().map((child) => child.status).join(","));
            return 0;
          },
          run_a(ctx) { ctx.spawnChild("g"); return 0; },
          run_g(ctx) { ctx.checkpoint("g"); return ctx.checkInterrupt() !== 0 ? 1 : 0; },
        },
      };
`,
    );
    const treeDb = join(dir, "tree.db");
    const first = await execDurable({ db: treeDb, source: extension, job: "root", interrupts: [{ action: "pause", atCheck: 1, job: 2 }] }, note, noSignal);
    expect(first.result.jobs.map((job) => [job.type, job.status])).toEqual([["root", "Paused"], ["a", "Completed"], ["g", "Paused"]]);
    const resumed = await resumeDurable({ db: treeDb, jobId: first.result.jobs[0]!.id, extension }, note, noSignal);
    expect(storedJobs(treeDb).map((row) => [row.type, row.status])).toEqual([["root", "Completed"], ["a", "Completed"], ["g", "Completed"]]);
    const rootTrace = resumed.result.jobs.find((job) => job.type === "root")!.trace;
    expect(rootTrace.filter((e) => e.kind === "log").map((e) => (e as { message: string }).message)).toEqual(["waited: Completed"]);
  });

  it("a file that is not a database: JP_STORE_CORRUPT naming it, and the file is not changed", async () => {
    const bogus = join(dir, "notes.db");
    writeFileSync(bogus, "these are my notes, not a database\n".repeat(200));
    const before = readFileSync(bogus);
    const error = await refusal(execDurable({ db: bogus, source: "wat-fixtures/lifecycle/counter.wat", job: "counter" }, note, noSignal));
    expect(error.code).toBe("JP_STORE_CORRUPT");
    expect(error.message).toContain(`${bogus}: opening: the file is not a readable SQLite database`);
    expect(readFileSync(bogus).equals(before)).toBe(true);
    await expect(jobsCommand(["--db", join(dir, "missing.db")], note)).rejects.toThrow(/no database at/);
  });
});

describe("one paused job, two resumes: one process runs it", () => {
  const extension = join(dir, "slow.mjs"); // outside the directory the job is started from (the project's)
  const db = join(dir, "race.db");
  let hint: string[] = [];

  it("the hint printed after a pause names --extension when resume needs it", () => {
    writeFileSync(extension, SLOW);
    const exec = runCli(["exec", extension, "--job", "slow", "--db", db, "--pause-at-check", "4", "--quiet"]);
    expect(exec.status, exec.stderr).toBe(0);
    const [id] = storedJobs(db).map((job) => job.id);
    const line = exec.stderr.split("\n").find((l) => l.includes("resume with: "));
    expect(line).toBe(`job-parity: 1 job is unfinished; resume with: job-parity resume ${id} --db ${db} --extension ${extension}`);
    hint = line!.slice(line!.indexOf("resume with: job-parity ") + "resume with: job-parity ".length).split(" ");
  });

  it("the hint run as printed, twice at once: one resumes the job to the end, the other exits 2 with JP_JOB_RUNNING", async () => {
    const runs = await Promise.all([runCliAsync([...hint, "--json", "--quiet"]), runCliAsync([...hint, "--json", "--quiet"])]);
    const [winner, loser] = runs[0]!.status === 0 ? runs : [runs[1]!, runs[0]!];
    expect(winner!.status, winner!.stderr).toBe(0);
    expect(JSON.parse(winner!.stdout)).toMatchObject({ outcome: "Completed", runs: 2, metrics: { items: "10" } });
    expect(loser!.status, loser!.stderr).toBe(2);
    // Refused while the other runs it; on a machine so busy that the second process starts after the first has
    // finished (about 2 s), refused as ended: either way it never ran (the claim itself is tested in process below).
    expect(loser!.stderr).toMatch(/job-parity resume: job \S+ (is Running in process \d+ on .*\[JP_JOB_RUNNING\]|is Completed: there is nothing to resume \[JP_NOT_RESUMABLE\])/);
    // The counters of an uninterrupted run: the job ran once after the pause, not twice.
    expect(storedJobs(db)).toMatchObject([{ status: "Completed", runs: 2, exitCodes: [1, 0], metrics: { items: "10" }, checkpoint: null }]);
  });

  it("another process claiming the job after this one took it finds it taken; one that took it first makes this one JP_JOB_RUNNING", async () => {
    const noSignal = new Int32Array(new SharedArrayBuffer(4));
    const source = "wat-fixtures/lifecycle/counter.native.ts";
    const other = `${hostname()}:${process.ppid}`; // a live process, as another resume's claim names it
    const claimByOther = (path: string, id: string) => {
      const raw = new Database(path);
      try {
        return raw.prepare("UPDATE jobs SET status = 'Running', owner = ? WHERE id = ? AND status IN ('Paused', 'Queued')").run(other, id).changes === 1;
      } finally {
        raw.close();
      }
    };
    const pausedCounter = async (path: string) =>
      (await execDurable({ db: path, source, job: "counter", interrupts: [{ action: "pause", atCheck: 13 }] }, () => {}, noSignal)).result.jobs[0]!.id;

    // The other process tries while this one loads the extension, between its check of the job and its run.
    const first = join(dir, "claim-late.db");
    const late = await pausedCounter(first);
    let otherGotIt: boolean | null = null;
    const notes = (line: string) => {
      if (line.includes("loading extension")) otherGotIt = claimByOther(first, late);
    };
    const run = await resumeDurable({ db: first, jobId: late }, notes, noSignal);
    expect(otherGotIt).toBe(false);
    expect(run.result.jobs[0]).toMatchObject({ status: "Completed", runs: 2, metrics: { items: "25" } });
    expect(storedJobs(first)).toMatchObject([{ status: "Completed", metrics: { items: "25" } }]);

    // The other process took it first: this one does not run it, and leaves its row alone.
    const second = join(dir, "claim-early.db");
    const early = await pausedCounter(second);
    expect(claimByOther(second, early)).toBe(true);
    const error = (await resumeDurable({ db: second, jobId: early }, () => {}, noSignal).catch((e: unknown) => e)) as { code: string; message: string };
    expect(error.code).toBe("JP_JOB_RUNNING");
    expect(error.message).toContain(`job ${early} is Running in process ${process.ppid} on ${hostname()}`);
    expect(storedJobs(second)).toMatchObject([{ status: "Running", owner: other, runs: 1, metrics: { items: "12" } }]);
  });
});

/**
 * `exec <module> --job endless --db <db> --json --print-checkpoints` in a process of its own, `started` once its job
 * has saved a checkpoint: signalled before its first run, the job would stay Queued (nothing new starts).
 */
function execRunning(module: string, db: string): { run: KillableRun; started: Promise<void> } {
  let saved!: () => void;
  const checkpointed = new Promise<void>((resolve) => (saved = resolve));
  const run = processes.start(["exec", module, "--job", "endless", "--db", db, "--json", "--print-checkpoints"], (line) => {
    if (line.includes("checkpoint saved")) saved();
  });
  // A process that ends before it saves a checkpoint fails its test on its exit code, with its stderr.
  return { run, started: Promise.race([checkpointed, run.exited.then(() => {})]) };
}

describe("graceful shutdown", () => {
  it("SIGINT pauses the running job at its next interrupt check: it checkpoints, ends Paused, exit 0", async () => {
    const module = join(dir, "endless.mjs");
    writeFileSync(module, ENDLESS);
    const db = join(dir, "signal.db");
    const { run, started } = execRunning(module, db);
    try {
      await started;
      run.signal("SIGINT");
      expect((await run.exited).code, run.stderr).toBe(0);
    } finally {
      run.kill();
    }
    expect(run.stderr).toContain("SIGINT: pausing running jobs at their next interrupt check");
    const json = JSON.parse(run.stdout) as RunJson;
    expect(json).toMatchObject({ outcome: "Paused", runs: 1, exitCodes: [1] });
    const [row] = storedJobs(db);
    // The checkpoint holds the count at the pause, and the row's items agree with it.
    const saved = JSON.parse(json.savedState!) as { n: number };
    expect(row).toMatchObject({ status: "Paused", metrics: { items: String(saved.n) }, checkpoint: { sequence: 2 } });
  });

  it("a child queued by a process that is still running is that process's: resume refuses it (JP_JOB_RUNNING), and it runs once", async () => {
    const noSignal = new Int32Array(new SharedArrayBuffer(4));
    const note = () => {};
    // The parent spawns a child, checkpoints, and counts until SIGINT; its process runs the child after that run.
    const module = join(dir, "busy-parent.mjs");
    writeFileSync(
      module,
      ENDLESS.replace('api.registerJob("endless", "run_endless", true)', '(api.registerJob("endless", "run_endless", true), api.registerJob("kid", "run_kid", true))')
        .replace("let n = state.length", 'if (state.length === 0) ctx.spawnChild("kid");\n      let n = state.length')
        .replace("  },\n};", '    run_kid(ctx) { ctx.log("info", "kid ran"); return 0; },\n  },\n};'),
    );
    const db = join(dir, "busy-parent.db");
    const { run, started } = execRunning(module, db);
    try {
      await started;
      const kid = storedJobs(db).find((row) => row.parentId !== null)!;
      expect(kid.status).toBe("Queued");
      await expect(resumeDurable({ db, jobId: kid.id, extension: module }, note, noSignal)).rejects.toMatchObject({ code: "JP_JOB_RUNNING" });
      run.signal("SIGINT");
      expect((await run.exited).code, run.stderr).toBe(0);
    } finally {
      run.kill();
    }
    expect(storedJobs(db).map((row) => row.status)).toEqual(["Paused", "Queued"]); // SIGINT: nothing new starts
    const resumed = await resumeDurable({ db, jobId: storedJobs(db)[1]!.id, extension: module }, note, noSignal);
    expect(resumed.result.jobs[0]!.trace.filter((e) => e.kind === "log")).toHaveLength(1);
  });
});
