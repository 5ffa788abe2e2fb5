import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../harness/cli/run.ts";
import type { GateReport } from "../harness/report/gate-report.ts";

// conformance/independent-host is a host written from docs/ABI.md and conformance/PROTOCOL.md alone. The gate judges
// it as it judges any host: a behaviour of the reference host that the documents do not state, or state otherwise,
// fails a case here (the specification is the authority, and this host is its second reading).

const dir = mkdtempSync(join(tmpdir(), "job-parity-independent-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOST = "node conformance/independent-host/host.mjs";
/** Generated cases beside the fixtures: they meet clauses in combinations no fixture was written for. */
const GENERATED = 40;

describe("a host written from the documents alone", () => {
  it(`passes every case of the gate, the fixtures and ${GENERATED} generated cases`, async () => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runCommand(["--host-cmd", HOST, "--generated", String(GENERATED), "--seed", "7", "--report-dir", dir], (line) => out.push(line), (line) => err.push(line));
    const report = JSON.parse(readFileSync(join(dir, "gate.json"), "utf8")) as GateReport;
    const notPassed = report.cases.filter((c) => c.outcome !== "PASS").map((c) => `${c.id}: ${c.outcome}`);
    expect(notPassed, [...out, ...err].join("\n")).toEqual([]);
    expect(report.cases.filter((c) => c.id.startsWith("generated/"))).toHaveLength(GENERATED);
    expect(status).toBe(0);
  });
});

describe("its wire payload reading, on payloads the generated cases do not reach", () => {
  it("reads a payload of half a million elements (counting nesting with Math.max(...) overflowed the stack) and refuses 128 levels", async () => {
    // Plain JavaScript without declarations: imported by URL, typed here.
    const { Wire } = (await import(new URL("./independent-host/wire.mjs", import.meta.url).href)) as {
      Wire: new (scenario: object, libraries: { find(id: string): unknown }) => { call(method: string, library: string | null, payload: string): { response: unknown } };
    };
    const wire = new Wire({}, { find: () => null });
    const code = (payload: string) => (wire.call("query:test.ping", null, payload).response as { code?: string }).code;
    expect(code(`[${new Array(500_000).fill(0).join(",")}]`)).toBe("LibraryRequired"); // read, then refused by the method
    expect(code(`${"[".repeat(127)}${"]".repeat(127)}`)).toBe("LibraryRequired");
    expect(code(`${"[".repeat(128)}${"]".repeat(128)}`)).toBe("BadPayload");
  });
});
