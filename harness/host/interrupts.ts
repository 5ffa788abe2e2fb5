import { INTERRUPT, type InterruptAnswer } from "../abi/exports.ts";

export type InterruptAction = "pause" | "cancel";

/**
 * A deterministic interrupt request: pause or cancel a job's run at its Nth interrupt check or its Nth host call
 * (both 1-based, counted per run). `job` is the job's creation index (0 = the root job, as in `job:0`), `run` the
 * run index (0 = the first run, 1 = the first resume, ...).
 */
export interface InterruptPlan {
  readonly action: InterruptAction;
  readonly atCheck?: number;
  readonly atCall?: number;
  readonly job?: number;
  readonly run?: number;
}

const ANSWER: Record<InterruptAction, InterruptAnswer> = { pause: INTERRUPT.PAUSE, cancel: INTERRUPT.CANCEL };

interface ArmedRun {
  plans: InterruptPlan[];
  checks: number;
  calls: number;
  pending: InterruptAction | null;
}

/**
 * Decides what job_check_interrupt answers. A request stays pending until the run returns: a guest that checks twice
 * (the SDK's macro does) must see it both times, so v1 keeps it level-triggered for the rest of the run. (Whether core's
 * check_interrupt sees a request again is sd_task_system's, not among the copied sources.)
 */
export class InterruptController {
  private readonly runs = new Map<string, ArmedRun>();

  constructor(
    private readonly plans: readonly InterruptPlan[] = [],
    /** Non-zero in element 0 once the process is shutting down (set from another thread): every running job pauses. */
    private readonly shutdownSignal: Int32Array | null = null,
  ) {}

  get shuttingDown(): boolean {
    return this.shutdownSignal !== null && Atomics.load(this.shutdownSignal, 0) !== 0;
  }

  beginRun(jobId: string, jobIndex: number, runIndex: number): void {
    const plans = this.plans.filter((plan) => (plan.job ?? 0) === jobIndex && (plan.run ?? 0) === runIndex);
    this.runs.set(jobId, { plans, checks: 0, calls: 0, pending: null });
  }

  /** Ends the run and returns the request that was pending, which decides Paused versus Cancelled. */
  endRun(jobId: string): InterruptAction | null {
    const run = this.runs.get(jobId);
    this.runs.delete(jobId);
    return run?.pending ?? null;
  }

  /** Requests an interrupt from outside the job (a user pressing pause); it applies to the current run only. */
  request(jobId: string, action: InterruptAction): boolean {
    const run = this.runs.get(jobId);
    if (!run) return false;
    run.pending ??= action;
    return true;
  }

  /** Every host call a running job makes counts toward `atCall` plans. */
  countCall(jobId: string): void {
    if (this.plans.length !== 0) this.countPlannedCalls(jobId, 1); // only atCall plans read the count: without plans, no lookup per call
  }

  /** `count` calls in a row, as countCall that many times. */
  countCalls(jobId: string, count: number): void {
    if (this.plans.length !== 0) this.countPlannedCalls(jobId, count);
  }

  private countPlannedCalls(jobId: string, count: number): void {
    const run = this.runs.get(jobId);
    if (run === undefined || run.plans.length === 0) return;
    const first = run.calls + 1;
    run.calls += count;
    // The plan that falls due first among these calls applies (in list order for the same call), as one by one.
    let due: InterruptPlan | null = null;
    for (const plan of run.plans) {
      if (plan.atCall !== undefined && plan.atCall >= first && plan.atCall <= run.calls && (due === null || plan.atCall < due.atCall!)) due = plan;
    }
    if (due !== null) run.pending ??= due.action;
  }

  check(jobId: string): InterruptAnswer {
    const run = this.runs.get(jobId);
    if (run === undefined) return INTERRUPT.CONTINUE;
    run.checks++;
    for (const plan of run.plans) if (plan.atCheck === run.checks) run.pending ??= plan.action;
    if (this.shuttingDown) run.pending ??= "pause";
    return run.pending === null ? INTERRUPT.CONTINUE : ANSWER[run.pending];
  }

  pending(jobId: string): InterruptAction | null {
    return this.runs.get(jobId)?.pending ?? null;
  }
}
