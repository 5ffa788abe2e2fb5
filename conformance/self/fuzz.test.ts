import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { writeHostModule } from "../support/host-module.ts";
import { runCliAsync } from "../support/cli.ts";
import { IMPORTS } from "../../harness/abi/imports.ts";
import { referenceHandshake, runReferenceCase } from "../../harness/adapters/in-process.ts";
import { HostFailure, type HostAdapter } from "../../harness/adapters/types.ts";
import { MUTANTS } from "../../harness/adapters/mutants.ts";
import { guestFromBytes } from "../../harness/engine/load.ts";
import { caseArb, hostCaseArb, type ProgramCase } from "../../harness/programs/arbitraries.ts";
import { coverageOf } from "../../harness/programs/coverage.ts";
import { generatedPrograms } from "../../harness/programs/gate-cases.ts";
import { wasmOnlyReason } from "../../harness/programs/ir.ts";
import { renderGuest } from "../../harness/programs/module-twists.ts";
import { renderWasm } from "../../harness/programs/render-wasm.ts";
import { expectedFrom } from "../../harness/suite/goldens.ts";
import { runScenario, type NormalizedResult } from "../../harness/suite/scenario.ts";
import { UsageError } from "../../harness/cli/args.ts";
import { fuzzCommand, parseDuration, slowCaseLine } from "../../harness/cli/fuzz.ts";
import { fuzzEveryMutant } from "../../harness/cli/fuzz-mutants.ts";
import { runCommand } from "../../harness/cli/run.ts";
import { loadRegressions, saveRegression, type RegressionCase } from "../../harness/programs/counterexample.ts";
import { caseAt, chunkSeed, SEED_LIMIT, shardChunkSeed, startFuzzSession, type FoundCase, type FuzzProgress, type FuzzSummary } from "../../harness/programs/fuzz-session.ts";
import { hostReplayCommand } from "../../harness/programs/host-counterexample.ts";
import { checkOnHost, openFuzzHost } from "../../harness/programs/host-fuzz.ts";
import { checkHostProperty } from "../../harness/programs/host-property.ts";
import type { GateReport } from "../../harness/report/gate-report.ts";
import { formatSchemaErrors, schemaValidator } from "../../harness/schemas/validate.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

// Fuzzing sessions as users run them: real processes (`node bin/job-parity.mjs fuzz ...`) with worker threads. A
// session process costs 1-4 s of CPU here (starting its workers, warming up, shrinking what it finds), so there are
// four: a clean session, a session against a faulty boundary and a usage error, started together, then the replay of
// a case the faulty session saved. Everything else runs in-process.

const cli = (...args: string[]) => runCliAsync(args);

/** fuzzCommand in-process: its exit code and printed lines, or the UsageError it throws. */
async function fuzzInProcess(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await fuzzCommand(args, (line) => lines.push(line));
  return { code, output: lines.join("\n") };
}

/** runCommand in-process with --json: its exit code and gate.json. */
async function gateInProcess(...args: string[]): Promise<{ code: number; report: GateReport }> {
  const lines: string[] = [];
  const code = await runCommand([...args, "--json"], (line) => lines.push(line), () => {});
  return { code, report: JSON.parse(lines.join("\n")) as GateReport };
}

