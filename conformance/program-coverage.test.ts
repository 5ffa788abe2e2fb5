import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isClauseId } from "../harness/abi/clauses.ts";
import { IMPORTS, type ImportName } from "../harness/abi/imports.ts";
import type { StatusName } from "../harness/abi/status.ts";
import { GuestLoadError } from "../harness/engine/errors.ts";
import { guestFromBytes } from "../harness/engine/load.ts";
import { caseArb, hostCaseArb, type ProgramCase } from "../harness/programs/arbitraries.ts";
import { CLAUSE_RULES, CoverageCounter, coverageOf, formatCoverage, mergeCoverage, reachableClauses, type Coverage, type CoverageInput, type LoadErrorInput } from "../harness/programs/coverage.ts";
import { compileBatch } from "../harness/programs/batch.ts";
import { renderGuest } from "../harness/programs/module-twists.ts";
import { normalizeResult, runScenario, type Scenario } from "../harness/suite/scenario.ts";

/**
 * The generator reaches every status code of every import (harness/abi/imports.ts `statuses`) on the reference host,
 * over one fixed sample of host cases (caseArb's and, one in four, WASM-only ones: hostCaseArb). A case costs a
 * WASM run here (about 2 to 5 ms on this 2-core machine), so the sample stays near a thousand; the seed reaches the
 * last status after a few hundred (fuzzing sessions print the same table, harness/programs/coverage.ts).
 */
const SEED = 0xc0e5;
const CASES = 1000;

/**
 * Statuses no generated program can reach, each with the reason. None today: every status of every import is
 * reached (WASM-only cases reach INVALID_MEMORY_ACCESS and ALLOCATION_FAILED, which need guest memory).
 */
const UNREACHABLE: Partial<Record<ImportName, Partial<Record<StatusName, string>>>> = {};

/** Generated runs always end: no watchdog, as the differential property runs them. */
const unwatched = (scenario: Scenario): Scenario => ({ ...scenario, limits: { ...scenario.limits, runTimeoutMs: 0 } });

function run({ program, scenario }: ProgramCase): CoverageInput | LoadErrorInput {
  try {
    const guest = guestFromBytes("coverage.wasm", renderGuest(program));
    return { program, scenario, result: runScenario({ kind: "wasm", guest }, unwatched(scenario)) };
  } catch (error) {
    // A twisted guest (ir.ts, ModuleTwist) that does not load.
    if (error instanceof GuestLoadError && program.twists !== undefined) return { program, scenario, loadError: error.code };
    throw error;
  }
}

/**
 * The sample's runs, as fuzzing runs them: programs without module twists share batch modules (batch.ts; batch.test.ts
 * holds their results equal to their own modules', field for field), which saves a compiled module per case; twisted
 * programs, and any a batch leaves out, are compiled alone.
 */
function runAll(cases: readonly ProgramCase[]): (CoverageInput | LoadErrorInput)[] {
  const untwisted = cases.filter((c) => (c.program.twists?.length ?? 0) === 0);
  const batched = new Map(compileBatch(untwisted).map((guest, i) => [untwisted[i]!, guest]));
  return cases.map((c) => {
    const guest = batched.get(c);
    if (!guest) return run(c);
    try {
      return { program: c.program, scenario: c.scenario, result: runScenario({ kind: "wasm", guest }, unwatched(c.scenario)) };
    } finally {
      guest.recycle();
    }
  });
}

let sample: { inputs: (CoverageInput | LoadErrorInput)[]; coverage: Coverage } | null = null;
function covered() {
  if (sample) return sample;
  const inputs = runAll(fc.sample(hostCaseArb, { seed: SEED, numRuns: CASES }));
  return (sample = { inputs, coverage: coverageOf(inputs) });
}

