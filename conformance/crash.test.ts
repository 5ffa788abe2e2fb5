import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadGuest } from "../harness/engine/load.ts";
import { PROJECT_ROOT } from "../harness/suite/fixtures.ts";
import { normalizeResult, runScenario, type Scenario } from "../harness/suite/scenario.ts";
import nativeCheckpointer from "./crash-guests/checkpointer.native.ts";
import { storedJobs } from "./support/job-db.ts";
import { ProcessGroup } from "./support/killable.ts";
import { checkpointerState } from "./support/checkpointer.ts";

// The crash test of the durable state store: a job that checkpoints 64 KiB states runs under `job-parity exec --db`
// and `resume`, and each process is SIGKILLed at a moment a seeded PRNG picks: half of the kills when the process
// announces a checkpoint write (so the kill lands inside the store's transaction), half after a random delay from
// the start of the process or of its job. After each kill the database, read without recovering anything, must hold
// a checkpoint the job sent (its sha256 right and its bytes exactly the state for its step), never older than the
// last checkpoint the process acknowledged, with the counters of that same checkpoint. The next process must recover
// the job and resume it from there; in the end the job completes with exactly the items of an uninterrupted run. The
// WASM guest and its native twin (conformance/crash-guests/checkpointer.*) each take KILLS kills, in two concurrent
// tests.
//
// Replay: JOB_PARITY_CRASH_SEED=<seed> npx vitest run conformance/crash.test.ts (-t wasm | -t native): the same kill
// plans (write kills land at the same writes; delay kills at the same share of the startup or run time measured on
// the machine, so only roughly at the same point). A larger state: JOB_PARITY_CRASH_STATE_BYTES=1048576. A line per process:
// JOB_PARITY_CRASH_VERBOSE=1. More kills: JOB_PARITY_CRASH_KILLS=25 (per kind). On a failure the databases are kept (the path is printed).

