/**
 * job_checkpoint throughput: a job that does nothing but checkpoint a state of 1 KB, 64 KB or 1 MB in a loop, run
 * through the reference host (runScenario: a fresh host, the extension loaded, the job dispatched and driven to
 * Completed) as a native extension and as a WASM guest, on the in-memory store and on the SQLite store (durability
 * "full" and "normal"). Every checkpoint goes the whole host path: argument decoding (the native context or the WASM
 * boundary reading guest memory), JobOperations.checkpoint (limit check, the store's save with the job's counters,
 * the trace event carrying the state as text).
 *
 * Baselines, measured interleaved with the figures in the same process:
 * - native figures: the same store's save() called directly in a loop (no host), so the ratio is the share of the
 *   store's own throughput a job gets through the host;
 * - WASM figures: the native figure for the same store and size, so the ratio is what the WASM boundary costs.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuestModule } from "../harness/engine/load.ts";
import { benchGuest } from "./guest.ts";
import { SqliteStateStore, type Durability } from "../harness/host/sqlite-store.ts";
import { MemoryStateStore, NO_COUNTS, type CheckpointMeta, type JobSnapshot, type StateStore } from "../harness/host/state-store.ts";
import type { NativeExtensionDefinition } from "../harness/jobs/native-extension.ts";
import type { ImportsWrapper } from "../harness/jobs/wasm-extension.ts";
import { runScenario, type ScenarioResult, type Subject } from "../harness/suite/scenario.ts";
import { BenchError, figure, MB, measureRates, now, type Benchmark, type BenchCase, type Contender, type Figure, type MeasureSettings, type RateStats } from "./measure.ts";

export const JOB = "checkpoint_loop";

/** 'x': the state is printable text (as a JSON state would be), so the trace keeps it as text, not hex. */
const FILL = 0x78;

export const SIZES = [
  { label: "1KB", bytes: 1024 },
  { label: "64KB", bytes: 64 * 1024 },
  { label: "1MB", bytes: 1024 * 1024 },
] as const;

export type StoreKind = "memory" | "sqlite-full" | "sqlite-normal";
export const STORES: readonly StoreKind[] = ["memory", "sqlite-full", "sqlite-normal"];

type Path = "native" | "wasm";
const PATHS: readonly Path[] = ["native", "wasm"];

/** The job's parameters, as its initial state: the state size and the number of checkpoints, 10 decimal digits each. */
export function jobParams(size: number, count: number): string {
  return `${String(size).padStart(10, "0")}${String(count).padStart(10, "0")}`;
}

function parseParams(state: Uint8Array): { size: number; count: number } | null {
  if (state.byteLength !== 20) return null;
  const text = new TextDecoder().decode(state);
  return { size: Number(text.slice(0, 10)), count: Number(text.slice(10)) };
}

/** Writes `n` in decimal at the start of `buffer` (the guest's $write_u32): each checkpoint's state differs. */
function writeDecimal(buffer: Uint8Array, n: number): void {
  const digits = String(n);
  for (let i = 0; i < digits.length; i++) buffer[i] = digits.charCodeAt(i);
}

/**
 * The measured part of a run: from the first checkpoint call to the return of the last. The run's setup (a fresh
 * host, the extension loaded), its job-row writes and the completion's discard are outside it: they are a job's cost,
 * not a checkpoint's, and would swamp runs of a few large checkpoints.
 */
const loopClock = { count: 0, calls: 0, start: Number.NaN, end: Number.NaN };

/** The native job: the twin of the guest below. It reads the clock itself around its loop. */
export const nativeCheckpointLoop: NativeExtensionDefinition = {
  init: (api) => api.registerJob(JOB, JOB, true),
  jobs: {
    [JOB](ctx, state) {
      const params = parseParams(state);
      if (params === null) return 2;
      const buffer = new Uint8Array(params.size).fill(FILL);
      loopClock.start = now();
      for (let i = 1; i <= params.count; i++) {
        writeDecimal(buffer, i);
        if (ctx.checkpoint(buffer) !== 0) return 2;
      }
      loopClock.end = now();
      return 0;
    },
  },
};

/** The guest cannot read a clock: the host's job_checkpoint is timed at the boundary, on its first and last call. */
const timeCheckpoints: ImportsWrapper = (functions) => {
  const checkpoint = functions.job_checkpoint as (job: number, ptr: number, len: number) => number;
  return {
    ...functions,
    job_checkpoint(job: number, ptr: number, len: number): number {
      if (loopClock.calls++ === 0) loopClock.start = now();
      const status = checkpoint(job, ptr, len);
      if (loopClock.calls === loopClock.count) loopClock.end = now();
      return status;
    },
  };
};

