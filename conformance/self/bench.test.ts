// The benchmark runner (`npm run bench`) as a module: what it reports and how it judges budgets. Nothing here asserts
// a timing: figures live in reports/bench.json, never in a pass/fail test.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointBenchmark, SIZES, STORES } from "../../bench/checkpoint.ts";
import { HIT_RATE, PER_FIXTURE, TOTAL, watGuests } from "../../bench/compile.ts";
import { FIGURE as FUZZ_FIGURE, HOST_FIGURE as HOST_FUZZ_FIGURE, LONG_FIGURE as LONG_FUZZ_FIGURE } from "../../bench/fuzz.ts";
import { RSS_JOBS, rssBenchmark } from "../../bench/rss.ts";
import { logLogSlope, scalingBenchmarkFor, SLOPE_FIGURE, SLOPE_LIMIT } from "../../bench/scaling.ts";
import { PROJECT_ROOT } from "../../harness/engine/modules.ts";
import { compileWat, resetWatCache, watCacheStats } from "../../harness/engine/wat.ts";
import { BenchError, figure, median, withinBudget, type Benchmark, type Figure } from "../../bench/measure.ts";
import { exitCodeOf, formatTable, reportProblems, writeBenchReport, type BenchReport } from "../../bench/report.ts";
import { benchMain, parseBenchArgs, type BenchIo } from "../../bench/run.ts";
import { figureNames, runBench } from "../../bench/runner.ts";

const scratch = mkdtempSync(join(tmpdir(), "job-parity-bench-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const benchDirs = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("job-parity-bench-") && !name.startsWith("job-parity-bench-test-")));

/** A benchmark that measures nothing: one figure per value, so budgets can be judged without timing anything. */
function synthetic(figures: readonly Figure[]): Benchmark {
  return { name: "synthetic", description: "fixed figures", cases: () => [{ figures: figures.map((f) => f.name), run: () => figures }] };
}

function captured(): BenchIo & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, out: (line) => lines.out.push(line), err: (line) => lines.err.push(line) };
}

const isPositiveFinite = (x: number | null) => typeof x === "number" && Number.isFinite(x) && x > 0;

describe("bench: job_checkpoint figures (quick mode, a small subset)", () => {
  let memory: BenchReport;
  let sqlite: BenchReport;
  const progress: string[] = [];

  it("measures the in-memory store, native and WASM, through the reference host", async () => {
    memory = await runBench({ quick: true, only: "memory.1KB", benchmarks: [checkpointBenchmark], progress: (line) => progress.push(line) });
    expect(memory.figures.map((f) => f.name)).toEqual([
      "job_checkpoint.memory.1KB.native.rate",
      "job_checkpoint.memory.1KB.native.bandwidth",
      "job_checkpoint.memory.1KB.wasm.rate",
      "job_checkpoint.memory.1KB.wasm.bandwidth",
    ]);
    const figureLines = progress.filter((line) => line.startsWith("[")); // besides a warning when the machine is busy
    expect(figureLines).toHaveLength(4); // one line per figure as it completes
    expect(figureLines[0]).toMatch(/^\[1\/4\] job_checkpoint\.memory\.1KB\.native\.rate: /);
  });

  it("measures the SQLite store in a temp dir it removes, naming the durability mode", async () => {
    const before = benchDirs();
    sqlite = await runBench({ quick: true, only: "sqlite-normal.1KB.native", benchmarks: [checkpointBenchmark] });
    expect(sqlite.figures.map((f) => f.name)).toEqual(["job_checkpoint.sqlite-normal.1KB.native.rate", "job_checkpoint.sqlite-normal.1KB.native.bandwidth"]);
    for (const f of sqlite.figures) expect(f.notes).toContain('durability "normal"');
    expect([...benchDirs()].filter((name) => !before.has(name))).toEqual([]);
  });

  it("reports that validate against bench.schema.json", () => {
    expect(reportProblems(memory)).toEqual([]);
    expect(reportProblems(sqlite)).toEqual([]);
    expect(memory.options).toMatchObject({ quick: true, only: "memory.1KB" });
    expect(memory.machine.cpus).toBeGreaterThan(0);
    expect(memory.node).toBe(process.version);
  });

  it("has positive finite values, baselines and ratios, in the right units, and no budget yet", () => {
    for (const f of [...memory.figures, ...sqlite.figures]) {
      expect(isPositiveFinite(f.value), f.name).toBe(true);
      expect(isPositiveFinite(f.baseline), f.name).toBe(true);
      expect(f.ratio).toBeCloseTo(f.value / f.baseline!, 9);
      expect(f.unit).toBe(f.name.endsWith(".rate") ? "checkpoints/s" : "MB/s");
      expect(f.budget).toBeNull();
      expect(f.pass).toBe(true);
      expect(f.runs).toBe(3);
    }
    const byName = new Map(memory.figures.map((f) => [f.name, f]));
    // A 1 KB checkpoint is 1/1024 MB; the WASM figure's baseline is the native figure.
    expect(byName.get("job_checkpoint.memory.1KB.native.bandwidth")!.value).toBeCloseTo(byName.get("job_checkpoint.memory.1KB.native.rate")!.value / 1024, 6);
    expect(byName.get("job_checkpoint.memory.1KB.wasm.rate")!.baseline).toBe(byName.get("job_checkpoint.memory.1KB.native.rate")!.value);
    expect(byName.get("job_checkpoint.memory.1KB.wasm.rate")!.baselineName).toBe("job_checkpoint.memory.1KB.native.rate");
  });

  it("knows every figure name before measuring: 3 stores x 3 sizes x native/WASM x checkpoints/s and MB/s", () => {
    const names = figureNames([checkpointBenchmark]);
    expect(names).toHaveLength(36);
    expect(new Set(names).size).toBe(36);
    for (const store of STORES) {
      for (const size of SIZES) {
        for (const path of ["native", "wasm"]) {
          for (const unit of ["rate", "bandwidth"]) expect(names).toContain(`job_checkpoint.${store}.${size.label}.${path}.${unit}`);
        }
      }
    }
  });
});