/** A non-negative integer from the environment, or the default when the variable is unset or empty. */
function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name}=${text}: expected a non-negative integer`);
  return value;
}

const SEED = envInt("JOB_PARITY_CRASH_SEED", 0x5eedc4a5) >>> 0;
/**
 * Kills per kind of job (WASM, native): 2 x 8 in `npm test`, which has a 30 s budget (each kill costs a process and
 * waits on it); JOB_PARITY_CRASH_KILLS=25 gives the 50-kill run.
 */
const KILLS = Number(process.env.JOB_PARITY_CRASH_KILLS ?? 8);
/**
 * The job: TARGET steps of one item each, a checkpoint of STATE_BYTES every EVERY steps; 300 checkpoints of 64 KiB
 * (fewer, down to 20, when they are larger: the host keeps each one in the job's trace).
 */
const STATE_BYTES = envInt("JOB_PARITY_CRASH_STATE_BYTES", 65536);
const EVERY = 4;
const CHECKPOINTS_PER_JOB = Math.min(300, Math.max(20, Math.round((300 * 65536) / STATE_BYTES)));
const TARGET = CHECKPOINTS_PER_JOB * EVERY;
/** A write kill comes at the Nth checkpoint write of the process, N uniform in 1..min(WRITE_KILL_MAX, writes left). */
const WRITE_KILL_MAX = Math.ceil(CHECKPOINTS_PER_JOB / 3);
/**
 * A delay kill comes at a random moment of the process's life, measured from events rather than from the spawn, so a
 * loaded machine (slow starts) does not push kills past the job's end: a third of them while the process starts
 * (a share of the startup the uninterrupted run measured), the rest after the job started running (the process's
 * "stored in"/"resuming" line), within the time its remaining steps take.
 */
const DELAY_KILL_IN_STARTUP = 1 / 3;
/** A delay kill that came too late is tried again on this share of the pace its process showed (see crashLoop). */
const RETRY_PACE = 0.9;
const VERBOSE = process.env.JOB_PARITY_CRASH_VERBOSE === "1";
/** No process of this test may run longer. */
const PROCESS_TIMEOUT_MS = 30_000;

const GUESTS = {
  wasm: join(PROJECT_ROOT, "conformance/crash-guests/checkpointer.wat"),
  native: join(PROJECT_ROOT, "conformance/crash-guests/checkpointer.native.ts"),
} as const;
type Kind = keyof typeof GUESTS;

const INITIAL_STATE = JSON.stringify({ target: TARGET, size: STATE_BYTES, every: EVERY });
const replay = (kind: Kind) => `seed ${SEED}; replay: JOB_PARITY_CRASH_SEED=${SEED} npx vitest run conformance/crash.test.ts -t ${kind}`;

/** mulberry32: a small seeded PRNG, so every kill moment can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The checkpoint the job sends at a step, computed here independently of both guests: the header, then byte i =
 * (step*31 + i) & 0x7f, STATE_BYTES in all.
 */
function expectedState(step: number): Buffer {
  return checkpointerState(step, { target: TARGET, size: STATE_BYTES, every: EVERY });
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The sha256 of every checkpoint the job can send (one every EVERY steps), to the step. */
const stepOfSha = new Map<string, number>();
for (let step = EVERY; step <= TARGET; step += EVERY) stepOfSha.set(sha256(expectedState(step)), step);

/** The step a stored state claims, from its header; null when the header is not the job's. */
function claimedStep(state: Buffer): number | null {
  const match = /^\{"step":(\d+),/.exec(state.subarray(0, 64).toString("latin1"));
  return match ? Number(match[1]) : null;
}

interface JobRow {
  id: string;
  status: string;
  items: string;
  runs: number;
}
interface CheckpointRow {
  sequence: number;
  state: Buffer;
  sha256: string;
}

/** The job and its checkpoint as a reader sees them, without any recovery (read-only; the next process recovers). */
function readJobs(db: string): { jobs: JobRow[]; checkpoints: Map<string, CheckpointRow> } {
  if (!existsSync(db)) return { jobs: [], checkpoints: new Map() };
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const tables = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    if (!tables.some((t) => t.name === "jobs")) return { jobs: [], checkpoints: new Map() }; // killed while creating it
    const jobs = conn.prepare("SELECT id, status, items, runs FROM jobs ORDER BY position").all() as JobRow[];
    const rows = conn.prepare("SELECT job_id, sequence, state, sha256 FROM job_checkpoints").all() as (CheckpointRow & { job_id: string })[];
    return { jobs, checkpoints: new Map(rows.map((row) => [row.job_id, row])) };
  } finally {
    conn.close();
  }
}

/** The step of a job's stored checkpoint (0 without one), for the delay of the next kill. */
function storedStepOf(db: string, jobId: string): number {
  const checkpoint = readJobs(db).checkpoints.get(jobId);
  return checkpoint === undefined ? 0 : (claimedStep(checkpoint.state) ?? 0);
}

/** What one process said on stderr. */
interface Said {
  jobId: string | null;
  recovered: string[];
  /** Checkpoint announcements in order. */
  checkpoints: ({ kind: "writing"; job: string; bytes: number } | { kind: "saved"; job: string; sha: string })[];
}

function parseStderr(lines: readonly string[]): Said {
  const said: Said = { jobId: null, recovered: [], checkpoints: [] };
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^job-parity: job (\S+) stored in /.exec(line))) said.jobId = m[1]!;
    else if ((m = /^job-parity: recovered (\S+?):?(\s|$)/.exec(line))) said.recovered.push(m[1]!);
    else if ((m = /^checkpoint writing (\S+) (\d+)$/.exec(line))) said.checkpoints.push({ kind: "writing", job: m[1]!, bytes: Number(m[2]) });
    else if ((m = /^checkpoint saved (\S+) ([0-9a-f]{64})$/.exec(line))) said.checkpoints.push({ kind: "saved", job: m[1]!, sha: m[2]! });
  }
  return said;
}

/** When to kill one process: at its Nth checkpoint write, or at a point (0..1) of its startup or of its run. */
type KillPlan = { readonly mode: "write"; readonly pick: number } | { readonly mode: "delay"; readonly phase: "startup" | "run"; readonly at: number };

/** How long a process takes here to reach its first checkpoint write, and then to run the job to its end. */
interface Timing {
  readonly startupMs: number;
  readonly runMs: number;
}

/** Half write kills, half delay kills, in a seeded order. */
function killPlans(random: () => number, count: number): KillPlan[] {
  const plans: KillPlan[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) plans.push({ mode: "write", pick: random() });
    else plans.push({ mode: "delay", phase: random() < DELAY_KILL_IN_STARTUP ? "startup" : "run", at: random() });
  }
  for (let i = plans.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plans[i], plans[j]] = [plans[j]!, plans[i]!];
  }
  return plans;
}

/** The checkpoint write a write kill stops at: never past the writes the job has left, so the kill always comes. */
const atWrite = (pick: number, stepsLeft: number) => 1 + Math.floor(pick * Math.max(1, Math.min(WRITE_KILL_MAX, Math.floor(stepsLeft / EVERY))));

interface Figures {
  kind: Kind;
  processes: number;
  kills: number;
  /** Kills after which the next process reported the job recovered (it was left Running). */
  recoveries: number;
  /** Kills whose process had announced a checkpoint write and not its `saved`, by kind of kill. */
  insideWrite: { write: number; delay: number };
  /** Kills before the process announced any checkpoint (while it started, recovered or loaded the job). */
  killsBeforeFirstWrite: number;
  /** Kills after the job had completed (while the process printed its trace or exited). */
  killsAfterCompletion: number;
  /** Acknowledged checkpoints missing after a kill. */
  lost: number;
  /** Stored checkpoints that are not byte for byte one the job sent. */
  torn: number;
  jobsCompleted: number;
  checkpointsAcknowledged: number;
  timing: Timing;
  seconds: number;
}

const dir = mkdtempSync(join(tmpdir(), "job-parity-crash-"));
/** The processes of each test (the two run concurrently: each kills only its own). */
const processes = { wasm: new ProcessGroup(), native: new ProcessGroup() };

/** Set when a test failed: its databases are kept for a look. */
let failed = false;

afterAll(() => {
  processes.wasm.killAll();
  processes.native.killAll();
  if (failed) console.error(`crash test: the databases are kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

