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
} satisfies Record<string, ImportsWrapper>;

export type BoundaryFaultName = keyof typeof BOUNDARY_FAULTS;

export function boundaryFault(name: string): ImportsWrapper {
  const fault = (BOUNDARY_FAULTS as Record<string, ImportsWrapper>)[name];
  if (!fault) throw new Error(`unknown fault "${name}" (known: ${Object.keys(BOUNDARY_FAULTS).join(", ")})`);
  return fault;
}