describe("bench: scaling, compile and fuzz figures", () => {
  it("are all registered: figureNames() lists them, each once", () => {
    const names = figureNames();
    expect(new Set(names).size).toBe(names.length);
    for (const name of ["scaling.per_step.1e3", "scaling.per_step.1e4", "scaling.per_step.1e5", "scaling.per_step.1e6", SLOPE_FIGURE, PER_FIXTURE, TOTAL, HIT_RATE, FUZZ_FIGURE, LONG_FUZZ_FIGURE, HOST_FUZZ_FIGURE]) {
      expect(names, name).toContain(name);
    }
  });

  it("computes the log-log slope: 1 for a linear series, 2 for a quadratic one", () => {
    const sizes = [1e3, 1e4, 1e5, 1e6];
    expect(logLogSlope(sizes.map((n) => ({ n, time: 250 * n })))).toBeCloseTo(1, 12);
    expect(logLogSlope(sizes.map((n) => ({ n, time: 3 * n * n })))).toBeCloseTo(2, 12);
    expect(logLogSlope(sizes.map((n) => ({ n, time: 7 })))).toBeCloseTo(0, 12);
    expect(logLogSlope(sizes.map((n) => ({ n, time: n ** 1.05 })))).toBeLessThan(SLOPE_LIMIT);
    expect(logLogSlope(sizes.map((n) => ({ n, time: n ** 1.2 })))).toBeGreaterThan(SLOPE_LIMIT);
    expect(() => logLogSlope([{ n: 10, time: 1 }])).toThrow(BenchError);
    expect(() => logLogSlope([{ n: 10, time: 1 }, { n: 10, time: 2 }])).toThrow(BenchError);
  });

  it("runs the scaling job for real at tiny sizes: per-step figures against the smallest, and a budgeted slope", async () => {
    const report = await runBench({ quick: true, benchmarks: [scalingBenchmarkFor([10, 100, 1000])] });
    expect(reportProblems(report)).toEqual([]);
    expect(report.figures.map((f) => f.name)).toEqual(["scaling.per_step.1e1", "scaling.per_step.1e2", "scaling.per_step.1e3", SLOPE_FIGURE]);
    const [first, ...others] = report.figures.slice(0, 3);
    expect(first).toMatchObject({ unit: "ns/step", baseline: null, ratio: null, budget: null, pass: true, runs: 3 });
    for (const f of others) {
      expect(isPositiveFinite(f!.value), f!.name).toBe(true);
      expect(f).toMatchObject({ unit: "ns/step", baseline: first!.value, baselineName: "scaling.per_step.1e1", budget: null, pass: true });
      expect(f!.notes).toMatch(/trace events per job/);
    }
    const slope = report.figures[3]!;
    expect(Number.isFinite(slope.value)).toBe(true);
    expect(slope.budget).toEqual({ limit: SLOPE_LIMIT, bounds: "value", direction: "max" });
    expect(slope.notes).toMatch(/per-step times: N=1e1 [\d.]+ ns\/step \(GC [\d.]+\), N=1e2 .*, N=1e3 /);
  });

  it("has a compile cache that counts hits and misses and can be emptied", async () => {
    const guests = watGuests();
    expect(guests.length).toBeGreaterThan(10);
    expect(guests.every((g) => g.path.endsWith(".wat"))).toBe(true);
    const guest = guests[0]!;
    resetWatCache();
    expect(watCacheStats()).toEqual({ hits: 0, misses: 0 });
    const first = await compileWat(guest.path, guest.source);
    expect(await compileWat(guest.path, guest.source)).toBe(first);
    expect(watCacheStats()).toEqual({ hits: 1, misses: 1 });
    resetWatCache();
    expect(await compileWat(guest.path, guest.source)).not.toBe(first);
    expect(watCacheStats()).toEqual({ hits: 0, misses: 1 });
  });
});

