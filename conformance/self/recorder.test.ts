import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { U64_MAX, u64FromWords, u64Words } from "../../harness/abi/codec.ts";
import { GuestMemory, messageString, type MessageText } from "../../harness/abi/memory.ts";
import type { ExtensionScope } from "../../harness/host/extension.ts";
import { ReferenceHost, type HostOptions } from "../../harness/host/host.ts";
import { JobRecord } from "../../harness/host/job.ts";
import { NO_COUNTS, type JobSnapshot } from "../../harness/host/state-store.ts";
import type { NativeJob } from "../../harness/jobs/native-extension.ts";
import { loadNativeExtension } from "../../harness/jobs/native-extension.ts";
import { LOG_LEVELS, type LogLevel, type TraceEvent } from "../../harness/trace/events.ts";
import { TraceRecorder } from "../../harness/trace/recorder.ts";

const JOB = "11111111-2222-4333-8444-555555555555";
const OTHER = "99999999-2222-4333-8444-555555555555";

/** JSON with bigints as `<n>n`: equal texts mean equal events with their keys in the same order. */
const text = (events: readonly TraceEvent[]) => JSON.stringify(events, (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value));

/** One recording call, applied to a recorder the way the host does (compact for the hot kinds) or plainly. */
type Op = (r: TraceRecorder, plain: boolean) => void;

const metrics = (job: string, field: "bytes" | "items", delta: bigint, total: bigint): Op => (r, plain) =>
  plain ? r.record({ kind: "metrics", job, field, delta, total }) : r.recordMetrics(job, field, ...u64Words(delta), ...u64Words(total));
const check = (job: string, answer: 0 | 1 | 2): Op => (r, plain) => (plain ? r.record({ kind: "interrupt_check", job, answer }) : r.recordInterruptCheck(job, answer));
/**
 * A message as the boundary passes ASCII bytes: a view of memory the caller writes again (one buffer for every call),
 * so a recorder that kept the view instead of a copy would read later messages back.
 */
const guestMemory = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
function asBytes(message: string): MessageText {
  const bytes = guestMemory.view();
  bytes.fill(0x3f);
  const { written } = new TextEncoder().encodeInto(message, bytes.subarray(3)); // unaligned: the word reads' edges
  return guestMemory.range(3, written)!;
}
const messageArg = (message: string, bytes: boolean): MessageText => (bytes ? asBytes(message) : message);
const progress = (job: string, value: number, message: string, bytes = false): Op => (r, plain) =>
  plain ? r.record({ kind: "progress", job, value, message }) : r.recordProgress(job, value, messageArg(message, bytes));
const log = (job: string, level: LogLevel, message: string, bytes = false): Op => (r, plain) =>
  plain ? r.record({ kind: "log", job, level, message }) : r.recordLog(job, level, messageArg(message, bytes));
const event = (e: TraceEvent): Op => (r) => r.record(e);

/** A deterministic mix of every recording path (xorshift32). */
function mixedOps(count: number, seed = 0x9e3779b9): Op[] {
  let x = seed | 0;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const ops: Op[] = [];
  let items = 0n;
  for (let i = 0; i < count; i++) {
    const r = next() % 10;
    if (r < 4) {
      const delta = BigInt(next() % 5);
      items += delta;
      ops.push(metrics(JOB, next() % 2 === 0 ? "items" : "bytes", delta, items));
    } else if (r < 6) ops.push(check(JOB, (next() % 3) as 0 | 1 | 2));
    else if (r < 7) ops.push(progress(JOB, Math.fround((next() % 1000) / 1000), `step ${i}`, next() % 2 === 0));
    else if (r < 8) {
      const level = LOG_LEVELS[next() % 4]!;
      ops.push(next() % 4 === 0 ? event({ kind: "log", job: JOB, level, message: `plain line ${i}` }) : log(JOB, level, `line ${i}`, next() % 2 === 0));
    }
    else if (r < 9) ops.push(event({ kind: "warning", job: JOB, message: `warning ${i}` }));
    else ops.push(event({ kind: "status", job: JOB, status: "Running" }));
  }
  return ops;
}

