import { decodeUtf8, encodeUtf8, frameLengthPrefixed, uuidFromBytes } from "../abi/codec.ts";
import { IMPORT_NAMES, IMPORTS, type ImportName } from "../abi/imports.ts";
import { GuestMemory, type GuestRange } from "../abi/memory.ts";
import { STATUS, type StatusCode } from "../abi/status.ts";
import { INTERRUPT } from "../abi/exports.ts";
import { REPEAT_CALLS, type CallRuns } from "../engine/import-trampoline.ts";
import type { ExtensionScope, JobExecutor } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { JobRecord } from "../host/job.ts";
import { parseRequest } from "../host/operations.ts";
import { about, ARG, NO_FIELDS, overLimit, type ArgumentRef } from "../abi/arguments.ts";

/** What the boundary needs from a live instance; set once instantiation has produced the exports. */
export interface GuestAccess {
  memory: GuestMemory | null;
  alloc: ((size: number) => number) | null;
  /** The executor for a job export, or null when there is no such export with the job signature. */
  jobExport: (name: string) => JobExecutor | null;
  /** Counts of calls per import, for coverage claims (an array indexed like IMPORTS: cheap on the hot path). */
  readonly calls: Uint32Array;
  /** The trampoline's counted calls for the instance's imports (null: none are counted). */
  runs: CallRuns | null;
}

/** Each import's index in IMPORTS, as an object: a constant key is a cheap property load (a Map lookup is not). */
const INDEX = Object.fromEntries(IMPORTS.map((spec, index) => [spec.name, index])) as Record<ImportName, number>;

/** What the host functions work with while one guest instance runs. */
interface Boundary {
  readonly host: ReferenceHost;
  readonly ops: ReferenceHost["ops"];
  readonly scope: ExtensionScope;
  readonly guest: GuestAccess;
  // The call the trampoline counts repeats of (see CallRuns): the job, the import's index, and its arguments.
  runJob: JobRecord | null;
  runIndex: number;
  runField: "bytes" | "items";
  runLow: number;
  runHigh: number;
}

/**
 * The boundary of the instance whose guest code runs on this thread (the extension activates its boundary around
 * running any of it; a run inside another restores the outer one's when it ends).
 *
 * The host functions are made once, not per instance, and find their instance here. Closures made per instance are
 * slow in a harness that makes a fresh host per run: the call sites that meet a new closure per host are not inlined
 * and V8 optimizes them again and again (host_call.job_increment_items took about twice as long with them).
 */
let active: Boundary | null = null;

function current(): Boundary {
  if (active === null) throw new Error("internal: a host function was called with no guest instance active");
  return active;
}

/** Refuses a range [ptr, ptr+len) that is not in guest memory (memory.range); null, for the caller to return. */
function outside(b: Boundary, name: ImportName, job: JobRecord | null, ptr: number, len: number, argument: ArgumentRef): null {
  b.ops.refuse(b.scope, job, name, "INVALID_MEMORY_ACCESS", about(argument), `${argument.what} [${ptr >>> 0}, +${len >>> 0}) is outside guest memory`);
  return null;
}

/** A view of guest memory [ptr, ptr+len), or null with the refusal recorded. */
function bytes(b: Boundary, name: ImportName, job: JobRecord | null, ptr: number, len: number, argument: ArgumentRef): Uint8Array | null {
  return b.guest.memory?.slice(ptr, len) ?? outside(b, name, job, ptr, len, argument);
}

/** A message's bytes [ptr, ptr+len) read in place (no view is made), or null with the refusal recorded. */
function messageAt(b: Boundary, name: ImportName, job: JobRecord | null, ptr: number, len: number, argument: ArgumentRef): GuestRange | null {
  return b.guest.memory?.range(ptr, len) ?? outside(b, name, job, ptr, len, argument);
}

