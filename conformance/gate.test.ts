import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeHostModule } from "./support/host-module.ts";
import { runCliAsync, type CliRun } from "./support/cli.ts";
import { ProcessGroup } from "./support/killable.ts";
import { gone } from "./support/pids.ts";
import { CAPABILITY_IDS } from "../harness/abi/capabilities.ts";
import { InProcessAdapter, referenceHandshake } from "../harness/adapters/in-process.ts";
import type { HostAdapter } from "../harness/adapters/types.ts";
import { IMPORTS } from "../harness/abi/imports.ts";
import { readModuleInterface } from "../harness/engine/sections.ts";
import { WIRE_METHOD_NAMES } from "../harness/abi/wire-methods.ts";
import { UsageError } from "../harness/cli/args.ts";
import { runCommand } from "../harness/cli/run.ts";
import { regressionCases } from "../harness/programs/gate-cases.ts";
import { selectFixtures } from "../harness/suite/run-suite.ts";
import { divergenceLines, type GateReport } from "../harness/report/gate-report.ts";
import { xmlEscape } from "../harness/report/junit.ts";
import { formatSchemaErrors, schemaValidator } from "../harness/schemas/validate.ts";
import { discoverFixtures, PROJECT_ROOT } from "../harness/suite/fixtures.ts";
import { checkHandshake, checkResponse, fixtureSubject, gateExitCode, goldenDivergence, judgeResponse, OUTCOMES, runGate } from "../harness/suite/gate.ts";
import { casePattern, NO_EXPECTATIONS, resolveExpectations } from "../harness/suite/host-expectations.ts";

// `job-parity run`, the CI gate, as CI runs it. A real process costs a few tenths of a second of CPU (the compiled
// copy; more for a whole suite), so few commands run as real processes: the whole suite through the reference host
// driver (exit 0), a stale expectation (exit 1), a host that prints garbage (exit 2), host modules that never answer
// (exit 2, which only a process can show ends) and `parity` with a report folder that cannot be made. Everything else
// calls runCommand in this process: the same code main() runs, returning the exit code main() would exit with; hosts
// given by --host-cmd are still real processes (the small Node hosts in conformance/hosts start in a fraction of that).

const dir = mkdtempSync(join(tmpdir(), "job-parity-gate-"));
const processes = new ProcessGroup();
afterAll(() => {
  processes.killAll();
  rmSync(dir, { recursive: true, force: true });
});

const FIXTURES = discoverFixtures();
/** What `run` sends by default: every fixture, then the regression corpus (wat-fixtures/regressions). */
const CASE_IDS = [...FIXTURES.map((f) => f.id), ...regressionCases(join(PROJECT_ROOT, "wat-fixtures/regressions")).map((c) => c.id)];
const REFERENCE_HOST = "node bin/job-parity-reference-host.mjs";
const hostScript = (name: string) => join(PROJECT_ROOT, "conformance/hosts", name);
const EXPECTATIONS = join(PROJECT_ROOT, "conformance/expectations");
/** The two progress cases of ABI 1.0 (job_report_progress), which the lossy and broken hosts below are tried on. */
const ABI_1_0_PROGRESS = "/^progress\\/(refused|steps)$/";

type Run = CliRun;

const cli = (...args: string[]): Promise<Run> => runCliAsync(args, 120_000);

