import { STATUS, type StatusCode } from "../abi/status.ts";
import { printable } from "../trace/printable.ts";
import { JOB_RETURN } from "../abi/exports.ts";
import { SUPPORTED_ABI_VERSIONS } from "../abi/version.ts";
import type { ImportName } from "../abi/imports.ts";
import { about, ARG, NO_FIELDS, type RefusalFields } from "../abi/arguments.ts";
import type { JobStatus, RunEnd } from "../trace/events.ts";
import { GuestLoadError } from "../engine/errors.ts";
import { ManualClock, type Clock } from "./clock.ts";
import { ExtensionScope, type JobExecutor, type JobType, type RunOutcome } from "./extension.ts";
import { IdSource } from "./ids.ts";
import { InterruptController, type InterruptPlan } from "./interrupts.ts";
import { JobRecord } from "./job.ts";
import { LibraryStore } from "./library.ts";
import { resolveLimits, type HostLimits } from "./limits.ts";
import { Networking, type NetworkingOptions } from "./networking.ts";
import { JobOperations } from "./operations.ts";
import { DEFAULT_PERMISSIONS, PermissionGate, type Permissions } from "./permissions.ts";
import { JobContextRegistry } from "./registry.ts";
import { MemoryStateStore, type JobSnapshot, type StateStore } from "./state-store.ts";
import { WireRouter, pingHandlers } from "./wire.ts";

/** A dispatch names a job the extension does not have (dispatch.job-type): a load error like any other. */
export class UnknownJobError extends GuestLoadError {
  constructor(message: string) {
    super("JP_UNKNOWN_JOB", message);
    this.name = "UnknownJobError";
  }
}

export interface HostOptions {
  /** Seed for deterministic ids; two hosts with one seed hand out the same ids. */
  readonly seed?: string;
  readonly limits?: Partial<HostLimits>;
  readonly store?: StateStore;
  readonly interrupts?: readonly InterruptPlan[];
  /** null (the default) disables networking, as when core runs without a networking service. */
  readonly networking?: NetworkingOptions | null;
  readonly clock?: Clock;
  /** ABI versions this host serves (default: the reference host's). */
  readonly abiVersions?: readonly string[];
  /**
   * Set (non-zero in element 0, from any thread) when the process is shutting down: running jobs are asked to pause
   * at their next interrupt check, and no further run starts.
   */
  readonly shutdownSignal?: Int32Array;
  /**
   * What a checkpoint the store could not save does besides its STORE_ERROR refusal (checkpoint.store-error):
   * "refuse" (the default, all the ABI asks, what the gate checks) nothing more; "pause" (the durable commands' policy)
   * also asks the run to pause, and a run that then returns Interrupted or Failed ends Paused at its last stored
   * checkpoint, which is intact (the failure was the host's store, not the job's), and is not run again by the drive
   * that paused it: it waits for a resume.
   */
  readonly storeFailure?: "refuse" | "pause";
  /**
   * What a job ends as when a time limit stopped its run (runTimeoutMs or stallTimeoutMs; end cause timeout): "fail"
   * (the default: run.timeout, run.stall, what the gate checks), or "pause": Paused at its last checkpoint, so that
   * it can be resumed, as the durable commands choose outside the gate. A job paused so is not run again by the drive
   * that paused it (not even with `resume`): it waits for a resume.
   */
  readonly onTimeout?: OnTimeout;
  /**
   * Keep the first and the last `traceWindow` events of each job's (and each extension's) trace, and only count the
   * rest (TraceRecorder.setWindow). 0 or absent (the default, what every conformance case runs with): keep them all.
   */
  readonly traceWindow?: number;
}

/** What a job stopped by a time limit ends as (HostOptions.onTimeout). */
export type OnTimeout = "fail" | "pause";

/** How the error of a job the "pause" store-failure policy paused begins (HostOptions.storeFailure). */
export const STORE_FAILURE_PAUSE = "paused by the host: a checkpoint could not be stored";

export interface DriveOptions {
  /** Resume a paused job (from its last checkpoint) until it ends, instead of leaving it Paused. */
  readonly resume?: boolean;
}

