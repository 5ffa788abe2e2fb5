/**
 * `npm run bench [-- --quick] [--only <substring>] [--out <path>] [--repetitions N] [--target-ms N]`: measures every
 * figure (a benchmark, never a timed test), prints them as a table and writes reports/bench.json. Exit codes: 0 every
 * figure is within its budget, 1 one is not, 2 the harness could not measure (or bad usage).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../harness/engine/modules.ts";
import { BenchError } from "./measure.ts";
import { exitCodeOf, formatTable, writeBenchReport } from "./report.ts";
import { runBench, type BenchOptions } from "./runner.ts";

export const BENCH_USAGE = `usage: npm run bench -- [--quick] [--only <substring>] [--out <path>] [--repetitions N] [--target-ms N]

Measures job-parity's benchmark figures (each the median of several samples, with its baseline measured in the same
process), prints them as a table and writes the report (default reports/bench.json).
  --quick           fewer, shorter runs (rough figures; what the self-test uses)
  --only <text>     only the figures whose name contains <text>
  --out <path>      where to write the report
  --repetitions N   samples per figure (default 5; --quick 3)
  --target-ms N     wall time each run is sized to (default 200; --quick 10)
Exit code 0: every figure within its budget; 1: a figure failed its budget; 2: the harness could not measure.`;

export const DEFAULT_OUT = join(PROJECT_ROOT, "reports/bench.json");

export interface BenchIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const STDIO: BenchIo = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

export class BenchUsageError extends Error {}

function positive(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new BenchUsageError(`bench: --${flag} must be a positive ${integer ? "integer" : "number"}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions & { out: string; help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: "boolean", default: false },
        only: { type: "string" },
        out: { type: "string" },
        repetitions: { type: "string" },
        "target-ms": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new BenchUsageError(`bench: ${(error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "")}`);
  }
  if (values.only === "") throw new BenchUsageError("bench: --only needs a non-empty substring");
  return {
    quick: values.quick ?? false,
    only: values.only ?? null,
    out: resolve(values.out ?? DEFAULT_OUT),
    repetitions: positive("repetitions", values.repetitions, true),
    targetMs: positive("target-ms", values["target-ms"], false),
    help: values.help ?? false,
  };
}

/** The whole command; returns the exit code. `options` overrides what the arguments say (the self-test's benchmarks). */
export async function benchMain(argv: readonly string[], io: BenchIo = STDIO, options: Pick<BenchOptions, "benchmarks"> = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseBenchArgs(argv);
  } catch (error) {
    io.err((error as Error).message);
    io.err(BENCH_USAGE);
    return 2;
  }
  if (parsed.help) {
    io.out(BENCH_USAGE);
    return 0;
  }
  try {
    io.err(`bench: ${parsed.quick ? "quick mode, " : ""}${parsed.only === null ? "every figure" : `figures matching ${JSON.stringify(parsed.only)}`}`);
    const report = await runBench({ ...parsed, ...options, progress: io.err });
    writeBenchReport(report, parsed.out);
    io.out(formatTable(report.figures));
    const failed = report.figures.filter((f) => !f.pass);
    io.out("");
    io.out(failed.length === 0 ? `${report.figures.length} figures, all within budget` : `${failed.length} of ${report.figures.length} figures over budget: ${failed.map((f) => f.name).join(", ")}`);
    io.out(`report: ${parsed.out}`);
    return exitCodeOf(report);
  } catch (error) {
    io.err(error instanceof BenchError ? `bench: ${error.message}` : `bench: harness error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}