// --quiet: the processes' output is not read, and a full trace would print every 64 KiB state.
const execArgs = (kind: Kind, db: string, extra: string[] = []) => ["exec", GUESTS[kind], "--job", "checkpointer", "--db", db, "--state", INITIAL_STATE, "--quiet", ...extra];


/**
 * One job run start to end without a kill, on a fresh database: what every crashed job must end as. Returns how long
 * its process took to start and to run the job.
 */
async function uninterrupted(kind: Kind): Promise<Timing> {
  const db = join(dir, `${kind}-uninterrupted.db`);
  const spawned = performance.now();
  let firstWrite: number | null = null;
  let lastSaved: number | null = null;
  const run = processes[kind].start(
    execArgs(kind, db, ["--print-checkpoints"]),
    (line) => {
      if (firstWrite === null && line.startsWith("checkpoint writing ")) firstWrite = performance.now();
      if (line.startsWith("checkpoint saved ")) lastSaved = performance.now();
    },
    "ignore",
  );
  const timer = setTimeout(() => run.kill(), PROCESS_TIMEOUT_MS);
  const exit = await run.exited.finally(() => clearTimeout(timer));
  expect(exit, run.stderr).toEqual({ code: 0, signal: null });
  const said = parseStderr(run.stderrLines);
  // It acknowledged every checkpoint, in order, each the state of its step.
  const saved = said.checkpoints.filter((c) => c.kind === "saved").map((c) => stepOfSha.get(c.sha));
  expect(saved).toEqual(Array.from({ length: TARGET / EVERY }, (_, i) => (i + 1) * EVERY));
  const [job] = storedJobs(db);
  expect(job).toMatchObject({ id: said.jobId, status: "Completed", runs: 1, metrics: { items: String(TARGET) }, checkpoint: null });
  const { jobs, checkpoints } = readJobs(db);
  expect(jobs).toMatchObject([{ id: said.jobId, status: "Completed", items: String(TARGET), runs: 1 }]);
  expect(checkpoints.size).toBe(0);
  return { startupMs: firstWrite! - spawned, runMs: lastSaved! - firstWrite! };
}

/**
 * KILLS processes SIGKILLed at seeded moments, each followed by a look at the database; a job that completes is
 * followed by a new one. Then the last job is resumed to its end.
 */