/** runCommand in this process: what main() would print and exit with. */
async function run(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCommand(args, (line) => out.push(line), (line) => err.push(line));
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

/**
 * `job-parity run <args>` in a process of its own, sent `signal` once the file `ready` exists (and `settleMs` more):
 * its exit code, its stderr, and how long it took to exit after the signal.
 */
async function interruptedRun(
  args: readonly string[],
  { ready, signal = "SIGINT", env = {}, settleMs = 0 }: { ready: string; signal?: NodeJS.Signals; env?: Record<string, string>; settleMs?: number },
): Promise<{ code: number | null; stdout: string; stderr: string; exitMs: number }> {
  const run = processes.start(["run", ...args], undefined, "pipe", env);
  try {
    const deadline = Date.now() + 30_000;
    while (!existsSync(ready) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(ready), run.stderr).toBe(true);
    await new Promise((r) => setTimeout(r, settleMs));
    const signalled = performance.now();
    run.signal(signal);
    const { code } = await run.exited;
    return { code, stdout: run.stdout, stderr: run.stderr, exitMs: performance.now() - signalled };
  } finally {
    run.kill();
  }
}

let reportDirs = 0;
const reportDir = () => join(dir, `reports-${reportDirs++}`);

function readReport(reportDir: string): GateReport {
  const report = JSON.parse(readFileSync(join(reportDir, "gate.json"), "utf8")) as GateReport;
  const validate = schemaValidator("gate-report");
  expect(validate(report), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
  return report;
}

const byId = (report: GateReport, id: string) => report.cases.find((c) => c.id === id)!;

describe("job-parity run through the reference host driver (a separate process speaking the protocol)", () => {
  it("exits 0, every case PASS, writes gate.json (schema-valid), gate.md, gate.html and junit.xml", async () => {
    const reports = reportDir();
    const result = await cli("run", "--host-cmd", REFERENCE_HOST, "--report-dir", reports, "--json");
    expect(result.stderr, "nothing on stderr").toBe("");
    expect(result.status).toBe(0);
    for (const file of ["gate.json", "gate.md", "gate.html", "junit.xml"]) expect(existsSync(join(reports, file)), file).toBe(true);
    const report = readReport(reports);
    expect(JSON.parse(result.stdout)).toEqual(report); // --json prints exactly gate.json
    expect(report.cases.map((c) => c.id)).toEqual(CASE_IDS);
    expect(report.cases.filter((c) => c.outcome !== "PASS").map((c) => `${c.id}: ${c.outcome}`)).toEqual([]);
    expect(report.summary.outcomes.PASS).toBe(CASE_IDS.length);
    expect(report).toMatchObject({ verdict: "pass", exitCode: 0, host: { adapter: "process", command: REFERENCE_HOST } });
    expect(report.host.handshake?.name).toBe("job-parity reference host");
    expect(report.host.handshake?.capabilities).toEqual(CAPABILITY_IDS);
    expect(report.host.handshake?.methods).toEqual(WIRE_METHOD_NAMES);
    expect(report.problems).toEqual([]);
    expect(report.capabilities.map((c) => [c.id, c.verdict])).toEqual(CAPABILITY_IDS.map((id) => [id, "pass"]));
    // Every fixture names its clauses, and the clause matrix holds every clause a case cites, each passing.
    expect(report.cases.filter((c) => !c.id.startsWith("regressions/")).every((c) => c.spec.length > 0)).toBe(true);
    expect(report.clauses.map((c) => c.id).sort()).toEqual([...new Set(report.cases.flatMap((c) => c.spec))].sort());
    expect(report.clauses.filter((c) => c.verdict !== "pass")).toEqual([]);
    expect(byId(report, "progress/steps").reproduce).toBe(`npx job-parity run --host-cmd '${REFERENCE_HOST}' --filter 'progress/steps'`);

    const junit = readFileSync(join(reports, "junit.xml"), "utf8");
    expect(junit).toMatch(/<testsuites name="job-parity" tests="\d+" failures="0" errors="0" skipped="0"/);
    expect(junit.match(/<testcase /g)).toHaveLength(CASE_IDS.length);
    const markdown = readFileSync(join(reports, "gate.md"), "utf8");
    expect(markdown).toContain("✅ pass (exit 0)");
    for (const id of CAPABILITY_IDS) expect(markdown).toMatch(new RegExp(`^\\| ${id} \\| .* \\| ✅ pass \\|`, "m"));
  });
});

describe("job-parity run through the reference host driver on a second engine (Bun: JavaScriptCore)", () => {
  // Engine neutrality: nothing the gate compares may depend on V8 (its trap texts, node:vm's timeout). The `bun`
  // devDependency ships JavaScriptCore; the reference host's watchdog works there through the loop checks.
  const BUN = join(PROJECT_ROOT, "node_modules/.bin/bun");

  it("every case PASSes, the infinite loops and traps included", async () => {
    expect(existsSync(BUN), "the bun devDependency is missing: run `npm ci`").toBe(true);
    const reports = reportDir();
    const result = await run("--host-cmd", `${BUN} bin/job-parity-reference-host.mjs`, "--report-dir", reports, "--json");
    const report = readReport(reports);
    expect(report.cases.filter((c) => c.outcome !== "PASS").map((c) => `${c.id}: ${c.outcome} ${c.error?.message ?? c.failures[0] ?? c.divergence?.text ?? ""}`)).toEqual([]);
    expect(result.status).toBe(0);
    expect(report.summary.outcomes.PASS).toBe(CASE_IDS.length);
  });
});

describe("job-parity run on the reference host in process", () => {
  it("exits 0 with every case PASS (no --host-cmd: the reference host in this process)", async () => {
    const reports = reportDir();
    const result = await run("--report-dir", reports, "--json");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const report = readReport(reports);
    expect(report.host.adapter).toBe("in-process");
    expect(report.summary.outcomes.PASS).toBe(CASE_IDS.length);
    expect(byId(report, "abi_version/unknown-major").outcome).toBe("PASS"); // a load error equal to the golden's
  });

  it("an expected-fail entry for a case that passes: XPASS, exit 1, the stale entry named (a real process)", async () => {
    const reports = reportDir();
    const result = await cli("run", "--expectations", "conformance/expectations/no-networking.toml", "--report-dir", reports, "--junit", join(reports, "ci/junit.xml"));
    expect(result.status).toBe(1);
    const entry = 'expected-fail[0] (case "library/rate-limit")';
    expect(result.stdout).toMatch(/^XPASS\s+\d+\/\d+\s+library\/rate-limit/m);
    expect(result.stdout).toContain(`stale entry ${entry}`);
    expect(result.stderr).toContain(`stale expectation ${entry}: library/rate-limit passes now; remove the entry`);
    expect(result.stdout).toContain("verdict: fail (exit 1)");

    const report = readReport(reports);
    expect(report.summary.outcomes).toMatchObject({ XPASS: 1, SKIP: 2, PASS: CASE_IDS.length - 3, FAIL: 0 });
    expect(byId(report, "library/rate-limit").expectation).toEqual({
      kind: "expected-fail",
      entry,
      reason: "the sliding-window rate limit is not implemented (counts per fixed minute)",
    });
    // Skips appear in every report with their reason.
    const reason = "no P2P stack yet: networking lands in 0.4";
    expect(byId(report, "networking/loopback")).toMatchObject({ outcome: "SKIP", expectation: { kind: "skip", reason } });
    expect(report.expectations.entries.map((e) => [e.entry, e.matches])).toEqual([
      ['skip[0] (case "networking/*")', ["networking/disabled", "networking/loopback"]],
      [entry, ["library/rate-limit"]],
    ]);
    expect(readFileSync(join(reports, "gate.md"), "utf8")).toContain(reason);
    expect(readFileSync(join(reports, "gate.html"), "utf8")).toContain(reason);
    const junit = readFileSync(join(reports, "ci/junit.xml"), "utf8");
    expect(junit).toContain(`<skipped message="SKIP: skipped by skip[0] (case &quot;networking/*&quot;): ${reason}"/>`);
    expect(junit).toMatch(/<failure type="XPASS" message="stale entry expected-fail\[0\]/);
  });
});

describe("job-parity run and ABI versions", () => {
  it("a host that serves ABI 1.0 only gets the cases of 1.1 guests as UNSUPPORTED, says so, and passes the rest", async () => {
    const reports = reportDir();
    const result = await run("--host-module", join(EXPECTATIONS, "abi-1-0-host.ts"), "--report-dir", reports);
    const report = readReport(reports);
    const unsupported = report.cases.filter((c) => c.outcome === "UNSUPPORTED");
    // The 1.1 guests (a minor of 1 after any zeros, version.marker); a guest with two markers (abi_version/two-markers)
    // asks for no version and is sent to every host.
    const v11 = FIXTURES.filter((f) => !("loadError" in f.sidecar.expect) && /\(export "spacedrive_abi_version_1_0*1"\)/.test(readFileSync(f.guestPath, "utf8"))).map((f) => f.id);
    expect(v11.length).toBeGreaterThanOrEqual(6);
    expect(unsupported.filter((c) => !c.id.startsWith("regressions/")).map((c) => c.id).sort()).toEqual([...v11].sort());
    expect(unsupported.every((c) => c.missingAbi === "1.1")).toBe(true);
    expect(report.cases.filter((c) => c.outcome !== "PASS" && c.outcome !== "UNSUPPORTED").map((c) => c.id)).toEqual([]);
    expect(result.status).toBe(0);
    expect(readFileSync(join(reports, "gate.md"), "utf8")).toContain("the guest asks for ABI 1.1, which the host does not serve");
  });

  it("a version the ABI does not define, listed in a handshake, is ignored: its guest is sent, and a host that loads it fails (version.marker)", async () => {
    // Both hosts list 9.0; one loads guests as the reference host does (1.1 and older), the other serves 9.0 too.
    // `options`: runReferenceCase's, as JavaScript source.
    const host = (name: string, options: string) => {
      const module = join(dir, `${name}.mjs`);
      writeFileSync(
        module,
        `import { referenceHandshake, runReferenceCase } from ${JSON.stringify(join(PROJECT_ROOT, "harness/adapters/in-process.ts"))};
export default () => ({
  handshake: async () => ({ ...referenceHandshake(), name: ${JSON.stringify(name)}, abiVersions: ["1.1", "9.0"] }),
  runCase: (request) => runReferenceCase(request, ${options}),
  close: async () => {},
});
`,
      );
      return module;
    };
    const judged = async (module: string) => {
      const reports = reportDir();
      const result = await run("--host-module", module, "--filter", "abi_version/unknown-major", "--report-dir", reports);
      return { status: result.status, outcome: byId(readReport(reports), "abi_version/unknown-major").outcome };
    };
    expect(await judged(host("lists-9-0", "{}"))).toEqual({ status: 0, outcome: "PASS" });
    const serves = '["1.1", "9.0"]';
    expect(await judged(host("serves-9-0", `{ load: { abiVersions: ${serves} }, patchHost: (host) => { host.abiVersions = ${serves}; } }`))).toEqual({ status: 1, outcome: "FAIL" });
  });
});

describe("job-parity run and a host's clock", () => {
  it("a case under a stall or time limit of its own that fails is sent again and judged by that answer; other cases are sent once", async () => {
    // Answers the first `wrong` asks of each case wrongly (as a host whose wall clock stopped the run might), then as
    // the reference host does.
    const host = (name: string, wrong: number) =>
      writeHostModule(
        join(dir, `${name}.mjs`),
        `  const asks = new Map();
  return {
    handshake: async () => referenceHandshake(),
    runCase: async (request) => {
      const n = (asks.get(request.id) ?? 0) + 1;
      asks.set(request.id, n);
      return n <= ${wrong} ? { kind: "load_error", code: "JP_INIT_FAILED", message: "stopped" } : reference.runCase(request);
    },
    close: () => reference.close(),
  };`,
      );
    const outcomes = async (module: string) => {
      const reports = reportDir();
      await run("--host-module", module, "--filter", "/^lifecycle\\/(long-run|counter)$/", "--report-dir", reports);
      return Object.fromEntries(readReport(reports).cases.map((c) => [c.id, c.outcome]));
    };
    // lifecycle/long-run sets stallTimeoutMs 20; lifecycle/counter sets no time limit.
    expect(await outcomes(host("fails-once", 1))).toEqual({ "lifecycle/counter": "FAIL", "lifecycle/long-run": "PASS" });
    expect(await outcomes(host("fails-twice", 2))).toEqual({ "lifecycle/counter": "FAIL", "lifecycle/long-run": "FAIL" });
  });
});

describe("job-parity run judges behaviour, not words", () => {
  it("a host that rewrites every detail, job error, error answer text and load error message passes every case", async () => {
    const reports = reportDir();
    const result = await run("--host-module", join(EXPECTATIONS, "reworded-host.ts"), "--report-dir", reports);
    const report = readReport(reports);
    expect(report.cases.filter((c) => c.outcome !== "PASS").map((c) => `${c.id}: ${c.outcome} ${c.failures[0] ?? c.divergence?.text ?? ""}`)).toEqual([]);
    expect(result.status).toBe(0);
    expect(report.host.handshake?.name).toBe("reworded test host");
  });

  it("a load error's message is shown beside the divergence it explains, never compared", () => {
    const subject = fixtureSubject(FIXTURES.find((f) => f.id === "lifecycle/counter")!);
    const judged = judgeResponse(subject, subject.golden(), { kind: "load_error", code: "JP_INIT_FAILED", message: "plugin_init: my own words" });
    expect(judged.passed).toBe(false);
    expect(judged.divergence?.text).toBe('load: the golden loads and runs the job, the host\'s guest fails to load with JP_INIT_FAILED (the host said: "plugin_init: my own words")');
  });

  it("and the rewording reaches every kind of word: the cases hold refusals, failed jobs, error answers and load errors", async () => {
    const { default: factory } = (await import("./expectations/reworded-host.ts")) as { default: () => import("../harness/adapters/types.ts").HostAdapter };
    const host = factory();
    const { fixtureGuestBytes } = await import("../harness/suite/guest-bytes.ts");
    const words: string[] = [];
    for (const fixture of FIXTURES) {
      const response = await host.runCase({ id: fixture.id, guest: await fixtureGuestBytes(fixture), scenario: fixture.sidecar.scenario }, 5000);
      if (response.kind === "load_error") words.push(`load:${response.message}`);
      else {
        const events = [...response.result.extension, ...response.result.jobs.flatMap((job) => job.trace)];
        for (const e of events) if (e.kind === "abi_violation") words.push(`detail:${e.detail}`);
        for (const e of events) if (e.kind === "call" && (e.response as { error?: string }).error !== undefined) words.push(`answer:${(e.response as { error: string }).error}`);
        for (const error of response.result.errors) if (error !== null) words.push(`error:${error}`);
      }
    }
    const kinds = new Set(words.map((w) => w.slice(0, w.indexOf(":"))));
    expect([...kinds].sort()).toEqual(["answer", "detail", "error", "load"]);
    expect(words.every((w) => w.endsWith("(reworded by the test host)") || /\(reworded by the test host\) [A-Z_]+$/.test(w))).toBe(true);
  });
});

describe("job-parity run: generated cases and the regression corpus", () => {
  it("--generated 4 --seed 1 adds four generated cases after the fixtures and the corpus, judged against the reference host's answer", async () => {
    const reports = reportDir();
    const result = await run("--generated", "4", "--seed", "1", "--filter", "generated/", "--report-dir", reports, "--json");
    expect(result.status).toBe(0);
    const report = readReport(reports);
    expect(report.cases.map((c) => [c.id, c.outcome])).toEqual([0, 1, 2, 3].map((i) => [`generated/1/${i}`, "PASS"]));
    const second = byId(report, "generated/1/2");
    expect(second.reproduce).toBe("npx job-parity run --generated 4 --seed 1 --filter 'generated/1/2'");
    // Generated from hostCaseArb, as host fuzzing draws: the replay sends the case to a host (here the reference host's process).
    expect(second.description).toBe("generated case 2 of seed 1 (npx job-parity fuzz --seed 1 --path '2' --host-cmd 'node bin/job-parity-reference-host.mjs' replays it)");
    expect(second.spec).toEqual([]);
    // Its capabilities are those of its guest's imports: at least registering a job needs none, and none is unknown.
    expect(second.capabilities.every((c) => (CAPABILITY_IDS as readonly string[]).includes(c))).toBe(true);
  });

  it("the same seed generates the same cases; a host that breaks what they reach FAILs them with the first divergent event", async () => {
    const reports = reportDir();
    const result = await run("--host-module", join(EXPECTATIONS, "lossy-host.ts"), "--generated", "12", "--seed", "1", "--filter", "generated/", "--report-dir", reports);
    const report = readReport(reports);
    const failed = report.cases.filter((c) => c.outcome === "FAIL");
    expect(failed.length).toBeGreaterThan(0);
    expect(result.status).toBe(1);
    // Rounded progress values are not f32s the guest sent: the golden (the reference host's answer) differs at a progress event.
    const progress = failed.find((c) => c.divergence?.event !== null && (c.divergence?.event?.expected as { kind?: string } | undefined)?.kind === "progress");
    expect(progress, failed.map((c) => `${c.id}: ${c.divergence?.text}`).join("\n")).toBeDefined();
    expect(result.stdout).toContain(`reproduce: npx job-parity run --host-module '${join(EXPECTATIONS, "lossy-host.ts")}' --generated 12 --seed 1 --filter '${progress!.id}'`);
  });

  it("usage: --generated needs --seed, --seed needs --generated, --corpus must exist", async () => {
    await expect(run("--generated", "3")).rejects.toThrow("run: --generated needs --seed S");
    await expect(run("--seed", "3")).rejects.toThrow("run: --seed goes with --generated N");
    await expect(run("--generated", "0", "--seed", "1")).rejects.toThrow("run: --generated must be a positive integer");
    await expect(run("--corpus", join(dir, "no-corpus"))).rejects.toThrow(UsageError);
  });

  it("with an expectations file, every reproduce command repeats --generated and --corpus: the file may name those cases, and an entry that matches none makes it unusable", async () => {
    const file = join(dir, "generated-entry.toml");
    writeFileSync(file, '[[skip]]\ncase = "generated/1/0"\nreason = "slow on this host"\n');
    const module = join(EXPECTATIONS, "lossy-host.ts");
    const corpus = join(PROJECT_ROOT, "wat-fixtures/regressions");
    const reports = reportDir();
    await run("--host-module", module, "--expectations", file, "--corpus", corpus, "--generated", "2", "--seed", "1", "--filter", ABI_1_0_PROGRESS, "--report-dir", reports);
    const steps = byId(readReport(reports), "progress/steps");
    expect(steps.outcome).toBe("FAIL");
    expect(steps.reproduce).toBe(`npx job-parity run --host-module '${module}' --expectations '${file}' --corpus '${corpus}' --generated 2 --seed 1 --filter 'progress/steps'`);
    // Pasted, it runs that case and fails it again (without --generated the skip entry matches no case: exit 2).
    const words = [...steps.reproduce.replace(/^npx job-parity run /, "").matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const again = reportDir();
    const rerun = await run(...words, "--report-dir", again);
    expect(rerun.stderr).not.toContain("JP_EXPECTATIONS");
    expect(rerun.status).toBe(1);
    expect(readReport(again).cases.map((c) => [c.id, c.outcome])).toEqual([["progress/steps", "FAIL"]]);
  });
});

describe("job-parity run: expectations files", () => {
  it("an entry that matches no case: exit 2 naming it, and no host is started", async () => {
    const file = join(dir, "stale.json");
    writeFileSync(file, JSON.stringify({ skip: [{ case: "networking/*", reason: "no P2P" }], "expected-fail": [{ case: "teleport/*", reason: "not yet" }] }));
    const reports = reportDir();
    const result = await run("--expectations", file, "--report-dir", reports, "--host-cmd", "exit 99");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}: expected-fail[0] (case "teleport/*") matches no case`);
    expect(result.stdout).toBe("");
    expect(existsSync(reports)).toBe(false);
  });

  it("a schema problem: exit 2 naming the file and the field", async () => {
    const file = join(dir, "no-reason.toml");
    writeFileSync(file, '[[skip]]\ncase = "networking/*"\n\n[[expected-fail]]\ncase = "progress/steps"\nreason = "  "\nwhy = "typo"\n');
    const result = await run("--expectations", file, "--report-dir", reportDir());
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file} does not match harness/schemas/host-expectations.schema.json`);
    expect(result.stderr).toContain("field skip[0].reason: missing (it is required)");
    expect(result.stderr).toContain("field expected-fail[0].reason: must say why (not empty)");
    expect(result.stderr).toContain("field expected-fail[0].why: not allowed here (allowed: case, reason)");
  });

  it("unreadable, not TOML, another extension, a JSON key twice, or a case claimed twice: exit 2 with the reason", async () => {
    const broken = join(dir, "broken.toml");
    writeFileSync(broken, "[[skip]\ncase = 1\n");
    const repeated = join(dir, "repeated.json");
    // JSON.parse keeps the last "skip": the first list would be dropped without a word.
    writeFileSync(repeated, '{"skip": [{"case": "logging/flood", "reason": "a \\"slow\\" {one}"}], "skip": []}');
    const twice = join(dir, "twice.json");
    writeFileSync(twice, JSON.stringify({ skip: [{ case: "progress/*", reason: "a" }], "expected-fail": [{ case: "progress/steps", reason: "b" }] }));
    const cases: [string, string][] = [
      [join(dir, "missing.toml"), "cannot read the expectations file"],
      [broken, "not valid TOML: line 1"],
      [repeated, 'the key "skip" appears twice in the top level; merge the two'],
      [join(dir, "expectations.yaml"), "must be .json or .toml"],
      [twice, `case progress/steps is matched by both skip[0] (case "progress/*") and expected-fail[0] (case "progress/steps")`],
    ];
    for (const [file, message] of cases) {
      const result = await run("--expectations", file);
      expect(result.status, file).toBe(2);
      expect(result.stderr, file).toContain(message);
    }
  });

  it("the JSON example, for a host module with known failures: XFAIL, SKIP and UNSUPPORTED with reasons, exit 0", async () => {
    const reports = reportDir();
    const module = join(EXPECTATIONS, "lossy-host.ts");
    const result = await run("--host-module", module, "--expectations", join(EXPECTATIONS, "lossy-host.json"), "--report-dir", reports);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const report = readReport(reports);
    expect(report.summary.outcomes).toMatchObject({ XFAIL: 4, SKIP: 1, UNSUPPORTED: 4, FAIL: 0, XPASS: 0 }); // the four networking cases
    expect(report.host).toMatchObject({ adapter: "module", module, handshake: { name: "lossy test host" } });
    expect(report.problems).toEqual([]);
    expect(report.expectations.waivers).toEqual([{ entry: "waive[0]", capability: "networking", reason: "no P2P stack yet: networking lands in 0.4", claimed: false }]);
    expect(byId(report, "progress/steps")).toMatchObject({
      outcome: "XFAIL",
      expectation: { kind: "expected-fail", entry: 'expected-fail[0] (case "progress/steps")' },
    });
    expect(byId(report, "networking/loopback")).toMatchObject({ outcome: "UNSUPPORTED", missingCapabilities: ["networking"] });
    expect(report.capabilities.find((c) => c.id === "networking")).toMatchObject({ claimed: false, verdict: "unsupported" });
    expect(report.capabilities.find((c) => c.id === "progress")!.verdict).toBe("xfail");
    const markdown = readFileSync(join(reports, "gate.md"), "utf8");
    expect(markdown).toContain("progress is rounded to one decimal before it is reported");
    expect(markdown).toContain("example of a skip");
    expect(markdown).toContain("| networking | waive[0] | no P2P stack yet: networking lands in 0.4 |");
    expect(result.stdout).toContain("        the host does not claim networking (waived: no P2P stack yet: networking lands in 0.4)");
    // JUnit has no table of waivers: the reason is in each unsupported case's message.
    const junit = readFileSync(join(reports, "junit.xml"), "utf8");
    expect(junit).toContain('name="networking/loopback"');
    expect(junit).toContain("UNSUPPORTED: the host does not claim networking (waived: no P2P stack yet: networking lands in 0.4)");
  });

  it("from another directory, job-parity's own expectations file by its relative path: the reports name it so, never by this machine's path", async () => {
    const reports = reportDir();
    const elsewhere = mkdtempSync(join(tmpdir(), "job-parity-elsewhere-"));
    const given = "conformance/expectations/lossy-host.json";
    const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin/job-parity.mjs"), "run", "--host-module", "conformance/expectations/lossy-host.ts", "--expectations", given, "--filter", "networking/", "--report-dir", reports], { cwd: elsewhere });
    child.stdout.resume();
    child.stderr.resume();
    const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    rmSync(elsewhere, { recursive: true, force: true });
    expect(status).toBe(0);
    const report = readReport(reports);
    expect(report.expectations.file).toBe(given);
    expect(report.options.expectations).toBe(given);
    for (const file of ["gate.json", "gate.md", "gate.html", "junit.xml"]) expect(readFileSync(join(reports, file), "utf8"), file).not.toContain(PROJECT_ROOT);
  });

  it("the same host without its waiver: the networking cases FAIL and the run names the missing capability (exit 1)", async () => {
    const reports = reportDir();
    const result = await run("--host-module", join(EXPECTATIONS, "lossy-host.ts"), "--filter", "networking/", "--report-dir", reports);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the host does not claim networking: ABI v1 requires every capability");
    const report = readReport(reports);
    expect(report.problems.map((p) => [p.code, p.severity])).toEqual([["JP_CAPABILITY_MISSING", 1]]);
    expect(report.cases.map((c) => [c.id, c.outcome])).toEqual([
      ["networking/disabled", "FAIL"],
      ["networking/loopback", "FAIL"],
    ]);
    expect(byId(report, "networking/loopback").failures[0]).toContain("needs networking, which the host does not claim");
  });

  it("a host claiming no capabilities at all exits 1, even where every case it runs passes", async () => {
    const module = join(dir, "claims-nothing.mjs");
    writeHostModule(
      module,
      `  return { handshake: async () => ({ ...referenceHandshake(), name: "claims nothing", capabilities: [] }), runCase: (r) => reference.runCase(r), close: async () => {} };`,
    );
    const reports = reportDir();
    const result = await run("--host-module", module, "--report-dir", reports);
    expect(result.status).toBe(1);
    const report = readReport(reports);
    expect(report.problems[0]!.code).toBe("JP_CAPABILITY_MISSING");
    expect(report.summary.outcomes.UNSUPPORTED).toBe(0);
    // A case needs what its sidecar lists and what its guest imports (handshake.capabilities).
    expect(report.summary.outcomes.FAIL).toBe(report.cases.filter((c) => c.missingCapabilities.length > 0).length);
    expect(report.summary.outcomes.PASS).toBe(report.cases.filter((c) => c.missingCapabilities.length === 0).length);
    // A case's capabilities are what it needs, so its missing ones are among them, and some need more than their sidecar lists.
    expect(report.cases.filter((c) => !c.missingCapabilities.every((m) => c.capabilities.includes(m)))).toEqual([]);
    const sidecar = new Map(FIXTURES.map((f) => [f.id, f.sidecar.capabilities]));
    expect(report.cases.filter((c) => c.capabilities.length > (sidecar.get(c.id)?.length ?? Infinity)).length).toBeGreaterThan(0);
    // The capability matrix counts each case under every capability it needs: a row's FAILs are its missing ones.
    for (const row of report.capabilities) expect(row.outcomes.FAIL ?? 0).toBe(report.cases.filter((c) => c.missingCapabilities.includes(row.id)).length);
  });

  it("a waiver for a capability the host claims is stale: exit 1 naming it", async () => {
    const file = join(dir, "stale-waiver.toml");
    writeFileSync(file, '[[waive]]\ncapability = "progress"\nreason = "not yet"\n');
    const reports = reportDir();
    const result = await run("--expectations", file, "--filter", "progress/steps", "--report-dir", reports);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("waive[0] waives progress, which the host claims: remove the entry");
    expect(readReport(reports).expectations.waivers[0]).toMatchObject({ capability: "progress", claimed: true });
  });

  it("a failing case's block on stdout: every line of it indented under the case's line, another trace's divergence too", async () => {
    const result = await run("--host-cmd", `node ${hostScript("claims-little.mjs")}`, "--filter", "lifecycle/bad-return", "--report-dir", reportDir());
    expect(result.status).toBe(1);
    const lines = result.stdout.split("\n");
    const start = lines.findIndex((line) => line.startsWith("FAIL "));
    const end = lines.findIndex((line) => line.trimStart().startsWith("reproduce: "));
    const block = lines.slice(start + 1, end + 1);
    expect(block.some((line) => line.includes("also differs: job:0 trace: first divergence"))).toBe(true);
    expect(block.filter((line) => !line.startsWith("        "))).toEqual([]);
    // The lines of the other trace's divergence sit under its "also differs" line.
    const also = block.findIndex((line) => line.includes("also differs: job:0 trace"));
    expect(block[also + 1]!.search(/\S/)).toBeGreaterThan(block[also]!.search(/\S/));
  });

  it("a host that does not serve a wire method: the cases calling it are UNSUPPORTED, the rest run", async () => {
    const module = join(dir, "no-entries.mjs");
    writeHostModule(
      module,
      `  const handshake = referenceHandshake();
  return { handshake: async () => ({ ...handshake, methods: handshake.methods.filter((m) => !m.includes("entries")) }), runCase: (r) => reference.runCase(r), close: async () => {} };`,
    );
    const reports = reportDir();
    const result = await run("--host-module", module, "--filter", "library/", "--report-dir", reports);
    expect(result.status).toBe(0);
    const report = readReport(reports);
    expect(byId(report, "library/entries")).toMatchObject({ outcome: "UNSUPPORTED", missingMethods: ["action:entries.create.input", "query:entries.list"] });
    expect(byId(report, "library/rate-limit").outcome).toBe("PASS");
    expect(readFileSync(join(reports, "gate.md"), "utf8")).toContain("the host does not serve action:entries.create.input, query:entries.list");
  });

  it("the same host without expectations: FAIL, exit 1, with the first divergent event and a reproduce command", async () => {
    const reports = reportDir();
    const module = "conformance/expectations/lossy-host.ts";
    const result = await run("--host-module", module, "--filter", ABI_1_0_PROGRESS, "--report-dir", reports);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("2 cases failed: progress/refused, progress/steps");
    const steps = byId(readReport(reports), "progress/steps");
    expect(steps.outcome).toBe("FAIL");
    expect(steps.divergence!.event).toEqual({
      trace: "job:0",
      index: 2,
      expected: { kind: "progress", job: "job:0", value: 0.25, message: "quarter" },
      actual: { kind: "progress", job: "job:0", value: 0.3, message: "quarter" },
      before: [
        { kind: "status", job: "job:0", status: "Queued" },
        { kind: "status", job: "job:0", status: "Running" },
      ],
    });
    expect(steps.failures[0]).toContain('"value":0.25');
    expect(steps.reproduce).toBe(`npx job-parity run --host-module '${module}' --filter 'progress/steps'`);
    expect(result.stdout).toContain(`reproduce: ${steps.reproduce}`);
  });
});

// Concurrent: most of these wait (on a host's timeout, a grace period, a kill), each with its own host and reports.
describe.concurrent("job-parity run: hosts that break exit 2 and say how", () => {
  // Nothing else holding the process, the case's own timer must (it ended with code 13, unsettled, and no reports);
  // a timer the module leaves running must not keep the process alive after the verdict.
  it.each([
    ["and nothing else runs", ""],
    ["and it leaves a timer running", "setInterval(() => {}, 1000);\n"],
  ])("a host module whose answer never comes, %s (a real process): TIMEOUT, the reports, exit 2", async (_, prelude) => {
    const module = join(dir, `never-answers-${prelude === "" ? "idle" : "timer"}.mjs`);
    const handshake = JSON.stringify({ ...referenceHandshake(), name: "never answers" });
    writeFileSync(module, `${prelude}export default () => ({ handshake: async () => (${handshake}), runCase: () => new Promise(() => {}), close: async () => {} });\n`);
    const reports = reportDir();
    const result = await cli("run", "--host-module", module, "--filter", "lifecycle/counter", "--timeout", "200", "--report-dir", reports);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain("the host timed out on case lifecycle/counter");
    expect(byId(readReport(reports), "lifecycle/counter")).toMatchObject({ outcome: "TIMEOUT" });
  });

  it("a host that prints garbage (a real process)", async () => {
    const reports = reportDir();
    const result = await cli("run", "--host-cmd", `node ${hostScript("garbage.mjs")}`, "--filter", "progress/steps", "--report-dir", reports);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("job-parity run: the host wrote what the protocol does not allow while running case progress/steps: ");
    expect(result.stderr).toContain("is not JSON");
    const report = readReport(reports);
    expect(byId(report, "progress/steps")).toMatchObject({ outcome: "ERROR", error: { code: "JP_HOST_MALFORMED" } });
    expect(readFileSync(join(reports, "junit.xml"), "utf8")).toMatch(/<error type="JP_HOST_MALFORMED" message="ERROR: the host&apos;s answer/);
  });

  it("a host that crashes on its first case", async () => {
    const reports = reportDir();
    const result = await run("--host-cmd", `node ${hostScript("crash.mjs")}`, "--filter", "progress/steps", "--report-dir", reports);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("the host crashed while running case progress/steps: ");
    expect(result.stderr).toContain("crash.mjs: simulated crash in case progress/steps"); // its stderr, quoted
    expect(byId(readReport(reports), "progress/steps")).toMatchObject({ outcome: "ERROR", error: { code: "JP_HOST_CRASH" } });
  });

  it("a host's name and stderr reach the terminal with their escape sequences made visible, never as they are", async () => {
    const reports = reportDir();
    const result = await run("--host-cmd", `node ${hostScript("crash.mjs")} escapes`, "--filter", "progress/steps", "--report-dir", reports);
    expect(result.status).toBe(2);
    const printed = `${result.stdout}\n${result.stderr}`;
    expect(printed).toContain("crash.mjs: simulated crash in case progress/steps\\u001b]0;pwned\\u0007\\u001b[31m");
    expect(printed).toContain("host: crash \\u001b]0;pwned\\u0007\\u001b[31mhost 0.0.0");
    expect(printed).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
  });

  it("a host that hangs: TIMEOUT after --timeout, and the next case still runs on a fresh host", async () => {
    const reports = reportDir();
    const result = await run("--host-cmd", `node ${hostScript("hang.mjs")}`, "--filter", ABI_1_0_PROGRESS, "--timeout", "300", "--report-dir", reports);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("the host timed out on case progress/refused: ");
    expect(result.stderr).toContain("the host timed out on case progress/steps: ");
    const report = readReport(reports);
    expect(report.cases.map((c) => [c.id, c.outcome, c.error?.code])).toEqual([
      ["progress/refused", "TIMEOUT", "JP_HOST_TIMEOUT"],
      ["progress/steps", "TIMEOUT", "JP_HOST_TIMEOUT"],
    ]);
    expect(report.cases[1]!.reproduce).toContain("--timeout 300 --filter 'progress/steps'");
  });

  it("a host that hangs on every case: after --max-timeouts cases in a row, no further case is sent (JP_NOT_RUN, JP_TIMEOUTS)", async () => {
    const reports = reportDir();
    const started = performance.now();
    const result = await run("--host-cmd", `node ${hostScript("hang.mjs")}`, "--filter", "/^(logging|progress)\\//", "--timeout", "200", "--max-timeouts", "2", "--report-dir", reports);
    // The others need an ABI version or capabilities the host does not offer, so they are not sent at all.
    const tried = readReport(reports).cases.filter((c) => c.outcome === "TIMEOUT" || c.outcome === "ERROR");
    expect(result.status).toBe(2);
    expect(tried.length).toBeGreaterThan(4);
    expect(tried.slice(0, 2).map((c) => [c.outcome, c.error?.code])).toEqual([["TIMEOUT", "JP_HOST_TIMEOUT"], ["TIMEOUT", "JP_HOST_TIMEOUT"]]);
    expect(tried.slice(2).every((c) => c.outcome === "ERROR" && c.error?.code === "JP_NOT_RUN" && c.durationMs === 0)).toBe(true);
    expect(readReport(reports).problems).toContainEqual(expect.objectContaining({ code: "JP_TIMEOUTS", severity: 2 }));
    expect(result.stderr).toContain("the host timed out on 2 cases in a row");
    expect(result.stderr).toMatch(new RegExp(`${tried.length - 2} cases were not run or not judged \\(JP_NOT_RUN\\)`));
    expect(performance.now() - started).toBeLessThan(15_000); // two timeouts and restarts, not one per case
    await expect(runCommand(["--max-timeouts", "-1"], () => {}, () => {})).rejects.toThrow(UsageError);
  });

  it.each([
    ["SIGINT", 130, "interrupted; stopping the host, then writing the reports"],
    ["SIGTERM", 143, "interrupted (SIGTERM); stopping the host, then writing the reports"],
  ] as const)("%s during a run: the host is stopped, the reports are written with the cases not judged, exit %i", async (signal, code, said) => {
    const reports = reportDir();
    const pids = join(dir, `hang-pids-${signal}.json`);
    // Interrupted once the host holds its first case.
    const args = ["--host-cmd", `node ${hostScript("hang.mjs")}`, "--filter", ABI_1_0_PROGRESS, "--timeout", "60000", "--report-dir", reports];
    const { code: exit, stdout, stderr, exitMs } = await interruptedRun(args, { ready: pids, signal, env: { HANG_PIDS: pids } });
    expect(exit, stderr).toBe(code);
    expect(stdout).toContain(`verdict: error (exit 2 in the reports; interrupted, this process exits ${code})`);
    expect(stderr).toContain("interrupted (" + (signal === "SIGINT" ? "Ctrl-C" : "SIGTERM") + ") while case progress/refused ran: it was not judged, and the cases after it were not run");
    expect(exitMs).toBeLessThan(10_000);
    expect(stderr).toContain(said);
    const report = readReport(reports);
    expect(report.cases.map((c) => [c.id, c.outcome, c.error?.code])).toEqual([
      ["progress/refused", "ERROR", "JP_NOT_RUN"],
      ["progress/steps", "ERROR", "JP_NOT_RUN"],
    ]);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: "JP_INTERRUPTED", severity: 2 }));
    for (const file of ["gate.md", "gate.html", "junit.xml"]) expect(existsSync(join(reports, file))).toBe(true);
    const { host } = JSON.parse(readFileSync(pids, "utf8")) as { host: number; child: number };
    expect(await gone(host)).toBe(true); // its process group was stopped with it
  });

  it("Ctrl-C while the only case runs: that case not judged, and the run says it was interrupted (JP_INTERRUPTED), exit 130", async () => {
    const reports = reportDir();
    const pids = join(dir, "hang-pids-one.json");
    const args = ["--host-cmd", `node ${hostScript("hang.mjs")}`, "--filter", "progress/refused", "--timeout", "60000", "--report-dir", reports];
    const { code, stderr } = await interruptedRun(args, { ready: pids, env: { HANG_PIDS: pids } });
    expect(code, stderr).toBe(130);
    const report = readReport(reports);
    expect(report.cases.map((c) => [c.id, c.outcome, c.error?.code])).toEqual([["progress/refused", "ERROR", "JP_NOT_RUN"]]);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: "JP_INTERRUPTED", severity: 2 }));
  });

  it("Ctrl-C while the host has not shaken hands: the host is not blamed (JP_INTERRUPTED, every case JP_NOT_RUN), exit 130", async () => {
    const reports = reportDir();
    const pid = join(dir, "silent-pid");
    // Interrupted once the host has its hello and the gate waits for the handshake (its limit is 10 s).
    const args = ["--host-cmd", `node ${hostScript("silent.mjs")}`, "--filter", "lifecycle/counter", "--report-dir", reports];
    const { code, stderr } = await interruptedRun(args, { ready: pid, env: { SILENT_PID: pid } });
    expect(code, stderr).toBe(130);
    const report = readReport(reports);
    expect(report.problems.map((p) => p.code)).toEqual(["JP_INTERRUPTED"]);
    expect(report.cases.map((c) => [c.outcome, c.error?.code])).toEqual([["ERROR", "JP_NOT_RUN"]]);
  });

  it("Ctrl-C while the generated cases are prepared, before any host starts: the reports list every case JP_NOT_RUN, exit 130", async () => {
    const reports = reportDir();
    // The report folder is made just before the signals are handled and the cases prepared (some 8 s for 2,000).
    const { code, stderr, exitMs } = await interruptedRun(["--generated", "2000", "--seed", "7", "--report-dir", reports], { ready: reports, settleMs: 300 });
    expect(code, stderr).toBe(130);
    expect(exitMs).toBeLessThan(10_000);
    expect(stderr).toContain("interrupted; writing the reports");
    const report = readReport(reports);
    expect(report.problems.map((p) => p.code)).toEqual(["JP_INTERRUPTED"]);
    const generated = report.cases.filter((c) => c.id.startsWith("generated/7/"));
    expect(generated).toHaveLength(2000);
    expect(report.cases.every((c) => c.outcome === "ERROR" && c.error?.code === "JP_NOT_RUN")).toBe(true);
    for (const file of ["gate.md", "gate.html", "junit.xml"]) expect(existsSync(join(reports, file))).toBe(true);
  });

  it("a host that crashes and then cannot shake hands again: the case that met it is ERROR, the rest JP_NOT_RUN, the run JP_HOST_LOST", async () => {
    const reports = reportDir();
    const marker = join(dir, "lost-host-marker");
    const command = `if [ -e ${marker} ]; then node ${hostScript("bad-handshake.mjs")} missing-field; else touch ${marker}; node ${hostScript("crash.mjs")}; fi`;
    const result = await run("--host-cmd", command, "--filter", "lifecycle/", "--report-dir", reports);
    expect(result.status).toBe(2);
    const sent = readReport(reports).cases.filter((c) => c.outcome === "ERROR");
    expect(sent.slice(0, 2).map((c) => c.error?.code)).toEqual(["JP_HOST_CRASH", "JP_HOST_HANDSHAKE"]);
    expect(sent.length).toBeGreaterThan(2);
    expect(sent.slice(2).every((c) => c.error?.code === "JP_NOT_RUN" && c.error.message.includes(`could not be brought back after case ${sent[1]!.id}`))).toBe(true);
    expect(readReport(reports).problems).toContainEqual(expect.objectContaining({ code: "JP_HOST_LOST", severity: 2 }));
  });

  it("a reader of stdout that goes away (| head) does not stop the run: it finishes, writes the reports and exits with its verdict", async () => {
    const reports = reportDir();
    const child = spawn(process.execPath, ["bin/job-parity.mjs", "run", "--host-cmd", `node ${hostScript("crash.mjs")}`, "--filter", "lifecycle/", "--report-dir", reports], { cwd: PROJECT_ROOT });
    child.stdout.once("data", () => child.stdout.destroy()); // as head -1 does after its line
    child.stderr.resume();
    const code = await new Promise<number | null>((resolve) => child.on("exit", (status) => resolve(status)));
    expect(code).toBe(2);
    expect(readReport(reports).cases.filter((c) => c.id.startsWith("lifecycle/")).length).toBeGreaterThan(3);
  });

  it("a regression case in two corpora runs once, however each copy was found; two different cases under one id are refused, naming both folders", async () => {
    const [own] = regressionCases(join(PROJECT_ROOT, "wat-fixtures/regressions"));
    const name = own!.id.split("/")[1]!;
    const corpus = join(dir, "corpus-copy");
    cpSync(join(PROJECT_ROOT, "wat-fixtures/regressions", name), join(corpus, name), { recursive: true });
    const gate = (reports: string) => runCommand(["--corpus", corpus, "--filter", own!.id, "--report-dir", reports], () => {}, () => {});
    const once = async () => {
      const reports = reportDir();
      expect(await gate(reports)).toBe(0);
      expect(readReport(reports).cases.map((c) => c.id)).toEqual([own!.id]);
    };
    await once();
    // Found again elsewhere: by another host, from another seed, so its replay (case.json, guest.wat's header) differs.
    const caseFile = join(corpus, name, "case.json");
    const watFile = join(corpus, name, "guest.wat");
    const found = JSON.parse(readFileSync(caseFile, "utf8")) as { seed: number; host: string; replay: string; scenario: { resume: boolean } };
    writeFileSync(caseFile, JSON.stringify({ ...found, seed: 1, host: "module:my-host.ts", replay: "npx job-parity fuzz --seed 1 --path '0' --host-module my-host.ts" }, null, 1));
    writeFileSync(watFile, readFileSync(watFile, "utf8").replace(/^;;[^\n]*\n/, ";; Regression, found again\n"));
    await once();
    // Another case under the id: its scenario changed.
    writeFileSync(caseFile, JSON.stringify({ ...found, scenario: { ...found.scenario, resume: !found.scenario.resume } }));
    await expect(gate(reportDir())).rejects.toThrow(/is in two corpora as two different cases/);
    // Or its guest.
    writeFileSync(caseFile, JSON.stringify(found));
    writeFileSync(watFile, `${readFileSync(watFile, "utf8")}\n;; edited\n`);
    await expect(gate(reportDir())).rejects.toThrow(/is in two corpora as two different cases/);
  });

  it("a report folder that cannot be made (/proc/x): exit 2 at once, saying which folder, for run and parity, with JP_REPORT_WRITE", async () => {
    const gate = await run("--filter", "lifecycle/failure", "--report-dir", "/proc/job-parity-x");
    expect(gate.status).toBe(2);
    expect(gate.stderr).toMatch(/cannot write the reports \(\/proc\/job-parity-x\): ENOENT.*--report-dir \[JP_REPORT_WRITE\]$/m);
    const parity = await cli("parity", "--filter", "lifecycle/failure", "--report-dir", "/proc/job-parity-x");
    expect(parity.status).toBe(2);
    expect(parity.stderr).toMatch(/job-parity parity: cannot write the reports \(\/proc\/job-parity-x\): ENOENT.*--report-dir \[JP_REPORT_WRITE\]$/m);
    expect(parity.stderr).not.toMatch(/internal error|    at /);
  });

  it("a host whose handshake does not validate: exit 2, no case sent, and all four reports say why", async () => {
    const reports = reportDir();
    const result = await run("--host-cmd", `node ${hostScript("bad-handshake.mjs")}`, "--report-dir", reports);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^job-parity run: the host failed its handshake: [^\n]* \[JP_HOST_HANDSHAKE\]\n  - \(top level\): must have required property 'capabilities'$/m);
    const report = readReport(reports);
    expect(report.host.handshake).toBeNull();
    expect(report.host.hostError?.code).toBe("JP_HOST_HANDSHAKE");
    expect(report.cases.every((c) => c.outcome === "ERROR" && c.error?.code === "JP_HOST_HANDSHAKE")).toBe(true);
    expect(readFileSync(join(reports, "gate.md"), "utf8")).toContain("## What broke");
    expect(readFileSync(join(reports, "gate.html"), "utf8")).toContain("must have required property");
    expect(readFileSync(join(reports, "junit.xml"), "utf8")).toMatch(/<testcase classname="job-parity" name="run"[^>]*>\s*<error type="JP_HOST_HANDSHAKE"/);
  });

  it("a host command that cannot start, and a host module that cannot load: exit 2 and all four reports", async () => {
    for (const args of [["--host-cmd", "./no-such-host --serve"], ["--host-module", join(dir, "no-such-module.mjs")]]) {
      const reports = reportDir();
      const result = await run(...args, "--filter", ABI_1_0_PROGRESS, "--report-dir", reports);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^job-parity run: the host could not be started: [^\n]* \[JP_HOST_SPAWN\]$/m);
      for (const file of ["gate.json", "gate.md", "gate.html", "junit.xml"]) expect(existsSync(join(reports, file)), file).toBe(true);
      const report = readReport(reports);
      expect(report.host.hostError?.code).toBe("JP_HOST_SPAWN");
      expect(report.cases.map((c) => c.outcome)).toEqual(["ERROR", "ERROR"]);
    }
  });

  it("a host that ignores shutdown: killed, exit 2, and the reports name the problem", async () => {
    const reports = reportDir();
    const result = await run("--host-cmd", `node ${hostScript("ignores-shutdown.mjs")}`, "--filter", "progress/steps", "--report-dir", reports);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("the host did not exit within 2000 ms of shutdown");
    const report = readReport(reports);
    expect(report.problems.map((p) => p.code)).toContain("JP_HOST_SHUTDOWN");
    expect(readFileSync(join(reports, "gate.md"), "utf8")).toContain("JP_HOST_SHUTDOWN");
  });

  it("a host module that answers nothing: ERROR (never a pass); a module without a factory: exit 2", async () => {
    const silent = join(dir, "nothing-host.mjs");
    writeFileSync(
      silent,
      `export default () => ({
  handshake: async () => ({ name: "nothing host", version: "0", abiVersions: ["1.0"], capabilities: ["progress"], methods: [] }),
  runCase: async () => undefined,
  close: async () => {},
});\n`,
    );
    const reports = reportDir();
    const result = await run("--host-module", silent, "--filter", "progress/steps", "--report-dir", reports);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("the host returned no result for case progress/steps");
    expect(byId(readReport(reports), "progress/steps")).toMatchObject({ outcome: "ERROR", error: { code: "JP_HOST_MISSING_RESULT" } });

    const notAFactory = join(dir, "not-a-factory.mjs");
    writeFileSync(notAFactory, "export default 42;\n");
    const bad = await run("--host-module", notAFactory);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("the host could not be started: the host module");
    expect(bad.stderr).toContain("must default-export a function");
  });
});