/**
 * The reference host: the job parts (registry, state store, interrupts, metrics via JobRecord, library, networking,
 * child queue) and one lifecycle for native and WASM jobs. It never knows which kind of job it drives: a job type
 * carries a JobExecutor, and the two kinds of executor live outside the host.
 */
export class ReferenceHost {
  readonly ids: IdSource;
  readonly limits: HostLimits;
  readonly store: StateStore;
  readonly interrupts: InterruptController;
  readonly registry = new JobContextRegistry();
  readonly library: LibraryStore;
  readonly networking: Networking;
  readonly wire = new WireRouter();
  readonly clock: Clock;
  readonly ops: JobOperations;
  readonly defaultLibraryId: string;
  readonly abiVersions: readonly string[];
  /** See HostOptions.traceWindow (0: every event is kept). */
  readonly traceWindow: number;
  readonly onTimeout: OnTimeout;
  /** Every job in creation order; a job's index is its position here. */
  readonly jobs: JobRecord[] = [];
  private readonly nativeTypes = new Map<string, JobType>();
  private readonly queuedChildren = new Map<string, JobRecord[]>();
  private readonly scopes = new Map<string, ExtensionScope>();
  private readonly executors = new Map<string, JobExecutor>();
  /** How the jobs being driven are driven; a wait drives a job's children the same way (child.wait). */
  private driving: DriveOptions = {};
  /** Under the "pause" store-failure policy: the first store error of each running run (HostOptions.storeFailure). */
  private readonly storeFailures = new Map<string, string>();
  /** Jobs the "pause" store-failure policy paused: no drive runs them again. */
  private readonly pausedByStore = new WeakSet<JobRecord>();
  /** Jobs a time limit stopped and onTimeout "pause" paused: no drive runs them again (HostOptions.onTimeout). */
  private readonly pausedByLimit = new WeakSet<JobRecord>();

  constructor(options: HostOptions = {}) {
    this.ids = new IdSource(options.seed);
    this.abiVersions = options.abiVersions ?? SUPPORTED_ABI_VERSIONS;
    this.traceWindow = options.traceWindow ?? 0;
    this.limits = resolveLimits(options.limits);
    this.onTimeout = options.onTimeout ?? "fail";
    this.store = options.store ?? new MemoryStateStore();
    this.interrupts = new InterruptController(options.interrupts, options.shutdownSignal);
    this.clock = options.clock ?? new ManualClock();
    this.library = new LibraryStore(this.ids);
    this.networking = new Networking(options.networking ?? null);
    this.defaultLibraryId = this.library.create("Default Library");
    this.wire.add(pingHandlers);
    this.wire.add(this.library.handlers());
    this.wire.add(this.networking.handlers());
    this.ops = new JobOperations({
      limits: this.limits,
      store: this.store,
      interrupts: this.interrupts,
      wire: this.wire,
      spawn: (parent, type, jobType, params) => this.enqueue(this.scopeOf(parent), type, jobType.executor, params, parent),
      resolveType: (scope, type) => scope.jobTypes.get(type) ?? this.nativeTypes.get(type),
      waitForChildren: (parent) => this.waitForChildren(parent),
      onStoreFailure: options.storeFailure === "pause" ? (job, error) => this.storeFailed(job, error) : undefined,
    });
  }

  openExtension(id: string, permissions: Permissions = DEFAULT_PERMISSIONS): ExtensionScope {
    const scope = new ExtensionScope(id, new PermissionGate(permissions, this.clock));
    scope.trace.setWindow(this.traceWindow);
    this.scopes.set(id, scope);
    return scope;
  }

  private scopeOf(job: JobRecord): ExtensionScope {
    const scope = this.scopes.get(job.extensionId);
    if (!scope) throw new Error(`internal: job ${job.id} belongs to unknown extension ${job.extensionId}`);
    return scope;
  }

  /** A job type every extension may spawn as a child (core's native job types). */
  defineNativeJobType(name: string, executor: JobExecutor): void {
    this.nativeTypes.set(name, { name, exportName: name, resumable: true, executor });
  }

