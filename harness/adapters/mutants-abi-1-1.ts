import { decodeUtf8 } from "../abi/codec.ts";
import { STATUS } from "../abi/status.ts";
import { checkLink } from "../engine/link.ts";
import type { ModuleInterface } from "../engine/sections.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { JobRecord } from "../host/job.ts";
import { argBytes, type TextArg } from "../host/operations.ts";
import { asImport, importFn, type Mutant } from "./mutant-kit.ts";

/**
 * Mutants for ABI 1.1's clauses (link.imports for the version, progress.structured, checkpoint.stateless,
 * metrics.read, child.wait): the bugs a host author adding 1.1 to a 1.0 host could write, and core's own behaviour
 * where the ABI decided otherwise.
 */

const U64_MAX_AS_DOUBLE = 2 ** 64 - 1; // 2^64 exactly, as a double: the bug below

/** A progress argument as text, whichever side passed it. */
const progressText = (json: TextArg): string | null => (typeof json === "string" ? json : decodeUtf8(argBytes(json)));

/** Records a progress the host accepted as `recorded` says (the correct host records the guest's text). */
function acceptProgress(host: ReferenceHost, accept: (text: string) => { record: string } | null): void {
  const report = host.ops.reportStructuredProgress.bind(host.ops);
  host.ops.reportStructuredProgress = (scope, job, json) => {
    const text = progressText(json);
    const accepted = text === null ? null : accept(text);
    if (accepted === null) return report(scope, job, json);
    job.trace.record({ kind: "job_progress", job: job.id, progress: accepted.record });
    return STATUS.OK;
  };
}

