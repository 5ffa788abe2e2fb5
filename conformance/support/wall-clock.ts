import type { Fixture } from "../../harness/suite/fixtures.ts";

/**
 * Retries for a fixture with a native twin whose runs have a wall-clock limit (limits.runTimeoutMs): once more. A
 * native job is stopped by V8's script timeout wherever it is, also inside a host call, so a test process that stalls
 * longer than the limit before the job's first host call (a garbage collection in a worker of a loaded test run:
 * pauses of 70 to 150 ms were measured during `npm test`) ends the run before the call the fixture expects. A WASM
 * run is stopped only at a check in its own code, never inside a host call, and the WASM-only fixtures with a limit
 * have needed no retry. A wrong host fails every attempt; only such a stall passes on the second. Other fixtures get
 * no retry.
 */
export const wallClockRetries = (fixture: Fixture): number => (fixture.twinPath !== null && (fixture.sidecar.scenario.limits?.runTimeoutMs ?? 0) > 0 ? 1 : 0);