describe("bench: peak RSS of long jobs (quick mode: one figure)", () => {
  it("registers a figure per job, each with a budget in MB", () => {
    expect(figureNames([rssBenchmark])).toEqual(["rss.exec.events", "rss.exec.checkpoints", "rss.exec_db.checkpoints", "rss.exec.child_bomb"]);
    for (const job of RSS_JOBS) expect(job.limitMb).toBeGreaterThanOrEqual(200);
  });

  it("reads the child's own peak, not its parent's: a child of a process holding 256 MB reports far less", () => {
    const held = Buffer.alloc(256 * 1024 * 1024, 1);
    const run = spawnSync(process.execPath, ["--import", join(PROJECT_ROOT, "bench/lib/max-rss.mjs"), "-e", "0"], { encoding: "utf8" });
    const kb = Number(/^job-parity-bench: maxRSS (\d+) kB$/m.exec(run.stderr)?.[1]);
    expect(held.length).toBeGreaterThan(0);
    expect(kb).toBeGreaterThan(0);
    expect(kb).toBeLessThan(200 * 1024);
  });

  it("measures exec --quiet of a long job in a child process, against a trivial exec, within its budget", async () => {
    const report = await runBench({ quick: true, only: "rss.exec.events", benchmarks: [rssBenchmark] });
    expect(reportProblems(report)).toEqual([]);
    const [f] = report.figures;
    expect(report.figures).toHaveLength(1);
    expect(f).toMatchObject({ name: "rss.exec.events", unit: "MB", runs: 1, budget: { limit: 200, bounds: "value", direction: "max" } });
    expect(f!.pass, `${f!.value} MB: ${f!.notes}`).toBe(true);
    expect(isPositiveFinite(f!.value)).toBe(true);
    expect(isPositiveFinite(f!.baseline)).toBe(true);
    expect(f!.notes).toMatch(/100,000 progress reports/);
  });
});

