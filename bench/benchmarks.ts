import { checkpointBenchmark } from "./checkpoint.ts";
import { compileBenchmark } from "./compile.ts";
import { fuzzBenchmark } from "./fuzz.ts";
import { hostCallsBenchmark } from "./host-calls.ts";
import { rssBenchmark } from "./rss.ts";
import { scalingBenchmark } from "./scaling.ts";
import { suiteBenchmark } from "./suite.ts";
import type { Benchmark } from "./measure.ts";

/** Every benchmark `npm run bench` runs, in order. A new figure family is a new module here. */
export const BENCHMARKS: readonly Benchmark[] = [checkpointBenchmark, hostCallsBenchmark, rssBenchmark, scalingBenchmark, compileBenchmark, fuzzBenchmark, suiteBenchmark];
