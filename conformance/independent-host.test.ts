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