describe("bench: budgets and exit codes (synthetic figures)", () => {
  it("judges a budget on the value or the ratio, in either direction", () => {
    expect(withinBudget(null, 1, null)).toBe(true);
    expect(withinBudget({ limit: 10, bounds: "value", direction: "max" }, 10, null)).toBe(true);
    expect(withinBudget({ limit: 10, bounds: "value", direction: "max" }, 11, null)).toBe(false);
    expect(withinBudget({ limit: 10, bounds: "value", direction: "min" }, 9, null)).toBe(false);
    expect(withinBudget({ limit: 0.5, bounds: "ratio", direction: "min" }, 1, 0.6)).toBe(true);
    expect(withinBudget({ limit: 0.5, bounds: "ratio", direction: "min" }, 1000, 0.4)).toBe(false);
    expect(withinBudget({ limit: 2, bounds: "ratio", direction: "max" }, 1, Number.NaN)).toBe(false);
    expect(() => withinBudget({ limit: 2, bounds: "ratio", direction: "max" }, 1, null)).toThrow(BenchError);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  const within = figure({ name: "synthetic.within", value: 100, unit: "ops/s", baseline: { value: 200, name: "twice as fast" }, budget: { limit: 0.25, bounds: "ratio", direction: "min" } });
  const over = figure({ name: "synthetic.over", value: 100, unit: "ops/s", baseline: { value: 1000, name: "ten times as fast" }, budget: { limit: 0.25, bounds: "ratio", direction: "min" } });
  const unbudgeted = figure({ name: "synthetic.free", value: 1, unit: "ops/s" });

  it("makes a figure outside its budget pass false, and the run exit 1", async () => {
    expect(within).toMatchObject({ ratio: 0.5, pass: true });
    expect(over).toMatchObject({ ratio: 0.1, pass: false });
    expect(unbudgeted).toMatchObject({ baseline: null, ratio: null, budget: null, pass: true });

    const out = join(scratch, "over.json");
    const io = captured();
    expect(await benchMain(["--quick", "--out", out], io, { benchmarks: [synthetic([within, over, unbudgeted])] })).toBe(1);
    const written = JSON.parse(readFileSync(out, "utf8")) as BenchReport;
    expect(reportProblems(written)).toEqual([]);
    expect(written.figures.map((f) => [f.name, f.pass])).toEqual([["synthetic.within", true], ["synthetic.over", false], ["synthetic.free", true]]);
    expect(exitCodeOf(written)).toBe(1);
    expect(io.lines.out.join("\n")).toMatch(/1 of 3 figures over budget: synthetic\.over/);
    expect(io.lines.out.at(-1)).toBe(`report: ${out}`);
  });

  it("exits 0 when every figure is within budget, 2 on a harness error or bad usage", async () => {
    const out = join(scratch, "within.json");
    expect(await benchMain(["--out", out], captured(), { benchmarks: [synthetic([within, unbudgeted])] })).toBe(0);
    expect(existsSync(out)).toBe(true);

    const broken: Benchmark = { name: "broken", description: "throws", cases: () => [{ figures: ["broken.x"], run: () => { throw new Error("boom"); } }] };
    const io = captured();
    expect(await benchMain(["--out", join(scratch, "broken.json")], io, { benchmarks: [broken] })).toBe(2);
    expect(io.lines.err.join("\n")).toMatch(/harness error: .*boom/);
    expect(existsSync(join(scratch, "broken.json"))).toBe(false);

    expect(await benchMain(["--only", "no-such-figure", "--out", join(scratch, "none.json")], captured(), { benchmarks: [synthetic([within])] })).toBe(2);
    expect(await benchMain(["--frobnicate"], captured())).toBe(2);
    expect(await benchMain(["--repetitions", "0"], captured())).toBe(2);
  });

  it("parses its options", () => {
    const parsed = parseBenchArgs(["--quick", "--only", "sqlite", "--out", "x/bench.json", "--repetitions", "9", "--target-ms", "50"]);
    expect(parsed).toMatchObject({ quick: true, only: "sqlite", repetitions: 9, targetMs: 50 });
    expect(parsed.out.endsWith(join("x", "bench.json"))).toBe(true);
    expect(parseBenchArgs([])).toMatchObject({ quick: false, only: null, repetitions: undefined });
    expect(parseBenchArgs([]).out.endsWith(join("reports", "bench.json"))).toBe(true);
  });

  it("prints an aligned table with every column", () => {
    const lines = formatTable([within, over, unbudgeted]).split("\n");
    expect(lines[0]!.split(/\s+/)).toEqual(["name", "value", "unit", "baseline", "ratio", "budget", "pass"]);
    const passColumn = lines[0]!.indexOf("pass");
    expect(lines.slice(2).map((line) => line.slice(passColumn))).toEqual(["yes", "FAIL", "yes"]);
    expect(lines[3]).toContain("ratio >= 0.25");
  });
});

describe("bench: the report schema rejects what is not a report", () => {
  const valid = (): BenchReport => ({
    schemaVersion: 1,
    tool: { name: "job-parity", version: "0.1.0" },
    node: process.version,
    machine: { cpus: 2, model: "test", platform: "linux", arch: "x64" },
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    options: { quick: true, repetitions: 3, targetMs: 10, only: null },
    figures: [figure({ name: "synthetic.a", value: 1, unit: "ops/s", baseline: { value: 2, name: "b" }, budget: { limit: 1, bounds: "value", direction: "max" } })],
  });
  const mutate = (change: (report: Record<string, any>) => void) => {
    const report = structuredClone(valid()) as Record<string, any>;
    change(report);
    return report;
  };

  it("accepts the valid one", () => {
    expect(reportProblems(valid())).toEqual([]);
  });

  it.each([
    ["a figure without a unit", (r: Record<string, any>) => delete r.figures[0].unit],
    ["a value that is not a number", (r: Record<string, any>) => (r.figures[0].value = "fast")],
    ["a budget with an unknown direction", (r: Record<string, any>) => (r.figures[0].budget.direction = "up")],
    ["a budget bounding something else", (r: Record<string, any>) => (r.figures[0].budget.bounds = "baseline")],
    ["a ratio without a baseline", (r: Record<string, any>) => (r.figures[0].baseline = null)],
    ["a failure without a budget", (r: Record<string, any>) => Object.assign(r.figures[0], { budget: null, pass: false })],
    ["an unknown field", (r: Record<string, any>) => (r.figures[0].speed = 1)],
    ["no machine", (r: Record<string, any>) => delete r.machine],
    ["a bad start time", (r: Record<string, any>) => (r.startedAt = "yesterday")],
  ])("rejects %s", (_what, change) => {
    expect(reportProblems(mutate(change)).length).toBeGreaterThan(0);
  });

  it("is checked before writing: an invalid report is not written", () => {
    const out = join(scratch, "invalid.json");
    expect(() => writeBenchReport(mutate((r) => (r.figures[0].value = "fast")) as unknown as BenchReport, out)).toThrow(/bench\.schema\.json/);
    expect(existsSync(out)).toBe(false);
  });
});
