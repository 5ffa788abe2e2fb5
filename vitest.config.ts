import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["conformance/**/*.test.ts", "harness/**/*.test.ts"],
    // The suites are CPU-bound and share compiled modules per worker; two workers match this 2-core machine.
    pool: "threads",
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
