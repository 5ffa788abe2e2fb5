import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { runReferenceCase } from "../harness/adapters/in-process.ts";
import { compileWat } from "../harness/engine/wat.ts";
import { hostCaseArb } from "../harness/programs/arbitraries.ts";
import { loadRegressions, saveRegression } from "../harness/programs/counterexample.ts";
import { regressionCases } from "../harness/programs/gate-cases.ts";
import { openFuzzHost } from "../harness/programs/host-fuzz.ts";
import { checkHostProperty } from "../harness/programs/host-property.ts";
import { TWIST_KINDS, wasmOnlyReason, type JobProgram, type ModuleTwist, type TwistKind } from "../harness/programs/ir.ts";
import { guestHasWat, renderGuest, renderGuestWat } from "../harness/programs/module-twists.ts";
import { renderWasm } from "../harness/programs/render-wasm.ts";
import { twistCase } from "../harness/programs/twist-arbitraries.ts";
import { twistClauses } from "../harness/programs/twist-coverage.ts";
import { formatSchemaErrors, schemaValidator } from "../harness/schemas/validate.ts";
import { expectedFrom, type Expected } from "../harness/suite/goldens.ts";
import type { Scenario } from "../harness/suite/scenario.ts";

/**
 * Twisted guests (ir.ts, ModuleTwist; harness/programs/module-twists.ts): each twist renders deterministically and
 * the reference host answers it as the clause it aims at says; and host fuzzing, which draws them among its cases
 * (hostCaseArb), catches the mutant hosts that only a twisted guest shows.
 */

const PROGRAM: JobProgram = {
  version: 1,
  jobs: [
    {
      name: "root",
      steps: 1,
      before: [{ op: "log", channel: "job", level: 1, message: "hello" }],
      body: [{ op: "spawn", type: "root", params: "" }],
      after: [{ op: "warning", message: "careful" }],
      end: { kind: "return", code: 0 },
    },
  ],
  cleanup: [{ level: 1, message: "bye" }],
};
const SCENARIO: Scenario = { job: "root", interrupts: [], networking: null, resume: false };

const twisted = (...twists: ModuleTwist[]) => twistCase(PROGRAM, SCENARIO, twists);
const answer = ({ program, scenario }: { program: JobProgram; scenario: Scenario }, guest = renderGuest(program)): Expected =>
  expectedFrom(runReferenceCase({ id: "twist", guest, scenario }));
const codeOf = (expected: Expected) => ("loadError" in expected ? expected.loadError.code : "loads");