  /** register_job after its memory and UTF-8 checks (init.register): only while the extension initializes; names are unique per extension. */
  registerJob(scope: ExtensionScope, name: string, exportName: string, resumable: boolean, executor: JobExecutor | null): StatusCode {
    const refuse = (code: "WRONG_PHASE" | "BAD_ARGUMENT" | "DUPLICATE" | "UNKNOWN_EXPORT", fields: RefusalFields, detail: string) =>
      this.ops.refuse(scope, null, "register_job" satisfies ImportName, code, fields, detail);
    if (scope.phase === "reinit" && scope.jobTypes.get(name)?.exportName === exportName) return STATUS.OK;
    if (scope.phase === "ready") return refuse("WRONG_PHASE", NO_FIELDS, "register_job is only allowed during plugin_init");
    if (name.length === 0) return refuse("BAD_ARGUMENT", about(ARG.jobName), "the job name is empty");
    if (scope.jobTypes.has(name)) return refuse("DUPLICATE", about(ARG.jobName), `job "${name}" is already registered`);
    if (executor === null) return refuse("UNKNOWN_EXPORT", about(ARG.exportName), `export "${exportName}" does not exist or is not (i32, i32, i32, i32) -> i32`);
    scope.jobTypes.set(name, { name, exportName, resumable, executor });
    scope.trace.record({ kind: "job_registered", job: null, name, export: exportName, resumable });
    return STATUS.OK;
  }

  /** Dispatches a job of a type the extension registered (or a job export named directly). */
  createJob(scope: ExtensionScope, type: string, initialState: Uint8Array | null): JobRecord {
    const jobType = scope.findJobType(type);
    if (jobType === undefined) {
      // Names the guest wrote: printable, as a message may reach a terminal.
      const known = [...scope.jobTypes.keys(), ...scope.unregisteredExports.keys()].map(printable);
      // A guest may export 100,000 functions: the list is cut at 20, with the count.
      const listed = known.length > 20 ? `${known.slice(0, 20).join(", ")}, ... and ${known.length - 20} more (${known.length} in all)` : known.join(", ") || "none";
      throw new UnknownJobError(`extension ${scope.id} has no job "${printable(type)}" (it has: ${listed})`);
    }
    return this.enqueue(scope, jobType.name, jobType.executor, initialState, null);
  }

  private enqueue(scope: ExtensionScope, type: string, executor: JobExecutor, initialState: Uint8Array | null, parent: JobRecord | null): JobRecord {
    const job = new JobRecord(this.ids.next("job"), this.jobs.length, type, scope.id, parent?.id ?? null, parent ? parent.depth + 1 : 0, initialState?.slice() ?? null);
    this.admit(job, executor, parent);
    return job;
  }

  /** A job joins the host and its tree; `executor` null: a finished job restored, never run and never written. */
  private admit(job: JobRecord, executor: JobExecutor | null, parent: JobRecord | null): void {
    job.trace.setWindow(this.traceWindow);
    if (parent) job.tree = parent.tree;
    job.tree.jobs++;
    if (job.runs === 0 && !job.terminal) job.tree.queued++;
    job.tree.stateBytes += (job.initialState?.byteLength ?? 0) + job.checkpointBytes;
    this.jobs.push(job);
    if (executor === null) return;
    this.executors.set(job.id, executor);
    if (parent) {
      const queue = this.queuedChildren.get(parent.id) ?? [];
      queue.push(job);
      this.queuedChildren.set(parent.id, queue);
    }
    this.store.recordJob?.(job.snapshot());
  }

  /**
   * Takes back a job a durable store kept (Queued or Paused, from an earlier process): same id, runs, counters and
   * counts; its next run loads its last checkpoint, of `checkpointBytes` bytes, which its tree counts from now. A
   * restored child is queued under its (restored) parent.
   */
  restoreJob(scope: ExtensionScope, stored: JobSnapshot, parent: JobRecord | null = null, checkpointBytes = 0): JobRecord {
    const jobType = scope.findJobType(stored.type) ?? this.nativeTypes.get(stored.type);
    if (jobType === undefined) throw new UnknownJobError(`extension ${scope.id} has no job "${stored.type}" to resume job ${stored.id} with`);
    const job = JobRecord.restore(stored, this.jobs.length, checkpointBytes);
    this.admit(job, jobType.executor, parent);
    return job;
  }

