import type { ImportsWrapper } from "../jobs/wasm-extension.ts";

type HostFunction = (...args: never[]) => unknown;

/**
 * Deliberate faults in the WASM boundary only (the native side stays correct), to prove that the differential
 * property catches a host bug a user could write. The reference host never uses them.
 */
export const BOUNDARY_FAULTS = {
  /** Progress messages lose their last byte. */
  "truncate-progress": (fns) => {
    const progress = fns.job_report_progress as (job: number, value: number, ptr: number, len: number) => void;
    return { ...fns, job_report_progress: (job: number, value: number, ptr: number, len: number) => progress(job, value, ptr, len > 0 ? len - 1 : len) };
  },
  /** Items are counted as bytes. */
  "items-as-bytes": (fns) => ({ ...fns, job_increment_items: fns.job_increment_bytes as HostFunction }),
  /** Every interrupt check answers "continue", as Spacedrive's host does today. */
  "interrupt-always-continue": (fns) => {
    const check = fns.job_check_interrupt as (job: number) => number;
    return { ...fns, job_check_interrupt: (job: number) => (check(job), 0) };
  },
  // ABI 1.1, one per clause the generated programs reach (link.imports is a load-time check: programs.test.ts).
  /** progress.structured: job_progress reads its JSON text one byte short. */
  "progress-json-truncated": (fns) => {
    const progress = fns.job_progress as (job: number, ptr: number, len: number) => number;
    return { ...fns, job_progress: (job: number, ptr: number, len: number) => progress(job, ptr, len > 0 ? len - 1 : len) };
  },
  /** metrics.read: job_metrics writes its 24 bytes 8 bytes past out_ptr (generated guests keep 8 bytes free there). */
  "metrics-off-by-8": (fns) => {
    const metrics = fns.job_metrics as (job: number, out: number) => number;
    return { ...fns, job_metrics: (job: number, out: number) => metrics(job, out + 8) };
  },
  /** checkpoint.stateless: job_checkpoint_stateless saves an empty state instead of leaving no checkpoint. */
  "stateless-saves-empty": (fns) => {
    const checkpoint = fns.job_checkpoint as (job: number, ptr: number, len: number) => number;
    return { ...fns, job_checkpoint_stateless: (job: number) => checkpoint(job, 0, 0) };
  },
  /** child.wait: job_wait_for_children is a stub answering 0: the children run after the parent's run, as in 1.0. */
  "wait-unimplemented": (fns) => ({ ...fns, job_wait_for_children: () => 0 }),
} satisfies Record<string, ImportsWrapper>;

export type BoundaryFaultName = keyof typeof BOUNDARY_FAULTS;

export function boundaryFault(name: string): ImportsWrapper {
  const fault = (BOUNDARY_FAULTS as Record<string, ImportsWrapper>)[name];
  if (!fault) throw new Error(`unknown fault "${name}" (known: ${Object.keys(BOUNDARY_FAULTS).join(", ")})`);
  return fault;
}