/** The start of every host function: the call is counted for coverage claims and as a host call of the running job (call.count). */
function enter(b: Boundary, index: number): void {
  b.guest.calls[index]!++;
  b.ops.countCall(b.scope);
}

/**
 * Counts the call of import `index` (an IMPORTS index: a name would be a keyed lookup per call, megamorphic across
 * the imports) and returns the job it names, or the status code of the refusal (already recorded).
 */
function jobAt(b: Boundary, index: number, ptr: number): JobRecord | StatusCode {
  const { guest, scope } = b;
  enter(b, index);
  // Calls name the running job: its id is compared in place (no copy per call). Any other id, and any pointer out
  // of bounds, takes the general path below, so refusals and the registry's (or a mutant's) resolution are as before.
  const running = scope.currentJob;
  if (running !== null && guest.memory !== null && guest.memory.holdsId(ptr, running.idWords)) return running;
  return otherJobAt(b, index, ptr);
}

/** jobAt for an id that is not the running job's (kept apart so that jobAt stays small enough to inline). */
function otherJobAt(b: Boundary, index: number, ptr: number): JobRecord | StatusCode {
  const { scope } = b;
  const name = IMPORT_NAMES[index]!;
  const id = bytes(b, name, null, ptr, 16, ARG.jobId);
  if (id === null) return STATUS.INVALID_MEMORY_ACCESS;
  const job = b.host.registry.resolveBytes(scope, id);
  if (job !== null) return job;
  return b.ops.notRunning(scope, name, uuidFromBytes(id));
}

/**
 * Lets the trampoline count repeats of the increment just made (1), when the call named the running job and its
 * memory can be probed; 0 leaves every call forwarded.
 */
function openRun(b: Boundary, job: JobRecord, index: number, field: "bytes" | "items", low: number, high: number): number {
  const { guest } = b;
  if (job !== b.scope.currentJob || guest.runs === null || guest.memory === null || !guest.runs.prepare(job.idWords, guest.memory.memory)) return 0;
  b.runJob = job;
  b.runIndex = index;
  b.runField = field;
  b.runLow = low;
  b.runHigh = high;
  return 1;
}

/**
 * job_increment_bytes/items (import `index`): n, an i64 meaning u64, arrives as its two u32 words (the trampoline
 * lowers it, so no bigint is made per call). The answer says whether the trampoline may count repeats of the call.
 */
function increment(index: number, field: "bytes" | "items", jobPtr: number, low: number, high: number): number {
  const b = current();
  const job = jobAt(b, index, jobPtr);
  if (typeof job === "number") return 0;
  b.ops.increment(job, field, low, high);
  return openRun(b, job, index, field, low, high);
}

/** Applies `count` counted repeats of the open run's call: the same operation, told how many calls it stands for. */
function repeatRun(b: Boundary, count: number): void {
  const job = b.runJob;
  if (job === null) throw new Error("internal: the trampoline counted repeats with no run open");
  b.guest.calls[b.runIndex]! += count;
  b.ops.countCall(b.scope, count);
  b.ops.increment(job, b.runField, b.runLow, b.runHigh, count);
}

/** Applies the instance's counted calls and closes its run: before another instance's code or the host's own runs. */
function settle(b: Boundary): void {
  const count = b.guest.runs?.take() ?? 0;
  if (count !== 0) repeatRun(b, count);
  b.runJob = null;
}

/** Writes a length-prefixed answer through the guest's wasm_alloc (answer.framing); 0 when nothing could be written. */
function toGuest(b: Boundary, name: ImportName, job: JobRecord | null, data: Uint8Array): number {
  const { guest, ops, scope } = b;
  const framed = frameLengthPrefixed(data);
  const failed = { ...NO_FIELDS, size: framed.length };
  if (guest.alloc === null) {
    ops.refuse(scope, job, name, "ALLOCATION_FAILED", failed, "the guest exports no wasm_alloc");
    return 0;
  }
  const ptr = guest.alloc(framed.length) >>> 0; // a trap in wasm_alloc propagates: the job fails with it (answer.alloc-trap)
  if (ptr === 0 || guest.memory === null || !guest.memory.write(ptr, framed)) {
    ops.refuse(scope, job, name, "ALLOCATION_FAILED", failed, `wasm_alloc(${framed.length}) returned ${ptr}, which cannot hold the answer`);
    return 0;
  }
  return ptr;
}