/** Each twist, what the reference host answers, and the clauses the case counts for (twist-coverage.ts). */
const TABLE: readonly { twists: ModuleTwist[]; code: string; clauses: string[] }[] = [
  { twists: [{ kind: "not_wasm", how: "truncated" }], code: "JP_WASM_INVALID", clauses: ["link.valid-module"] },
  { twists: [{ kind: "not_wasm", how: "bad_magic" }], code: "JP_WASM_INVALID", clauses: ["link.valid-module"] },
  { twists: [{ kind: "not_wasm", how: "bad_version" }], code: "JP_WASM_INVALID", clauses: ["link.valid-module"] },
  { twists: [{ kind: "unknown_import", which: "unknown_name" }], code: "JP_LINK", clauses: ["link.imports"] },
  { twists: [{ kind: "unknown_import", which: "other_module" }], code: "JP_LINK", clauses: ["link.imports"] },
  { twists: [{ kind: "import_type", import: "job_log" }], code: "JP_LINK", clauses: ["link.signature"] },
  { twists: [{ kind: "no_wasm_alloc" }], code: "JP_LINK", clauses: ["link.required-exports"] },
  { twists: [{ kind: "export_type", export: "wasm_alloc" }], code: "JP_LINK", clauses: ["link.required-exports"] },
  { twists: [{ kind: "export_type", export: "wasm_free" }], code: "JP_LINK", clauses: ["link.optional-exports"] },
  { twists: [{ kind: "export_type", export: "plugin_init" }], code: "JP_LINK", clauses: ["link.optional-exports"] },
  { twists: [{ kind: "export_type", export: "plugin_cleanup" }], code: "JP_LINK", clauses: ["link.optional-exports"] },
  { twists: [{ kind: "initial_memory", pages: 3 }], code: "JP_MEMORY_LIMIT", clauses: ["link.memory-limit"] },
  { twists: [{ kind: "data_out_of_bounds" }], code: "JP_INIT_FAILED", clauses: ["link.instantiation-trap"] },
  { twists: [{ kind: "abi_markers", versions: ["1.9"] }], code: "JP_ABI_VERSION", clauses: ["version.marker"] },
  { twists: [{ kind: "abi_markers", versions: ["1.0", "1.1"] }], code: "JP_ABI_VERSION", clauses: ["version.marker", "version.several-markers"] },
  { twists: [{ kind: "abi_markers", versions: ["1.0"] }], code: "loads", clauses: ["version.marker"] },
  { twists: [{ kind: "abi_markers", versions: ["2.0"] }, { kind: "unknown_import", which: "other_module" }], code: "JP_ABI_VERSION", clauses: ["link.order", "version.marker"] },
  { twists: [{ kind: "init_result", code: 1 }], code: "JP_INIT_FAILED", clauses: ["init.result"] },
  { twists: [{ kind: "init_result", code: -1 }, { kind: "data_out_of_bounds" }], code: "JP_INIT_FAILED", clauses: ["link.instantiation-trap"] },
  { twists: [{ kind: "bom_messages" }], code: "loads", clauses: ["report.log"] },
  { twists: [{ kind: "logging_free" }], code: "loads", clauses: ["memory.no-free"] },
];