describe("job-parity run: what a case needs of a host (handshake.capabilities)", () => {
  it("a host that waives logging and cannot link its imports is sent no case whose guest imports them, sidecar or not", async () => {
    const logging = new Set(IMPORTS.filter((spec) => spec.capabilities.includes("logging")).map((spec) => spec.name));
    const linked: string[] = [];
    const reference = new InProcessAdapter();
    const host: HostAdapter = {
      handshake: async () => ({ ...referenceHandshake(), capabilities: referenceHandshake().capabilities.filter((c) => c !== "logging") }),
      async runCase(request) {
        const imported = readModuleInterface(request.guest).imports.filter((i) => logging.has(i.name));
        if (imported.length > 0) return { kind: "load_error", code: "JP_LINK", message: `no ${imported[0]!.name} on this host` };
        linked.push(request.id);
        return reference.runCase(request);
      },
      close: async () => {},
    };
    const waivers = [{ index: 0, capability: "logging" as const, reason: "no log sink" }];
    const expectations = resolveExpectations({ ...NO_EXPECTATIONS, waivers }, FIXTURES.map((f) => f.id));
    const result = await runGate(host, { fixtures: FIXTURES, expectations });
    expect(result.cases.filter((c) => c.outcome !== "PASS" && c.outcome !== "UNSUPPORTED").map((c) => `${c.id} ${c.outcome}`)).toEqual([]);
    // Cases whose sidecar does not list logging but whose guest logs are among those not sent.
    const oob = result.cases.find((c) => c.id === "wasm-only/oob")!;
    expect(FIXTURES.find((f) => f.id === "wasm-only/oob")!.sidecar.capabilities).not.toContain("logging");
    expect(oob.capabilities).toContain("logging");
    expect(oob).toMatchObject({ outcome: "UNSUPPORTED", missingCapabilities: ["logging"] });
    expect(linked.length).toBeGreaterThan(0);
  });
});