/** job_metrics's answer: bytes u64, items u64, warnings u32, non-critical errors u32, little-endian (metrics.read). */
export const METRICS_ANSWER_BYTES = 24;

function encodeMetrics(metrics: { bytes: string; items: string; warnings: number; nonCriticalErrors: number }): Uint8Array {
  const out = new Uint8Array(METRICS_ANSWER_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(metrics.bytes), true);
  view.setBigUint64(8, BigInt(metrics.items), true);
  view.setUint32(16, Math.min(metrics.warnings, 0xffff_ffff), true);
  view.setUint32(20, Math.min(metrics.nonCriticalErrors, 0xffff_ffff), true);
  return out;
}

/** One instance's boundary: activate it around any code that runs the instance's guest code. */
export interface InstanceBoundary {
  /** The host functions, by import name, with the trampoline's lowered signatures; shared by every instance. */
  readonly functions: WebAssembly.ModuleImports;
  /** Makes the host functions act for this instance; the function returned makes them act as they did before. */
  activate(): () => void;
}

export function createBoundary(host: ReferenceHost, scope: ExtensionScope, guest: GuestAccess): InstanceBoundary {
  const boundary: Boundary = { host, ops: host.ops, scope, guest, runJob: null, runIndex: 0, runField: "items", runLow: 0, runHigh: 0 };
  return {
    functions: HOST_FUNCTIONS,
    activate: () => {
      const previous = active;
      if (previous !== null) settle(previous); // instances may share the trampoline's run: the outer one's is closed
      active = boundary;
      // Restored after the guest code ran, so no finished run's host stays reachable from here.
      return () => {
        settle(boundary); // its counted calls are applied before the host reads the job (or the guest trapped)
        active = previous;
      };
    },
  };
}

/**
 * The WASM side of every host function: decode pointers, lengths and job ids from guest memory, then call the same
 * host operation the native JobContext calls. Decoding failures are refused here with the precise status code.
 */
