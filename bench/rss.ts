/**
 * Peak memory of long jobs: `job-parity exec ... --quiet` run as a user runs it (a child process of
 * bin/job-parity.mjs, which starts the compiled copy when it is up to date, else the TypeScript through tsx), its
 * peak resident set size read in that process as it exits (VmHWM on Linux, through bench/lib/max-rss.mjs given to
 * node's --import; not getrusage's maxRSS, which a child inherits from its parent's size at fork). exec keeps the
 * first and the last 1,000 events of a trace (--trace-window) and only the newest checkpoint's state, so a job of any
 * length runs in bounded memory:
 *
 * - rss.exec.events: bench/lib/event-loop.wat reporting progress 1,000,000 times (100,000 with --quick), no report
 *   like the one before, so none is coalesced: 1,000,003 trace events.
 * - rss.exec.checkpoints: the job_checkpoint benchmark's guest (bench/checkpoint.ts) checkpointing a 64 KiB state
 *   10,000 times (3,000 with --quick): 640 MiB of states, each one different. (conformance/crash-guests/checkpointer.wat,
 *   the crash test's guest, writes each state byte by byte in wasm: as long a run again, which on a busy machine
 *   meets exec's run timeout of 10 s.)
 * - rss.exec_db.checkpoints: checkpointer.wat with --db (SQLite, --durability normal), 2,000 checkpoints of 64 KiB
 *   (700 with --quick), with an interrupt check and an item each: the durable path, its job on a worker thread.
 * - rss.exec.child_bomb: wat-fixtures/hostile/child-bomb.wat under the default limits, every job spawning 10 more:
 *   the tree limits (maxTreeJobs 4,096, maxQueuedJobs 1,024) end it with refusals, 4,096 jobs in all.
 *
 * Baseline: the same command on event_loop with 10 reports (what any exec costs: node, the harness, a guest), so the
 * ratio is how far a long job grows past a trivial one. Budgets bound the value: 200 MB for the long jobs (the
 * baseline is about 90 MB under tsx, and a trivial exec --db about 115 MB, its worker thread loading the harness
 * again; before the window these jobs took 357 MB and 1.43 GB, 60 states of 16 MiB 2 GB, growing with every event),
 * 250 MB for the bomb's 4,096 jobs (each with its trace, state and bookkeeping; about 150 MB).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../harness/engine/modules.ts";
import { CHECKPOINT_LOOP_WAT, JOB as CHECKPOINT_LOOP, jobParams } from "./checkpoint.ts";
import { BenchError, figure, type Benchmark, type BenchCase, type Figure, type MeasureSettings } from "./measure.ts";

const MAX_RSS = join(PROJECT_ROOT, "bench/lib/max-rss.mjs");
const CLI = join(PROJECT_ROOT, "bin/job-parity.mjs");
const EVENT_LOOP = "bench/lib/event-loop.wat";
const CHECKPOINTER = "conformance/crash-guests/checkpointer.wat";
/** MB as the figures count it: 2^20 bytes. */
const MB = 1024 * 1024;

interface RssJob {
  readonly figure: string;
  /** exec's arguments after the guest (--quiet is added), for a full run and a quick one; `db` is a fresh file. */
  args(quick: boolean, db: string): string[];
  /** The guest's path; `dir` is a fresh folder the guest may be written to. */
  guest(dir: string): string;
  /** What the run must print (the job really ran to its end), for a full run and a quick one. */
  expect(quick: boolean): RegExp;
  readonly limitMb: number;
  /** What the job is, for the notes. */
  describe(quick: boolean): string;
}

const count = (n: number) => String(n).padStart(10, "0");
const checkpointer = (n: number) => JSON.stringify({ target: n, size: 65536, every: 1 });

export const RSS_JOBS: readonly RssJob[] = [
  {
    figure: "rss.exec.events",
    guest: () => EVENT_LOOP,
    args: (quick) => ["--job", "event_loop", "--state", count(quick ? 100_000 : 1_000_000)],
    expect: (quick) => new RegExp(`trace: ${quick ? 100_003 : 1_000_003} events, the first and last 1000 kept`),
    limitMb: 200,
    describe: (quick) => `${quick ? "100,000" : "1,000,000"} progress reports (event_loop), none coalesced`,
  },
  {
    figure: "rss.exec.checkpoints",
    guest: checkpointLoopGuest,
    args: (quick) => ["--job", CHECKPOINT_LOOP, "--state", jobParams(65536, quick ? 3000 : 10_000)],
    expect: (quick) => new RegExp(`=> Completed .*\\n.*\\n.*trace: ${quick ? 3003 : 10_003} events.*; last checkpoint #${quick ? 3001 : 10_001}: 65536 bytes`),
    limitMb: 200,
    describe: (quick) => `${quick ? "3,000" : "10,000"} checkpoints of 64 KiB (the job_checkpoint benchmark's checkpoint_loop), in memory`,
  },
  {
    figure: "rss.exec_db.checkpoints",
    guest: () => CHECKPOINTER,
    args: (quick, db) => ["--job", "checkpointer", "--state", checkpointer(quick ? 700 : 2000), "--db", db, "--durability", "normal"],
    expect: (quick) => new RegExp(`items ${quick ? 700 : 2000} .*\\n.*\\n.*trace: ${quick ? 2103 : 6003} events`),
    limitMb: 200,
    describe: (quick) => `${quick ? "700" : "2,000"} checkpoints of 64 KiB (checkpointer) with --db (SQLite, --durability normal; the job on a worker thread)`,
  },
  {
    figure: "rss.exec.child_bomb",
    guest: () => "wat-fixtures/hostile/child-bomb.wat",
    args: () => ["--job", "bomb"],
    expect: () => /job:4095 {2}bomb/,
    limitMb: 250,
    describe: () => "child-bomb (every job spawns 10 more) under the default limits: 4,096 jobs, then refusals (maxTreeJobs, maxQueuedJobs)",
  },
];

