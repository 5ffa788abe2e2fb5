import { canonicalJson, firstDivergence, formatDivergence } from "../trace/diff.ts";
import type { NormalizedResult } from "./scenario.ts";

/**
 * Compares two normalized results of one scenario: the extension trace, then per job its trace, status, runs,
 * exit codes, metrics and saved state, then the library. Returns a readable account of the first difference.
 */
export function compareResults(left: NormalizedResult, right: NormalizedResult, leftName: string, rightName: string): string | null {
  // Both sides build their results with the same code, so equal results serialize identically: the common case
  // costs one stringify per side. Only a mismatch (which may still be key order alone) walks the details.
  if (JSON.stringify(left) === JSON.stringify(right)) return null;
  const traceDiff = (where: string, a: readonly unknown[], b: readonly unknown[]) => {
    const divergence = firstDivergence(a, b);
    return divergence ? `${where}: ${formatDivergence(divergence, leftName, rightName)}` : null;
  };
  const extension = traceDiff("extension trace", left.extension, right.extension);
  if (extension) return extension;
  if (left.jobs.length !== right.jobs.length) {
    return `number of jobs: ${leftName} ran ${left.jobs.length}, ${rightName} ran ${right.jobs.length}`;
  }
  for (const [i, job] of left.jobs.entries()) {
    const other = right.jobs[i]!;
    const trace = traceDiff(`${job.id} trace`, job.trace, other.trace);
    if (trace) return trace;
    for (const field of ["type", "parent", "status", "runs", "exitCodes", "metrics", "savedState", "droppedLogLines", "droppedWarnings"] as const) {
      if (canonicalJson(job[field]) !== canonicalJson(other[field])) {
        return `${job.id} ${field}: ${leftName} ${canonicalJson(job[field])}, ${rightName} ${canonicalJson(other[field])}`;
      }
    }
  }
  if (canonicalJson(left.library) !== canonicalJson(right.library)) {
    return `library: ${leftName} ${canonicalJson(left.library)}, ${rightName} ${canonicalJson(right.library)}`;
  }
  return null;
}