const dir = mkdtempSync(join(tmpdir(), "job-parity-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanCorpus = join(dir, "clean");
const faultCorpus = join(dir, "fault");

/** The first case the faulty session saved. */
function firstSaved(): RegressionCase {
  const [first] = loadRegressions(faultCorpus);
  if (!first || !("regression" in first)) throw new Error(`the session against truncate-progress saved no readable case in ${faultCorpus}`);
  return first.regression;
}

/** A case run as the parity property's workers tally it: the WASM side's raw result, without a watchdog. */
function onReferenceWasm({ program, scenario }: ProgramCase) {
  const guest = guestFromBytes("program.wasm", renderWasm(program));
  return { program, scenario, result: runScenario({ kind: "wasm", guest }, { ...scenario, limits: { ...scenario.limits, runTimeoutMs: 0 } }) };
}

/** A case as a host session's workers tally it: the reference host's answer to the request, as the gate compares it. */
function onReferenceHost({ program, scenario }: ProgramCase) {
  const expected = expectedFrom(runReferenceCase({ id: "coverage", guest: renderGuest(program), scenario }));
  // A twisted guest (ir.ts, ModuleTwist) may not load: its load error counts, as a fuzzing worker counts it.
  if ("loadError" in expected) return { program, scenario, loadError: expected.loadError.code };
  return { program, scenario, result: (expected as { result: NormalizedResult }).result };
}

// Fuzzing a host under test. lossy-host.ts (conformance/expectations) is the reference host with a planted bug: it
// rounds progress values to one decimal (and does not claim networking, so cases calling its wire methods are skipped).
const REFERENCE_HOST = "node bin/job-parity-reference-host.mjs";
const LOSSY = "conformance/expectations/lossy-host.ts";
const lossyCorpus = join(dir, "lossy");
const referenceCorpus = join(dir, "reference-host");

// Started at load, awaited by the tests that read them.
const lossy = startFuzzSession({
  seed: 1,
  budget: { runs: 120 },
  workers: 1,
  shard: { index: 0, count: 1 },
  corpusDir: lossyCorpus,
  fault: null,
  target: { kind: "module", path: join(PROJECT_ROOT, LOSSY) },
  maxDivergences: 1,
}).done;
const referenceHost = startFuzzSession({
  seed: 7,
  budget: { runs: 40 },
  workers: 1,
  shard: { index: 0, count: 1 },
  corpusDir: referenceCorpus,
  fault: null,
  target: { kind: "cmd", command: REFERENCE_HOST, cwd: PROJECT_ROOT },
  maxDivergences: 1,
}).done;
const clean = cli("fuzz", "--runs", "120", "--seed", "7", "--workers", "2", "--json", "--corpus", cleanCorpus);
// Three divergences are enough to check (each is shrunk, which costs more than the runs).
const faulty = cli("fuzz", "--fault", "truncate-progress", "--runs", "60", "--seed", "7", "--max-divergences", "3", "--corpus", faultCorpus);
const badUsage = cli("fuzz", "--time", "1m", "--runs", "5");

describe("chunk seeds", () => {
  it("shards 0/3, 1/3 and 2/3 of one session never share a chunk seed", () => {
    const shards = [0, 1, 2].map((index) => Array.from({ length: 3000 }, (_, chunk) => shardChunkSeed(7, { index, count: 3 }, chunk)));
    const all = shards.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((seed) => !(Number.isInteger(seed) && seed >= 0 && seed < SEED_LIMIT))).toEqual([]);
  });

  it("are a function of the session seed, the shard and the chunk", () => {
    expect(shardChunkSeed(7, { index: 1, count: 3 }, 5)).toBe(chunkSeed(7, 1 + 5 * 3));
    expect(shardChunkSeed(7, { index: 0, count: 1 }, 4)).toBe(chunkSeed(7, 4));
    expect(chunkSeed(7, 16)).toBe(chunkSeed(7, 16));
    expect(chunkSeed(8, 16)).not.toBe(chunkSeed(7, 16));
  });
});

describe("job-parity fuzz: sessions", () => {
  it("--runs 120 --seed 7 --workers 2 --json: exactly 120 runs, no divergence, one JSON object on stdout, exit 0", async () => {
    const run = await clean;
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as FuzzSummary;
    expect(summary.runs).toBe(120);
    expect(summary.divergences).toBe(0);
    expect(summary.runsPerSecond).toBeGreaterThan(0);
    expect(summary.seed).toBe(7);
    expect(summary.workers).toBe(2);
    expect(summary.shard).toEqual({ index: 0, count: 1 });
    expect(summary.elapsedMs).toBeGreaterThan(0);
    expect(summary.saved).toEqual([]);
    for (const phase of ["render", "compile", "wasm", "native", "compare"] as const) expect(summary.timings[phase], phase).toBeGreaterThan(0);
    expect(existsSync(cleanCorpus) ? readdirSync(cleanCorpus) : []).toEqual([]);
  });

  it("--json includes the coverage of the session's cases, tallied by the workers on the WASM side's raw results", async () => {
    const summary = JSON.parse((await clean).stdout) as FuzzSummary;
    // 120 runs are one chunk (chunk 0 of shard 0/1), so the coverage is that of its 120 caseArb cases run as WASM.
    const cases = fc.sample(caseArb, { seed: chunkSeed(7, 0), numRuns: 120 });
    expect(summary.coverage).toEqual(coverageOf(cases.map(onReferenceWasm)));
    expect(summary.coverage.cases).toBe(120);
    expect(summary.coverage.imports.map((row) => row.name)).toEqual(IMPORTS.map((spec) => spec.name));
  });

  it("--fault truncate-progress: divergences found, shrunk, printed and saved as schema-valid cases; exit 1", async () => {
    const run = await faulty;
    expect(run.status, run.stderr).toBe(1);
    const divergences = Number(/^(\d+) divergences?/m.exec(run.stdout)?.[1]);
    expect(divergences).toBeGreaterThanOrEqual(1);
    expect(run.stdout).toMatch(/^counterexample \(seed \d+, path [\d:]+\)$/m);
    const saved = loadRegressions(faultCorpus);
    expect(saved.length).toBeGreaterThanOrEqual(1);
    const validate = schemaValidator("regression");
    for (const found of saved) {
      if (!("regression" in found)) expect.fail(found.error);
      const { dir: caseDir, regression } = found;
      expect(validate(regression), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
      expect(regression.host).toBe("fault:truncate-progress");
      expect(existsSync(join(caseDir, "guest.wat"))).toBe(true);
      expect(run.stdout).toContain(`saved to ${caseDir}`);
    }
    // The session ends with the coverage table: every import with its calls, then the clauses and the counts.
    expect(run.stdout).toMatch(/^coverage of \d+ generated cases on the reference host$/m);
    for (const spec of IMPORTS) expect(run.stdout).toMatch(new RegExp(`^${spec.name} +\\d+  `, "m"));
    for (const part of ["clauses exercised: ", "interrupts: ", "children: ", "limits: ", "runs ended: "]) expect(run.stdout).toContain(`\n${part}`);
    // A parity session says why WASM-only statuses stay unreached, and where they are reached.
    expect(run.stdout).toContain("the parity property checks cases with a native twin only");
  });

  it("replays a saved case exactly: with its fault it diverges (exit 1, the program printed), on the reference host it passes", async () => {
    await faulty;
    const regression = firstSaved();
    expect(regression.replay).toBe(`npx job-parity fuzz --seed ${regression.seed} --path '${regression.path}' --fault truncate-progress`);
    expect(caseAt(regression.seed, regression.path)).toEqual({ program: regression.program, scenario: regression.scenario });

    const replay = await cli("fuzz", "--seed", String(regression.seed), "--path", regression.path, "--fault", "truncate-progress");
    expect(replay.status, replay.stderr).toBe(1);
    expect(replay.stdout).toContain(`counterexample (seed ${regression.seed}, path ${regression.path})`);
    expect(replay.stdout).toContain(JSON.stringify(regression.program, null, 2));
    expect(replay.stdout).toContain(`replay: ${regression.replay}`);

    const reference = await fuzzInProcess("--seed", String(regression.seed), "--path", regression.path);
    expect(reference).toEqual({ code: 0, output: `no divergence: the case passes now (seed ${regression.seed}, path ${regression.path}, host reference; a case found on a host under test is drawn again only with its host option)` });
  });

  it("docs/fuzzing.md's replay example still names a case that diverges with its fault and passes without it", async () => {
    const docs = readFileSync(join(PROJECT_ROOT, "docs/fuzzing.md"), "utf8");
    const examples = [...docs.matchAll(/^npx job-parity fuzz --seed (\d+) --path '([\d:]+)' --fault (\S+)$/gm)];
    expect(examples.length, "docs/fuzzing.md shows a replay with --fault").toBeGreaterThan(0);
    for (const [, seed, path, fault] of examples) {
      expect((await fuzzInProcess("--seed", seed!, "--path", path!, "--fault", fault!)).code, `--seed ${seed} --path ${path} --fault ${fault}`).toBe(1);
      expect(await fuzzInProcess("--seed", seed!, "--path", path!)).toEqual({ code: 0, output: `no divergence: the case passes now (seed ${seed}, path ${path}, host reference; a case found on a host under test is drawn again only with its host option)` });
    }
  });

  it("saves a case found twice (or by two shards) once: the corpus is keyed by content", async () => {
    await faulty;
    const regression = firstSaved();
    const merged = join(dir, "merged");
    expect(saveRegression(merged, regression)).toBe(true);
    expect(saveRegression(merged, { ...regression, seed: regression.seed + 1, path: "0" })).toBe(false);
    expect(readdirSync(merged)).toEqual([regression.id]);
    expect(JSON.parse(readFileSync(join(merged, regression.id, "case.json"), "utf8"))).toEqual(regression);
  });

  it("a case a known corpus (job-parity's own, which run always sends) holds is not saved again: it is reported there", async () => {
    const session = (corpusDir: string, knownCorpora: string[]) =>
      startFuzzSession({ seed: 7, budget: { runs: 60 }, workers: 1, shard: { index: 0, count: 1 }, corpusDir, knownCorpora, fault: "truncate-progress", maxDivergences: 1 }).done;
    const own = join(dir, "known-own");
    const first = await session(own, []);
    expect(first.cases).toMatchObject([{ saved: true, dir: join(own, first.cases[0]!.id) }]);
    const elsewhere = join(dir, "known-elsewhere");
    const again = await session(elsewhere, [own]);
    expect(again.cases).toMatchObject([{ id: first.cases[0]!.id, saved: false, saveError: null, dir: join(own, first.cases[0]!.id) }]);
    expect(again.saved).toEqual([]);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it("runs its workers under vitest too (a session started in-process)", async () => {
    const corpusDir = join(dir, "in-process");
    const summary = await startFuzzSession({ seed: 3, budget: { runs: 40 }, workers: 1, shard: { index: 1, count: 2 }, corpusDir, fault: null, maxDivergences: 1 }).done;
    expect(summary).toMatchObject({ runs: 40, divergences: 0, workers: 1, stopped: "budget", chunks: 1 });
  });
});

describe("job-parity fuzz: a host under test", () => {
  it("names the case in hand that runs longest while it runs: its seed and path, and the command that runs it alone", async () => {
    // A host that takes 0.8 s over its third case, and answers every case as the reference host does.
    const slowHost = join(dir, "slow-host.mts");
    writeHostModule(
      slowHost,
      `  let cases = 0;
  return {
    handshake: async () => referenceHandshake(),
    runCase: async (request) => {
      if (cases++ === 2) await new Promise((wake) => setTimeout(wake, 800));
      return reference.runCase(request);
    },
    close: () => reference.close(),
  };`,
    );
    const session = startFuzzSession({ seed: 5, budget: { runs: 5 }, workers: 1, shard: { index: 0, count: 1 }, corpusDir: join(dir, "slow"), fault: null, target: { kind: "module", path: slowHost }, maxDivergences: 1 });
    const seen: NonNullable<FuzzProgress["longestCase"]>[] = [];
    const poll = setInterval(() => {
      const found = session.progress().longestCase;
      if (found !== null && found.ms >= 500) seen.push(found);
    }, 25);
    const summary = await session.done.finally(() => clearInterval(poll));
    expect(summary).toMatchObject({ runs: 5, divergences: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((found) => `${found.seed}/${found.path}`))).toEqual(new Set([`${shardChunkSeed(5, { index: 0, count: 1 }, 0)}/2`]));
    expect(session.progress().longestCase).toBeNull();
    const line = slowCaseLine(seen[0]!, (seed, path) => hostReplayCommand(seed, path, `--host-module ${slowHost}`));
    expect(line).toMatch(new RegExp(`^fuzz: one case has run for \\d\\.\\d\\d s \\(seed ${seen[0]!.seed}, path 2\\); alone: npx job-parity fuzz --seed ${seen[0]!.seed} --path '2' --host-module `));
  });

  it("a case found where the corpus cannot be written is still reported, and its replay keeps the session's --timeout", async () => {
    const file = join(dir, "not-a-folder");
    writeFileSync(file, "");
    const found: FoundCase[] = [];
    const summary = await startFuzzSession({
      seed: 1,
      budget: { runs: 20 },
      workers: 1,
      shard: { index: 0, count: 1 },
      corpusDir: join(file, "corpus"),
      fault: null,
      target: { kind: "mutant", name: "resumable-only-one" },
      timeoutMs: 1500,
      maxDivergences: 1,
      onCounterexample: (c) => found.push(c),
    }).done;
    expect(summary.divergences).toBe(1);
    expect(summary.cases[0]).toMatchObject({ saved: false, saveError: expect.stringContaining("ENOTDIR") });
    expect(found[0]!.regression.replay).toMatch(/ --mutant resumable-only-one --timeout 1500$/);
    expect(existsSync(join(file, "corpus"))).toBe(false);
  });

  it("Ctrl-C while a caught case is being shrunk still reports it: counted, with the seed and path that replay it", async () => {
    // A slow host that gets every case wrong: the first case fails, and shrinking it takes 150 ms a try.
    const module = join(dir, "slow-and-wrong.mts");
    writeHostModule(
      module,
      `  return {
    handshake: async () => referenceHandshake(),
    runCase: async (request) => {
      const answer = await reference.runCase(request);
      await new Promise((wake) => setTimeout(wake, 150));
      return { kind: "load_error", code: answer.kind === "load_error" && answer.code === "JP_LINK" ? "JP_INIT_FAILED" : "JP_LINK", message: "wrong" };
    },
    close: () => reference.close(),
  };`,
    );
    const session = startFuzzSession({ seed: 4, budget: { runs: 50 }, workers: 1, shard: { index: 0, count: 1 }, corpusDir: join(dir, "unshrunk"), fault: null, target: { kind: "module", path: module }, maxDivergences: 1 });
    while (session.progress().runs < 1) await new Promise((wake) => setTimeout(wake, 20));
    await new Promise((wake) => setTimeout(wake, 300));
    expect(session.progress()).toMatchObject({ divergences: 0, shrinking: 1 }); // what the progress line shows
    session.stop();
    const summary = await session.done;
    expect(summary).toMatchObject({ stopped: "interrupted", divergences: 1, cases: [], unshrunk: [{ seed: shardChunkSeed(4, { index: 0, count: 1 }, 0), path: "0" }] });
  });

  it("a host sent no case at all (its handshake claims no capability) fails the session: exit 1, saying why", async () => {
    const module = join(dir, "claims-nothing.mts");
    writeHostModule(
      module,
      `  return { handshake: async () => ({ ...referenceHandshake(), capabilities: [], methods: [] }), runCase: (r) => reference.runCase(r), close: async () => {} };`,
    );
    const { code, output } = await fuzzInProcess("--host-module", module, "--runs", "10", "--seed", "3", "--workers", "1", "--corpus", join(dir, "nothing-sent"));
    expect(output).toContain("no case was sent to the host");
    expect(code).toBe(1);
  });

  it("--host-cmd with the reference host process: every case answered as the reference host answers it, its host shut down", async () => {
    const summary = await referenceHost;
    expect(summary).toMatchObject({ runs: 40, skipped: 0, divergences: 0, stopped: "budget", shutdownProblems: [], host: `host-cmd:${REFERENCE_HOST}` });
    expect(summary.phases).toEqual(["render", "reference", "host", "compare"]);
    for (const phase of summary.phases) expect(summary.timings[phase], phase).toBeGreaterThan(0);
    expect(existsSync(referenceCorpus) ? readdirSync(referenceCorpus) : []).toEqual([]);
  });

  it("draws its cases from hostCaseArb (WASM-only ones too) and reports their coverage on the reference host's answers", async () => {
    const summary = await referenceHost;
    const cases = fc.sample(hostCaseArb, { seed: chunkSeed(7, 0), numRuns: 40 });
    expect(cases.some((c) => wasmOnlyReason(c.program, c.scenario) !== null)).toBe(true);
    expect(summary.coverage).toEqual(coverageOf(cases.map(onReferenceHost)));
  });

  it("a host property run, its replay and run --generated agree on the case at a seed and path", async () => {
    const host = await openFuzzHost({ kind: "reference" });
    const drawn: ProgramCase[] = [];
    try {
      await checkHostProperty(host, { seed: 11, numRuns: 12, timeoutMs: 5000, host: "reference", hostFlag: "", onRun: (_check, value) => drawn.push(value) });
    } finally {
      await host.adapter.close();
    }
    expect(drawn).toEqual(fc.sample(hostCaseArb, { seed: 11, numRuns: 12 }));
    expect(generatedPrograms(11, 12)).toEqual(drawn);
    for (const index of [0, 5, 11]) expect(caseAt(11, String(index), hostCaseArb)).toEqual(drawn[index]);
  });

  it("a planted bug (progress rounded) is found, shrunk and saved with `host` naming the host and a replay command", async () => {
    const summary = await lossy;
    expect(summary).toMatchObject({ divergences: 1, stopped: "max-divergences", host: `host-module:${LOSSY}` });
    expect(summary.firstCatch).not.toBeNull();
    const [saved] = loadRegressions(lossyCorpus);
    if (!saved || !("regression" in saved)) throw new Error(`no readable case in ${lossyCorpus}`);
    const { regression } = saved;
    const validate = schemaValidator("regression");
    expect(validate(regression), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
    expect(regression.host).toBe(`host-module:${LOSSY}`);
    expect(regression.replay).toBe(`npx job-parity fuzz --seed ${regression.seed} --path '${regression.path}' --host-module '${LOSSY}'`);
    expect(regression.divergence).toMatch(/first divergence at event #\d+/);
    expect(regression.divergence).toContain('"kind":"progress"');
    // Shrunk: a job or two, and no more ops than it takes to report one progress value.
    const ops = regression.program.jobs.flatMap((job) => [...job.before, ...job.body, ...job.after]);
    expect(ops.length, JSON.stringify(regression.program)).toBeLessThanOrEqual(2);
    expect(existsSync(join(saved.dir, "guest.wat"))).toBe(true);
  });

  it("job-parity run then FAILs the saved case on that host, naming it regressions/<id>, and PASSes it on the reference host", async () => {
    await lossy;
    const [saved] = loadRegressions(lossyCorpus);
    if (!saved || !("regression" in saved)) throw new Error(`no readable case in ${lossyCorpus}`);
    const id = `regressions/${saved.regression.id}`;
    const onHost = await gateInProcess("--host-module", LOSSY, "--corpus", lossyCorpus, "--filter", id, "--report-dir", join(dir, "gate-lossy"));
    expect(onHost.report.cases.map((c) => [c.id, c.outcome])).toEqual([[id, "FAIL"]]);
    expect(onHost.code).toBe(1);
    const [failed] = onHost.report.cases;
    expect(failed!.divergence?.event).not.toBeNull();
    expect(failed!.description).toContain(`regression found on host-module:${LOSSY}`);
    expect(failed!.reproduce).toBe(`npx job-parity run --host-module '${LOSSY}' --corpus '${lossyCorpus}' --filter '${id}'`);
    // A corpus given is sent besides job-parity's own (wat-fixtures/regressions), not instead of it.
    const onReference = await gateInProcess("--corpus", lossyCorpus, "--filter", "regressions/", "--report-dir", join(dir, "gate-reference"));
    const packaged = loadRegressions(join(PROJECT_ROOT, "wat-fixtures/regressions")).map((c) => `regressions/${c.dir.split(/[\\/]/).pop()}`);
    expect(packaged.length).toBeGreaterThan(0);
    expect(onReference.report.cases.map((c) => c.id)).toEqual([...packaged, id]);
    expect(onReference.report.cases.every((c) => c.outcome === "PASS")).toBe(true);
    expect(onReference.code).toBe(0);
  });

  it("replays the saved case on the host (exit 1, the first divergent event printed) and on the reference host process (exit 0)", async () => {
    await lossy;
    const [saved] = loadRegressions(lossyCorpus);
    if (!saved || !("regression" in saved)) throw new Error(`no readable case in ${lossyCorpus}`);
    const { seed, path } = saved.regression;
    const onHost = await fuzzInProcess("--seed", String(seed), "--path", path, "--host-module", LOSSY);
    expect(onHost.code).toBe(1);
    expect(onHost.output).toContain(`counterexample on host-module:${LOSSY} (seed ${seed}, path ${path})`);
    expect(onHost.output).toMatch(/^ {4}reference #\d+ .*"kind":"progress"/m);
    expect(onHost.output).toMatch(/^ {4}host +#\d+ .*"kind":"progress"/m);
    expect(onHost.output).toContain(`replay: ${saved.regression.replay}`);
    const onReference = await fuzzInProcess("--seed", String(seed), "--path", path, "--host-cmd", REFERENCE_HOST);
    expect(onReference).toEqual({ code: 0, output: `no divergence: the case passes now (seed ${seed}, path ${path}, host host-cmd:${REFERENCE_HOST})` });
  });

  it("a case under a time or stall limit of its own whose answer differs is asked again, alone; without such a limit one answer is a finding", async () => {
    const [value] = fc.sample(caseArb, { seed: 11, numRuns: 1 });
    const { program, scenario } = value!;
    /** Answers its first `wrong` asks with a load error the reference host does not give, then as the reference host does. */
    const stopsFirst = (wrong: number) => {
      let asks = 0;
      const adapter: HostAdapter = {
        handshake: async () => referenceHandshake(),
        runCase: async (request) => (++asks <= wrong ? { kind: "load_error", code: "JP_INIT_FAILED", message: "stopped" } : runReferenceCase(request)),
        close: async () => {},
      };
      return { host: { adapter, handshake: referenceHandshake(), servesAll: true }, asks: () => asks };
    };
    const stalled = { ...scenario, limits: { ...scenario.limits, stallTimeoutMs: 20 } };
    const once = stopsFirst(1);
    expect(await checkOnHost(once.host, "clock", program, stalled, { timeoutMs: 60_000 })).toMatchObject({ ok: true, divergence: null });
    expect(once.asks()).toBe(2);
    // A host that differs again has.
    const twice = stopsFirst(2);
    expect((await checkOnHost(twice.host, "clock", program, stalled, { timeoutMs: 60_000 })).divergence).not.toBeNull();
    // Under the default limits (seconds), one differing answer is a finding, asked once.
    const plain = stopsFirst(1);
    const { limits: _limits, ...unlimited } = scenario;
    expect((await checkOnHost(plain.host, "plain", program, unlimited, { timeoutMs: 60_000 })).divergence).not.toBeNull();
    expect(plain.asks()).toBe(1);
  });

  it("a timeout on a case the reference host itself is slow on is asked again, alone, with room; a timeout on a quick case is a finding", async () => {
    const [value] = fc.sample(caseArb, { seed: 11, numRuns: 1 });
    /** Times out on the first `timeouts` asks, then answers as the reference host does. */
    const flaky = (timeouts: number) => {
      const asks: number[] = [];
      const adapter: HostAdapter = {
        handshake: async () => referenceHandshake(),
        runCase: async (request, timeoutMs) => {
          asks.push(timeoutMs);
          if (asks.length <= timeouts) throw new HostFailure("JP_HOST_TIMEOUT", `no answer within ${timeoutMs} ms`);
          return runReferenceCase(request);
        },
        close: async () => {},
      };
      return { host: { adapter, handshake: referenceHandshake(), servesAll: true }, asks };
    };
    // Any reference run is "slow" against a 1 ms timeout: asked again, with ten times the reference's time at least.
    const once = flaky(1);
    const retried = await checkOnHost(once.host, "slow", value!.program, value!.scenario, { timeoutMs: 1 });
    expect(retried.error).toBeNull();
    expect(retried.divergence).toBeNull();
    expect(once.asks).toHaveLength(2);
    expect(once.asks[1]).toBeGreaterThanOrEqual(1);
    // A host that still does not answer has broken on it.
    const always = flaky(2);
    expect((await checkOnHost(always.host, "slow", value!.program, value!.scenario, { timeoutMs: 1 })).error?.code).toBe("JP_HOST_TIMEOUT");
    // Against a generous timeout the reference is quick: one timeout is a finding, asked once.
    const quick = flaky(1);
    expect((await checkOnHost(quick.host, "quick", value!.program, value!.scenario, { timeoutMs: 60_000 })).error?.code).toBe("JP_HOST_TIMEOUT");
    expect(quick.asks).toEqual([60_000]);
  });

  it("a host that breaks on a case is a finding: the crash is reported with the shrunk case, and the host restarted for the next", async () => {
    const host = await openFuzzHost({ kind: "cmd", command: "node conformance/hosts/crash.mjs claims-all", cwd: PROJECT_ROOT });
    try {
      // crash.mjs claims-all serves no wire method: the cases calling one are skipped, not sent.
      expect(host.servesAll).toBe(false);
      const outcome = await checkHostProperty(host, { seed: 3, numRuns: 50, timeoutMs: 5000, host: "host-cmd:crash", hostFlag: "--host-cmd crash" });
      const found = outcome.counterexample!;
      expect(found.check.error?.code).toBe("JP_HOST_CRASH");
      expect(found.check.error?.message).toContain("simulated crash");
      expect(found.check.actual).toBeNull();
      // Shrunk like any finding: a single job; and the next case goes to a new host process, which crashes in turn.
      expect(found.program.jobs).toHaveLength(1);
      const again = await checkOnHost(host, "again", found.program, found.scenario, { timeoutMs: 5000 });
      expect(again.error?.message).toContain('simulated crash in case again');
    } finally {
      await host.adapter.close();
    }
  });

  it("--mutant all prints, per mutant, caught or not and the time to first catch, then the coverage; a survivor exits 1", async () => {
    const lines: string[] = [];
    const pick = ["progress-message-dropped", "no-bounds-check", "frees-what-it-wrote"].map((name) => MUTANTS.find((m) => m.name === name)!);
    const common = { seed: 1, budget: { runs: 40 }, workers: 1, shard: { index: 0, count: 1 }, corpusDir: join(dir, "mutants"), fault: null, maxDivergences: 1 };
    const code = await fuzzEveryMutant(common, false, (line) => lines.push(line), (line) => lines.push(line), pick);
    expect(code).toBe(1);
    expect(lines.find((line) => line.startsWith("progress-message-dropped"))).toMatch(/^progress-message-dropped +caught +\d+\.\d\d s \(\d+ runs?\)/);
    // Host cases include WASM-only ones (hostCaseArb) whose raw calls pass pointers out of bounds.
    expect(lines.find((line) => line.startsWith("no-bounds-check"))).toMatch(/^no-bounds-check +caught +\d+\.\d\d s/);
    // No generated guest's wasm_free shows what it is called with.
    expect(lines.find((line) => line.startsWith("frees-what-it-wrote"))).toMatch(/^frees-what-it-wrote +SURVIVED +- +40 /);
    expect(lines).toContain("survived (the generated cases do not reach their bug): frees-what-it-wrote");
    expect(lines.some((line) => /^caught 2 of 3 mutants \(median time to first catch \d+\.\d\d s\)/.test(line))).toBe(true);
    // One coverage table for the cases sent to every mutant.
    expect(lines.find((line) => /^coverage of \d+ generated cases on the reference host$/.test(line.split("\n")[0]!))).toBeDefined();
  });
});

describe("job-parity fuzz: usage", () => {
  it("a bad combination exits 2 naming the flags, with the stable code of a usage error", async () => {
    const run = await badUsage;
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("job-parity fuzz: --time and --runs cannot be combined (give one budget) [JP_USAGE]\n");
  });

  it.each([
    [["--mutant", "progress-f64"], "reports/mutant-corpus"],
    [["--fault", "truncate-progress"], "reports/mutant-corpus"],
    [[], "wat-fixtures/regressions"],
  ])("%j saves its catches to %s by default (a deliberately wrong host's stay out of the corpus run sends)", async (args, corpus) => {
    const { output } = await fuzzInProcess(...args, "--runs", "1", "--seed", "1", "--workers", "1");
    expect(output.split("\n")[0]).toMatch(new RegExp(` · corpus ${corpus}$`));
  });

  it.each([
    [["--runs", "0"], "--runs must be a positive integer"],
    [["--workers", "two"], "--workers must be a positive integer"],
    [["--time", "60"], "--time must be a duration like 60s, 2m or 500ms"],
    [["--time", "0s"], "--time must be at least 1ms"],
    [["--seed", "-1"], "--seed must be an integer from 0 to 2147483647"],
    [["--sed", "1"], "Unknown option '--sed'; did you mean --seed? (job-parity fuzz --help lists its options)"],
    [["--host-cmd", "./my-host", "--job-parity"], `Unknown option '--job-parity'; if --job-parity is the host's, quote the whole host command: --host-cmd './my-host --job-parity'`],
    [["--host-cmd", "node", "host.mjs"], `if host.mjs is the host's, quote the whole host command: --host-cmd 'node host.mjs'`],
    [["--shard", "3/3"], "--shard must look like 0/4"],
    [["--shard", "1-4"], "--shard must look like 0/4"],
    [["--seed", "1.5"], "--seed must be an integer from 0 to 2147483647"],
    [["--fault", "nope"], "--fault must be one of truncate-progress, items-as-bytes, interrupt-always-continue, progress-json-truncated, metrics-off-by-8, stateless-saves-empty, wait-unimplemented"],
    [["--path", "0:1"], "--path needs the --seed printed with it"],
    [["--seed", "1", "--path", "0:x"], "--path must be a fast-check path like 3:0:2"],
    [["--seed", "1", "--path", "99999999999999999999"], "--path's first number is a case's index among its seed's cases, at most 10,000,000"],
    [["--seed", "1", "--path", "0", "--workers", "2"], "--workers cannot be combined with --path"],
    [["--seed", "1", "--path", "0:99999"], "path 0:99999 does not lead to a case from seed 1"],
    [["--mutant", "nope"], '--mutant must be "all" or a mutant\'s name'],
    [["--mutant", "all", "--host-cmd", "x"], "give one host under test (--host-cmd, --mutant were given)"],
    [["--fault", "truncate-progress", "--mutant", "progress-f64"], "--fault makes the reference host's WASM boundary faulty; it cannot be combined with --mutant"],
    [["--host-cmd", " "], "--host-cmd is empty"],
    [["--host-module", "no/such/host.ts"], "--host-module no/such/host.ts: no such file"],
    [["--host-module", ""], "--host-module is empty"],
    [["--host-module", "conformance"], "--host-module conformance: is a folder; give the module's file"],
    [["--timeout", "100"], "--timeout is for a host under test"],
    [["--seed", "1", "--path", "0", "--mutant", "all"], "--path replays one case on one host"],
    [["--corpus", "package.json/corpus"], "package.json is a file; give a folder (made if missing) for the cases found"],
  ])("%j: %s", async (args, message) => {
    const attempt = fuzzInProcess(...args);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });

  it.runIf(existsSync("/proc/self"))("a corpus under a folder nobody can write in is refused before the session starts, for root too", async () => {
    const attempt = fuzzInProcess("--corpus", "/proc/job-parity-corpus");
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow("--corpus /proc/job-parity-corpus: /proc cannot be written by this user");
  });

  it("reads durations in ms, s, m and h", () => {
    expect([parseDuration("time", "500ms"), parseDuration("time", "90s"), parseDuration("time", "2m"), parseDuration("time", "1.5s")]).toEqual([500, 90_000, 120_000, 1500]);
  });
});
