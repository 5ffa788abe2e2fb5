import { bytesToTraceText, encodeUtf8 } from "../abi/codec.ts";
import type { ImportName } from "../abi/imports.ts";
import type { GuestModule } from "../engine/load.ts";
import { ReferenceHost } from "../host/host.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import type { ExtensionScope } from "../host/extension.ts";
import type { JobRecord } from "../host/job.ts";
import type { LibrarySnapshot } from "../host/library.ts";
import type { HostLimits } from "../host/limits.ts";
import type { MetricsSnapshot } from "../host/metrics.ts";
import { DEFAULT_PERMISSIONS, type Permissions } from "../host/permissions.ts";
import { FailingStateStore } from "../host/failing-store.ts";
import { MemoryStateStore, type StateStore } from "../host/state-store.ts";
import { loadNativeExtension, type NativeExtensionDefinition } from "../jobs/native-extension.ts";
import { WasmExtension, type ImportsWrapper } from "../jobs/wasm-extension.ts";
import type { JobStatus, TraceEvent } from "../trace/events.ts";
import { Normalizer, type Normalized } from "../trace/normalize.ts";
import type { TraceRecorder } from "../trace/recorder.ts";
import type { TraceSummary } from "../trace/window.ts";

/** How one job is dispatched: which job, from which state, with which interrupts, on what kind of host. */
export interface Scenario {
  /** The registered job name, or an export name. */
  readonly job: string;
  /** Initial state: bytes as they are, a string as its UTF-8 bytes, any other JSON value as its JSON text; absent = empty. */
  readonly state?: unknown;
  readonly interrupts?: readonly InterruptPlan[];
  /** Resume paused jobs from their last checkpoint until they end. */
  readonly resume?: boolean;
  /** Loopback peers; absent or null = networking off. */
  readonly networking?: { readonly peers: readonly string[] } | null;
  readonly permissions?: Partial<Permissions>;
  readonly limits?: Partial<HostLimits>;
  /** Extra libraries created on the host (after the default one), by name. */
  readonly libraries?: readonly string[];
  /** Saves the state store fails: the n-th checkpoint that reaches the store, from 1, over every job. */
  readonly storeFailures?: readonly number[];
}

export type Subject =
  | { readonly kind: "wasm"; readonly guest: GuestModule }
  | { readonly kind: "native"; readonly definition: NativeExtensionDefinition; /** The module's path, for messages. */ readonly file?: string };

/** One job's account of a scenario. */
export interface JobResult {
  readonly id: string;
  readonly type: string;
  readonly parent: string | null;
  readonly status: JobStatus;
  readonly runs: number;
  readonly exitCodes: readonly number[];
  readonly metrics: MetricsSnapshot;
  /** The checkpoint left in the store after the job ended, as trace text; null if none. */
  readonly savedState: string | null;
  /** Log lines dropped past limits.maxLogLinesPerJob. */
  readonly droppedLogLines: number;
  /** Warnings dropped past limits.maxWarningsPerJob. */
  readonly droppedWarnings: number;
  readonly trace: readonly TraceEvent[];
  /** Under a trace window (RunOptions.traceWindow): what the trace kept and what it did not. Absent without one. */
  readonly traceSummary?: TraceSummary;
}

export interface ScenarioResult {
  readonly side: Subject["kind"];
  /** Events outside any job (registrations, plugin_init logs). */
  readonly extension: readonly TraceEvent[];
  /** Under a trace window: what the extension's trace did not keep (see JobResult.traceSummary). */
  readonly extensionSummary?: TraceSummary;
  /** The root job first, then its descendants in creation order. */
  readonly jobs: readonly JobResult[];
  readonly library: LibrarySnapshot;
  /** People's account of failures (trap messages); never compared across sides. */
  readonly errors: readonly (string | null)[];
  /** WASM only: calls per import. */
  readonly importCalls?: Partial<Record<ImportName, number>>;
}

export type NormalizedResult = Normalized<Omit<ScenarioResult, "errors" | "importCalls" | "side">>;

export const EXTENSION_ID = "fixture";

export function stateBytes(state: unknown): Uint8Array | null {
  if (state === undefined || state === null) return null;
  if (state instanceof Uint8Array) return state.slice(); // bytes as they are (exec --state-file)
  return encodeUtf8(typeof state === "string" ? state : JSON.stringify(state));
}

