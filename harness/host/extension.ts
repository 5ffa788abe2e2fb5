import { TraceRecorder } from "../trace/recorder.ts";
import type { JobRecord } from "./job.ts";
import type { PermissionGate } from "./permissions.ts";

/** The result of one call of a job: what the job export returned, or that it trapped (threw, for native jobs). */
export type RunOutcome = { kind: "returned"; code: number } | { kind: "trap"; message: string } | { kind: "timeout"; message: string };

/** Runs one job run. Native jobs and WASM jobs each supply one; the host drives both the same way. */
export interface JobExecutor {
  readonly kind: "native" | "wasm";
  run(job: JobRecord, state: Uint8Array | null): RunOutcome;
}

export interface JobType {
  readonly name: string;
  readonly exportName: string;
  readonly resumable: boolean;
  readonly executor: JobExecutor;
}

/**
 * One loaded extension (a WASM guest or its native twin): its registered job types, its permissions, and the job
 * running on it right now. Calls that name any other job are refused, which is what scopes job ids to an instance.
 */
export class ExtensionScope {
  /** `reinit`: plugin_init runs again on a fresh instance after a trap; identical registrations are accepted. */
  phase: "init" | "reinit" | "ready" = "init";
  currentJob: JobRecord | null = null;
  readonly jobTypes = new Map<string, JobType>();
  /** Job-shaped exports that plugin_init did not register: dispatchable by name, but not spawnable as children. */
  readonly unregisteredExports = new Map<string, JobExecutor>();
  /** Events outside any job: registrations, logs from plugin_init, calls made while no job runs. */
  readonly trace = new TraceRecorder();

  constructor(
    readonly id: string,
    readonly gate: PermissionGate,
  ) {}

  /**
   * Runs `action` for the extension, with no job running on the scope (init.acts-for-extension): plugin_init,
   * also when it runs again on a fresh instance just before a job's run, and plugin_cleanup. What it logs or has
   * refused goes to the extension trace; the running job, if any, is back afterwards.
   */
  forExtension<T>(action: () => T): T {
    const running = this.currentJob;
    this.currentJob = null;
    try {
      return action();
    } finally {
      this.currentJob = running;
    }
  }

  /** Finds a job type by registered name, or by export name (how a user may name it on the command line). */
  findJobType(name: string): JobType | undefined {
    const registered = this.jobTypes.get(name) ?? [...this.jobTypes.values()].find((type) => type.exportName === name);
    if (registered) return registered;
    const executor = this.unregisteredExports.get(name);
    return executor ? { name, exportName: name, resumable: false, executor } : undefined;
  }
}
