import { canonicalJson } from "../trace/diff.ts";
import type { JobExpectation, PartialEvent } from "./fixtures.ts";
import type { NormalizedResult } from "./scenario.ts";

type Job = NormalizedResult["jobs"][number];
type Event = Job["trace"][number];

/** Every field of `expected` equals the same field of `actual`; nested objects match partially too. */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) => matchesPartial((actual as Record<string, unknown>)[key], value));
  }
  return canonicalJson(actual) === canonicalJson(expected);
}

const show = (value: unknown) => canonicalJson(value);

/** Checks events appear in order; returns the first one that could not be found after the previous match. */
function missingInOrder(trace: readonly unknown[], expected: readonly PartialEvent[]): { index: number; event: PartialEvent } | null {
  let at = 0;
  for (const [index, event] of expected.entries()) {
    while (at < trace.length && !matchesPartial(trace[at], event)) at++;
    if (at === trace.length) return { index, event };
    at++;
  }
  return null;
}

function checkJob(label: string, job: Job | undefined, expect: JobExpectation, error: string | null, failures: string[]): void {
  if (job === undefined) {
    failures.push(`${label}: expected a job with status ${expect.status}, but there is none`);
    return;
  }
  const fail = (what: string, expected: unknown, actual: unknown) => failures.push(`${label}: ${what}: expected ${show(expected)}, got ${show(actual)}`);
  if (job.status !== expect.status) fail("status", expect.status, job.status);
  if (expect.type !== undefined && job.type !== expect.type) fail("type", expect.type, job.type);
  if (expect.runs !== undefined && job.runs !== expect.runs) fail("runs", expect.runs, job.runs);
  if (expect.exitCodes !== undefined && !matchesPartial(job.exitCodes, expect.exitCodes)) fail("exit codes", expect.exitCodes, job.exitCodes);
  if (expect.error !== undefined && !(error ?? "").includes(expect.error)) fail("error (substring)", expect.error, error);
  if (expect.metrics !== undefined && !matchesPartial(job.metrics, expect.metrics)) fail("metrics", expect.metrics, job.metrics);
  if (expect.savedState !== undefined && job.savedState !== expect.savedState) fail("saved state", expect.savedState, job.savedState);
  const trace = job.trace as readonly Event[];
  const missing = missingInOrder(trace, expect.events ?? []);
  if (missing) failures.push(`${label}: expected event #${missing.index} ${show(missing.event)} (in order) is not in the trace`);
  for (const event of expect.absent ?? []) {
    const found = trace.find((actual) => matchesPartial(actual, event));
    if (found) failures.push(`${label}: event ${show(found)} must not occur (matches ${show(event)})`);
  }
  for (const [kind, count] of Object.entries(expect.counts ?? {})) {
    const actual = trace.filter((event) => event.kind === kind).length;
    if (actual !== count) fail(`number of ${kind} events`, count, actual);
  }
}

/**
 * The sidecar's expectations against one side's normalized result. Returns what failed, one line each; empty when
 * everything holds. Run on both sides: identical traces alone would let a wrong host agree with itself.
 */
export function checkExpectations(expect: JobExpectation, result: NormalizedResult, errors: readonly (string | null)[]): string[] {
  const failures: string[] = [];
  const [root, ...children] = result.jobs;
  checkJob("job:0", root, expect, errors[0] ?? null, failures);
  if (expect.extension) {
    const missing = missingInOrder(result.extension, expect.extension);
    if (missing) failures.push(`extension: expected event #${missing.index} ${show(missing.event)} (in order) is not in the extension trace`);
  }
  if (expect.library) {
    const library = result.library.libraries[0];
    for (const field of ["entries", "sidecars"] as const) {
      const expected = expect.library[field];
      if (expected !== undefined && !matchesPartial(library?.[field], expected)) {
        failures.push(`library: ${field}: expected ${show(expected)}, got ${show(library?.[field])}`);
      }
    }
  }
  if (expect.children) {
    if (children.length !== expect.children.length) {
      failures.push(`children: expected ${expect.children.length}, got ${children.length} (${show(children.map((c) => c.type))})`);
    }
    expect.children.forEach((child, i) => checkJob(`child #${i} (job:${i + 1})`, children[i], child, errors[i + 1] ?? null, failures));
  }
  return failures;
}