/** bench/checkpoint.ts's guest as a file in `dir`, its includes made absolute (exec reads a guest from a file). */
function checkpointLoopGuest(dir: string): string {
  const path = join(dir, "checkpoint-loop.wat");
  const wat = CHECKPOINT_LOOP_WAT.replace(/;; @include "([^"]+)"/g, (_line, include: string) => `;; @include "${join(PROJECT_ROOT, "bench", include)}"`);
  writeFileSync(path, wat);
  return path;
}

/** The peak RSS, in MB, of `job-parity exec <guest> <args> --quiet` in a child process; throws unless `expect` matches its output. */
export function execPeakRss(guest: string, args: readonly string[], expect: RegExp | null, what: string): number {
  const run = spawnSync(process.execPath, ["--import", MAX_RSS, CLI, "exec", guest, ...args, "--quiet"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    maxBuffer: 256 * MB,
  });
  if (run.error) throw new BenchError(`${what}: exec could not start: ${run.error.message}`);
  const tail = () => `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-8).join("\n");
  if (run.status !== 0) throw new BenchError(`${what}: exec exited ${run.status}; its last lines:\n${tail()}`);
  if (expect !== null && !expect.test(run.stdout)) throw new BenchError(`${what}: exec did not print ${expect}; its last lines:\n${tail()}`);
  const reported = /^job-parity-bench: maxRSS (\d+) kB$/m.exec(run.stderr);
  if (reported === null) throw new BenchError(`${what}: exec did not report its peak RSS; its last lines:\n${tail()}`);
  return (Number(reported[1]) * 1024) / MB;
}

/** The baseline: exec on event_loop with 10 reports. Measured once per process and mode (every figure shares it). */
const baselines = new Map<boolean, number[]>();
function baselineRss(quick: boolean, runs: number): number[] {
  const measured = baselines.get(quick) ?? [];
  while (measured.length < runs) measured.push(execPeakRss(EVENT_LOOP, ["--job", "event_loop", "--state", count(10)], /=> Completed/, "rss (baseline)"));
  baselines.set(quick, measured);
  return measured.slice(0, runs);
}

function rssCase(job: RssJob): BenchCase {
  return {
    figures: [job.figure],
    run(settings: MeasureSettings, wanted: (name: string) => boolean): Figure[] {
      if (!wanted(job.figure)) return [];
      // Peak memory hardly varies between runs: one run (two at full settings), the larger kept.
      const runs = settings.quick ? 1 : 2;
      const dir = mkdtempSync(join(tmpdir(), "job-parity-bench-rss-"));
      try {
        const samples: number[] = [];
        const guest = job.guest(dir);
        for (let i = 0; i < runs; i++) samples.push(execPeakRss(guest, job.args(settings.quick, join(dir, `jobs-${i}.db`)), job.expect(settings.quick), job.figure));
        const trivial = baselineRss(settings.quick, runs);
        const value = Math.max(...samples);
        const baseline = Math.max(...trivial);
        const mb = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
        return [
          figure({
            name: job.figure,
            value,
            unit: "MB",
            runs,
            baseline: { value: baseline, name: "peak RSS of exec on event_loop with 10 reports (node, the harness, a guest)" },
            budget: { limit: job.limitMb, bounds: "value", direction: "max" },
            notes: `peak RSS (VmHWM as the process exits) of \`job-parity exec ${guest.replace(dir, "<tmp>")} ... --quiet\` in a child process: ${job.describe(settings.quick)}; the larger of ${runs} run${runs === 1 ? "" : "s"} (${mb(samples)} MB; baseline ${mb(trivial)} MB); budget ${job.limitMb} MB`,
          }),
        ];
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const rssBenchmark: Benchmark = {
  name: "rss",
  description: "peak RSS of long jobs under `job-parity exec --quiet` (1,000,000 events; 10,000 checkpoints of 64 KiB; a spawn loop)",
  cases: () => RSS_JOBS.map(rssCase),
};