describe("job-parity run: usage and building blocks", () => {
  it("usage errors: both host flags, a bad --timeout, a filter that matches nothing", async () => {
    await expect(run("--host-cmd", "x", "--host-module", "y")).rejects.toThrow(UsageError);
    await expect(run("--timeout", "0")).rejects.toThrow(/--timeout must be a positive integer/);
    // A timer waits at most 2^31 - 1 ms: a longer limit would fire at once, and 1e3 is not how a count is written.
    await expect(run("--timeout", "2147483648")).rejects.toThrow("run: --timeout must be at most 2,147,483,647, got 2147483648");
    await expect(run("--timeout", "1e3")).rejects.toThrow('run: --timeout must be a positive integer, got "1e3"');
    await expect(run("--generated", "99999999999", "--seed", "1")).rejects.toThrow("run: --generated must be at most 100,000");
    await expect(run("--report-dir", "")).rejects.toThrow("run: --report-dir needs a folder name");
    await expect(run("--corpus", join(PROJECT_ROOT, "package.json"))).rejects.toThrow(/--corpus .*package\.json: no such folder/);
    await expect(run("--filter", "teleport")).rejects.toThrow(/no case matches --filter "teleport"/);
  });

  it("--filter: an exact case id selects that case alone, else a substring or /regex/", () => {
    const ids = (filter: string) => selectFixtures(filter, FIXTURES).map((f) => f.id);
    expect(ids("warnings/add")).toEqual(["warnings/add"]);
    expect(ids("/add$/")).toEqual(["non_critical_errors/add", "warnings/add"]);
    expect(ids("progress/")).toEqual(["progress/refused", "progress/steps", "progress/structured-kinds", "progress/structured-refused"]);
    expect(ids(ABI_1_0_PROGRESS)).toEqual(["progress/refused", "progress/steps"]);
  });

  it("case globs: * and ? within a segment, ** across segments, everything else literal", () => {
    expect(casePattern("networking/*").test("networking/loopback")).toBe(true);
    expect(casePattern("networking/*").test("networking/a/b")).toBe(false);
    expect(casePattern("*/add").test("warnings/add")).toBe(true);
    expect(casePattern("**").test("a/b/c")).toBe(true);
    expect(casePattern("progress/step?").test("progress/steps")).toBe(true);
    expect(casePattern("progress/steps").test("progress/stepsX")).toBe(false);
    expect(casePattern("a.b").test("aXb")).toBe(false);
  });

  it("exit codes: 2 beats 1 beats 0", () => {
    const code = (...outcomes: (typeof OUTCOMES)[number][]) => gateExitCode(outcomes.map((outcome) => ({ outcome })));
    expect(code("PASS", "SKIP", "XFAIL", "UNSUPPORTED")).toBe(0);
    expect(code("PASS", "FAIL")).toBe(1);
    expect(code("XPASS")).toBe(1);
    expect(code("FAIL", "TIMEOUT")).toBe(2);
    expect(code("ERROR", "PASS")).toBe(2);
    expect(code()).toBe(0);
  });

  it("handshakes and answers from module hosts are checked, never trusted", () => {
    const good = { name: "h", version: "1", abiVersions: ["1.0"], capabilities: ["progress"], methods: [] };
    expect(() => checkHandshake({ ...good, methods: undefined })).toThrow("methods must be an array of strings");
    expect(checkHandshake(good)).toBe(good);
    expect(() => checkHandshake({ ...good, abiVersions: ["2.0"] })).toThrow("the host serves ABI 2.0; every host must serve ABI 1.0");
    expect(() => checkHandshake({ ...good, capabilities: ["teleport"] })).toThrow("capabilities: unknown teleport");
    // handshake.methods: a wire method's form, each listed once (as the process adapter's schema checks them).
    expect(checkHandshake({ ...good, methods: ["query:test.ping", "action:test.ping.input"] }).methods).toHaveLength(2);
    expect(() => checkHandshake({ ...good, methods: ["action:test.ping"] })).toThrow("methods: action:test.ping not of the form");
    expect(() => checkHandshake({ ...good, methods: ["query:caf\u00e9"] })).toThrow("not of the form");
    expect(() => checkHandshake({ ...good, methods: ["query:a", "query:a"] })).toThrow("a method listed twice");
    expect(() => checkHandshake("hi")).toThrow(expect.objectContaining({ code: "JP_HOST_HANDSHAKE" }));
    expect(() => checkResponse("x/y", null)).toThrow(expect.objectContaining({ code: "JP_HOST_MISSING_RESULT" }));
    expect(() => checkResponse("x/y", { kind: "result", result: { extension: [], jobs: "no" } })).toThrow(expect.objectContaining({ code: "JP_HOST_MALFORMED" }));
    expect(() => checkResponse("x/y", "garbage")).toThrow(expect.objectContaining({ code: "JP_HOST_MALFORMED" }));
  });

  it("the gate report schema names every outcome and capability the code has", () => {
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, "harness/schemas/gate-report.schema.json"), "utf8")) as {
      definitions: { outcome: { enum: string[] }; capability: { enum: string[] } };
    };
    expect(schema.definitions.outcome.enum).toEqual([...OUTCOMES]);
    expect(schema.definitions.capability.enum).toEqual([...CAPABILITY_IDS]);
  });

  it("XML escaping: markup characters, and characters XML cannot hold written visibly", () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    expect(xmlEscape("bell\u0007 nul\u0000 ok\ttab\nline \uD800 \uD83D\uDE00")).toBe("bell\\u0007 nul\\u0000 ok\ttab\nline \\ud800 \uD83D\uDE00");
  });
});

