import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CAPABILITY_IDS } from "../harness/abi/capabilities.ts";
import { SUPPORTED_ABI_VERSIONS } from "../harness/abi/version.ts";
import { runCommand } from "../harness/cli/run.ts";
import type { GateReport } from "../harness/report/gate-report.ts";
import { shellQuote } from "../harness/trace/shell.ts";
import { IN_CI, noteNotRun } from "./support/not-run.ts";
import { findWasmtimePython, PYTHON_HELP } from "./support/python.ts";

// conformance/wasmtime-host is a host in Python on wasmtime (Cranelift), written from docs/ABI.md and
// conformance/PROTOCOL.md alone: another language and another WebAssembly engine than the reference host's. A rule
// that holds only for V8 (an engine's words, its limits, its way of stopping a guest) or only for the reference
// host's implementation shows up here as a failing case, as a gap in the documents does.
//
// It needs a Python with wasmtime: with CI=true a missing one fails the run (.ci/run installs it); elsewhere the
// check does not run and the run's summary says so (conformance/support/not-run.ts), with the command that runs it.

const found = findWasmtimePython();
const python = "python" in found ? found.python : null;
if (python === null && !IN_CI) noteNotRun(`the wasmtime host's gate run (conformance/wasmtime-host.test.ts): ${(found as { missing: string }).missing}. ${PYTHON_HELP}`);

const dir = mkdtempSync(join(tmpdir(), "job-parity-wasmtime-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Generated cases beside the fixtures: they meet clauses in combinations no fixture was written for. */
const GENERATED = 40;

describe("a host in Python on wasmtime, written from the documents alone", () => {
  it.runIf(IN_CI)("has its Python with wasmtime under CI (CI=true): the check must run there", () => {
    expect(python, `${"missing" in found ? found.missing : ""}. ${PYTHON_HELP}`).not.toBeNull();
  });

  it.runIf(python !== null)(`passes every case of the gate, the fixtures and ${GENERATED} generated cases`, async () => {
    const host = `${shellQuote(python!)} conformance/wasmtime-host/host.py`;
    const out: string[] = [];
    const status = await runCommand(["--host-cmd", host, "--generated", String(GENERATED), "--seed", "7", "--report-dir", dir], (line) => out.push(line), (line) => out.push(line));
    const report = JSON.parse(readFileSync(join(dir, "gate.json"), "utf8")) as GateReport;
    const notPassed = report.cases.filter((c) => c.outcome !== "PASS").map((c) => `${c.id}: ${c.outcome}`);
    expect(notPassed, out.join("\n")).toEqual([]);
    expect(report.cases.filter((c) => c.id.startsWith("generated/"))).toHaveLength(GENERATED);
    // Nothing waived, nothing unsupported: every capability claimed, both ABI versions served.
    expect(report.host.handshake?.capabilities).toHaveLength(CAPABILITY_IDS.length);
    expect(report.host.handshake?.abiVersions).toEqual(SUPPORTED_ABI_VERSIONS);
    expect(status).toBe(0);
  }, 120_000);
});
