import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToTraceText } from "../harness/abi/codec.ts";
import type { CapabilityId } from "../harness/abi/capabilities.ts";
import { SqliteStateStore } from "../harness/host/sqlite-store.ts";
import { goldenDivergence } from "../harness/suite/gate.ts";
import { discoverFixtures } from "../harness/suite/fixtures.ts";
import { readGolden } from "../harness/suite/goldens.ts";
import { runFixture } from "../harness/suite/run-case.ts";

/** The capabilities whose behaviour goes through the state store. */
const STATE_CAPABILITIES: readonly CapabilityId[] = ["checkpoint", "save_state", "load_state", "interrupt"];
const fixtures = discoverFixtures().filter((f) => f.sidecar.capabilities.some((c) => STATE_CAPABILITIES.includes(c)));
const dir = mkdtempSync(join(tmpdir(), "job-parity-durable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The state-related fixtures again, each side on its own SQLite file instead of the in-memory store. Every fixture
// must still meet its sidecar's expectations and its golden (which the in-memory runs produced), and the database
// must hold what the run reported: each job's row and its checkpoint are the durable account of the same run.
describe("state-related fixtures on the SQLite store", () => {
  it("finds the state-related fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
    expect(fixtures.map((f) => f.id)).toContain("lifecycle/counter");
  });

  for (const fixture of fixtures) {
    it(fixture.id, async () => {
      const stores = new Map<string, SqliteStateStore>();
      const result = await runFixture(fixture, {
        store: (side) => {
          // "normal" skips the fsync per commit: what these cases check is the store's logic; the crash test uses "full".
          const store = new SqliteStateStore(join(dir, `${fixture.id.replace("/", "__")}.${side}.db`), { durability: "normal" });
          stores.set(side, store);
          return store;
        },
      });
      try {
        expect(result.wasm.failures, "WASM run vs the sidecar's expectations").toEqual([]);
        if (result.native !== null) {
          expect(result.native.failures, "native run vs the sidecar's expectations").toEqual([]);
          expect(result.parity?.divergence, "native and WASM must be identical").toBeNull();
        }
        const golden = readGolden(fixture);
        if (result.traces.wasm === null) {
          expect("loadError" in golden, "only a load-error case produces no result").toBe(true);
          return;
        }
        expect(goldenDivergence(golden, { result: result.traces.wasm })?.text ?? null, "the SQLite run differs from the golden").toBeNull();
        for (const [side, store] of stores) {
          const trace = side === "wasm" ? result.traces.wasm : result.traces.native!;
          const rows = store.jobs();
          expect(rows.map((row) => row.status), `${side}: job rows`).toEqual(trace.jobs.map((job) => job.status));
          rows.forEach((row, i) => {
            const job = trace.jobs[i]!;
            expect(row.metrics, `${side}: ${job.id} metrics in the database`).toEqual(job.metrics);
            expect(row.runs, `${side}: ${job.id} runs`).toBe(job.runs);
            expect(row.exitCodes, `${side}: ${job.id} exit codes`).toEqual(job.exitCodes);
            const saved = store.load(row.id);
            expect(saved === null ? null : bytesToTraceText(saved), `${side}: ${job.id} checkpoint row = the saved state`).toEqual(job.savedState);
          });
        }
      } finally {
        for (const store of stores.values()) store.close();
      }
    });
  }
});
