/**
 * Where the ABI's rules differ from what core's JobContext does (core/src/infra/job/ at be454a0b4): each with core's
 * behaviour and line, the clauses that say the ABI's rule, and why. docs/ABI.md prints the table; a test keeps every
 * clause named here real.
 */
export interface CoreDecision {
  readonly topic: string;
  /** What core does, in a sentence. */
  readonly core: string;
  /** Where, as `<path>:<lines>` at be454a0b4. */
  readonly source: string;
  /** The clauses that state the ABI's rule. */
  readonly clauses: readonly string[];
  readonly why: string;
}

const CONTEXT = "core/src/infra/job/context.rs";

export const CORE_DECISIONS: readonly CoreDecision[] = [
  {
    topic: "pause versus cancel",
    core: "check_interrupt returns one Err(Interrupted) for a pause and a cancel alike; the executor tells them apart afterwards.",
    source: `${CONTEXT}:132-139`,
    clauses: ["interrupt.answer"],
    why: "A guest decides whether to checkpoint before it returns; it needs to know which was asked.",
  },
  {
    topic: "interrupt triggering",
    core:
      "check_interrupt asks the task system's Interrupter::try_check_interrupt; whether a second check sees the same request again is decided " +
      "there, in sd_task_system, which is not among the copied sources.",
    source: `${CONTEXT}:133-134`,
    clauses: ["interrupt.level-triggered", "interrupt.first-wins"],
    why: "A request stays pending until the run returns, so every check of the run answers it (the SDK's job macro checks again after the job's own check), and the run's return decides Paused or Cancelled.",
  },
  {
    topic: "checkpoints while interrupted",
    core: "checkpoint_with_state checks for an interrupt first and saves nothing when one is pending.",
    source: `${CONTEXT}:147-154`,
    clauses: ["checkpoint.while-interrupted"],
    why: "A job checkpoints because it was interrupted; refusing that save loses the work the pause was meant to keep.",
  },
  {
    topic: "a checkpoint without state",
    core:
      "checkpoint() checks for an interrupt first, then calls save_checkpoint with no data (None); what that does to the job's saved state is " +
      "the CheckpointHandler implementation's, and only the trait is among the copied sources (context.rs:218-229).",
    source: `${CONTEXT}:141-145`,
    clauses: ["checkpoint.stateless"],
    why: "As with a checkpoint with state, it is taken also while interrupted; a checkpoint with no data is what a job without state resumes from, so the job's checkpoint becomes none.",
  },
  {
    topic: "metric totals",
    core: "increment_bytes and increment_items add with `+=` on u64: an overflow panics in a debug build and wraps in a release build.",
    source: `${CONTEXT}:122-130`,
    clauses: ["metrics.saturate"],
    why: "A guest passes any i64; a total that wraps to a small number is a lie, and a host must not panic on a guest's number.",
  },
  {
    topic: "warnings",
    core: "add_warning sends the warning as Progress::Indeterminate, replacing the job's progress, and never counts warnings_count.",
    source: `${CONTEXT}:86-96`,
    clauses: ["report.warning"],
    why: "A warning is its own event and counts in metrics.warnings, which is what JobMetrics's warnings_count says it is; the job's progress is left as the job reported it.",
  },
  {
    topic: "non-critical errors",
    core: "add_non_critical_error counts only when try_lock gets the metrics lock at once; otherwise the count is silently lost.",
    source: `${CONTEXT}:111-114`,
    clauses: ["report.non-critical-error"],
    why: "Every non-critical error is recorded and counted: a count that depends on timing cannot be compared.",
  },
  {
    topic: "progress values",
    core:
      "progress(Progress) takes any Progress. The constructors clamp to 0..1 (Progress::percentage; GenericProgress::new, generic_progress.rs:78, " +
      "and with_completion, :111); a variant built directly is not clamped, and NaN passes the clamp.",
    source: "core/src/infra/job/progress.rs:39-42",
    clauses: ["progress.report", "progress.f32", "progress.structured"],
    why: "ABI 1.0's f32 progress is clamped and NaN refused, as a host cannot show NaN; ABI 1.1's Percentage and Generic percentage outside 0..1 are refused, since a guest that builds the JSON chose the value.",
  },
  {
    topic: "child jobs",
    core: "spawn_child is `todo!()`: a core job that spawns a child panics, and nothing adds the child handles wait_for_children waits on.",
    source: `${CONTEXT}:175-183`,
    clauses: ["child.spawn", "child.order"],
    why: "The design promises children; the ABI queues them and runs them after the run that queued them, in spawn order, each to its end.",
  },
  {
    topic: "waiting for children",
    core: "wait_for_children waits on each child handle in turn and stops at the first child that failed or was cancelled, returning an error.",
    source: `${CONTEXT}:185-194, core/src/infra/job/handle.rs:113-139`,
    clauses: ["child.wait"],
    why: "The ABI runs every child and answers every child's status, so the parent decides what a failed child means; a child paused and not resumed is answered as Paused rather than waited on for ever.",
  },
  {
    topic: "reading metrics",
    core: "metrics() answers JobMetrics, whose duration_ms is None while the job runs (JobMetrics derives Default; nothing in JobContext sets it).",
    source: "core/src/infra/job/types.rs:95-102",
    clauses: ["metrics.read"],
    why: "What a running job reads is the four counters; a duration would be the host's clock, which no two runs share, so the ABI has no field for it.",
  },
  {
    topic: "log lines",
    core: "log and log_debug write to the tracing log and the job's log file, nowhere a caller can read back; there is no limit.",
    source: `${CONTEXT}:196-215`,
    clauses: ["report.log", "report.flood"],
    why: "A job's lines are part of what two hosts are compared on, so they are recorded on the job with their level; a job that floods is cut off with one refusal.",
  },
];