describe("each twist renders deterministically and the reference host answers it as its clause says", () => {
  for (const row of TABLE) {
    const name = row.twists.map((t) => JSON.stringify(t)).join(" + ");
    it(name, () => {
      const value = twisted(...row.twists);
      const guest = renderGuest(value.program);
      expect(renderGuest(JSON.parse(JSON.stringify(value.program)) as JobProgram)).toEqual(guest);
      expect(wasmOnlyReason(value.program)).toMatch(/twisted/);
      const expected = answer(value, guest);
      expect(codeOf(expected), JSON.stringify(expected)).toBe(row.code);
      const loadError = "loadError" in expected ? expected.loadError.code : null;
      expect(twistClauses({ program: value.program, loadError }).sort()).toEqual(row.clauses);
    });
  }

  it("covers every twist kind (those of edge cases in edge-cases.test.ts)", () => {
    const edge: TwistKind[] = ["init_end", "spin", "host_alloc", "not_resumable", "state_echo", "reinit_register"];
    expect(new Set([...TABLE.flatMap((row) => row.twists.map((t) => t.kind)), ...edge])).toEqual(new Set(TWIST_KINDS));
  });

  it("a program without twists renders as renderWasm renders it", () => {
    expect(renderGuest(PROGRAM)).toEqual(renderWasm(PROGRAM));
  });

  it("messages begin with a byte order mark the host keeps; a wasm_free that logs changes nothing on a host that never calls it", () => {
    const plain = answer({ program: PROGRAM, scenario: SCENARIO });
    const bom = answer(twisted({ kind: "bom_messages" }));
    const messages = "result" in bom ? bom.result.jobs[0]!.trace.flatMap((e) => ("message" in e && typeof e.message === "string" ? [e.message] : [])) : [];
    expect(messages).toContain("\ufeffhello");
    expect(messages).toContain("\ufeffcareful");
    expect(answer(twisted({ kind: "logging_free" }))).toEqual(plain);
  });

  it("a memory over the limit comes with maxMemoryPages one page below it", () => {
    expect(twisted({ kind: "initial_memory", pages: 3 }).scenario.limits).toEqual({ maxMemoryPages: 2 });
  });

  it("the WAT of a twisted guest, compiled by wabt, is answered as its bytes are", async () => {
    for (const row of TABLE) {
      const value = twisted(...row.twists);
      if (!guestHasWat(value.program)) continue;
      const bytes = await compileWat("twisted.wat", renderGuestWat(value.program));
      expect(codeOf(answer(value, bytes)), JSON.stringify(row.twists)).toBe(row.code);
    }
  });

  it("twisted programs match the program schema", () => {
    const validate = schemaValidator("program");
    for (const row of TABLE) expect(validate(twisted(...row.twists).program), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
    for (const { program } of fc.sample(hostCaseArb, { seed: 3, numRuns: 100 }).filter((c) => c.program.twists !== undefined)) {
      expect(validate(program), formatSchemaErrors(validate.errors).join("\n")).toBe(true);
    }
  });
});

describe("a saved twisted case", () => {
  const dir = mkdtempSync(join(tmpdir(), "jp-twists-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("whose bytes are not a module keeps them in guest.wasm, and the gate sends those", async () => {
    const { program, scenario } = twisted({ kind: "not_wasm", how: "bad_version" });
    const regression = { version: 1 as const, id: "00000000a001", program, scenario, seed: 1, path: "0", divergence: "load", replay: "replay", host: "mutant:x" };
    expect(saveRegression(dir, regression)).toBe(true);
    const [saved] = loadRegressions(dir);
    expect(saved && "wasm" in saved ? saved.wasm : null).toEqual(renderGuest(program));
    const subject = await regressionCases(dir)[0]!.prepare();
    expect(await subject.guest()).toEqual(renderGuest(program));
    expect(codeOf(subject.golden())).toBe("JP_WASM_INVALID");
  });
});

/**
 * Host fuzzing catches each mutant that only a twisted guest shows, from a fixed seed within a small budget (the
 * seeds are ones where the catch comes within about fifteen cases; each check is in this process, and shrinks what
 * it finds to a case that still has a twist).
 */
async function catches(mutant: string, seed: number, numRuns = 300): Promise<void> {
  const host = await openFuzzHost({ kind: "mutant", name: mutant });
  try {
    const { counterexample } = await checkHostProperty(host, { seed, numRuns, timeoutMs: 5000, host: `mutant:${mutant}`, hostFlag: `--mutant ${mutant}` });
    expect(counterexample, `${mutant} survived ${numRuns} cases of seed ${seed}`).not.toBeNull();
    expect(counterexample!.program.twists?.length ?? 0, JSON.stringify(counterexample!.program)).toBeGreaterThan(0);
  } finally {
    await host.adapter.close();
  }
}

describe("host fuzzing catches the mutants only twisted guests show", () => {
  it("messages decoded dropping a byte order mark (bom-stripped)", () => catches("bom-stripped", 7));
  it("a host that calls wasm_free (frees-what-it-wrote)", () => catches("frees-what-it-wrote", 27));
  it("loading and linking: every check in its place, each failure under its code", async () => {
    for (const [mutant, seed] of [
      ["invalid-module-as-link-error", 2],
      ["unknown-imports-at-instantiation", 41],
      ["import-types-at-instantiation", 3],
      ["wasm-alloc-optional", 3],
      ["optional-export-types-unchecked", 46],
      ["memory-limit-at-instantiation", 16],
      ["instantiation-trap-as-invalid", 4],
      ["link-checked-before-version", 15],
    ] as const) {
      await catches(mutant, seed);
    }
  });
  it("the ABI marker: read, and several refused (abi-marker-ignored, first-marker-wins)", async () => {
    await catches("abi-marker-ignored", 15);
    await catches("first-marker-wins", 7);
  });
  it("plugin_init's result (plugin-init-result-ignored)", () => catches("plugin-init-result-ignored", 24));
});