function recordAll(ops: readonly Op[], plain: boolean, readAt: ReadonlySet<number> = new Set()): TraceRecorder {
  const recorder = new TraceRecorder();
  ops.forEach((op, i) => {
    op(recorder, plain);
    if (readAt.has(i)) void recorder.events;
  });
  return recorder;
}

describe("TraceRecorder: compact hot kinds", () => {
  it("materializes the same events, in order and with the same keys, as plain recording, for a mix of kinds", () => {
    const ops = mixedOps(5000);
    const plain = recordAll(ops, true).events;
    const compact = recordAll(ops, false);
    expect(compact.size).toBe(ops.length);
    expect(compact.events).toEqual(plain);
    expect(text(compact.events)).toBe(text(plain));
    expect(Array.isArray(compact.events)).toBe(true);
  });

  it("keeps the events recorded with record() as the very objects", () => {
    const status: TraceEvent = { kind: "status", job: JOB, status: "Running" };
    const log: TraceEvent = { kind: "log", job: null, level: "warn", message: "x" };
    const recorder = new TraceRecorder();
    recorder.record(status);
    recorder.recordMetrics(JOB, "items", ...u64Words(1n), ...u64Words(1n));
    recorder.record(log);
    expect(recorder.events[0]).toBe(status);
    expect(recorder.events[2]).toBe(log);
  });

  it("reading events mid-run, then recording more, extends the same array", () => {
    const ops = mixedOps(3000, 12345);
    const plain = recordAll(ops, true).events;
    const recorder = new TraceRecorder();
    const first = recorder.events;
    const seen: number[] = [];
    ops.forEach((op, i) => {
      op(recorder, false);
      if (i % 97 === 0 || i === 1500) {
        const events = recorder.events;
        expect(events).toBe(first); // one array, extended in place
        expect(events).toHaveLength(i + 1);
        expect(text(events)).toBe(text(plain.slice(0, i + 1)));
        seen.push(i);
      }
    });
    expect(seen.length).toBeGreaterThan(10);
    expect(recorder.events).toBe(first);
    expect(text(recorder.events)).toBe(text(plain));
    // Reading twice with nothing new recorded changes nothing.
    expect(text(recorder.events)).toBe(text(plain));
  });

  it("a copy taken at a read does not change when more is recorded", () => {
    const recorder = new TraceRecorder();
    recorder.recordMetrics(JOB, "bytes", ...u64Words(7n), ...u64Words(7n));
    const copy = [...recorder.events];
    recorder.recordMetrics(JOB, "bytes", ...u64Words(1n), ...u64Words(8n));
    recorder.recordInterruptCheck(JOB, 1);
    expect(copy).toEqual([{ kind: "metrics", job: JOB, field: "bytes", delta: 7n, total: 7n }]);
    expect(recorder.events).toHaveLength(3);
  });

  it("keeps u64 extremes exact for deltas and totals", () => {
    const values = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, U64_MAX - 1n, U64_MAX];
    const ops: Op[] = [];
    for (const delta of values) for (const total of values) ops.push(metrics(JOB, delta % 2n === 0n ? "items" : "bytes", delta, total));
    const compact = recordAll(ops, false).events;
    expect(compact).toEqual(recordAll(ops, true).events);
    expect(compact.at(-1)).toEqual({ kind: "metrics", job: JOB, field: "bytes", delta: U64_MAX, total: U64_MAX });
    for (const e of compact) if (e.kind === "metrics") expect(typeof e.delta === "bigint" && typeof e.total === "bigint").toBe(true);
  });

  it("turns words back into the same u64s on the compact path and on the object path (another job)", () => {
    const recorder = new TraceRecorder();
    recorder.recordMetrics(JOB, "bytes", ...u64Words(-1n), ...u64Words(U64_MAX));
    recorder.recordMetrics(OTHER, "items", ...u64Words(-2n), ...u64Words(3n)); // not the recorder's job: recorded as an object
    expect(recorder.events).toEqual([
      { kind: "metrics", job: JOB, field: "bytes", delta: U64_MAX, total: U64_MAX },
      { kind: "metrics", job: OTHER, field: "items", delta: U64_MAX - 1n, total: 3n },
    ]);
  });

  it("keeps progress values exact (f32 values, 0, -0, 1, the smallest f32) and messages", () => {
    const values = [0, -0, 1, Math.fround(0.1), Math.fround(1 / 3), 2 ** -149, Math.fround(0.999999)];
    const ops = values.map((v, i) => progress(JOB, v, i % 2 === 0 ? "" : `m${i} ✓`));
    const compact = recordAll(ops, false).events;
    expect(compact).toEqual(recordAll(ops, true).events);
    compact.forEach((e, i) => expect(Object.is(e.kind === "progress" && e.value, values[i])).toBe(true));
  });

  it("keeps messages passed as ASCII bytes as copies, read back as their text among string messages", () => {
    const long = "x".repeat(1000); // longer than the first byte storage: it grows
    const ops = [progress(JOB, 0.5, "a", true), log(JOB, "info", "", true), log(JOB, "warn", "s"), progress(JOB, 1, long, true), log(JOB, "error", "b", true), progress(OTHER, 0, "o", true)];
    const recorder = recordAll(ops, false, new Set([1]));
    asBytes("overwritten"); // the caller's memory changes after the calls
    expect(recorder.events).toEqual(recordAll(ops, true).events);
    expect(recorder.events.map((e) => ("message" in e ? e.message : null))).toEqual(["a", "", "s", long, "b", "o"]);
  });

  it("records an event of another job than the recorder's compact one as an object, in order", () => {
    const ops = [metrics(JOB, "items", 1n, 1n), metrics(OTHER, "items", 2n, 2n), check(OTHER, 2), progress(OTHER, 0.5, "o"), log(OTHER, "warn", "w"), check(JOB, 0), progress(JOB, 1, "j"), log(JOB, "error", "e")];
    const compact = recordAll(ops, false).events;
    expect(text(compact)).toBe(text(recordAll(ops, true).events));
    expect(compact.map((e) => e.job)).toEqual([JOB, OTHER, OTHER, OTHER, OTHER, JOB, JOB, JOB]);
  });

  it("grows past many doublings and releases nothing it still needs across reads", () => {
    const ops = mixedOps(20_000, 777);
    const readAt = new Set([0, 1, 63, 64, 65, 4095, 4096, 16_384]);
    const plain = recordAll(ops, true).events;
    const compact = recordAll(ops, false, readAt).events;
    expect(compact).toHaveLength(plain.length);
    expect(text(compact)).toBe(text(plain));
  });
});

