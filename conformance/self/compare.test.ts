import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../harness/engine/modules.ts";
import { comparable, resultDifferences } from "../../harness/suite/compare.ts";
import type { ScenarioResult } from "../../harness/suite/scenario.ts";
import type { TraceEvent } from "../../harness/trace/events.ts";

/**
 * What the comparison drops and what it keeps (conformance/PROTOCOL.md, "What is compared, and how"), on a committed
 * golden's result with one trace edited: each rule is shown both to hide what it must and to see what it must.
 */
const golden = JSON.parse(readFileSync(join(PROJECT_ROOT, "wat-fixtures/progress/steps.golden.json"), "utf8")).expected.result as ScenarioResult;

/** The golden with its job's trace replaced. */
function withTrace(trace: TraceEvent[]): ScenarioResult {
  return { ...golden, jobs: [{ ...golden.jobs[0]!, trace }] };
}

const differences = (left: ScenarioResult, right: ScenarioResult) => resultDifferences(comparable(left), comparable(right), "golden", "host").map((d) => d.text);

const JOB = "job:0";
const status = (s: string): TraceEvent => ({ kind: "status", job: JOB, status: s }) as TraceEvent;
const call = (response: unknown): TraceEvent => ({ kind: "call", job: JOB, method: "action:test.ping.input", library: null, request: {}, response });
const refusal = (size: number): TraceEvent =>
  ({ kind: "abi_violation", job: JOB, import: "spacedrive_call", code: "ALLOCATION_FAILED", arg: null, limit: null, size, detail: "" }) as TraceEvent;
const progress = (value: number): TraceEvent => ({ kind: "progress", job: JOB, value, message: "m" });

describe("answer.alloc-failure: which sizes of spacedrive_call's ALLOCATION_FAILED are compared", () => {
  const ERROR = { error: "the host's words", code: "BadPayload" };

  it("after an error answer in the same run, not even when the guest's wasm_alloc made a call of its own in between", () => {
    const trace = (size: number) => [status("Running"), call(ERROR), call({ ok: true }), refusal(size)];
    expect(differences(withTrace(trace(40)), withTrace(trace(77)))).toEqual([]);
  });

  it("in a run with no error answer before it, and in a later run than the error answer's", () => {
    const clean = (size: number) => [status("Running"), call({ ok: true }), refusal(size)];
    expect(differences(withTrace(clean(40)), withTrace(clean(77))).join()).toMatch(/size/);
    const later = (size: number) => [status("Running"), call(ERROR), status("Paused"), status("Running"), call({ ok: true }), refusal(size)];
    expect(differences(withTrace(later(40)), withTrace(later(77))).join()).toMatch(/size/);
  });
});

describe("values the JSON text of a result could hide", () => {
  it("a progress value of -0 is not 0 (progress.f32: a host records 0)", () => {
    expect(differences(withTrace([progress(0)]), withTrace([progress(-0)]))).toHaveLength(1);
    expect(differences(withTrace([progress(0.5)]), withTrace([progress(0.5)]))).toEqual([]);
  });

  it("a member named __proto__ is compared like any other", () => {
    const member = (message: string) => JSON.parse(`{"__proto__": {"message": "${message}"}}`) as unknown;
    expect(differences(withTrace([call(member("a"))]), withTrace([call(member("b"))]))).toHaveLength(1);
    expect(differences(withTrace([call(member("a"))]), withTrace([call(member("a"))]))).toEqual([]);
  });
});

describe("result.ids: a job's own id is compared (as renamed)", () => {
  const spawn = JSON.parse(readFileSync(join(PROJECT_ROOT, "wat-fixtures/child_jobs/spawn.golden.json"), "utf8")).expected.result as ScenarioResult;

  it("two children whose ids are swapped contradict their own events and their parent's child_spawned: a difference", () => {
    const [root, first, second] = spawn.jobs;
    expect(second).toBeDefined();
    const swapped = { ...spawn, jobs: [root!, { ...first!, id: second!.id }, { ...second!, id: first!.id }] };
    expect(differences(spawn, swapped).join("\n")).toMatch(/ id: golden "job:1", host "job:2"/);
  });

  it("the same ids under other UUIDs are the same result", () => {
    const other = JSON.parse(JSON.stringify(spawn).replace(/job:(\d)/g, (_, n: string) => `0000000${n}-0000-4000-8000-000000000000`)) as ScenarioResult;
    expect(differences(spawn, other)).toEqual([]);
  });
});
