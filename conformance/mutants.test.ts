import { beforeAll, describe, expect, it } from "vitest";
import { CAPABILITY_IDS } from "../harness/abi/capabilities.ts";
import { GuestMemory } from "../harness/abi/memory.ts";
import { MUTANT_HOST_PREFIX, MutantAdapter } from "../harness/adapters/mutant-adapter.ts";
import { MUTANTS, NO_MUTATION, V1_ONLY_IMPORTS } from "../harness/adapters/mutants.ts";
import { UsageError } from "../harness/cli/args.ts";
import { mutantsCommand } from "../harness/cli/mutants.ts";
import { WasmExtension } from "../harness/jobs/wasm-extension.ts";
import { discoverFixtures } from "../harness/suite/fixtures.ts";
import { runGate } from "../harness/suite/gate.ts";
import { runMutationAnalysis, type MutantVerdict, type MutationReport } from "../harness/suite/mutation.ts";
import { runBrokenHosts, type BrokenHostVerdict } from "../harness/suite/broken-hosts.ts";
import { BROKEN_HOSTS } from "../harness/adapters/broken-hosts.ts";
import { CASE_CLAUSES, CLAUSES } from "../harness/abi/clauses.ts";

// Teeth: mutant hosts, each the reference host with one bug, judged by the same gate as any host. Every clause of the
// specification that cases observe has a mutant that breaks only it, run against the cases citing that clause; every
// protocol clause has a broken host process. The analysis runs once, in this process (a few seconds).

/** What Spacedrive's host functions cannot do today, by capability (see shared/reference/spacedrive-facts.md, section 2). */
const TODAY_FAILING = [
  "progress", // job_report_progress only logs
  "checkpoint", // job_checkpoint answers 0 and keeps nothing
  "save_state",
  "load_state", // job_load_state does not exist
  "interrupt", // job_check_interrupt always answers 0
  "metrics", // increments are ignored
  "warnings", // job_add_warning only logs
  "non_critical_errors", // no host function at all
  "logging", // job_log does not exist; spacedrive_log belongs to no job
  "child_jobs", // job_spawn_child does not exist
  "library", // call answers are written at offset 65536 without a length
];

const FIXTURES = discoverFixtures();
/** What the mutant path patches while a case runs, as it was before any mutant ran. */
const proto = WasmExtension.prototype as unknown as Record<string, unknown>;
const ORIGINAL = { slice: GuestMemory.prototype.slice, write: GuestMemory.prototype.write, runExport: proto.runExport };
let report: MutationReport;
let elapsedMs = 0;

let brokenHosts: BrokenHostVerdict[];

beforeAll(async () => {
  const started = performance.now();
  report = await runMutationAnalysis({ fixtures: FIXTURES });
  elapsedMs = performance.now() - started;
  brokenHosts = await runBrokenHosts();
}, 300_000);

const verdict = (name: string): MutantVerdict => report.mutants.find((v) => v.name === name)!;

describe("the mutant catalogue", () => {
  it("has at least 25 mutants, uniquely named, each described in one line", () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(25);
    const names = MUTANTS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const mutant of MUTANTS) {
      expect(mutant.name, mutant.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(mutant.description, mutant.name).not.toContain("\n");
      expect(mutant.description.length, mutant.name).toBeGreaterThan(20);
    }
    expect(names).toContain("spacedrive-today");
  });

  it("every mutant but spacedrive-today breaks one clause that cases observe", () => {
    const caseClauses = new Set(CASE_CLAUSES.map((c) => c.id));
    const wrong = MUTANTS.filter((m) => m.name !== "spacedrive-today" && (m.clause === undefined || !caseClauses.has(m.clause))).map((m) => `${m.name}: ${m.clause ?? "no clause"}`);
    expect(wrong).toEqual([]);
    expect(MUTANTS.find((m) => m.name === "spacedrive-today")!.clause).toBeUndefined();
  });

  it("a mutant host names its mutant in the handshake; spacedrive-today claims all twelve capabilities", async () => {
    const today = MUTANTS.find((m) => m.name === "spacedrive-today")!;
    const handshake = await new MutantAdapter(today).handshake();
    expect(handshake.name).toBe(`${MUTANT_HOST_PREFIX}spacedrive-today`);
    expect(handshake.capabilities).toEqual(CAPABILITY_IDS);
  });
});