describe(`coverage of ${CASES} generated host cases (seed 0x${SEED.toString(16)}) on the reference host`, () => {
  it("every import's every status code is reached (or listed in UNREACHABLE with its reason)", () => {
    const { coverage } = covered();
    const missing = coverage.imports.flatMap((row) => row.missing.filter((status) => UNREACHABLE[row.name]?.[status] === undefined).map((status) => `${row.name} ${status}`));
    expect(missing, formatCoverage(coverage)).toEqual([]);
    for (const row of coverage.imports) expect(row.calls, row.name).toBeGreaterThan(0);
    // Each exception is a status the import really lists, and really not reached.
    for (const [name, statuses] of Object.entries(UNREACHABLE)) {
      const row = coverage.imports.find((r) => r.name === name)!;
      for (const status of Object.keys(statuses ?? {})) expect(row.missing, `${name} ${status}`).toContain(status);
    }
  });

  it("every clause a generated program can reach is exercised, but for the run timeout (no generated run loops) and limits the generator does not set", () => {
    const { coverage } = covered();
    const exercised = new Set(coverage.clauses.filter((row) => row.cases > 0).map((row) => row.id));
    const notReached = reachableClauses().filter((id) => !exercised.has(id));
    // run.timeout: generated runs always end, and run without a watchdog. child.tree: its limits (maxTreeJobs, ...)
    // are not among the ones reach plans set.
    expect(notReached.filter((id) => id !== "run.timeout" && id !== "child.tree"), formatCoverage(coverage)).toEqual([]);
    expect(coverage.exercised).toBeGreaterThanOrEqual(75);
  });

  it("what the generator is meant to reach, in good number: answered interrupts, registered children, limits, runs after traps", () => {
    const { stats } = covered().coverage;
    expect(stats.interruptAnswered / stats.withInterruptPlan).toBeGreaterThan(0.6);
    expect(stats.interruptPending).toBeGreaterThan(CASES / 50);
    expect(stats.childrenSpawned).toBeGreaterThan(stats.unknownTypeSpawns);
    expect(stats.maxDepth).toBe(4); // the default maxChildDepth, reached and refused past
    expect(stats.casesAtLimit).toBeGreaterThan(CASES / 4);
    expect(stats.runAfterTrap).toBeGreaterThan(CASES / 50);
    for (const limit of ["maxMessageBytes", "maxStateBytes", "maxLogLinesPerJob", "maxWarningsPerJob", "maxChildrenPerJob", "maxChildDepth", "maxCallPayloadBytes"]) {
      expect(stats.limits[limit] ?? 0, limit).toBeGreaterThan(0);
    }
  });
});

describe("the coverage table", () => {
  it("names only clauses that exist, one rule each", () => {
    const ids = CLAUSE_RULES.map((rule) => rule.clause);
    expect(ids.filter((id) => !isClauseId(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("is the same from normalized results as from raw ones (but for call counts, which raw WASM results carry)", () => {
    const inputs = covered().inputs.slice(0, 100).filter((input): input is CoverageInput => "result" in input);
    const raw = coverageOf(inputs);
    const normalized = coverageOf(inputs.map((input) => ({ ...input, result: normalizeResult(input.result as Parameters<typeof normalizeResult>[0]) })));
    expect(normalized.clauses).toEqual(raw.clauses);
    expect(normalized.imports.map((row) => row.statuses)).toEqual(raw.imports.map((row) => row.statuses));
    expect(normalized.stats).toEqual(raw.stats);
  });

  it("merges: the coverage of two halves merged is the coverage of the whole; its JSON round-trips", () => {
    const inputs = covered().inputs.slice(0, 200);
    const whole = coverageOf(inputs);
    const [first, second] = [coverageOf(inputs.slice(0, 80)), coverageOf(inputs.slice(80))];
    expect(mergeCoverage(first, second)).toEqual(whole);
    expect(JSON.parse(JSON.stringify(whole))).toEqual(whole);
    // Word for word, in either order (which worker's chunk ends first varies), keys and all.
    for (const merged of [mergeCoverage(first, second), mergeCoverage(second, first)]) {
      expect(JSON.stringify(merged)).toBe(JSON.stringify(whole));
      expect(formatCoverage(merged)).toBe(formatCoverage(whole));
    }
  });

  it("prints every import with its calls and statuses, the clauses and the counts", () => {
    const counter = new CoverageCounter();
    for (const input of covered().inputs.slice(0, 50)) counter.add(input);
    const text = formatCoverage(counter.coverage());
    for (const spec of IMPORTS) expect(text).toContain(spec.name);
    for (const part of ["clauses exercised:", "interrupts:", "children:", "limits:", "runs ended:"]) expect(text).toContain(part);
    expect(text).toMatch(/[A-Z_]+ -(,|$)/m); // 50 cases do not reach everything: the missing ones are marked
  });

  it("caseArb alone (cases with a native twin) reaches every status but those that need guest memory", () => {
    const coverage = coverageOf(runAll(fc.sample(caseArb, { seed: SEED, numRuns: 300 })));
    const missing = coverage.imports.flatMap((row) => row.missing.map((status) => `${row.name} ${status}`));
    // INVALID_MEMORY_ACCESS (a pointer out of memory), ALLOCATION_FAILED (memory that cannot grow), register_job's
    // WRONG_PHASE from a run and spacedrive_call's BAD_ARGUMENT and LIMIT_EXCEEDED (bytes and sizes the WASM boundary
    // checks) have no native twin: ir.ts, wasmOnlyReason.
    const wasmOnly = /INVALID_MEMORY_ACCESS|ALLOCATION_FAILED|register_job WRONG_PHASE|spacedrive_call (BAD_ARGUMENT|LIMIT_EXCEEDED)|job_spawn_child BAD_ARGUMENT/;
    expect(missing.filter((m) => !wasmOnly.test(m)), formatCoverage(coverage)).toEqual([]);
  });
});
