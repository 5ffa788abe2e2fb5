import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jobsCommand } from "../../harness/cli/jobs.ts";
import { execDurable, resumeDurable } from "../../harness/durable/session.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";
import { runCli } from "../support/cli.ts";
import { storedJobs } from "../support/job-db.ts";

// exec --db, jobs and resume as users run them: each step a new process, so what carries a job from one to the next
// is the database alone. Each process costs a few tenths of a second of CPU, so the flows share processes where they
// can and the refusals beyond one are checked in this process, on the session functions the CLI's worker calls.

const dir = mkdtempSync(join(tmpdir(), "job-parity-durable-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

describe("graceful shutdown", () => {
  it("SIGINT pauses the running job at its next interrupt check: it checkpoints, ends Paused, exit 0", async () => {
    const module = join(dir, "endless.mjs");
    writeFileSync(module, ENDLESS);
    const db = join(dir, "signal.db");
    const child = spawn(process.execPath, ["bin/job-parity.mjs", "exec", module, "--job", "endless", "--db", db, "--json", "--print-checkpoints"], { cwd: PROJECT_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const started = new Promise<void>((resolve) =>
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        // Signalled before its first run, the job would stay Queued (nothing new starts): wait until it runs.
        if (stderr.includes("checkpoint saved")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await started;
      child.kill("SIGINT");
      expect(await exited, stderr).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
    expect(stderr).toContain("SIGINT: pausing running jobs at their next interrupt check");
    const json = JSON.parse(stdout) as RunJson;
    expect(json).toMatchObject({ outcome: "Paused", runs: 1, exitCodes: [1] });
    const [row] = storedJobs(db);
    // The checkpoint holds the count at the pause, and the row's items agree with it.
    const saved = JSON.parse(json.savedState!) as { n: number };
    expect(row).toMatchObject({ status: "Paused", metrics: { items: String(saved.n) }, checkpoint: { sequence: 2 } });
  });
});