/**
 * The WASM guest: parses its parameters, allocates the state with wasm_alloc, and checkpoints it `count` times,
 * writing the checkpoint's number at its start each time. It uses the fixtures' runtime (memory, allocator, job id).
 */
export const CHECKPOINT_LOOP_WAT = `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "${JOB}") ;; ${JOB.length}

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const ${JOB.length}) (i32.const 64) (i32.const ${JOB.length}) (i32.const 1)))

  (func (export "${JOB}") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $size i32) (local $count i32) (local $buf i32) (local $i i32)
    (if (i32.ne (local.get $st_len) (i32.const 20)) (then (return (i32.const 2))))
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $size (call $decimal10 (local.get $st)))
    (local.set $count (call $decimal10 (i32.add (local.get $st) (i32.const 10))))
    (local.set $buf (call $wasm_alloc (local.get $size)))
    (if (i32.eqz (local.get $buf)) (then (return (i32.const 2))))
    (memory.fill (local.get $buf) (i32.const ${FILL}) (local.get $size))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (drop (call $write_u32 (local.get $buf) (local.get $i)))
        (if (call $checkpoint (local.get $id) (local.get $buf) (local.get $size))
          (then (return (i32.const 2))))
        (br $next)))
    (i32.const 0))

  ;; @include "lib/decimal.wat"
  ;; @include "../wat-fixtures/lib/runtime.wat"
)
`;

export const checkpointGuest = (): Promise<GuestModule> => benchGuest("checkpoint-loop.wat", CHECKPOINT_LOOP_WAT);

/**
 * One run through the reference host; throws unless the job completed after exactly `count` checkpoints. `elapsedMs`
 * is the checkpoint loop's time (see loopClock), `wallMs` the whole run's.
 */
export function runCheckpointJob(subject: Subject, store: StateStore, size: number, count: number): { elapsedMs: number; wallMs: number; result: ScenarioResult } {
  Object.assign(loopClock, { count, calls: 0, start: Number.NaN, end: Number.NaN });
  const start = now();
  const result = runScenario(subject, { job: JOB, state: jobParams(size, count) }, { store, ...(subject.kind === "wasm" ? { wrapImports: timeCheckpoints } : {}) });
  const wallMs = now() - start;
  const job = result.jobs[0];
  const checkpoints = job?.trace.reduce((n, event) => (event.kind === "checkpoint" ? n + 1 : n), 0) ?? 0;
  if (job?.status !== "Completed" || checkpoints !== count) {
    const refusal = job?.trace.find((event) => event.kind === "abi_violation");
    const why = result.errors[0] ?? (refusal === undefined ? null : JSON.stringify(refusal));
    throw new BenchError(`${JOB} (${subject.kind}, ${size} bytes x ${count}): the job ended ${job?.status ?? "(no job)"} after ${checkpoints} checkpoints${why === null ? "" : `: ${why}`}`);
  }
  const elapsedMs = count === 0 ? 0 : loopClock.end - loopClock.start;
  if (!(elapsedMs >= 0)) throw new BenchError(`internal: ${JOB} (${subject.kind}): the checkpoint loop was not timed`);
  return { elapsedMs, wallMs, result };
}

interface OpenStore {
  readonly store: StateStore;
  readonly notes: string;
  close(): void;
}