describe("TraceRecorder: repeats of the last entry", () => {
  /** Increments of `field` by `delta` from `start`, totals saturating, as the host makes them. */
  function increments(field: "bytes" | "items", start: bigint, delta: bigint, count: number): Op[] {
    const ops: Op[] = [];
    let total = start;
    for (let i = 0; i < count; i++) {
      total = total + delta > U64_MAX ? U64_MAX : total + delta;
      ops.push(metrics(JOB, field, delta, total));
    }
    return ops;
  }

  const same = (ops: readonly Op[], readAt?: ReadonlySet<number>) => {
    const compact = recordAll(ops, false, readAt);
    const plain = recordAll(ops, true).events;
    expect(compact.size).toBe(plain.length);
    expect(text(compact.events)).toBe(text(plain));
    return compact.events;
  };

  it("a run of equal increments reads back as every one of its events, with each total", () => {
    const events = same(increments("items", 0n, 1n, 10_000));
    expect(events).toHaveLength(10_000);
    expect(events.at(-1)).toEqual({ kind: "metrics", job: JOB, field: "items", delta: 1n, total: 10_000n });
  });

  it("a run that reaches 2^64-1 keeps saturated totals, also for a delta of 0 and of 2^64-1", () => {
    same(increments("bytes", U64_MAX - 5n * 2n ** 61n, 2n ** 61n, 12));
    same([...increments("bytes", 7n, 0n, 5), ...increments("bytes", 7n, U64_MAX, 4)]);
  });

  it("a total that does not follow from the previous one, another field or another delta starts a new entry", () => {
    const ops = [
      ...increments("items", 0n, 3n, 4),
      metrics(JOB, "items", 3n, 100n), // not 12 + 3
      ...increments("items", 100n, 3n, 3),
      ...increments("bytes", 100n, 3n, 3), // another field, whose totals happen to continue
      ...increments("items", 109n, 4n, 3), // another delta
    ];
    const events = same(ops);
    expect(events.filter((e) => e.kind === "metrics" && e.total === 100n)).toHaveLength(1);
  });

  it("interrupt checks with one answer repeat, and a change of answer or any other event ends the run", () => {
    const ops = [check(JOB, 0), check(JOB, 0), check(JOB, 0), check(JOB, 1), check(JOB, 1), progress(JOB, 0.5, "p"), check(JOB, 1), log(JOB, "info", "l"), check(JOB, 1), check(JOB, 2)];
    const events = same(ops);
    expect(events.map((e) => (e.kind === "interrupt_check" ? e.answer : e.kind))).toEqual([0, 0, 0, 1, 1, "progress", 1, "log", 1, 2]);
  });

  it("a read in the middle of a run ends it: what follows is recorded and read back after it", () => {
    const ops = [...increments("items", 0n, 1n, 100), ...Array.from({ length: 50 }, () => check(JOB, 0))];
    same(ops, new Set([10, 99, 120]));
  });
});