async function crashLoop(kind: Kind, timing: Timing): Promise<Figures> {
  const started = performance.now();
  const db = join(dir, `${kind}.db`);
  const random = prng(SEED ^ (kind === "wasm" ? 0x11111111 : 0x22222222));
  const plans = killPlans(random, KILLS);
  const figures: Figures = {
    kind,
    processes: 0,
    kills: 0,
    recoveries: 0,
    insideWrite: { write: 0, delay: 0 },
    killsBeforeFirstWrite: 0,
    killsAfterCompletion: 0,
    lost: 0,
    torn: 0,
    jobsCompleted: 0,
    checkpointsAcknowledged: 0,
    timing,
    seconds: 0,
  };
  const problems: string[] = [];
  const known = new Set<string>();
  /** Jobs killed right after they completed, before their checkpoint was discarded. */
  const staleCheckpoints = new Set<string>();
  /** The job being crashed; null: the next process starts a new one. */
  let job: { id: string; ackedStep: number; awaitingRecovery: boolean } | null = null;
  // Delay kills are placed from the uninterrupted run's pace. A process that outruns its kill (the pace was measured
  // on a busier machine) re-measures it and takes the same kill again, a few times at most. Each retry also takes a
  // tenth off the pace it measured: a kill placed near the end of the run (a seeded fraction close to 1) would
  // otherwise need the next process to be no faster than the last, which a machine whose pace moves does not give.
  let { startupMs, runMs } = timing;
  let missedInARow = 0;

  while (figures.kills < KILLS) {
    const plan = plans[figures.kills]!;
    const args = job === null ? execArgs(kind, db, ["--print-checkpoints"]) : ["resume", job.id, "--db", db, "--quiet", "--print-checkpoints"];
    const stepsLeft = TARGET - (job === null ? 0 : storedStepOf(db, job.id));
    const killAtWrite = plan.mode === "write" ? atWrite(plan.pick, stepsLeft) : null;
    const delay = plan.mode !== "delay" ? null : plan.phase === "startup" ? plan.at * startupMs : (plan.at * runMs * stepsLeft) / TARGET;
    const timers: NodeJS.Timeout[] = [];
    let writes = 0;
    let jobStartedAt: number | null = null;
    const run = processes[kind].start(
      args,
      (line, self) => {
        if (killAtWrite !== null && line.startsWith("checkpoint writing ") && ++writes === killAtWrite) self.kill();
        if (/^job-parity: (job \S+ stored in|resuming job) /.test(line)) {
          jobStartedAt ??= performance.now();
          if (plan.mode === "delay" && plan.phase === "run") timers.push(setTimeout(() => self.kill(), delay!));
        }
      },
      "ignore",
    );
    figures.processes++;
    const when = killAtWrite !== null ? `at checkpoint write #${killAtWrite}` : `${Math.round(delay!)} ms after ${plan.mode === "delay" && plan.phase === "run" ? "the job started" : "the spawn"}`;
    const where = `${kind} process ${figures.processes} (${args[0]}, pid ${run.pid}, kill ${when})`;
    let hung = false;
    timers.push(
      setTimeout(() => {
        hung = true;
        run.kill();
      }, PROCESS_TIMEOUT_MS),
    );
    if (plan.mode === "delay" && plan.phase === "startup") timers.push(setTimeout(() => run.kill(), delay!));
    const exit = await run.exited;
    timers.forEach(clearTimeout);
    if (hung) throw new Error(`${where} did not end within ${PROCESS_TIMEOUT_MS} ms; stderr:\n${run.stderr}`);
    const killed = exit.signal === "SIGKILL";
    if (VERBOSE) console.log(`${where}: ${killed ? "killed" : `exited ${exit.code}`} after ${Math.round(performance.now() - run.startedAt)} ms; ${run.stderrLines.filter((l) => !l.startsWith("checkpoint ")).join(" | ")}`);
    if (!killed && exit.code !== 0) throw new Error(`${where} exited ${exit.code} (${exit.signal ?? "no signal"}); stderr:\n${run.stderr}`);
    const said = parseStderr(run.stderrLines);
    if (!killed && plan.mode === "delay" && jobStartedAt !== null) {
      if (++missedInARow > 3) throw new Error(`${where}: four processes in a row ended before their delay kill; the machine's pace moves too much for this test`);
      if (plan.phase === "startup") startupMs = Math.min(startupMs, jobStartedAt - run.startedAt) * RETRY_PACE;
      else runMs = Math.min(runMs, ((performance.now() - jobStartedAt) * TARGET) / stepsLeft) * RETRY_PACE;
    } else missedInARow = 0;

    // The job this process ran: the one it named, or (killed before it could say) a new row in the database.
    const { jobs, checkpoints } = readJobs(db);
    if (job === null) {
      const id = said.jobId ?? jobs.find((row) => !known.has(row.id))?.id ?? null;
      if (id === null) {
        // killed before the job existed: nothing to check, the next process starts it
        figures.kills++;
        figures.killsBeforeFirstWrite++;
        continue;
      }
      known.add(id);
      job = { id, ackedStep: 0, awaitingRecovery: false };
    }
    const current = job;

    // A kill left the job Running: the process that runs it next must first report its recovery (it opens the
    // database, recovers, says so, then runs the job; killed in between, the job is Paused and nothing is said).
    if (said.recovered.includes(current.id)) {
      if (current.awaitingRecovery) figures.recoveries++;
      else problems.push(`${where}: recovered job ${current.id}, which was not left Running`);
    } else if (current.awaitingRecovery && (said.checkpoints.length > 0 || !killed)) {
      problems.push(`${where}: ran job ${current.id}, left Running by a killed process, without reporting its recovery`);
    }

    // What it acknowledged: each `saved` is a state the job sent, after its `writing`, in step order.
    let pendingWrite = false;
    for (const c of said.checkpoints) {
      if (c.job !== current.id) problems.push(`${where}: a checkpoint of job ${c.job}, not ${current.id}`);
      if (c.kind === "writing") {
        if (c.bytes !== STATE_BYTES) problems.push(`${where}: a checkpoint write of ${c.bytes} bytes, expected ${STATE_BYTES}`);
        pendingWrite = true;
        continue;
      }
      const step = stepOfSha.get(c.sha);
      if (!pendingWrite) problems.push(`${where}: "checkpoint saved" without its "checkpoint writing"`);
      if (step === undefined) problems.push(`${where}: acknowledged a checkpoint (sha256 ${c.sha}) the job never sends`);
      else if (step <= current.ackedStep) problems.push(`${where}: acknowledged step ${step} after step ${current.ackedStep}`);
      else current.ackedStep = step;
      figures.checkpointsAcknowledged++;
      pendingWrite = false;
    }

    const row = jobs.find((r) => r.id === current.id);
    const checkpoint = checkpoints.get(current.id) ?? null;
    if (row === undefined) {
      problems.push(`${where}: job ${current.id} is not in the database`);
      break;
    }
    // The stored checkpoint: byte for byte a state the job sent, no older than the last acknowledged one, and stored
    // with the counters of that same checkpoint.
    let storedStep = 0;
    if (checkpoint !== null) {
      const step = claimedStep(checkpoint.state);
      const shaOk = sha256(checkpoint.state) === checkpoint.sha256;
      if (!shaOk || step === null || !checkpoint.state.equals(expectedState(step))) {
        figures.torn++;
        problems.push(
          `${where}: the stored checkpoint (sequence ${checkpoint.sequence}, ${checkpoint.state.length} bytes, header step ${step}, ` +
            `sha256 ${shaOk ? "matching" : "NOT matching"} its bytes) is not byte for byte a state the job sent`,
        );
        break;
      }
      storedStep = step;
    }
    if (storedStep < current.ackedStep && row.status !== "Completed") {
      figures.lost++;
      problems.push(`${where}: step ${current.ackedStep} was acknowledged but the database holds ${checkpoint === null ? "no checkpoint" : `step ${storedStep}`}`);
    }
    const items = row.status === "Completed" ? TARGET : storedStep;
    if (row.items !== String(items)) problems.push(`${where}: job ${current.id} is ${row.status} with ${row.items} items, but its checkpoint is for ${items}`);

    current.awaitingRecovery = row.status === "Running";
    if (killed) {
      figures.kills++;
      if (said.checkpoints.length === 0) figures.killsBeforeFirstWrite++;
      if (said.checkpoints.at(-1)?.kind === "writing") figures.insideWrite[plan.mode]++;
      if (row.status === "Completed") figures.killsAfterCompletion++;
      if (!["Queued", "Running", "Paused", "Completed"].includes(row.status)) problems.push(`${where}: killed, job ${current.id} is ${row.status}`);
    } else if (row.status !== "Completed" || checkpoint !== null) {
      problems.push(`${where}: exited 0 but job ${current.id} is ${row.status}${checkpoint === null ? "" : " with a checkpoint"}`);
    }
    if (row.status === "Completed") {
      // Killed between recording Completed and discarding the checkpoint: the host's documented order leaves a
      // stale checkpoint (a finished job, never an unfinished one without its checkpoint).
      if (checkpoint !== null) staleCheckpoints.add(current.id);
      figures.jobsCompleted++;
      job = null;
    }
    if (problems.length > 0) break;
  }

  // The last job, resumed to its end without a kill (a new one if the last kill came after it completed).
  if (problems.length === 0) {
    const args = job === null ? execArgs(kind, db) : ["resume", job.id, "--db", db, "--quiet"];
    const { exit, run } = await processes[kind].run(args, PROCESS_TIMEOUT_MS, "ignore");
    figures.processes++;
    expect(exit.code, `${kind}: the final ${args[0]}: ${run.stderr}\n${replay(kind)}`).toBe(0);
    if (job?.awaitingRecovery) {
      expect(parseStderr(run.stderrLines).recovered, `${kind}: the final resume reports the recovery`).toContain(job.id);
      figures.recoveries++;
    }
    figures.jobsCompleted++;
    const listed = storedJobs(db);
    expect(listed.length, "every job the test started is listed").toBe(known.size + (job === null ? 1 : 0));
    for (const stored of listed) {
      expect(stored, `${kind}: job ${stored.id} in the end\n${replay(kind)}`).toMatchObject({ status: "Completed", metrics: { items: String(TARGET) } });
      if (!staleCheckpoints.has(stored.id)) expect(stored.checkpoint, `${kind}: job ${stored.id} keeps no checkpoint`).toBeNull();
    }
  }
  figures.seconds = Math.round((performance.now() - started) / 100) / 10;
  expect(problems, `${kind}: ${replay(kind)}`).toEqual([]);
  return figures;
}