describe("control: the unmutated reference host through MutantAdapter", () => {
  it("passes every case, so kills are not artefacts of the mutant path", async () => {
    const result = await runGate(new MutantAdapter(NO_MUTATION), { fixtures: FIXTURES });
    expect(result.cases.filter((c) => c.outcome !== "PASS").map((c) => `${c.id}: ${c.outcome} ${c.failures[0] ?? c.divergence?.text ?? ""}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it("leaves no patch behind: GuestMemory and WasmExtension are as they were after every mutant ran", () => {
    expect(report.mutants.length).toBe(MUTANTS.length);
    expect(GuestMemory.prototype.slice).toBe(ORIGINAL.slice);
    expect(GuestMemory.prototype.write).toBe(ORIGINAL.write);
    expect(proto.runExport).toBe(ORIGINAL.runExport);
  });
});

describe("the clause coverage gate", () => {
  it("every MUST clause observed by cases is cited by a case, has a mutant, and each of its mutants dies on a case citing it", () => {
    expect(report.clauses.map((c) => c.id)).toEqual(CASE_CLAUSES.map((c) => c.id));
    const uncovered = report.clauses
      .filter((c) => !c.covered)
      .map((c) => `${c.id}: ${c.cases.length === 0 ? "no case cites it" : c.mutants.length === 0 ? "no mutant breaks it" : `${c.mutants.filter((m) => !m.killed).map((m) => m.name).join(", ")} survived on ${c.cases.join(", ")}`}`);
    expect(uncovered, "add a case that cites the clause (\"spec\" in its sidecar), or a mutant for it (harness/adapters/mutants-clauses.ts)").toEqual([]);
  });

  it("every MUST clause of the protocol has a broken host, and the gate reports each one as it should", () => {
    const protocolClauses = CLAUSES.filter((c) => c.level === "MUST" && c.verified.by === "protocol").map((c) => c.id);
    expect([...new Set(BROKEN_HOSTS.map((h) => h.clause))].sort()).toEqual([...protocolClauses].sort());
    expect(brokenHosts.filter((h) => !h.caught).map((h) => `${h.clause}: ${h.command} reported ${h.reported.join(", ") || "nothing"}, not ${h.expected}`)).toEqual([]);
  });

  it("no MUST clause is left unchecked: each is observed by cases or by broken hosts", () => {
    for (const clause of CLAUSES.filter((c) => c.level === "MUST")) expect(["case", "protocol"], clause.id).toContain(clause.verified.by);
    expect(CLAUSES.filter((c) => c.level === "SHOULD").every((c) => c.verified.by === "advice")).toBe(true);
  });
});

describe("the kill matrix", () => {
  it(`runs ${MUTANTS.length} mutants, each against the cases citing its clause (spacedrive-today against every case)`, () => {
    expect(report.cases).toBe(FIXTURES.length);
    expect(report.mutants.map((v) => v.name)).toEqual(MUTANTS.map((m) => m.name));
    for (const v of report.mutants) {
      const expected = v.clause === null ? FIXTURES.map((f) => f.id) : FIXTURES.filter((f) => f.sidecar.spec.includes(v.clause!)).map((f) => f.id);
      expect(v.cases, v.name).toEqual(expected);
    }
    // Generous: about 3 s on an idle 2-core machine; the bound only catches a run that became pathologically slow.
    expect(elapsedMs).toBeLessThan(120_000);
  });

  it("every mutant is killed (at least 25)", () => {
    for (const v of report.mutants) expect(v.killed, `${v.name} survives: no case catches "${v.description}"`).toBe(true);
    expect(report.survivors).toEqual([]);
    expect(report.killed).toBe(MUTANTS.length);
    expect(report.killed).toBeGreaterThanOrEqual(25);
  });

  it("kills are judged failures, not host errors or timeouts", () => {
    const notFailures = report.mutants.flatMap((v) => v.kills.filter((k) => k.outcome !== "FAIL").map((k) => `${v.name} x ${k.case}: ${k.outcome} ${k.reason}`));
    expect(notFailures).toEqual([]);
  });

  it("specific bugs are caught by the cases written for them", () => {
    const caughtBy = (name: string, caseId: string) => expect(verdict(name).killedBy, name).toContain(caseId);
    caughtBy("progress-f64", "progress/steps");
    caughtBy("progress-not-clamped", "progress/steps");
    caughtBy("checkpoint-keeps-first", "checkpoint/periodic");
    caughtBy("load-state-previous", "load_state/roundtrip");
    caughtBy("length-prefix-big-endian", "load_state/roundtrip");
    caughtBy("interrupt-edge-triggered", "interrupt/pending-stays");
    caughtBy("checkpoint-refused-while-interrupted", "save_state/while-interrupted");
    caughtBy("cancel-keeps-checkpoint", "interrupt/cancel");
    caughtBy("u64-truncated-to-u32", "metrics/bytes-and-items");
    caughtBy("warnings-not-counted", "warnings/add");
    caughtBy("forged-job-id-accepted", "lifecycle/stale-id");
    caughtBy("utf8-replaced", "progress/refused");
    caughtBy("bad-return-as-completed", "lifecycle/bad-return");
    caughtBy("spawn-unknown-type-accepted", "child_jobs/unknown-type");
    caughtBy("context-missing-library-id", "library/entries");
  });
});

describe("spacedrive-today: can an extension job do everything a core job can, today?", () => {
  it("no: it fails these capabilities", () => {
    const today = verdict("spacedrive-today");
    expect(today.killed).toBe(true);
    expect(today.failingCapabilities).toEqual(TODAY_FAILING);
    // networking passes only because its fixtures drop their calls' answers: they cannot see where an answer went.
    expect(today.passingCapabilities).toEqual(CAPABILITY_IDS.filter((id) => !TODAY_FAILING.includes(id)));
  });

  it("a guest importing a v1-only function does not link; one using only today's imports runs and fails on behaviour", () => {
    expect(V1_ONLY_IMPORTS).toEqual(["job_load_state", "job_spawn_child", "job_add_non_critical_error", "job_log"]);
    const kills = new Map(verdict("spacedrive-today").kills.map((k) => [k.case, k.reason]));
    expect(kills.get("logging/levels")).toMatch(/JP_LINK.*spacedrive\.job_log/);
    expect(kills.get("load_state/roundtrip")).toMatch(/JP_LINK.*spacedrive\.job_load_state/);
    expect(kills.get("non_critical_errors/add")).toMatch(/JP_LINK.*spacedrive\.job_add_non_critical_error/);
    expect(kills.get("progress/steps")).not.toContain("JP_LINK");
    expect(kills.get("sdk/rust-counter")).not.toContain("JP_LINK"); // the SDK's guest links today; its checkpoints do nothing
  });
});

describe("job-parity mutants (in process)", () => {
  async function command(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const status = await mutantsCommand(args, (line) => out.push(line), (line) => err.push(line));
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  }

  it("--json --filter: one document with the counts and, per mutant, killedBy and failing capabilities; exit 0 when all die", async () => {
    const run = await command("--json", "--filter", "spacedrive-today");
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    const json = JSON.parse(run.stdout) as { mutants: number; killed: number; survived: string[]; results: { name: string; killedBy: string[]; failingCapabilities: string[] }[] };
    expect(json).toMatchObject({ mutants: 1, killed: 1, survived: [] });
    expect(json.results[0]!.name).toBe("spacedrive-today");
    expect(json.results[0]!.failingCapabilities).toEqual(TODAY_FAILING);
    expect(json.results[0]!.killedBy).toEqual(verdict("spacedrive-today").killedBy);
  });

  it("a survivor: marked in the matrix, named on stderr, exit 1 (no-bounds-check against a case that cannot see it)", async () => {
    const run = await command("--filter", "no-bounds-check", "--cases", "lifecycle/counter");
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/no-bounds-check\s+memory\.range\s+SURVIVED\s+0\/0\s+no case cites its clause/);
    expect(run.stderr).toContain("no-bounds-check");
    // With every case it dies, on the one that cites its clause.
    const all = await command("--filter", "no-bounds-check", "--cases", "lifecycle/counter", "--all-cases");
    expect(all.stdout).toMatch(/no-bounds-check\s+memory\.range\s+SURVIVED\s+0\/1/);
  });

  it("a filter that matches no mutant is a usage error", async () => {
    await expect(command("--filter", "teleport")).rejects.toBeInstanceOf(UsageError);
  });
});