/** job_metrics answering `warnings(job)` for the warnings count; the job's own count is left as it is. */
function warningsAsRead(host: ReferenceHost, warnings: (job: JobRecord) => number): void {
  const read = host.ops.readMetrics.bind(host.ops);
  host.ops.readMetrics = (job) => {
    const counted = job.metrics.warnings;
    job.metrics.warnings = warnings(job);
    try {
      return read(job);
    } finally {
      job.metrics.warnings = counted;
    }
  };
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The link check without ABI versions: every import of the table is visible to every guest. */
function linkIgnoringVersions(iface: ModuleInterface) {
  const marker = { name: "spacedrive_abi_version_1_1", kind: "global" as const, type: undefined };
  return checkLink({ ...iface, exports: [...iface.exports.filter((e) => !e.name.startsWith("spacedrive_abi_version_")), marker] });
}

export const ABI_1_1_MUTANTS: readonly Mutant[] = [
  {
    name: "newer-imports-visible",
    clause: "link.imports",
    description: "the link check knows one import table: a 1.0 guest may import ABI 1.1's imports",
    plant: () => ({ load: { linkCheck: linkIgnoringVersions } }),
  },
  {
    name: "progress-u64-as-double",
    clause: "progress.structured",
    description: "job_progress reads its JSON with JSON.parse, so a u64 is a double: 2^64 passes the range check (it rounds to 2^64 - 1's double)",
    plant: () => ({
      patchHost: (host) =>
        acceptProgress(host, (text) => {
          const value = parsed(text) as { type?: unknown; data?: { current?: unknown; total?: unknown } } | undefined;
          const counts = [value?.data?.current, value?.data?.total];
          const fits = counts.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= U64_MAX_AS_DOUBLE);
          return (value?.type === "Count" || value?.type === "Bytes") && fits ? { record: text } : null;
        }),
    }),
  },
  {
    name: "progress-reserialized",
    clause: "progress.structured",
    description: "job_progress records the progress as JSON.stringify(JSON.parse(text)), not as the guest wrote it",
    plant: () => ({
      patchHost: (host) => {
        const report = host.ops.reportStructuredProgress.bind(host.ops);
        host.ops.reportStructuredProgress = (scope, job, json) => {
          const status = report(scope, job, json);
          const last = job.trace.events.at(-1);
          if (status === STATUS.OK && last?.kind === "job_progress") last.progress = JSON.stringify(JSON.parse(last.progress));
          return status;
        };
      },
    }),
  },
  {
    name: "percentage-as-f32",
    clause: "progress.structured",
    description: "a Percentage is checked as core's f32 would hold it: a number rounding to 0..1 as an f32 (1.00000001, -1e-50) passes",
    plant: () => ({
      patchHost: (host) =>
        acceptProgress(host, (text) => {
          const value = parsed(text) as { type?: unknown; data?: unknown } | undefined;
          const data = value?.data;
          if (value?.type !== "Percentage" || typeof data !== "number") return null;
          const f32 = Math.fround(data);
          return f32 >= 0 && f32 <= 1 ? { record: text } : null;
        }),
    }),
  },
  {
    name: "progress-lone-surrogates-accepted",
    clause: "progress.structured",
    description: "job_progress reads strings with JSON.parse alone, which takes a lone surrogate escape (\\ud800) that serde refuses",
    plant: () => ({ patchHost: (host) => acceptProgress(host, (text) => (/\\ud[89ab]/i.test(text) && parsed(text) !== undefined ? { record: text } : null)) }),
  },
  {
    name: "progress-negative-overflow-accepted",
    clause: "progress.structured",
    description: "job_progress refuses a number only when it rounds to +infinity (a check against the largest double that forgets the sign): a Structured progress holding -1e400 is accepted",
    plant: () => ({
      patchHost: (host) =>
        acceptProgress(host, (text) => {
          const numbers = (text.match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g) ?? []).map(Number);
          return text.startsWith('{"type":"Structured","data":') && numbers.includes(-Infinity) && !numbers.includes(Infinity) ? { record: text } : null;
        }),
    }),
  },
  {
    name: "stateless-store-failure-swallowed",
    clause: "checkpoint.store-error",
    description: "a stateless checkpoint the store fails to make is answered OK and recorded (the failure of a delete is ignored)",
    plant: () => ({
      patchHost: (host) => {
        const clear = host.store.clear.bind(host.store);
        host.store.clear = (jobId) => {
          try {
            clear(jobId);
          } catch {
            // ignored, as a failed delete often is
          }
        };
      },
    }),
  },
  {
    name: "stateless-without-checkpoint-uncounted",
    clause: "scenario.store-failures",
    description: "a stateless checkpoint of a job that has no checkpoint skips the store (nothing to clear), so it is not counted among the saves storeFailures names",
    plant: () => ({
      patchHost: (host) => {
        const stateless = host.ops.checkpointStateless.bind(host.ops);
        host.ops.checkpointStateless = (scope, job) => {
          if (host.store.load(job.id) !== null) return stateless(scope, job);
          job.keepCheckpointMetrics();
          job.trace.recordCheckpoint(job.id, null);
          return STATUS.OK;
        };
      },
    }),
  },
  {
    name: "stateless-saves-empty",
    clause: "checkpoint.stateless",
    description: "job_checkpoint_stateless saves an empty state (0 bytes) instead of leaving the job with no checkpoint",
    plant: () => ({
      patchHost: (host) => {
        const stateless = host.ops.checkpointStateless.bind(host.ops);
        host.ops.checkpointStateless = (scope, job) => {
          const status = stateless(scope, job);
          if (status === STATUS.OK) host.store.save(job.id, new Uint8Array());
          return status;
        };
      },
    }),
  },
  {
    name: "stateless-skipped-while-interrupted",
    clause: "checkpoint.stateless",
    description: "as core's checkpoint(), job_checkpoint_stateless checks for an interrupt first and saves nothing while one is pending",
    plant: () => ({
      patchHost: (host) => {
        const stateless = host.ops.checkpointStateless.bind(host.ops);
        host.ops.checkpointStateless = (scope, job) => (host.interrupts.pending(job.id) === null ? stateless(scope, job) : STATUS.OK);
      },
    }),
  },
  {
    name: "metrics-big-endian",
    clause: "metrics.read",
    description: "job_metrics writes each field big-endian",
    plant: (run) => ({
      wrapImports: (fns) => {
        const metrics = importFn<[number, number], number>(fns, "job_metrics");
        return {
          ...fns,
          job_metrics: asImport((jobPtr: number, outPtr: number) => {
            const status = metrics(jobPtr, outPtr);
            const bytes = status === STATUS.OK ? run.memory()?.slice(outPtr, 24) : null;
            if (bytes) for (const [at, size] of [[0, 8], [8, 8], [16, 4], [20, 4]] as const) bytes.subarray(at, at + size).reverse();
            return status;
          }),
        };
      },
    }),
  },
  {
    name: "metrics-warnings-uncounted",
    clause: "metrics.read",
    description: "job_metrics answers warnings 0, as core's warnings_count (core's add_warning never counts one)",
    plant: () => ({ patchHost: (host) => warningsAsRead(host, () => 0) }),
  },
  {
    name: "metrics-count-dropped-warnings",
    clause: "metrics.read",
    description: "job_metrics counts every warning added, those dropped past maxWarningsPerJob included",
    plant: () => ({ patchHost: (host) => warningsAsRead(host, (job) => job.metrics.warnings + job.droppedWarnings) }),
  },
  {
    name: "wait-answers-its-own-children",
    clause: "child.wait",
    description: "job_wait_for_children answers only the children this wait ran, not those of the job's earlier runs",
    plant: () => ({
      patchHost: (host) => {
        const internals = host as unknown as { waitForChildren(parent: { id: string }): { id: string }[]; queuedChildren: Map<string, { id: string }[]> };
        const wait = internals.waitForChildren.bind(host);
        internals.waitForChildren = (parent) => {
          const queued = new Set((internals.queuedChildren.get(parent.id) ?? []).map((child) => child.id));
          return wait(parent).filter((child) => queued.has(child.id));
        };
      },
    }),
  },
  {
    name: "wait-reruns-paused",
    clause: "child.wait",
    description: "job_wait_for_children runs every child that has not ended, not only those that have not run: a child left Paused runs again in each wait",
    plant: () => ({
      patchHost: (host) => {
        const wrapped = host as unknown as { waitForChildren(parent: { id: string }): unknown[]; drive(job: unknown): void };
        const wait = wrapped.waitForChildren.bind(host);
        wrapped.waitForChildren = (parent) => {
          const earlier = host.jobs.filter((job) => job.parentId === parent.id && job.status === "Paused");
          for (const child of earlier) wrapped.drive(child);
          return wait(parent);
        };
      },
    }),
  },
  {
    name: "wait-runs-nothing",
    clause: "child.wait",
    description: "job_wait_for_children answers the children as they are, without running them: they run after the parent's run",
    plant: () => ({
      patchHost: (host) => {
        host.ops.waitForChildren = (job) => {
          const children = host.jobs.filter((child) => child.parentId === job.id).map((child) => ({ job: child.id, status: child.status }));
          job.trace.record({ kind: "children_waited", job: job.id, children });
          return children;
        };
      },
    }),
  },
  {
    name: "wait-stops-at-failure",
    clause: "child.wait",
    description: "the wait stops at the first child that fails, where core's wait_for_children stops waiting (context.rs:186-194): here the children after it are not run",
    plant: () => ({
      patchHost: (host) => {
        const wrapped = host as unknown as { waitForChildren(parent: { id: string }): unknown[]; queuedChildren: Map<string, { status: string }[]>; drive(job: unknown): void };
        wrapped.waitForChildren = (parent) => {
          const queue = wrapped.queuedChildren.get(parent.id) ?? [];
          wrapped.queuedChildren.delete(parent.id);
          while (queue.length > 0) {
            const child = queue.shift()!;
            wrapped.drive(child);
            if (child.status === "Failed" || child.status === "Cancelled") break;
          }
          if (queue.length > 0) wrapped.queuedChildren.set(parent.id, queue);
          return host.jobs.filter((job) => job.parentId === parent.id);
        };
      },
    }),
  },
];
