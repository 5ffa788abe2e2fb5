import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { guestFromSource } from "../harness/engine/load.ts";
import { loadRegressions, regressionId, type SavedRegression } from "../harness/programs/counterexample.ts";
import { checkInvariants, checkProgram } from "../harness/programs/differential.ts";
import { renderNative } from "../harness/programs/render-native.ts";
import { formatSchemaErrors, schemaValidator } from "../harness/schemas/validate.ts";
import { compareResults } from "../harness/suite/compare.ts";
import { PROJECT_ROOT } from "../harness/suite/fixtures.ts";
import { normalizeResult, runScenario } from "../harness/suite/scenario.ts";
import { canonicalJson } from "../harness/trace/diff.ts";

/**
 * The regression corpus: counterexamples found by the parity property (against the reference host or a deliberately
 * faulty boundary), kept forever. Each is replayed on the reference host, where native and WASM must agree.
 */
const CORPUS = join(PROJECT_ROOT, "wat-fixtures", "regressions");
const cases = loadRegressions(CORPUS);

type Readable = Extract<SavedRegression, { regression: unknown }>;

/** What a failing case prints besides what differs: where it lives and how it was found. */
function about(saved: Readable): string {
  const { regression } = saved;
  return [
    `case ${relative(PROJECT_ROOT, saved.dir)} (host ${regression.host}, seed ${regression.seed}, path ${regression.path})`,
    `found as: ${regression.replay}`,
    `replay this case: npx vitest run conformance/regressions.test.ts -t ${regression.id}`,
    `scenario: ${canonicalJson(regression.scenario)}`,
    `program: ${JSON.stringify(regression.program)}`,
  ].join("\n");
}

describe("regression corpus (wat-fixtures/regressions)", () => {
  it("a case.json that is not a regression case is named with its schema's problems, not read as one", () => {
    const bad = mkdtempSync(join(tmpdir(), "job-parity-bad-corpus-"));
    try {
      mkdirSync(join(bad, "case-1"));
      writeFileSync(join(bad, "case-1", "case.json"), "{}");
      writeFileSync(join(bad, "case-1", "guest.wat"), "(module)");
      const [saved] = loadRegressions(bad);
      expect(saved).toMatchObject({ error: expect.stringMatching(/case\.json is not a regression case \(schema harness\/schemas\/regression\.schema\.json\): .*required property 'program'/) });
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it("is not empty: the corpus is part of the suite", () => {
    expect(cases.length, `no cases under ${relative(PROJECT_ROOT, CORPUS)}: each case is a folder <id>/ with case.json and guest.wat`).toBeGreaterThan(0);
  });

  for (const saved of cases) {
    if ("error" in saved) {
      it(`${basename(saved.dir)} can be read`, () => {
        expect.fail(saved.error);
      });
      continue;
    }
    const { regression } = saved;
    describe(`${regression.id} (${regression.host})`, () => {
      it("case.json matches harness/schemas/regression.schema.json", () => {
        const validate = schemaValidator("regression");
        expect(validate(regression), `${formatSchemaErrors(validate.errors).join("\n")}\n${about(saved)}`).toBe(true);
      });

      it("its id (and folder name) is the content hash of its program and scenario", () => {
        const id = regressionId(regression.program, regression.scenario);
        expect(regression.id, `regressionId(program, scenario) is ${id}: the case was edited after it was saved\n${about(saved)}`).toBe(id);
        expect(basename(saved.dir), about(saved)).toBe(regression.id);
      });

      it("the saved guest.wat, compiled by wabt, and the native rendering give identical normalized results on the reference host", async () => {
        const guest = await guestFromSource(join(saved.dir, "guest.wat"), saved.wat);
        const wasm = normalizeResult(runScenario({ kind: "wasm", guest }, regression.scenario));
        const native = normalizeResult(runScenario({ kind: "native", definition: renderNative(regression.program) }, regression.scenario));
        expect(compareResults(native, wasm, "native", "guest.wat"), about(saved)).toBeNull();
        expect([...checkInvariants("native", native), ...checkInvariants("guest.wat", wasm)], about(saved)).toEqual([]);
      });

      it("checkProgram(program, scenario) is ok on the reference host (the current renderers)", () => {
        const result = checkProgram(regression.program, regression.scenario);
        expect(result.ok, [result.divergence ?? "", ...result.invariants, about(saved)].join("\n")).toBe(true);
      });
    });
  }
});