function openStore(kind: StoreKind): OpenStore {
  if (kind === "memory") return { store: new MemoryStateStore(), notes: "store: in-memory (MemoryStateStore)", close: () => {} };
  const durability: Durability = kind === "sqlite-full" ? "full" : "normal";
  const dir = mkdtempSync(join(tmpdir(), "job-parity-bench-"));
  const store = new SqliteStateStore(join(dir, "jobs.db"), { durability });
  const mode = durability === "full" ? "synchronous=FULL: fsync per checkpoint" : "synchronous=NORMAL: no fsync per commit";
  return {
    store,
    notes: `store: SQLite, durability "${durability}" (WAL, ${mode}), a fresh file in ${tmpdir()}`,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The baseline of native figures: the store's save() in a loop, as the host calls it (with the job's counters). */
function storeContender(store: StateStore, size: number, maxOps: number): Contender {
  const metrics = { bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 };
  const meta: CheckpointMeta = { metrics: { snapshot: () => metrics }, counts: NO_COUNTS, progress: null };
  return {
    key: "store",
    maxOps,
    run(n) {
      const id = randomUUID();
      const snapshot: JobSnapshot = {
        id, type: JOB, extensionId: "bench", parentId: null, depth: 0, status: "Running", initialState: null,
        runs: 1, exitCodes: [], metrics, counts: NO_COUNTS, progress: null, error: null,
      };
      store.recordJob?.(snapshot);
      const buffer = new Uint8Array(size).fill(FILL);
      const start = now();
      for (let i = 1; i <= n; i++) {
        writeDecimal(buffer, i);
        store.save(id, buffer, meta);
      }
      const elapsed = now() - start;
      store.discard(id);
      return elapsed;
    },
  };
}

function jobContender(path: Path, subject: Subject, store: StateStore, size: number, maxOps: number): Contender {
  return { key: path, maxOps, run: (n) => runCheckpointJob(subject, store, size, n).elapsedMs };
}

export function figureName(store: StoreKind, size: string, path: Path, unit: "rate" | "bandwidth"): string {
  return `${checkpointBenchmark.name}.${store}.${size}.${path}.${unit}`;
}

function describeRuns(stats: RateStats): string {
  const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3));
  const count = (x: number) => Math.round(x).toLocaleString("en-US");
  const runs = stats.opsPerSample > stats.opsPerRun ? `, runs of ${count(stats.opsPerRun)}` : "";
  return `median of ${stats.samples.length} samples of ${count(stats.opsPerSample)} checkpoints${runs} (min ${fmt(stats.min)}, max ${fmt(stats.max)} checkpoints/s)`;
}

function checkpointCase(kind: StoreKind, size: (typeof SIZES)[number]): BenchCase {
  const names = PATHS.flatMap((path) => [figureName(kind, size.label, path, "rate"), figureName(kind, size.label, path, "bandwidth")]);
  return {
    figures: names,
    async run(settings: MeasureSettings, wanted: (name: string) => boolean): Promise<Figure[]> {
      const want = (path: Path) => wanted(figureName(kind, size.label, path, "rate")) || wanted(figureName(kind, size.label, path, "bandwidth"));
      const wasmGuest = want("wasm") ? await checkpointGuest() : null;
      // The reference host keeps every checkpoint's state as text in the job's trace: a run's states stay in memory.
      const hostMaxOps = Math.max(1, Math.floor((settings.quick ? 16 : 128) * MB / size.bytes));
      const opened = openStore(kind);
      try {
        const contenders: Contender[] = [];
        if (want("native")) contenders.push(storeContender(opened.store, size.bytes, settings.maxOpsPerRun));
        if (want("native") || want("wasm")) contenders.push(jobContender("native", { kind: "native", definition: nativeCheckpointLoop }, opened.store, size.bytes, hostMaxOps));
        if (wasmGuest !== null) contenders.push(jobContender("wasm", { kind: "wasm", guest: wasmGuest }, opened.store, size.bytes, hostMaxOps));
        const stats = measureRates(contenders, settings);
        const figures: Figure[] = [];
        for (const path of PATHS) {
          const own = stats.get(path);
          if (own === undefined || !want(path)) continue;
          const base = path === "native" ? stats.get("store")! : stats.get("native")!;
          const what = path === "native" ? "a native job calling ctx.checkpoint in a loop" : "a WASM guest calling job_checkpoint in a loop";
          const baseName = (unit: "rate" | "bandwidth") => (path === "native" ? `${kind === "memory" ? "MemoryStateStore" : "SqliteStateStore"}.save() called directly, no host` : figureName(kind, size.label, "native", unit));
          const notes = `${opened.notes}; ${what}, ${size.bytes}-byte state, through runScenario, timed from the first checkpoint call to the return of the last; ${describeRuns(own)}`;
          const mbps = (rate: number) => (rate * size.bytes) / MB;
          figures.push(
            figure({ name: figureName(kind, size.label, path, "rate"), value: own.median, unit: "checkpoints/s", runs: own.samples.length, baseline: { value: base.median, name: baseName("rate") }, notes }),
            figure({ name: figureName(kind, size.label, path, "bandwidth"), value: mbps(own.median), unit: "MB/s", runs: own.samples.length, baseline: { value: mbps(base.median), name: baseName("bandwidth") }, notes }),
          );
        }
        return figures.filter((f) => wanted(f.name));
      } finally {
        opened.close();
      }
    },
  };
}

export const checkpointBenchmark: Benchmark = {
  name: "job_checkpoint",
  description: "job_checkpoint throughput through the reference host, native and WASM, per store and state size",
  cases: () => STORES.flatMap((kind) => SIZES.map((size) => checkpointCase(kind, size))),
};
