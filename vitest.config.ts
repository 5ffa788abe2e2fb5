import { defineConfig } from "vitest/config";
import { tierUpLater } from "./harness/engine/tiering.ts";

// As every job-parity process does (harness/engine/tiering.ts): set here, before the test workers start.
tierUpLater();

export default defineConfig({
  test: {
    include: ["conformance/**/*.test.ts", "harness/**/*.test.ts"],
    // Three workers on this 2-core machine: many suites wait on processes and timers (hosts that hang, killed
    // processes, npm), and a third worker fills those waits (about 2 s less wall than two). Files share a worker's
    // modules (no isolation): loading the harness once per worker instead of once per file saves seconds, and no
    // suite keeps global state past its own tests (the mutant path restores what it patches within each case).
    pool: "threads",
    maxWorkers: 3,
    isolate: false,
    testTimeout: 60_000,
    // Checks that cannot run here (no browser, outside CI) are named at the end of the run.
    globalSetup: ["conformance/support/not-run.ts"],
  },
});
