/**
 * WAT compile time and the compile cache.
 *
 * - `compile.wabt.per_fixture` and `compile.wabt.total`: every fixture guest written in WAT (discoverFixtures; a guest
 *   shared by several fixtures counts once, .wasm guests are skipped) compiled by harness/engine/wat.ts with its
 *   cache emptied before each compile, so every compile is the whole path: @include expansion, the cache key's
 *   sha256, wabt's parse, name resolution, validation and binary output. Reading the file is outside the clock.
 * - `compile.cache.hit_rate`: the share of compileWat calls the cache answered while this process runs what the suite
 *   does with guests: the parity run over every fixture (`npm run parity`: runSuite, each guest loaded from its file),
 *   then the gate over every fixture through the in-process reference adapter (`job-parity run`'s judging against the
 *   goldens, which is also what conformance/goldens.test.ts runs per case: the guest's bytes from fixtureGuestBytes).
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { InProcessAdapter } from "../harness/adapters/in-process.ts";
import { compileWat, resetWatCache, watCacheStats } from "../harness/engine/wat.ts";
import { discoverFixtures, PROJECT_ROOT, type Fixture } from "../harness/suite/fixtures.ts";
import { runGate } from "../harness/suite/gate.ts";
import { runSuite } from "../harness/suite/run-suite.ts";
import { BenchError, figure, median, now, type Benchmark, type BenchCase, type Figure, type MeasureSettings } from "./measure.ts";

export const PER_FIXTURE = "compile.wabt.per_fixture";
export const TOTAL = "compile.wabt.total";
export const HIT_RATE = "compile.cache.hit_rate";

/** Each distinct WAT guest of the fixtures, once, with its source. */
export function watGuests(fixtures: readonly Fixture[] = discoverFixtures()): { path: string; source: string }[] {
  const paths = [...new Set(fixtures.map((f) => f.guestPath))].filter((path) => path.endsWith(".wat")).sort();
  return paths.map((path) => ({ path, source: readFileSync(path, "utf8") }));
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3));

const compileTimeCase: BenchCase = {
  figures: [PER_FIXTURE, TOTAL],
  async run(settings: MeasureSettings): Promise<Figure[]> {
    const fixtures = discoverFixtures();
    const guests = watGuests(fixtures);
    if (guests.length === 0) throw new BenchError("compile: no WAT guest among the fixtures");
    const skipped = new Set(fixtures.map((f) => f.guestPath).filter((path) => !path.endsWith(".wat"))).size;
    const compileOnce = async (guest: { path: string; source: string }) => {
      resetWatCache();
      const start = now();
      await compileWat(guest.path, guest.source);
      return now() - start;
    };
    // Warm-up pass: wabt's own WebAssembly module is instantiated on the first compile, and the JIT warms up.
    for (let w = 0; w < Math.max(1, settings.warmupRuns); w++) for (const guest of guests) await compileOnce(guest);
    const times: number[][] = guests.map(() => []);
    const totals: number[] = [];
    for (let rep = 0; rep < settings.repetitions; rep++) {
      let total = 0;
      for (let i = 0; i < guests.length; i++) {
        const ms = await compileOnce(guests[i]!);
        times[i]!.push(ms);
        total += ms;
      }
      totals.push(total);
    }
    resetWatCache();
    const perGuest = times.map((t) => median(t));
    const slowest = perGuest.reduce((best, ms, i) => (ms > perGuest[best]! ? i : best), 0);
    const what =
      `${guests.length} WAT guests (every fixture's guest, each once, some in conformance/hostile-guests${skipped > 0 ? `; ${skipped} .wasm guest${skipped === 1 ? "" : "s"} skipped` : ""}), ` +
      `each compiled by compileWat with the cache emptied first (@include expansion, sha256 key, wabt parse, resolveNames, validate, toBinary)`;
    return [
      figure({
        name: PER_FIXTURE,
        value: median(perGuest),
        unit: "ms",
        runs: settings.repetitions,
        notes: `${what}; the median over guests of each guest's median of ${settings.repetitions} compiles; fastest ${fmt(Math.min(...perGuest))} ms, slowest ${fmt(perGuest[slowest]!)} ms (${relative(PROJECT_ROOT, guests[slowest]!.path)})`,
      }),
      figure({
        name: TOTAL,
        value: perGuest.reduce((a, b) => a + b, 0),
        unit: "ms",
        runs: settings.repetitions,
        notes: `${what}; the sum of each guest's median of ${settings.repetitions} compiles (robust to a pause in one pass); the ${settings.repetitions} passes themselves took median ${fmt(median(totals))} ms (min ${fmt(Math.min(...totals))}, max ${fmt(Math.max(...totals))} ms)`,
      }),
    ];
  },
};

const hitRateCase: BenchCase = {
  figures: [HIT_RATE],
  async run(): Promise<Figure[]> {
    const fixtures = discoverFixtures();
    resetWatCache();
    const suite = await runSuite(fixtures);
    const afterParity = watCacheStats();
    const adapter = new InProcessAdapter();
    let gate;
    try {
      gate = await runGate(adapter, { fixtures });
    } finally {
      await adapter.close();
    }
    const { hits, misses } = watCacheStats();
    resetWatCache();
    const calls = hits + misses;
    if (calls === 0) throw new BenchError("compile: the suite compiled no WAT");
    const failedParity = suite.cases.filter((c) => !c.passed).length;
    const notPassing = gate.cases.filter((c) => c.outcome !== "PASS").length;
    const health = failedParity + notPassing === 0 ? "every case passed in both" : `${failedParity} parity case(s) failed and ${notPassing} gate case(s) were not PASS`;
    return [
      figure({
        name: HIT_RATE,
        value: (hits / calls) * 100,
        unit: "%",
        runs: 1,
        notes:
          `hits / (hits + misses) of compileWat, cache emptied first, over "the suite" run in this process: the parity run over all ${fixtures.length} fixtures ` +
          `(npm run parity: runSuite, guests loaded from their files: ${afterParity.hits} hits, ${afterParity.misses} misses), then the gate over the same fixtures through ` +
          `the in-process reference adapter (job-parity run's judging against the goldens, as goldens.test.ts runs each case: ${hits - afterParity.hits} hits, ${misses - afterParity.misses} misses); ` +
          `${hits} hits, ${misses} misses in all (a miss per distinct WAT source; .wasm guests never reach the cache); ${health}. ` +
          `Deterministic, so one run. The in-memory cache only: after resetWatCache this process reads nothing from the on-disk store of compiled WAT, which serves the processes the CLI starts. Under npm test the files of a worker share its cache (vitest runs them without isolation)`,
      }),
    ];
  },
};

export const compileBenchmark: Benchmark = {
  name: "compile",
  description: "wabt compile time per fixture guest (cache bypassed) and the compile cache's hit rate over the suite",
  cases: () => [compileTimeCase, hitRateCase],
};
