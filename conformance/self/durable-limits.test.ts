import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../harness/cli/args.ts";
import { durableOptions } from "../../harness/cli/durable.ts";
import { DURABLE_POLICY_DEFAULTS } from "../../harness/durable/runner.ts";
import { execDurable } from "../../harness/durable/session.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";
import { runCli } from "../support/cli.ts";
import { storedJobs } from "../support/job-db.ts";

// Time limits of the durable commands (exec --db, resume): no wall-clock limit unless --run-timeout sets one, a stall
// limit (--stall-timeout, 10 s by default), and a job a limit stopped kept Paused at its last checkpoint unless
// --on-timeout fail. Each step is a real process, as a user runs it; the limits here are small, to keep it quick.

const dir = mkdtempSync(join(tmpdir(), "job-parity-durable-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RunJson {
  id: string;
  outcome: string;
  runs: number;
  metrics: { items: string };
  savedState: string | null;
  error: string | null;
  trace: { kind: string; status?: string; end?: { cause: string } }[];
}

const parse = (stdout: string) => JSON.parse(stdout) as RunJson;
const lastStatus = (run: RunJson) => run.trace.filter((event) => event.kind === "status").at(-1);

describe("durable commands: time limits that stop runaway guests, not long jobs", () => {
  it("a guest spinning without host calls is stopped by the stall limit: Paused at its checkpoint, and resume takes it", () => {
    const db = join(dir, "spin.db");
    const exec = runCli(["exec", "wat-fixtures/hostile/infinite-loop.wat", "--job", "spin", "--db", db, "--stall-timeout", "50", "--json"]);
    expect(exec.status, exec.stderr).toBe(0);
    const first = parse(exec.stdout);
    expect(first).toMatchObject({ outcome: "Paused", runs: 1, savedState: "before-loop" });
    expect(lastStatus(first)).toEqual({ kind: "status", job: "job:0", status: "Paused", end: { cause: "timeout" } });
    expect(first.error).toMatch(/no host call for 50 ms \(limits\.stallTimeoutMs\)/);
    expect(exec.stderr).toContain(`resume with: job-parity resume ${first.id} --db ${db}`);

    // The resume is accepted; this one is told to fail a job a limit stops.
    const resume = runCli(["resume", first.id, "--db", db, "--stall-timeout", "50", "--on-timeout", "fail", "--json"]);
    expect(resume.status, resume.stderr).toBe(1);
    const second = parse(resume.stdout);
    expect(second).toMatchObject({ id: first.id, outcome: "Failed", runs: 2, savedState: "before-loop" });
    expect(lastStatus(second)).toMatchObject({ status: "Failed", end: { cause: "timeout" } });
  });

  it("a long job: --run-timeout stops it (Paused, with its checkpoint's counters); a stall limit as short lets the resume finish it", () => {
    const db = join(dir, "long.db");
    const state = JSON.stringify({ target: 4000, size: 65536, every: 4 });
    // 1,000 checkpoints of 64 KiB, each hashed and committed: far more than 50 ms on any machine, fsync or not.
    const exec = runCli(["exec", "conformance/crash-guests/checkpointer.wat", "--job", "checkpointer", "--state", state, "--db", db, "--run-timeout", "50", "--json", "--quiet"]);
    expect(exec.status, exec.stderr).toBe(0);
    const first = parse(exec.stdout);
    expect(first).toMatchObject({ outcome: "Paused", runs: 1 });
    expect(first.error).toMatch(/did not end within 50 ms \(limits\.runTimeoutMs\)/);
    const items = Number(first.metrics.items);
    expect(items).toBeLessThan(4000);
    expect(items % 4, "the counters of the last checkpoint (one every 4 items), not of the run's last step").toBe(0);

    // No wall-clock limit by default; a 50 ms stall limit never stops a job that keeps calling the host.
    const resume = runCli(["resume", first.id, "--db", db, "--stall-timeout", "50", "--json", "--quiet"]);
    expect(resume.status, resume.stderr).toBe(0);
    expect(parse(resume.stdout)).toMatchObject({ outcome: "Completed", runs: 2, metrics: { items: "4000" }, error: null });
  });
});

/** 10 items, a checkpoint, 5 items, a stateless checkpoint, then a loop that checks for interrupts until stopped. */
const STATELESS_THEN_LOOP = `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint_stateless" (func $stateless (param i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))
  (data (i32.const 64) "sl")
  (data (i32.const 72) "execute_sl")
  (data (i32.const 96) "s1")
  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 2) (i32.const 72) (i32.const 10) (i32.const 1)))
  (func (export "execute_sl") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $items (local.get $id) (i64.const 10))
    (drop (call $checkpoint (local.get $id) (i32.const 96) (i32.const 2)))
    (call $items (local.get $id) (i64.const 5))
    (drop (call $stateless (local.get $id)))
    (loop $spin
      (if (call $check_interrupt (local.get $id)) (then (return (i32.const 1))))
      (br $spin))
    (i32.const 0))
  ;; @include "${join(PROJECT_ROOT, "wat-fixtures/lib/runtime.wat")}"
)
`;

describe("a stateless checkpoint, then a time limit", () => {
  it("the job is Paused with the stateless checkpoint's counters (15), in the run and in the database, not the older checkpoint's", async () => {
    const guest = join(dir, "stateless.wat");
    writeFileSync(guest, STATELESS_THEN_LOOP);
    const db = join(dir, "stateless.db");
    const run = await execDurable({ db, source: guest, job: "sl", runTimeoutMs: 300 }, () => {}, new Int32Array(new SharedArrayBuffer(4)));
    const root = run.result.jobs[0]!;
    expect(root.status).toBe("Paused");
    expect(run.result.errors[0]).toMatch(/did not end within 300 ms/);
    expect(root.metrics.items).toBe("15");
    expect(storedJobs(db)).toMatchObject([{ status: "Paused", metrics: { items: "15" }, checkpoint: null }]);
  });
});

describe("durable limit flags", () => {
  const base = { db: "jobs.db" };

  it("default to no wall-clock limit, a 10 s stall limit and pause", () => {
    expect(DURABLE_POLICY_DEFAULTS).toEqual({ runTimeoutMs: 0, stallTimeoutMs: 10_000, onTimeout: "pause" });
    expect(durableOptions("exec", base)).toMatchObject(DURABLE_POLICY_DEFAULTS);
    expect(durableOptions("resume", { ...base, "run-timeout": "2500", "stall-timeout": "0", "on-timeout": "fail" })).toMatchObject({
      runTimeoutMs: 2500,
      stallTimeoutMs: 0,
      onTimeout: "fail",
    });
  });

  it("refuse what is not a number of milliseconds or a policy, and need --db", () => {
    expect(() => durableOptions("exec", { ...base, "run-timeout": "-1" })).toThrow(UsageError);
    expect(() => durableOptions("exec", { ...base, "stall-timeout": "1.5" })).toThrow(/--stall-timeout must be a whole number of milliseconds/);
    expect(() => durableOptions("exec", { ...base, "stall-timeout": "" })).toThrow(UsageError);
    expect(() => durableOptions("exec", { ...base, "on-timeout": "retry" })).toThrow(/--on-timeout must be one of pause, fail/);
    expect(() => durableOptions("exec", { "stall-timeout": "100" })).toThrow(/--stall-timeout needs --db/);
  });
});