  /**
   * Takes back a job a durable store kept that has finished, beside the unfinished jobs of its tree: it is never run
   * again, but it is one of its parent's children (a wait answers it, child.wait), its unfinished children come back
   * under it, and it counts in its tree (its initial state, and the checkpoint a Failed job keeps: `checkpointBytes`,
   * child.tree). Nothing is written for it.
   */
  restoreFinishedJob(stored: JobSnapshot, parent: JobRecord | null, checkpointBytes = 0): JobRecord {
    const job = JobRecord.restore(stored, this.jobs.length, checkpointBytes, true);
    this.admit(job, null, parent);
    return job;
  }

  /** Every status change goes through here, so a durable store sees each one. */
  private transition(job: JobRecord, status: JobStatus, end?: RunEnd): void {
    job.transition(status, end);
    this.store.recordJob?.(job.snapshot());
  }

  /** Whether the process is shutting down (see HostOptions.shutdownSignal): no new run starts. */
  get shuttingDown(): boolean {
    return this.interrupts.shuttingDown;
  }

  /** One run: Running, call the job, then the status its return (or trap) and any pending interrupt decide. */
  runOnce(job: JobRecord): void {
    const scope = this.scopeOf(job);
    const executor = this.executors.get(job.id)!;
    const runIndex = job.runs++;
    if (runIndex === 0) job.tree.queued--;
    const state = runIndex === 0 && job.initialState !== null ? job.initialState : (this.store.load(job.id) ?? job.initialState);
    this.transition(job, "Running");
    job.error = null; // the last run's message: a job paused by a time limit had one
    this.storeFailures.delete(job.id);
    this.interrupts.beginRun(job.id, job.index, runIndex);
    this.registry.enter(scope, job);
    let outcome: RunOutcome;
    try {
      outcome = executor.run(job, state);
    } finally {
      this.registry.leave(scope, job);
    }
    const pending = this.interrupts.endRun(job.id);
    const storeFailure = this.storeFailures.get(job.id);
    this.storeFailures.delete(job.id);
    if (storeFailure !== undefined && outcome.kind === "returned" && pending !== "cancel" && (outcome.code === JOB_RETURN.INTERRUPTED || outcome.code === JOB_RETURN.FAILED)) {
      // It resumes from its last stored checkpoint: its counters go back to that checkpoint's.
      job.exitCodes.push(outcome.code);
      job.restoreCheckpointMetrics();
      job.error = `${STORE_FAILURE_PAUSE} (${storeFailure}); its last stored checkpoint is intact`;
      this.transition(job, "Paused", { cause: "returned", code: outcome.code });
      this.pausedByStore.add(job);
      return;
    }
    this.settle(scope, job, outcome, pending);
  }

  /** A checkpoint of a running job could not be stored, under the "pause" policy: the run is asked to pause. */
  private storeFailed(job: JobRecord, error: unknown): void {
    if (!this.storeFailures.has(job.id)) this.storeFailures.set(job.id, (error as Error).message);
    this.interrupts.request(job.id, "pause");
  }