const HOST_FUNCTIONS: WebAssembly.ModuleImports = Object.freeze({
  spacedrive_log(level: number, ptr: number, len: number): void {
    const b = current();
    const { ops, scope } = b;
    enter(b, INDEX.spacedrive_log);
    const message = messageAt(b, "spacedrive_log", scope.currentJob, ptr, len, ARG.logMessage);
    if (message) ops.log(scope, scope.currentJob, "spacedrive_log", level, message);
  },

  spacedrive_call(methodPtr: number, methodLen: number, libraryPtr: number, payloadPtr: number, payloadLen: number): number {
    const b = current();
    const { host, ops, scope } = b;
    enter(b, INDEX.spacedrive_call);
    const job = scope.currentJob;
    // Memory first, every pair in parameter order; then the call's own checks (call.check-order, wire.call).
    const methodBytes = bytes(b, "spacedrive_call", job, methodPtr, methodLen, ARG.method);
    if (methodBytes === null) return 0;
    const libraryBytes = libraryPtr === 0 ? null : bytes(b, "spacedrive_call", job, libraryPtr, 16, ARG.libraryId);
    if (libraryPtr !== 0 && libraryBytes === null) return 0;
    const libraryId = libraryBytes === null ? null : uuidFromBytes(libraryBytes);
    const payloadBytes = bytes(b, "spacedrive_call", job, payloadPtr, payloadLen, ARG.payload);
    if (payloadBytes === null) return 0;
    const method = ops.name(scope, job, "spacedrive_call", methodBytes, ARG.method);
    if (method === null) return 0;
    if (payloadBytes.byteLength > host.limits.maxCallPayloadBytes) {
      const limit = host.limits.maxCallPayloadBytes;
      const fields = overLimit("maxCallPayloadBytes", ARG.payload, payloadBytes.byteLength);
      ops.refuse(scope, job, "spacedrive_call", "LIMIT_EXCEEDED", fields, `the payload is ${payloadBytes.byteLength} bytes; the limit is ${limit}`);
      return 0;
    }
    let payload: unknown = {};
    if (payloadBytes.byteLength > 0) {
      const text = decodeUtf8(payloadBytes);
      if (text === null) {
        ops.refuse(scope, job, "spacedrive_call", "BAD_ARGUMENT", about(ARG.payload), "the payload is not valid UTF-8");
        return 0;
      }
      payload = parseRequest(text);
    }
    const response = ops.call(scope, job, method, libraryId, payload);
    return toGuest(b, "spacedrive_call", job, encodeUtf8(JSON.stringify(response)));
  },

  register_job(namePtr: number, nameLen: number, exportPtr: number, exportLen: number, resumable: number): number {
    const b = current();
    const { host, ops, scope, guest } = b;
    enter(b, INDEX.register_job);
    const nameBytes = bytes(b, "register_job", null, namePtr, nameLen, ARG.jobName);
    if (nameBytes === null) return STATUS.INVALID_MEMORY_ACCESS;
    const exportBytes = bytes(b, "register_job", null, exportPtr, exportLen, ARG.exportName);
    if (exportBytes === null) return STATUS.INVALID_MEMORY_ACCESS;
    const name = ops.name(scope, null, "register_job", nameBytes, ARG.jobName);
    if (name === null) return STATUS.BAD_ARGUMENT;
    const exportName = ops.name(scope, null, "register_job", exportBytes, ARG.exportName);
    if (exportName === null) return STATUS.BAD_ARGUMENT;
    return host.registerJob(scope, name, exportName, resumable !== 0, guest.jobExport(exportName));
  },

  job_report_progress(jobPtr: number, progress: number, ptr: number, len: number): void {
    const b = current();
    const { ops, scope } = b;
    const job = jobAt(b, INDEX.job_report_progress, jobPtr);
    if (typeof job === "number") return;
    const message = messageAt(b, "job_report_progress", job, ptr, len, ARG.progressMessage);
    if (message) ops.reportProgress(scope, job, progress, message);
  },

  job_checkpoint(jobPtr: number, ptr: number, len: number): number {
    const b = current();
    const { ops, scope } = b;
    const job = jobAt(b, INDEX.job_checkpoint, jobPtr);
    if (typeof job === "number") return job;
    const state = bytes(b, "job_checkpoint", job, ptr, len, ARG.state);
    return state === null ? STATUS.INVALID_MEMORY_ACCESS : ops.checkpoint(scope, job, state);
  },

  job_check_interrupt(jobPtr: number): number {
    const b = current();
    const { ops } = b;
    const job = jobAt(b, INDEX.job_check_interrupt, jobPtr);
    return typeof job === "number" ? INTERRUPT.CONTINUE : ops.checkInterrupt(job);
  },

  job_add_warning(jobPtr: number, ptr: number, len: number): void {
    const b = current();
    const { ops, scope } = b;
    const job = jobAt(b, INDEX.job_add_warning, jobPtr);
    if (typeof job === "number") return;
    const message = messageAt(b, "job_add_warning", job, ptr, len, ARG.warning);
    if (message) ops.addWarning(scope, job, message);
  },

  job_increment_bytes(jobPtr: number, low: number, high: number): number {
    return increment(INDEX.job_increment_bytes, "bytes", jobPtr, low, high);
  },

  job_increment_items(jobPtr: number, low: number, high: number): number {
    return increment(INDEX.job_increment_items, "items", jobPtr, low, high);
  },

  [REPEAT_CALLS](count: number): void {
    repeatRun(current(), count >>> 0);
  },

  job_load_state(jobPtr: number): number {
    const b = current();
    const { ops } = b;
    const job = jobAt(b, INDEX.job_load_state, jobPtr);
    if (typeof job === "number") return 0;
    const state = ops.loadState(job);
    return state === null ? 0 : toGuest(b, "job_load_state", job, state);
  },

  job_spawn_child(jobPtr: number, typePtr: number, typeLen: number, paramsPtr: number, paramsLen: number): number {
    const b = current();
    const { ops, scope } = b;
    const job = jobAt(b, INDEX.job_spawn_child, jobPtr);
    if (typeof job === "number") return 0;
    const type = bytes(b, "job_spawn_child", job, typePtr, typeLen, ARG.childType);
    const params = type && bytes(b, "job_spawn_child", job, paramsPtr, paramsLen, ARG.params);
    if (!type || !params) return 0;
    const child = ops.spawnChild(scope, job, type, params);
    return child === null ? 0 : toGuest(b, "job_spawn_child", job, child.idBytes);
  },

  job_add_non_critical_error(jobPtr: number, ptr: number, len: number): void {
    const b = current();
    const { ops, scope } = b;
    const job = jobAt(b, INDEX.job_add_non_critical_error, jobPtr);
    if (typeof job === "number") return;
    const message = messageAt(b, "job_add_non_critical_error", job, ptr, len, ARG.error);
    if (message) ops.addNonCriticalError(scope, job, message);
  },

  job_log(jobPtr: number, level: number, ptr: number, len: number): void {
    const b = current();
    const { ops, scope } = b;
    const job = jobAt(b, INDEX.job_log, jobPtr);
    if (typeof job === "number") return;
    const message = messageAt(b, "job_log", job, ptr, len, ARG.logMessage);
    if (message) ops.log(scope, job, "job_log", level, message);
  },

  job_progress(jobPtr: number, ptr: number, len: number): number {
    const b = current();
    const { ops, scope } = b;
    const job = jobAt(b, INDEX.job_progress, jobPtr);
    if (typeof job === "number") return job;
    const json = messageAt(b, "job_progress", job, ptr, len, ARG.progressJson);
    return json === null ? STATUS.INVALID_MEMORY_ACCESS : ops.reportStructuredProgress(scope, job, json);
  },

  job_metrics(jobPtr: number, outPtr: number): number {
    const b = current();
    const { ops, guest } = b;
    const job = jobAt(b, INDEX.job_metrics, jobPtr);
    if (typeof job === "number") return job;
    if (bytes(b, "job_metrics", job, outPtr, METRICS_ANSWER_BYTES, ARG.metricsOut) === null) return STATUS.INVALID_MEMORY_ACCESS;
    guest.memory!.write(outPtr >>> 0, encodeMetrics(ops.readMetrics(job)));
    return STATUS.OK;
  },

  job_checkpoint_stateless(jobPtr: number): number {
    const b = current();
    const job = jobAt(b, INDEX.job_checkpoint_stateless, jobPtr);
    return typeof job === "number" ? job : b.ops.checkpointStateless(b.scope, job);
  },

  job_wait_for_children(jobPtr: number): number {
    const b = current();
    const job = jobAt(b, INDEX.job_wait_for_children, jobPtr);
    if (typeof job === "number") return 0;
    // The children run inside this call, on this instance or, once one retired it, a fresh one (WasmExtension puts
    // this run's instance back in place when each of theirs ends).
    const children = b.ops.waitForChildren(job);
    const answer = children.map((child) => ({ job_id: child.job, status: child.status }));
    return toGuest(b, "job_wait_for_children", job, encodeUtf8(JSON.stringify(answer)));
  },
} satisfies Record<ImportName | typeof REPEAT_CALLS, (...args: never[]) => unknown>);