describe("TraceRecorder in the host", () => {
  afterEach(() => vi.restoreAllMocks());

  const busyJob: NativeJob = (ctx) => {
    ctx.progress(0, "start");
    for (let i = 0; i < 300; i++) {
      ctx.incrementItems(1);
      if (i % 7 === 0) ctx.incrementBytes(2n ** 62n);
      if (i % 16 === 0 && ctx.checkInterrupt() !== 0) {
        ctx.checkpoint(`at ${i}`);
        return 1;
      }
      if (i % 50 === 0) ctx.progress(i / 300, `step ${i}`);
      if (i % 90 === 0) ctx.log("info", `line ${i}`);
    }
    ctx.incrementItems(-1); // u64 max as a delta: the total saturates
    ctx.progress(2, "clamped");
    return 0;
  };

  function run(options: HostOptions, resume = true): { host: ReferenceHost; scope: ExtensionScope; job: JobRecord } {
    const host = new ReferenceHost({ seed: "recorder", ...options });
    const { scope } = loadNativeExtension(host, "ext", { jobs: { execute_job: busyJob } });
    const job = host.createJob(scope, "execute_job", null);
    host.drive(job, { resume });
    return { host, scope, job };
  }

  /** The same runs with the compact methods replaced by plain record() calls. */
  function plainly<T>(f: () => T): T {
    vi.spyOn(TraceRecorder.prototype, "recordMetrics").mockImplementation(function (this: TraceRecorder, job, field, deltaLow, deltaHigh, totalLow, totalHigh) {
      this.record({ kind: "metrics", job, field, delta: u64FromWords(deltaLow, deltaHigh), total: u64FromWords(totalLow, totalHigh) });
    });
    vi.spyOn(TraceRecorder.prototype, "recordInterruptCheck").mockImplementation(function (this: TraceRecorder, job, answer) {
      this.record({ kind: "interrupt_check", job, answer });
    });
    vi.spyOn(TraceRecorder.prototype, "recordProgress").mockImplementation(function (this: TraceRecorder, job, value, message) {
      this.record({ kind: "progress", job, value, message: messageString(message) });
    });
    vi.spyOn(TraceRecorder.prototype, "recordLog").mockImplementation(function (this: TraceRecorder, job, level, message) {
      this.record({ kind: "log", job, level, message: messageString(message) });
    });
    try {
      return f();
    } finally {
      vi.restoreAllMocks();
    }
  }

  it("a job's trace is the one plain recording gives (a pause, a resume, saturation, clamping)", () => {
    const options: HostOptions = { interrupts: [{ action: "pause", atCheck: 3 }] };
    const compact = run(options);
    const plain = plainly(() => run(options));
    expect(compact.job.status).toBe("Completed");
    expect(compact.job.metrics.items).toBe(U64_MAX);
    const kinds = new Set(compact.job.trace.events.map((e) => e.kind));
    for (const kind of ["status", "metrics", "interrupt_check", "progress", "checkpoint", "log"]) expect(kinds).toContain(kind);
    expect(compact.job.trace.events).toEqual(plain.job.trace.events);
    expect(text(compact.job.trace.events)).toBe(text(plain.job.trace.events));
    expect(text(compact.scope.trace.events)).toBe(text(plain.scope.trace.events));
  });

  it("the restore path: the first event is the stored status, later events follow it in order", () => {
    const stored: JobSnapshot = {
      id: JOB,
      type: "execute_job",
      extensionId: "ext",
      parentId: null,
      depth: 0,
      status: "Paused",
      initialState: null,
      runs: 1,
      exitCodes: [1],
      metrics: { bytes: "0", items: U64_MAX.toString(), warnings: 0, nonCriticalErrors: 0 },
      counts: NO_COUNTS,
      progress: null,
      error: null,
    };
    const job = JobRecord.restore(stored, 0, 0);
    expect(job.trace.events).toEqual([{ kind: "status", job: JOB, status: "Paused" }]);
    job.transition("Running");
    job.metrics.itemsTotal.add(5, 0);
    job.trace.recordMetrics(job.id, "items", 5, 0, job.metrics.itemsTotal.low, job.metrics.itemsTotal.high);
    job.trace.recordInterruptCheck(job.id, 0);
    job.transition("Completed", { cause: "returned", code: 0 });
    expect(text(job.trace.events)).toBe(
      text([
        { kind: "status", job: JOB, status: "Paused" },
        { kind: "status", job: JOB, status: "Running" },
        { kind: "metrics", job: JOB, field: "items", delta: 5n, total: U64_MAX },
        { kind: "interrupt_check", job: JOB, answer: 0 },
        { kind: "status", job: JOB, status: "Completed", end: { cause: "returned", code: 0 } },
      ]),
    );
  });

  it("the restore path through a host: a restored paused job runs on from its stored status", () => {
    const first = run({ interrupts: [{ action: "pause", atCheck: 2 }] }, false);
    expect(first.job.status).toBe("Paused");
    const host = new ReferenceHost({ seed: "recorder-2", store: first.host.store });
    const { scope } = loadNativeExtension(host, "ext", { jobs: { execute_job: busyJob } });
    const job = host.restoreJob(scope, first.job.snapshot());
    host.drive(job, { resume: true });
    const events = job.trace.events;
    expect(events[0]).toEqual({ kind: "status", job: job.id, status: "Paused" });
    expect(events.filter((e) => e.kind === "status").map((e) => e.status)).toEqual(["Paused", "Running", "Completed"]);
    expect(job.metrics.items).toBe(U64_MAX);
    const metrics = events.filter((e) => e.kind === "metrics" && e.field === "items");
    expect(metrics.at(-1)).toMatchObject({ delta: U64_MAX, total: U64_MAX });
  });
});

