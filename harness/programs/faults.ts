import { ARG } from "../abi/arguments.ts";
import { INTERRUPT } from "../abi/exports.ts";
import type { ReferenceHost } from "../host/host.ts";
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

/**
 * Bugs planted in the reference host itself (RunOptions.patchHost), for both sides of a differential run: native and
 * WASM then agree on the wrong result, so only the invariants (invariants.ts) can catch them. Each is found by
 * self-fuzzing with the invariants (conformance/invariants.test.ts). The reference host never uses them.
 */
export const HOST_FAULTS = {
  /** interrupt.answer: every interrupt check answers 0; a request still comes due and decides Paused or Cancelled. */
  "checks-answer-0": (host) => {
    const check = host.interrupts.check.bind(host.interrupts);
    host.interrupts.check = (jobId) => (check(jobId), INTERRUPT.CONTINUE);
  },
  /** checkpoint.save: job_checkpoint answers OK and records the checkpoint, but the store keeps nothing. */
  "checkpoint-keeps-nothing": (host) => {
    host.store.save = () => {};
  },
  /** report.warning: a job's first warning is counted in its metrics, but its event is never recorded. */
  "first-warning-unrecorded": (host) => {
    const addWarning = host.ops.addWarning.bind(host.ops);
    const warned = new Set<string>();
    host.ops.addWarning = (scope, job, message) => {
      if (warned.has(job.id) || job.metrics.warnings >= host.limits.maxWarningsPerJob) return addWarning(scope, job, message);
      const text = host.ops.text(scope, job, "job_add_warning", message, ARG.warning);
      if (text === null) return;
      warned.add(job.id);
      job.metrics.warnings++;
    };
  },
} satisfies Record<string, (host: ReferenceHost) => void>;

export type HostFaultName = keyof typeof HOST_FAULTS;

export function hostFault(name: string): (host: ReferenceHost) => void {
  const fault = (HOST_FAULTS as Record<string, (host: ReferenceHost) => void>)[name];
  if (!fault) throw new Error(`unknown host fault "${name}" (known: ${Object.keys(HOST_FAULTS).join(", ")})`);
  return fault;
}
