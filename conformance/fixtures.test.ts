import { describe, expect, it } from "vitest";
import { discoverFixtures } from "../harness/suite/fixtures.ts";
import { runFixture } from "../harness/suite/run-case.ts";

// Each fixture runs natively and as WASM on fresh reference hosts. Both sides must meet the sidecar's expectations
// (identical traces alone would let a wrong host agree with itself), the traces must be identical, and the
// sidecar's claims about which imports it exercises must be true of the WASM run.
describe("fixtures: native twin vs WASM guest on the reference host", () => {
  for (const fixture of discoverFixtures()) {
    it(fixture.id, async () => {
      const result = await runFixture(fixture);
      expect(result.wasm.failures, "WASM run vs the sidecar's expectations").toEqual([]);
      expect(result.native.failures, "native run vs the sidecar's expectations").toEqual([]);
      expect(result.parity.divergence, "native and WASM must be identical").toBeNull();
      expect(result.claims, "the sidecar's claims about the run").toEqual([]);
    });
  }
});