describe("goldenDivergence: the first difference, in the same order as every comparison", () => {
  const job = (id: string, droppedWarnings: number, message: string) => ({
    id,
    type: "t",
    parent: null,
    status: "Completed" as const,
    runs: 1,
    exitCodes: [0],
    metrics: { bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 },
    savedState: null,
    droppedLogLines: 0,
    droppedWarnings,
    trace: [{ kind: "log" as const, job: id, level: "info" as const, message }],
  });
  const result = (dropped: number, message: string) => ({ extension: [], jobs: [job("job:0", dropped, "same"), job("job:1", 0, message)], library: { libraries: [] } });

  it("a field of an earlier job comes before a trace event of a later one (and names the field, with no event)", () => {
    const divergence = goldenDivergence({ result: result(0, "a") }, { result: result(3, "b") });
    expect(divergence?.event).toBeNull();
    expect(divergence?.text).toMatch(/^job:0 droppedWarnings: golden 0, host 3$/);
    // Every other difference follows, in the same order: the later job's first divergent event.
    expect(divergence?.also).toEqual([expect.stringMatching(/^job:1 trace: first divergence at event #0/)]);
    // Its lines kept under its own first line.
    const also = divergence!.also[0]!.split("\n");
    expect(also.length).toBeGreaterThan(1);
    expect(divergenceLines({ divergence: { ...divergence!, event: null } })).toEqual([`differs from the golden: ${divergence!.text}`, `  also differs: ${also.join("\n    ")}`]);
  });

  it("every difference, a trace's first divergent event each, then the fields, the number of jobs and the library", () => {
    const golden = result(0, "a");
    const host = { ...result(2, "b"), extension: [{ kind: "log" as const, job: null, level: "info" as const, message: "extra" }], jobs: [...result(2, "b").jobs, job("job:2", 0, "c")], library: { libraries: [{ id: "id:0" }] } };
    const divergence = goldenDivergence({ result: golden }, { result: host as typeof golden });
    expect([divergence!.text, ...divergence!.also]).toEqual([
      expect.stringMatching(/^extension trace: /),
      expect.stringMatching(/^number of jobs: golden ran 2, host ran 3$/),
      expect.stringMatching(/^job:0 droppedWarnings: golden 0, host 2$/),
      expect.stringMatching(/^job:1 trace: /),
      expect.stringMatching(/^library: /),
    ]);
    expect(divergenceLines({ divergence: { ...divergence!, also: Array.from({ length: 12 }, (_, i) => `difference ${i}`) } }).slice(-2)).toEqual(["  also differs: difference 7", "  ... and 4 more differences (gate.json lists them all)"]);
  });

  it("a trace event: its trace, index, both events and the events before it", () => {
    const divergence = goldenDivergence({ result: result(0, "a") }, { result: result(0, "b") });
    expect(divergence?.event).toMatchObject({ trace: "job:1", index: 0, expected: { message: "a" }, actual: { message: "b" }, before: [] });
  });

  it("load outcomes that differ, and equal ones", () => {
    expect(goldenDivergence({ loadError: { code: "JP_LINK" } }, { result: result(0, "a") })?.text).toContain("JP_LINK");
    expect(goldenDivergence({ loadError: { code: "JP_LINK" } }, { loadError: { code: "JP_LINK" } })).toBeNull();
  });
});
