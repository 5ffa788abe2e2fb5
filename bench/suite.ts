import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../harness/suite/fixtures.ts";
import { BenchError, figure, median, now, type Benchmark, type Figure, type MeasureSettings } from "./measure.ts";

export const SUITE_FIGURE = "npm_test.wall";
/** The budget for the whole `npm test` on this 2-core machine (a newcomer's first run should be quick). */
const BUDGET_SECONDS = 30;

/**
 * Runs the README's test command (typecheck, then every vitest suite) as a user does and times it. It is the slowest
 * figure by far, so it runs once (`--quick`: skipped unless asked for by --only) and more only with --repetitions.
 */
function timeSuite(): number {
  const started = now();
  const run = spawnSync("npm", ["test", "--silent"], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, CI: "true" }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (now() - started) / 1000;
  if (run.error) throw new BenchError(`npm test could not start: ${run.error.message}`);
  if (run.status !== 0) {
    const tail = `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-15).join("\n");
    throw new BenchError(`npm test failed (exit ${run.status}), so its time means nothing; its last lines:\n${tail}`);
  }
  return seconds;
}

export const suiteBenchmark: Benchmark = {
  name: "npm_test",
  description: "the wall time of the whole `npm test` (typecheck and every suite)",
  cases: () => [
    {
      figures: [SUITE_FIGURE],
      run(settings: MeasureSettings): Figure[] {
        const runs = settings.quick ? 1 : Math.max(1, Math.min(settings.repetitions, 3));
        const samples = Array.from({ length: runs }, timeSuite);
        return [
          figure({
            name: SUITE_FIGURE,
            value: median(samples),
            unit: "s",
            runs,
            budget: { limit: BUDGET_SECONDS, bounds: "value", direction: "max" },
            notes: `median of ${runs} run${runs === 1 ? "" : "s"} (${samples.map((s) => s.toFixed(1)).join(", ")} s) of npm test with CI=true; budget ${BUDGET_SECONDS} s`,
          }),
        ];
      },
    },
  ],
};
