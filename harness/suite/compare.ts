import { isWireError } from "../abi/wire-methods.ts";
import { canonicalJson, firstDivergence, formatDivergence, type Divergence } from "../trace/diff.ts";
import type { TraceEvent } from "../trace/events.ts";
import { normalizeResult, type NormalizedResult, type ScenarioResult } from "./scenario.ts";

/** An event without the words a host writes for people: an abi_violation's `detail`, an error answer's `error`. */
function withoutWords(event: TraceEvent): TraceEvent {
  if (event.kind === "abi_violation") {
    const { detail: _words, ...rest } = event;
    return rest as TraceEvent;
  }
  if (event.kind === "call" && isWireError(event.response)) return { ...event, response: { code: event.response.code } };
  return event;
}

/**
 * A trace without the words: withoutWords on each event, and the `size` of spacedrive_call's ALLOCATION_FAILED made
 * null when some `call` event of the same run before it answered an error, since that size is 4 + the answer's
 * length, words included (answer.alloc-failure). The refusal follows its call's event, but the guest's `wasm_alloc`
 * may make calls of its own in between, and a call whose answer was written leaves no event that says so: so any
 * error answer earlier in the run counts (in the extension trace, any earlier one). A progress value of -0 is kept
 * apart from 0, which JSON text cannot show (progress.f32: a host records -0 as 0).
 */
function traceWithoutWords(trace: readonly TraceEvent[]): TraceEvent[] {
  let errorAnswered = false;
  return trace.map((event) => {
    if (event.kind === "status") errorAnswered = false;
    if (event.kind === "call" && isWireError(event.response)) errorAnswered = true;
    if (event.kind === "abi_violation" && event.code === "ALLOCATION_FAILED" && event.import === "spacedrive_call" && errorAnswered) {
      return withoutWords({ ...event, size: null });
    }
    if (event.kind === "progress" && Object.is(event.value, -0)) return { ...event, value: NEGATIVE_ZERO as unknown as number };
    return withoutWords(event);
  });
}

/** What a progress value of -0 compares as: never equal to a number. */
const NEGATIVE_ZERO = "-0 (negative zero)";

/** The parts of a result `comparable` reads: a ScenarioResult, or a WireResult as a host answered it. */
type Comparable = Pick<ScenarioResult, "extension" | "jobs" | "library">;

/**
 * The part of a result that is compared (conformance/PROTOCOL.md, "What is compared, and how"): everything but the
 * words a host writes for people, with ids renamed. It drops each abi_violation's `detail`, each error answer's `error`
 * text (keeping its `code`) and the size of an allocation failure that counts that text, before ids are named, so that
 * ids in words never shift the names of the others; `errors` is not kept at all. Guest-written text (log lines,
 * messages, states) is the guest's and stays, byte for byte. Goldens hold this form.
 */
export function comparable(result: Comparable): NormalizedResult {
  return normalizeResult({
    ...(result as ScenarioResult),
    extension: traceWithoutWords(result.extension),
    jobs: result.jobs.map((job) => ({ ...job, trace: traceWithoutWords(job.trace) })),
  });
}

/** The per-job fields compared after the trace, in this order. */
export const COMPARED_JOB_FIELDS = ["id", "type", "parent", "status", "runs", "exitCodes", "metrics", "savedState", "droppedLogLines", "droppedWarnings"] as const;

/** One difference of two results: readable text, and the trace event when the difference is one. */
export interface ResultDifference {
  readonly text: string;
  /** `trace` is `extension` or a job id; null when the difference is not a trace event (a field, the library). */
  readonly event: { readonly trace: string; readonly divergence: Divergence } | null;
}

/**
 * Compares two normalized results of one scenario and gives every difference, none when they are equal, in this
 * order: the extension trace's first divergent event, the number of jobs, then per job its trace's first divergent
 * event (the events after it mostly follow from it) and each field in COMPARED_JOB_FIELDS that differs, then the
 * library. A host author sees them all from one run. Jobs are paired by position, up to the shorter list.
 */
export function resultDifferences(left: NormalizedResult, right: NormalizedResult, leftName: string, rightName: string): ResultDifference[] {
  // Both sides build their results with the same code, so equal results serialize identically: the common case
  // costs one stringify per side. Only a mismatch (which may still be key order alone) walks the details.
  if (JSON.stringify(left) === JSON.stringify(right)) return [];
  const out: ResultDifference[] = [];
  const traceDiff = (trace: string, where: string, a: readonly unknown[], b: readonly unknown[]) => {
    const divergence = firstDivergence(a, b);
    if (divergence) out.push({ text: `${where}: ${formatDivergence(divergence, leftName, rightName)}`, event: { trace, divergence } });
  };
  traceDiff("extension", "extension trace", left.extension, right.extension);
  if (left.jobs.length !== right.jobs.length) {
    out.push({ text: `number of jobs: ${leftName} ran ${left.jobs.length}, ${rightName} ran ${right.jobs.length}`, event: null });
  }
  for (const [i, job] of left.jobs.slice(0, right.jobs.length).entries()) {
    const other = right.jobs[i]!;
    traceDiff(job.id, `${job.id} trace`, job.trace, other.trace);
    for (const field of COMPARED_JOB_FIELDS) {
      if (canonicalJson(job[field]) !== canonicalJson(other[field])) {
        out.push({ text: `${job.id} ${field}: ${leftName} ${canonicalJson(job[field])}, ${rightName} ${canonicalJson(other[field])}`, event: null });
      }
    }
  }
  if (canonicalJson(left.library) !== canonicalJson(right.library)) {
    out.push({ text: `library: ${leftName} ${canonicalJson(left.library)}, ${rightName} ${canonicalJson(right.library)}`, event: null });
  }
  return out;
}

/** The first difference as text, or null when the results are equal. */
export function compareResults(left: NormalizedResult, right: NormalizedResult, leftName: string, rightName: string): string | null {
  return resultDifferences(left, right, leftName, rightName)[0]?.text ?? null;
}