  private settle(scope: ExtensionScope, job: JobRecord, outcome: RunOutcome, pending: "pause" | "cancel" | null): void {
    if (outcome.kind !== "returned") {
      job.error = outcome.message;
      if (outcome.kind === "timeout" && this.onTimeout === "pause") {
        // It resumes from its last checkpoint: its counters go back to that checkpoint's, as after a crash.
        job.restoreCheckpointMetrics();
        this.transition(job, "Paused", { cause: "timeout" });
        this.pausedByLimit.add(job);
        return;
      }
      this.transition(job, "Failed", { cause: outcome.kind });
      return; // the last checkpoint is kept
    }
    const end: RunEnd = { cause: "returned", code: outcome.code };
    job.exitCodes.push(outcome.code);
    switch (outcome.code) {
      // The status is recorded before the checkpoint goes: a crash between the two leaves a finished job with a stale
      // checkpoint, never an unfinished job without one.
      case JOB_RETURN.COMPLETED:
        this.transition(job, "Completed", end);
        this.discardCheckpoint(job);
        return;
      case JOB_RETURN.INTERRUPTED:
        if (pending === "cancel") {
          this.transition(job, "Cancelled", end);
          this.discardCheckpoint(job);
        } else {
          this.transition(job, "Paused", end);
        }
        return;
      case JOB_RETURN.FAILED:
        job.error = "the job returned Failed";
        this.transition(job, "Failed", end);
        return;
      default:
        this.ops.refuse(scope, job, this.executorName(job), "BAD_RETURN", NO_FIELDS, `the job returned ${outcome.code}; expected 0 Completed, 1 Interrupted or 2 Failed`);
        job.error = `the job returned ${outcome.code}`;
        this.transition(job, "Failed", end);
    }
  }

  /** A finished job's checkpoint goes, and its tree no longer holds it. */
  private discardCheckpoint(job: JobRecord): void {
    this.store.discard(job.id);
    job.tree.stateBytes -= job.checkpointBytes;
    job.checkpointBytes = 0;
  }

  private executorName(job: JobRecord): string {
    return this.scopeOf(job).jobTypes.get(job.type)?.exportName ?? job.type;
  }

  /**
   * Runs a job, then the children its run queued (in spawn order, each to its end), resuming if asked. When the
   * process is shutting down nothing new starts: queued jobs stay Queued and paused ones Paused, for a later resume.
   */
  drive(job: JobRecord, options: DriveOptions = {}): void {
    this.drivingWith(options, () => {
      do {
        if (this.shuttingDown) return;
        // A job that has run maxRunsPerJob times stays Paused, also when it is resumed again (a durable job's runs
        // are counted over every process).
        if (job.status === "Paused" && job.runs >= this.limits.maxRunsPerJob) return;
        this.runOnce(job);
        this.driveQueuedChildren(job);
      } while (job.status === "Paused" && options.resume === true && job.runs < this.limits.maxRunsPerJob && !this.pausedByStore.has(job) && !this.pausedByLimit.has(job));
    });
  }

  /**
   * Drives, with `options`, the queued children of a job that does not run again (one restored finished, whose
   * children a process that stopped never ran), each to its end, as they would have been driven after its last run.
   */
  driveChildrenOf(job: JobRecord, options: DriveOptions = {}): void {
    this.drivingWith(options, () => this.driveQueuedChildren(job));
  }

  /**
   * Runs `work` with `options` as the drive in force (children driven meanwhile inherit them), then restores the outer
   * one.
   */
  private drivingWith(options: DriveOptions, work: () => void): void {
    const outer = this.driving;
    this.driving = options;
    try {
      work();
    } finally {
      this.driving = outer;
    }
  }

  /** Drives the children a job queued that have not run yet, in spawn order, each to its end. */
  private driveQueuedChildren(job: JobRecord): void {
    const children = this.queuedChildren.get(job.id) ?? [];
    this.queuedChildren.delete(job.id);
    for (const child of children) this.drive(child, this.driving);
  }

  /**
   * job_wait_for_children (child.wait): inside the parent's run, drives its queued children now, as they would be
   * driven after the run; answers every child of the parent, in spawn order.
   */
  private waitForChildren(parent: JobRecord): JobRecord[] {
    this.driveQueuedChildren(parent);
    return this.jobs.filter((job) => job.parentId === parent.id);
  }

  /** A job's descendants in creation order. */
  descendants(job: JobRecord): JobRecord[] {
    const ids = new Set([job.id]);
    const out: JobRecord[] = [];
    for (const candidate of this.jobs) {
      if (candidate.parentId !== null && ids.has(candidate.parentId)) {
        ids.add(candidate.id);
        out.push(candidate);
      }
    }
    return out;
  }
}