describe("TraceRecorder: a window (the first and the last N events kept, the rest counted)", () => {
  const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

  function windowed(ops: readonly Op[], window: number, readAt: ReadonlySet<number> = new Set()): TraceRecorder {
    const recorder = new TraceRecorder();
    recorder.setWindow(window);
    ops.forEach((op, i) => {
      op(recorder, false);
      if (readAt.has(i)) void recorder.events;
    });
    return recorder;
  }

  /** What a window of `window` keeps of `full` and what its summary says. */
  function expectWindowOf(recorder: TraceRecorder, full: readonly TraceEvent[], window: number): void {
    const cut = full.length > 2 * window;
    const kept = cut ? [...full.slice(0, window), ...full.slice(full.length - window)] : full;
    const droppedKinds: Partial<Record<string, number>> = {};
    for (const e of cut ? full.slice(window, full.length - window) : []) droppedKinds[e.kind] = (droppedKinds[e.kind] ?? 0) + 1;
    expect(text(recorder.events)).toBe(text(kept));
    expect(recorder.size).toBe(full.length);
    expect(recorder.summary()).toEqual({ events: full.length, window, kept: kept.length, dropped: full.length - kept.length, droppedKinds, lastCheckpoint: null });
  }

  it("keeps exactly the first and last N of a mix of every recording path, whenever it is read", () => {
    const ops = mixedOps(6000, 777);
    const full = recordAll(ops, true).events;
    const lastProgress = recordAll(ops, false).lastProgressMessage();
    expect(lastProgress).toMatch(/^step /);
    for (const window of [1, 2, 7, 64, 1000, 2999, 3000, 5000]) {
      expect(windowed(ops, window).lastProgressMessage()).toBe(lastProgress); // a job's progress, whether kept or not
      expectWindowOf(windowed(ops, window), full, window);
      expectWindowOf(windowed(ops, window, new Set([0, 5, 97, 1500, 1501, 4000])), full, window);
      expectWindowOf(windowed(ops, window, new Set(Array.from({ length: 6000 }, (_, i) => i).filter((i) => i % 13 === 0))), full, window);
    }
  });

  it("cuts runs of repeated increments and checks at the window's edges, totals included", () => {
    const ops: Op[] = [event({ kind: "status", job: JOB, status: "Running" })];
    for (let i = 1; i <= 100; i++) ops.push(metrics(JOB, "items", 1n, BigInt(i)));
    for (let i = 0; i < 50; i++) ops.push(check(JOB, 0));
    ops.push(event({ kind: "status", job: JOB, status: "Completed" }));
    const full = recordAll(ops, true).events;
    for (const window of [1, 10, 60, 75, 76, 200]) {
      expectWindowOf(windowed(ops, window), full, window);
      expectWindowOf(windowed(ops, window, new Set([3, 120])), full, window);
    }
    const recorder = windowed(ops, 10);
    expect(recorder.events[9]).toEqual({ kind: "metrics", job: JOB, field: "items", delta: 1n, total: 9n });
    expect(recorder.summary()!.droppedKinds).toEqual({ metrics: 91, interrupt_check: 41 });
  });

  it("counts a run of a billion increments without making its events", () => {
    const recorder = new TraceRecorder();
    recorder.setWindow(3);
    recorder.record({ kind: "status", job: JOB, status: "Running" });
    recorder.recordMetricsRun(JOB, "bytes", ...u64Words(2n), ...u64Words(2n), 1_000_000_000);
    recorder.record({ kind: "status", job: JOB, status: "Completed" });
    const events = recorder.events;
    expect(events.map((e) => (e.kind === "metrics" ? e.total : e.kind))).toEqual(["status", 2n, 4n, 1_999_999_998n, 2_000_000_000n, "status"]);
    expect(recorder.summary()).toMatchObject({ events: 1_000_000_002, kept: 6, dropped: 999_999_996, droppedKinds: { metrics: 999_999_996 } });
  });

  it("holds a bounded number of events and entries while recording, however long the job", () => {
    const recorder = new TraceRecorder();
    recorder.setWindow(100);
    let most = 0;
    for (let i = 0; i < 200_000; i++) {
      if (i % 3 === 0) recorder.recordProgress(JOB, i / 200_000, i % 2 === 0 ? "a string" : asBytes("bytes"));
      else if (i % 3 === 1) recorder.record({ kind: "abi_violation", job: JOB, import: "job_checkpoint", code: "BAD_ARGUMENT", arg: "state_ptr", limit: null, size: null, detail: "x" });
      else recorder.recordMetrics(JOB, "items", i, 0, i, 0); // a delta unlike the last: an entry each
      most = Math.max(most, recorder.retained);
    }
    expect(most).toBeLessThanOrEqual(2 * 100 + 1024 + 1); // the event that made the trim, besides
    expect(recorder.events).toHaveLength(200);
    expect(recorder.summary()).toMatchObject({ events: 200_000, kept: 200, dropped: 199_800 });
    expect(Object.values(recorder.summary()!.droppedKinds).reduce((a, b) => a! + b!, 0)).toBe(199_800);
  });

  it("keeps a state only in the newest checkpoint: older ones read state null, with their size and sha256", () => {
    const recorder = new TraceRecorder();
    recorder.setWindow(100);
    const buffer = new Uint8Array(64); // reused, as guest memory is: the trace keeps copies
    const states: string[] = [];
    for (let i = 0; i < 5; i++) {
      const state = `{"step":${i}}`;
      states.push(state);
      buffer.set(new TextEncoder().encode(state));
      recorder.recordCheckpoint(JOB, buffer.subarray(0, state.length));
      expect(recorder.heldStateBytes).toBe(state.length);
    }
    const checkpoints = recorder.events.filter((e) => e.kind === "checkpoint");
    expect(JSON.parse(JSON.stringify(checkpoints))).toEqual(
      states.map((state, i) => ({ kind: "checkpoint", job: JOB, state: i === 4 ? state : null, bytes: state.length, sha256: sha256(state) })),
    );
    expect(recorder.summary()!.lastCheckpoint).toEqual({ index: 4, bytes: states[4]!.length, sha256: sha256(states[4]!) });
    recorder.recordCheckpoint(JOB, null); // stateless: the newest has no state, and none is held
    expect(recorder.heldStateBytes).toBe(0);
    expect(recorder.summary()!.lastCheckpoint).toEqual({ index: 5, bytes: 0, sha256: null });
    expect(recorder.events.at(-1)).toEqual({ kind: "checkpoint", job: JOB, state: null, bytes: 0 });
  });

  it("releases the newest checkpoint's state when its event leaves the window; the summary keeps its index and hash", () => {
    const recorder = new TraceRecorder();
    recorder.setWindow(2);
    for (let i = 0; i < 3; i++) recorder.record({ kind: "status", job: JOB, status: "Running" });
    const state = new Uint8Array(100_000).fill(0x61);
    recorder.recordCheckpoint(JOB, state);
    expect(recorder.heldStateBytes).toBe(100_000);
    for (let i = 0; i < 5000; i++) recorder.recordInterruptCheck(JOB, (i % 2) as 0 | 1);
    void recorder.events;
    expect(recorder.heldStateBytes).toBe(0);
    expect(recorder.summary()).toMatchObject({ kept: 4, dropped: 5000 - 2 + 2, droppedKinds: { status: 1, checkpoint: 1, interrupt_check: 4998 } });
    expect(recorder.summary()!.lastCheckpoint).toEqual({ index: 3, bytes: 100_000, sha256: sha256(state) });
  });

  it("keeps a loaded state only in the newest load_state, as checkpoints", () => {
    const recorder = new TraceRecorder();
    recorder.setWindow(10);
    recorder.recordLoadState(JOB, new TextEncoder().encode("first"));
    recorder.recordLoadState(JOB, null);
    recorder.recordLoadState(JOB, new TextEncoder().encode("second"));
    expect(JSON.parse(JSON.stringify(recorder.events))).toEqual([
      { kind: "load_state", job: JOB, state: null, bytes: 5, sha256: sha256("first") },
      { kind: "load_state", job: JOB, state: null },
      { kind: "load_state", job: JOB, state: "second", bytes: 6, sha256: sha256("second") },
    ]);
    expect(recorder.heldStateBytes).toBe(6);
  });

  it("without a window (conformance cases, the gate) every event and every state is kept, with no summary", () => {
    const recorder = new TraceRecorder();
    for (let i = 0; i < 3; i++) recorder.recordCheckpoint(JOB, new TextEncoder().encode(`s${i}`));
    expect(recorder.events).toEqual([0, 1, 2].map((i) => ({ kind: "checkpoint", job: JOB, state: `s${i}`, bytes: 2 })));
    expect(recorder.summary()).toBeNull();
  });

  it("in a host with traceWindow, a job checkpointing 2,000 states of 64 KiB holds one state at a time", () => {
    const held: number[] = [];
    const host = new ReferenceHost({ seed: "window", traceWindow: 50 });
    const { scope } = loadNativeExtension(host, "ext", {
      jobs: {
        execute_job(ctx) {
          const state = new Uint8Array(65536).fill(0x62);
          for (let i = 0; i < 2000; i++) {
            state[0] = 0x30 + (i % 10);
            if (ctx.checkpoint(state) !== 0) return 2;
            held.push(host.jobs[0]!.trace.heldStateBytes);
          }
          return 0;
        },
      },
    });
    const job = host.createJob(scope, "execute_job", null);
    host.drive(job);
    expect(job.status).toBe("Completed");
    expect(Math.max(...held)).toBe(65536);
    expect(job.trace.events).toHaveLength(100);
    const kept = job.trace.events.filter((e) => e.kind === "checkpoint");
    expect(kept.filter((e) => e.kind === "checkpoint" && e.state !== null)).toHaveLength(1); // the newest
    expect(job.trace.summary()).toMatchObject({ events: 2003, dropped: 1903, droppedKinds: { checkpoint: 1903 }, lastCheckpoint: { index: 2001, bytes: 65536 } });
  });
});