export interface RunOptions {
  readonly store?: StateStore;
  readonly seed?: string;
  /** WASM only: replaces host functions at the boundary (deliberately faulty hosts). */
  readonly wrapImports?: ImportsWrapper;
  /** Changes the host's parts before anything runs (mutant hosts: a realistic bug planted in the reference host). */
  readonly patchHost?: (host: ReferenceHost) => void;
  /** Keep only the first and last `traceWindow` events of each trace (HostOptions.traceWindow); absent or 0: all. */
  readonly traceWindow?: number;
}

/** Runs a scenario on a fresh reference host: load the extension, dispatch the job, drive it and its children. */
export function runScenario(subject: Subject, scenario: Scenario, options: RunOptions = {}): ScenarioResult {
  const host = new ReferenceHost({
    seed: options.seed,
    store: withStoreFailures(options.store ?? new MemoryStateStore(), scenario.storeFailures),
    interrupts: scenario.interrupts,
    networking: scenario.networking ?? null,
    limits: scenario.limits,
    traceWindow: options.traceWindow,
  });
  options.patchHost?.(host);
  for (const name of scenario.libraries ?? []) host.library.create(name);
  const loaded = loadSubject(host, subject, { ...DEFAULT_PERMISSIONS, ...scenario.permissions }, options.wrapImports);
  const root = host.createJob(loaded.scope, scenario.job, stateBytes(scenario.state));
  host.drive(root, { resume: scenario.resume });
  loaded.unload();
  return collectResult(host, loaded, root);
}

/** The store a scenario's host uses: failing the saves `storeFailures` names, if any (scenario.store-failures). */
function withStoreFailures(store: StateStore, failures: readonly number[] | undefined): StateStore {
  return failures === undefined || failures.length === 0 ? store : new FailingStateStore(store, new Set(failures));
}

/** An extension loaded into a host: its scope, and for a WASM guest the extension (for its import counts). */
export interface LoadedSubject {
  readonly kind: Subject["kind"];
  readonly scope: ExtensionScope;
  readonly wasm: WasmExtension | null;
  /** Unloads the extension once its last job ended: plugin_cleanup, for the extension (run.cleanup). */
  unload(): void;
}

/** Loads a WASM guest or a native extension into a host, under the one extension id every scenario uses. */
export function loadSubject(host: ReferenceHost, subject: Subject, permissions: Permissions = DEFAULT_PERMISSIONS, wrapImports?: ImportsWrapper): LoadedSubject {
  if (subject.kind === "wasm") {
    const wasm = WasmExtension.load(host, EXTENSION_ID, subject.guest, permissions, wrapImports);
    return { kind: "wasm", scope: wasm.scope, wasm, unload: () => wasm.unload() };
  }
  const native = loadNativeExtension(host, EXTENSION_ID, subject.definition, permissions, subject.file);
  return { kind: "native", scope: native.scope, wasm: null, unload: () => native.unload() };
}

/** The account of a job and its descendants after the host drove them. */
export function collectResult(host: ReferenceHost, loaded: LoadedSubject, root: JobRecord): ScenarioResult {
  const jobs = [root, ...host.descendants(root)];
  return {
    side: loaded.kind,
    extension: loaded.scope.trace.events,
    ...summaryOf("extensionSummary", loaded.scope.trace),
    jobs: jobs.map((job) => jobResult(host, job)),
    library: host.library.snapshot(),
    errors: jobs.map((job) => job.error),
    ...(loaded.wasm ? { importCalls: loaded.wasm.importCalls() } : {}),
  };
}

function jobResult(host: ReferenceHost, job: JobRecord): JobResult {
  const saved = host.store.load(job.id);
  return {
    id: job.id,
    type: job.type,
    parent: job.parentId,
    status: job.status,
    runs: job.runs,
    exitCodes: [...job.exitCodes],
    metrics: job.metrics.snapshot(),
    savedState: saved === null ? null : bytesToTraceText(saved),
    droppedLogLines: job.droppedLogLines,
    droppedWarnings: job.droppedWarnings,
    trace: job.trace.events,
    ...summaryOf("traceSummary", job.trace),
  };
}

/** `{ [key]: summary }` for a windowed trace, else nothing: an unwindowed result has no such key at all. */
function summaryOf<K extends string>(key: K, trace: TraceRecorder): { [k in K]?: TraceSummary } {
  const summary = trace.summary();
  return summary === null ? {} : ({ [key]: summary } as { [k in K]: TraceSummary });
}

/** The comparable part of a result, with ids named in order of appearance. */
export function normalizeResult(result: ScenarioResult): NormalizedResult {
  const normalizer = new Normalizer(new Set(result.jobs.map((job) => job.id)));
  return normalizer.normalize({ extension: result.extension, jobs: result.jobs, library: result.library });
}
