import { describe, expect, it } from "vitest";
import { runReferenceCase } from "../harness/adapters/in-process.ts";
import { GuestLoadError } from "../harness/engine/errors.ts";
import { goldenDivergence } from "../harness/suite/gate.ts";
import { discoverFixtures, loadTwin } from "../harness/suite/fixtures.ts";
import { expectedFrom, readGolden, type Expected } from "../harness/suite/goldens.ts";
import { fixtureGuestBytes } from "../harness/suite/guest-bytes.ts";
import { runScenario } from "../harness/suite/scenario.ts";
import { comparable } from "../harness/suite/compare.ts";
import { wallClockRetries } from "./support/wall-clock.ts";

const REGENERATE = "if the change is deliberate, run `npm run goldens` and review the diff";

/** The golden against another account of the case, as the gate judges a host's answer. */
const difference = (golden: Expected, actual: Expected, name: string) => {
  const divergence = goldenDivergence(golden, actual);
  return divergence === null ? null : `${name}: ${divergence.text}`;
};

// Goldens are what hosts without native twins are judged against. They must equal what the specification says,
// which is the native twin's result, and what the reference host's WASM path produces today. A WASM-only case has
// no twin; its sidecar's expectations say what its golden must hold.
describe("goldens: <case>.golden.json for every fixture", () => {
  for (const fixture of discoverFixtures()) {
    const wasmOnly = fixture.twinPath === null;
    it(`${fixture.id}: golden = ${wasmOnly ? "" : "native twin = "}reference WASM${wasmOnly ? " (WASM-only case)" : ""}`, { retry: wallClockRetries(fixture) }, async () => {
      const golden = readGolden(fixture);
      const wasm = expectedFrom(runReferenceCase({ id: fixture.id, guest: await fixtureGuestBytes(fixture), scenario: fixture.sidecar.scenario }));
      expect(difference(golden, wasm, "reference wasm"), `the golden differs from the reference host's WASM run; ${REGENERATE}`).toBeNull();
      if (wasmOnly) return; // no twin: the sidecar's expectations (fixtures.test.ts) pin what the golden must say
      const definition = await loadTwin(fixture);
      let native: Expected;
      try {
        native = { result: comparable(runScenario({ kind: "native", definition }, fixture.sidecar.scenario)) };
      } catch (error) {
        if (!(error instanceof GuestLoadError)) throw error;
        native = { loadError: { code: error.code } };
      }
      expect(difference(golden, native, "native twin"), `the golden differs from the native twin; ${REGENERATE}`).toBeNull();
    });
  }
});
