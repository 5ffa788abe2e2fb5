import { checkpointBenchmark } from "./checkpoint.ts";
import type { Benchmark } from "./measure.ts";

/** Every benchmark `npm run bench` runs, in order. A new figure family is a new module here. */
export const BENCHMARKS: readonly Benchmark[] = [checkpointBenchmark];