const report: Figures[] = [];

afterAll(() => {
  for (const f of report) {
    console.log(
      `crash test (${f.kind}, state ${STATE_BYTES} bytes, seed ${SEED}): ${f.kills} kills in ${f.processes} processes, ` +
        `${f.recoveries} recoveries, ${f.insideWrite.write + f.insideWrite.delay} kills inside a checkpoint write ` +
        `(${f.insideWrite.write} of the ${Math.ceil(KILLS / 2)} write kills, ${f.insideWrite.delay} of the ${Math.floor(KILLS / 2)} delay kills; ` +
        `${f.killsBeforeFirstWrite} kills came before any write, ${f.killsAfterCompletion} after the job completed), ` +
        `lost ${f.lost}, torn ${f.torn}; ${f.checkpointsAcknowledged} checkpoints acknowledged, ${f.jobsCompleted} jobs completed; ` +
        `${f.seconds} s (a process starts in ${Math.round(f.timing.startupMs)} ms, the job runs ${Math.round(f.timing.runMs)} ms)`,
    );
  }
});

describe("crash-guests/checkpointer: the WASM guest and its native twin", () => {
  it("make the same calls with the same bytes (paused and resumed in process)", async () => {
    const scenario: Scenario = { job: "checkpointer", state: { target: 40, size: 300, every: 4 }, interrupts: [{ action: "pause", atCheck: 23 }], resume: true };
    const wasm = normalizeResult(runScenario({ kind: "wasm", guest: await loadGuest(GUESTS.wasm) }, scenario));
    const native = normalizeResult(runScenario({ kind: "native", definition: nativeCheckpointer }, scenario));
    expect(wasm).toEqual(native);
    const [root] = wasm.jobs;
    expect(root).toMatchObject({ status: "Completed", runs: 2, exitCodes: [1, 0], metrics: { items: "40" }, savedState: null });
    // 10 periodic checkpoints plus the pause's (step 22), each the state for its step.
    const states = root!.trace.flatMap((e) => (e.kind === "checkpoint" ? [e.state] : []));
    const text = (step: number) => {
      const header = Buffer.from(`{"step":${step},"target":40,"size":300,"every":4}`);
      const bytes = Buffer.alloc(300);
      header.copy(bytes);
      for (let i = header.length; i < 300; i++) bytes[i] = (step * 31 + i) & 0x7f;
      return bytes.toString("latin1");
    };
    expect(states).toEqual([4, 8, 12, 16, 20, 22, 24, 28, 32, 36, 40].map(text));
  });
});

describe.concurrent("crash test: SIGKILL during checkpoints, recovery, resume", () => {
  for (const kind of ["wasm", "native"] as const) {
    it(`${kind}: ${KILLS} kills, then the job completes with the items of an uninterrupted run`, async () => {
      try {
        const timing = await uninterrupted(kind);
        const figures = await crashLoop(kind, timing);
        report.push(figures);
        expect(figures.lost).toBe(0);
        expect(figures.torn).toBe(0);
        expect(figures.kills).toBe(KILLS);
        expect(figures.insideWrite.write + figures.insideWrite.delay, "some kills landed inside a checkpoint write").toBeGreaterThan(0);
      } catch (error) {
        failed = true;
        console.error(`crash test (${kind}) failed; ${replay(kind)}`);
        throw error;
      } finally {
        processes[kind].killAll();
      }
    }, 300_000);
  }
});
