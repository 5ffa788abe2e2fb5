import { defineConfig } from "vitest/config";

// Only for `npm run mutation` (stryker.config.json): the suites whose tests run the reference host in this process,
// so Stryker can activate a mutant there and see it killed. Left out: cli, gate, fuzz and html reach the host
// through child processes (where no mutant is ever active, so they cannot kill one); protocol's beforeAll runs a case
// outside any test, which turns ~90% of the mutants "static" (each then costs a full run: hours instead of minutes);
// mutants (planted host bugs judged by the gate: a test of the gate, not of the host); architecture (reads sources).
export default defineConfig({
  test: {
    include: [
      "conformance/fixtures.test.ts",
      "conformance/goldens.test.ts",
      "conformance/hostile.test.ts",
      "conformance/regressions.test.ts",
      "conformance/programs.test.ts",
      "conformance/self/host.test.ts",
      "conformance/self/engine.test.ts",
      "conformance/self/abi.test.ts",
      "conformance/self/trace.test.ts",
    ],
    pool: "threads",
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
