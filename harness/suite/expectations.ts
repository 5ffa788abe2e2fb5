import { canonicalJson } from "../trace/diff.ts";
import type { JobExpectation, LoadErrorExpectation, PartialEvent } from "./fixtures.ts";
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

/** Counts every expectation checked, so a report can say how much a pass is worth. */
class Checks {
  readonly failures: string[] = [];
  count = 0;

  check(ok: boolean, failure: () => string): void {
    this.count++;
    if (!ok) this.failures.push(failure());
  }
}

function checkJob(label: string, job: Job | undefined, expect: JobExpectation, checks: Checks): void {
  checks.check(job !== undefined, () => `${label}: expected a job with status ${expect.status}, but there is none`);
  if (job === undefined) {
    return;
  }
  const field = (what: string, given: unknown, ok: boolean, actual: unknown) => {
    if (given !== undefined) checks.check(ok, () => `${label}: ${what}: expected ${show(given)}, got ${show(actual)}`);
  };
  field("status", expect.status, job.status === expect.status, job.status);
  field("type", expect.type, job.type === expect.type, job.type);
  field("runs", expect.runs, job.runs === expect.runs, job.runs);
  field("exit codes", expect.exitCodes, matchesPartial(job.exitCodes, expect.exitCodes), job.exitCodes);
  field("metrics", expect.metrics, matchesPartial(job.metrics, expect.metrics), job.metrics);
  field("saved state", expect.savedState, job.savedState === expect.savedState, job.savedState);
  field("dropped log lines", expect.droppedLogLines, job.droppedLogLines === expect.droppedLogLines, job.droppedLogLines);
  field("dropped warnings", expect.droppedWarnings, job.droppedWarnings === expect.droppedWarnings, job.droppedWarnings);
  const trace = job.trace as readonly Event[];
  if (expect.events) {
    const missing = missingInOrder(trace, expect.events);
    checks.count += expect.events.length - 1;
    checks.check(missing === null, () => `${label}: expected event #${missing!.index} ${show(missing!.event)} (in order) is not in the trace`);
  }
  for (const event of expect.absent ?? []) {
    const found = trace.find((actual) => matchesPartial(actual, event));
    checks.check(found === undefined, () => `${label}: event ${show(found)} must not occur (matches ${show(event)})`);
  }
  for (const [kind, count] of Object.entries(expect.counts ?? {})) {
    const actual = trace.filter((event) => event.kind === kind).length;
    field(`number of ${kind} events`, count, actual === count, actual);
  }
}

export interface ExpectationOutcome {
  /** What did not hold, one line each; empty when everything holds. */
  readonly failures: string[];
  /** How many individual expectations were checked. */
  readonly checks: number;
}

/**
 * The sidecar's expectations against one side's result, in its comparable form (compare.ts: no words for people).
 * Run on both sides: identical traces alone would let a wrong host agree with itself.
 */
export function checkExpectations(expect: JobExpectation, result: NormalizedResult): ExpectationOutcome {
  const checks = new Checks();
  const [root, ...children] = result.jobs;
  checkJob("job:0", root, expect, checks);
  if (expect.extension) {
    const missing = missingInOrder(result.extension, expect.extension);
    checks.count += expect.extension.length - 1;
    checks.check(missing === null, () => `extension: expected event #${missing!.index} ${show(missing!.event)} (in order) is not in the extension trace`);
  }
  if (expect.library) {
    const library = result.library.libraries[0];
    for (const field of ["entries", "sidecars"] as const) {
      const expected = expect.library[field];
      if (expected !== undefined) {
        checks.check(matchesPartial(library?.[field], expected), () => `library: ${field}: expected ${show(expected)}, got ${show(library?.[field])}`);
      }
    }
  }
  if (expect.children) {
    checks.check(children.length === expect.children.length, () => `children: expected ${expect.children!.length}, got ${children.length} (${show(children.map((c) => c.type))})`);
    expect.children.forEach((child, i) => checkJob(`child #${i} (job:${i + 1})`, children[i], child, checks));
  }
  return { failures: checks.failures, checks: checks.count };
}

/**
 * A load-error expectation against what happened: `got` is the load error, or null when the guest loaded and ran.
 * Only the code is compared (a negative case names an error type, never a message); the message is shown.
 * Returns what failed, one line each.
 */
export function loadErrorFailures(want: LoadErrorExpectation["loadError"], got: { code: string; message: string } | null): string[] {
  if (got === null) return [`expected the guest to fail to load with ${want.code}, but it loaded and ran`];
  return got.code === want.code ? [] : [`load error code: expected ${want.code}, got ${got.code} (${got.message})`];
}
