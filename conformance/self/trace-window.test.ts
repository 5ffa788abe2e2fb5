// exec's and the durable commands' trace window: a job of any length keeps the first and the last N events of its
// trace, counts the rest per kind and says so, in the text and the JSON. In-process (execCommand and the durable
// session functions the CLI's worker calls): a real process costs a second, and what is measured here is the host.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../harness/cli/args.ts";
import { execCommand } from "../../harness/cli/exec.ts";
import { execDurable, resumeDurable } from "../../harness/durable/session.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";
import { DEFAULT_TRACE_WINDOW, TraceRecorder, type TraceSummary } from "../../harness/trace/recorder.ts";

const EVENT_LOOP = join(PROJECT_ROOT, "bench/lib/event-loop.wat");
const CHECKPOINTER = join(PROJECT_ROOT, "conformance/crash-guests/checkpointer.wat");
const count = (n: number) => String(n).padStart(10, "0");

const dir = mkdtempSync(join(tmpdir(), "job-parity-trace-window-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function exec(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await execCommand(args, (line) => lines.push(...line.split("\n")));
  return { code, lines };
}

interface ExecJson {
  outcome: string;
  trace: { kind: string; value?: number; status?: string }[];
  traceSummary: TraceSummary | null;
}

describe("exec: a long job under the default trace window", () => {
  it("--quiet: 200,000 progress reports keep about 3 x 1,000 events at most at any time, and the summary says what was not kept", async () => {
    // Every report goes through the recorder: the most it holds at once, measured on the job's path.
    const record = TraceRecorder.prototype.recordProgress;
    let most = 0;
    vi.spyOn(TraceRecorder.prototype, "recordProgress").mockImplementation(function (this: TraceRecorder, ...args) {
      record.apply(this, args);
      most = Math.max(most, this.retained);
    });
    const { code, lines } = await exec(EVENT_LOOP, "--job", "event_loop", "--state", count(200_000), "--quiet");
    expect(code).toBe(0);
    expect(DEFAULT_TRACE_WINDOW).toBe(1000);
    expect(most).toBeGreaterThan(2000);
    expect(most).toBeLessThanOrEqual(2 * DEFAULT_TRACE_WINDOW + Math.max(DEFAULT_TRACE_WINDOW, 1024) + 1); // see TraceRecorder.retained
    expect(lines.filter((line) => /^\s+#\d/.test(line))).toEqual([]); // quiet: no events
    expect(lines).toContain("  => Completed after 1 run (exit codes 0) · items 0 · bytes 0 · warnings 0 · non-critical errors 0");
    expect(lines).toContain("     trace: 200003 events, the first and last 1000 kept (--trace-window), 198003 not kept: 198003 progress");
  });

  it("--json: the trace is the first and the last 1,000 events, and traceSummary counts the rest", async () => {
    const { code, lines } = await exec(EVENT_LOOP, "--job", "event_loop", "--state", count(200_000), "--json");
    expect(code).toBe(0);
    const result = JSON.parse(lines.join("\n")) as ExecJson;
    expect(result.outcome).toBe("Completed");
    expect(result.trace).toHaveLength(2000);
    expect(result.traceSummary).toEqual({ events: 200_003, window: 1000, kept: 2000, dropped: 198_003, droppedKinds: { progress: 198_003 }, lastCheckpoint: null });
    // Event #999 is report 997 (after Queued and Running); the kept tail starts at #199003, report 199001.
    expect(result.trace[999]!.value).toBe(Math.fround(997 / 200_000));
    expect(result.trace[1000]!.value).toBe(Math.fround(199_001 / 200_000));
    expect(result.trace.at(-1)).toMatchObject({ kind: "status", status: "Completed" });
  });

  it("text: the kept events with their indices in the whole trace, a line in place of the others, the newest checkpoint", async () => {
    const { lines } = await exec(CHECKPOINTER, "--job", "checkpointer", "--state", '{"target":6,"size":60,"every":1}', "--trace-window", "4");
    const job = lines.slice(lines.indexOf("job:0  checkpointer"));
    expect(job.slice(1, 8)).toEqual([
      "  #0    status             Queued",
      "  #1    status             Running",
      "  #2    interrupt_check    continue",
      "  #3    metrics            items +1 = 1",
      "  ...   13 events not kept (#4 to #16): 5 checkpoint, 4 interrupt_check, 4 metrics",
      "  #17   interrupt_check    continue",
      "  #18   metrics            items +1 = 6",
    ]);
    expect(job[8]).toMatch(/^ {2}#19 {3}checkpoint {9}60 bytes {2}"\{\\"step\\":6,/); // the newest checkpoint keeps its state
    expect(job[9]).toBe("  #20   status             Completed (returned 0)");
    expect(job.at(-1)).toMatch(/^ {5}trace: 21 events, the first and last 4 kept \(--trace-window\), 13 not kept: .*; last checkpoint #19: 60 bytes, sha256 [0-9a-f]{64}$/);
  });

  it("--trace-window 0 keeps every event and every state; a window larger than the trace changes nothing but the states", async () => {
    const all = JSON.parse((await exec(EVENT_LOOP, "--job", "event_loop", "--state", count(3000), "--json", "--trace-window", "0")).lines.join("\n")) as ExecJson;
    expect(all.trace).toHaveLength(3003);
    expect(all.traceSummary).toBeNull();
    const wide = JSON.parse((await exec(EVENT_LOOP, "--job", "event_loop", "--state", count(3000), "--json", "--trace-window", "5000")).lines.join("\n")) as ExecJson;
    expect(wide.trace).toEqual(all.trace);
    expect(wide.traceSummary).toMatchObject({ events: 3003, kept: 3003, dropped: 0, droppedKinds: {} });
  });

  it("--trace-window takes a whole number of events", async () => {
    for (const bad of ["-1", "1.5", "lots", "", "0x10", "1e20"]) {
      await expect(exec(EVENT_LOOP, "--job", "event_loop", "--trace-window", bad)).rejects.toThrow(UsageError);
    }
    await expect(exec(EVENT_LOOP, "--job", "event_loop", "--trace-window", "x")).rejects.toThrow(/--trace-window must be a whole number of events/);
  });
});

describe("the durable commands' trace window", () => {
  const noSignal = new Int32Array(new SharedArrayBuffer(4));
  const note = () => {};

  it("exec --db uses the default window, resume the one it is given", async () => {
    const db = join(dir, "window.db");
    const state = { target: 3000, size: 100, every: 1 };
    const first = await execDurable({ db, source: CHECKPOINTER, job: "checkpointer", state, interrupts: [{ action: "pause", atCheck: 1500 }], durability: "normal" }, note, noSignal);
    const paused = first.result.jobs[0]!;
    expect(paused.status).toBe("Paused");
    // Queued, Running, 1,499 steps of three events (check, items, checkpoint), the check that pauses, its checkpoint, Paused.
    expect(paused.traceSummary).toMatchObject({ window: DEFAULT_TRACE_WINDOW, kept: 2000, events: 4502, dropped: 2502, lastCheckpoint: { index: 4500, bytes: 100 } });
    const resumed = await resumeDurable({ db, jobId: paused.id, traceWindow: 5, durability: "normal" }, note, noSignal);
    const job = resumed.result.jobs[0]!;
    expect(job.status).toBe("Completed");
    expect(job.trace).toHaveLength(10);
    // Paused, Running, 1,501 steps of three events, Completed.
    expect(job.traceSummary).toMatchObject({ window: 5, kept: 10, events: 4506, dropped: 4496 });
  });
});
