#!/usr/bin/env node
// `npm run bench`: the benchmarks, from the compiled copy while it is up to date for harness/ and bench/ (as bin/ runs
// the CLI, bin/compiled.mjs), else the TypeScript through tsx. The figures are the same either way; the compiled
// copy starts the fuzz benchmark's worker threads without tsx, as `job-parity fuzz` does.
import { importHarness } from "./compiled.mjs";

const { benchMain } = await importHarness("bench/run", ["harness", "bench"]);
process.exitCode = await benchMain(process.argv.slice(2));
