import { decodeUtf8, encodeUtf8, frameLengthPrefixed, uuidFromBytes } from "../abi/codec.ts";
import { IMPORTS, IMPORT_MODULE, type ImportName } from "../abi/imports.ts";
import { GuestMemory } from "../abi/memory.ts";
import { STATUS, type StatusCode } from "../abi/status.ts";
import { INTERRUPT } from "../abi/exports.ts";
import type { ExtensionScope, JobExecutor } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { JobRecord } from "../host/job.ts";
import { UnparsedPayload } from "../host/operations.ts";

/** What the boundary needs from a live instance; set once instantiation has produced the exports. */
export interface GuestAccess {
  memory: GuestMemory | null;
  alloc: ((size: number) => number) | null;
  /** The executor for a job export, or null when there is no such export with the job signature. */
  jobExport: (name: string) => JobExecutor | null;
  /** Counts of calls per import, for coverage claims (an array indexed like IMPORTS: cheap on the hot path). */
  readonly calls: Uint32Array;
}

/** Each import's index in IMPORTS, as an object: a constant key is a cheap property load (a Map lookup is not). */
const INDEX = Object.fromEntries(IMPORTS.map((spec, index) => [spec.name, index])) as Record<ImportName, number>;

/**
 * The WASM side of every host function: decode pointers, lengths and job ids from guest memory, then call the same
 * host operation the native JobContext calls. Decoding failures are refused here with the precise status code.
 */
export function createBoundary(host: ReferenceHost, scope: ExtensionScope, guest: GuestAccess): WebAssembly.Imports {
  const { ops, registry } = host;

  const count = (name: ImportName) => guest.calls[INDEX[name]]!++;

  const bytes = (name: ImportName, job: JobRecord | null, ptr: number, len: number, what: string): Uint8Array | null => {
    const view = guest.memory?.slice(ptr, len) ?? null;
    if (view === null) ops.refuse(scope, job, name, "INVALID_MEMORY_ACCESS", `${what} [${ptr >>> 0}, +${len >>> 0}) is outside guest memory`);
    return view;
  };

  /** The job a call names, or the status code of the refusal (already recorded). */
  const jobAt = (name: ImportName, ptr: number): JobRecord | StatusCode => {
    count(name);
    // Calls name the running job: its id is compared in place (no copy per call). Any other id, and any pointer out
    // of bounds, takes the general path below, so refusals and the registry's (or a mutant's) resolution are as before.
    const running = scope.currentJob;
    if (running !== null && guest.memory !== null && guest.memory.holdsId(ptr, running.idWords)) return running;
    const id = bytes(name, null, ptr, 16, "the job id");
    if (id === null) return STATUS.INVALID_MEMORY_ACCESS;
    const job = registry.resolveBytes(scope, id);
    if (job !== null) return job;
    return ops.notRunning(scope, name, uuidFromBytes(id));
  };

  /** Writes a length-prefixed answer through the guest's wasm_alloc; 0 when nothing could be written. */
  const toGuest = (name: ImportName, job: JobRecord | null, data: Uint8Array): number => {
    const framed = frameLengthPrefixed(data);
    if (guest.alloc === null) {
      ops.refuse(scope, job, name, "ALLOCATION_FAILED", "the guest exports no wasm_alloc");
      return 0;
    }
    const ptr = guest.alloc(framed.length) >>> 0; // a trap in wasm_alloc propagates: the job fails with it
    if (ptr === 0 || guest.memory === null || !guest.memory.write(ptr, framed)) {
      ops.refuse(scope, job, name, "ALLOCATION_FAILED", `wasm_alloc(${framed.length}) returned ${ptr}, which cannot hold the answer`);
      return 0;
    }
    return ptr;
  };

  const functions: Record<ImportName, (...args: never[]) => unknown> = {
    spacedrive_log(level: number, ptr: number, len: number): void {
      count("spacedrive_log");
      const message = bytes("spacedrive_log", scope.currentJob, ptr, len, "the message");
      if (message) ops.log(scope, scope.currentJob, "spacedrive_log", level, message);
    },

    spacedrive_call(methodPtr: number, methodLen: number, libraryPtr: number, payloadPtr: number, payloadLen: number): number {
      count("spacedrive_call");
      const job = scope.currentJob;
      const methodBytes = bytes("spacedrive_call", job, methodPtr, methodLen, "the method");
      if (methodBytes === null) return 0;
      const method = ops.name(scope, job, "spacedrive_call", methodBytes, "the method");
      if (method === null) return 0;
      let libraryId: string | null = null;
      if (libraryPtr !== 0) {
        const id = bytes("spacedrive_call", job, libraryPtr, 16, "the library id");
        if (id === null) return 0;
        libraryId = uuidFromBytes(id);
      }
      const payloadBytes = bytes("spacedrive_call", job, payloadPtr, payloadLen, "the payload");
      if (payloadBytes === null) return 0;
      if (payloadBytes.byteLength > host.limits.maxCallPayloadBytes) {
        ops.refuse(scope, job, "spacedrive_call", "LIMIT_EXCEEDED", `the payload is ${payloadBytes.byteLength} bytes; the limit is ${host.limits.maxCallPayloadBytes}`);
        return 0;
      }
      let payload: unknown = {};
      if (payloadBytes.byteLength > 0) {
        const text = decodeUtf8(payloadBytes);
        if (text === null) {
          ops.refuse(scope, job, "spacedrive_call", "BAD_ARGUMENT", "the payload is not valid UTF-8");
          return 0;
        }
        try {
          payload = JSON.parse(text);
        } catch {
          payload = new UnparsedPayload(text);
        }
      }
      const response = ops.call(scope, job, method, libraryId, payload);
      return toGuest("spacedrive_call", job, encodeUtf8(JSON.stringify(response)));
    },

    register_job(namePtr: number, nameLen: number, exportPtr: number, exportLen: number, resumable: number): number {
      count("register_job");
      const nameBytes = bytes("register_job", null, namePtr, nameLen, "the job name");
      const exportBytes = bytes("register_job", null, exportPtr, exportLen, "the export name");
      if (nameBytes === null || exportBytes === null) return STATUS.INVALID_MEMORY_ACCESS;
      const name = ops.name(scope, null, "register_job", nameBytes, "the job name");
      const exportName = name === null ? null : ops.name(scope, null, "register_job", exportBytes, "the export name");
      if (name === null || exportName === null) return STATUS.BAD_ARGUMENT;
      return host.registerJob(scope, name, exportName, resumable !== 0, guest.jobExport(exportName));
    },

    job_report_progress(jobPtr: number, progress: number, ptr: number, len: number): void {
      const job = jobAt("job_report_progress", jobPtr);
      if (typeof job === "number") return;
      const message = bytes("job_report_progress", job, ptr, len, "the message");
      if (message) ops.reportProgress(scope, job, progress, message);
    },

    job_checkpoint(jobPtr: number, ptr: number, len: number): number {
      const job = jobAt("job_checkpoint", jobPtr);
      if (typeof job === "number") return job;
      const state = bytes("job_checkpoint", job, ptr, len, "the state");
      return state === null ? STATUS.INVALID_MEMORY_ACCESS : ops.checkpoint(scope, job, state);
    },

    job_check_interrupt(jobPtr: number): number {
      const job = jobAt("job_check_interrupt", jobPtr);
      return typeof job === "number" ? INTERRUPT.CONTINUE : ops.checkInterrupt(job);
    },

    job_add_warning(jobPtr: number, ptr: number, len: number): void {
      const job = jobAt("job_add_warning", jobPtr);
      if (typeof job === "number") return;
      const message = bytes("job_add_warning", job, ptr, len, "the warning");
      if (message) ops.addWarning(scope, job, message);
    },

    job_increment_bytes(jobPtr: number, n: bigint): void {
      const job = jobAt("job_increment_bytes", jobPtr);
      if (typeof job !== "number") ops.increment(job, "bytes", n);
    },

    job_increment_items(jobPtr: number, n: bigint): void {
      const job = jobAt("job_increment_items", jobPtr);
      if (typeof job !== "number") ops.increment(job, "items", n);
    },

    job_load_state(jobPtr: number): number {
      const job = jobAt("job_load_state", jobPtr);
      if (typeof job === "number") return 0;
      const state = ops.loadState(job);
      return state === null ? 0 : toGuest("job_load_state", job, state);
    },

    job_spawn_child(jobPtr: number, typePtr: number, typeLen: number, paramsPtr: number, paramsLen: number): number {
      const job = jobAt("job_spawn_child", jobPtr);
      if (typeof job === "number") return 0;
      const type = bytes("job_spawn_child", job, typePtr, typeLen, "the child type");
      const params = type && bytes("job_spawn_child", job, paramsPtr, paramsLen, "the params");
      if (!type || !params) return 0;
      const child = ops.spawnChild(scope, job, type, params);
      return child === null ? 0 : toGuest("job_spawn_child", job, child.idBytes);
    },

    job_add_non_critical_error(jobPtr: number, ptr: number, len: number): void {
      const job = jobAt("job_add_non_critical_error", jobPtr);
      if (typeof job === "number") return;
      const message = bytes("job_add_non_critical_error", job, ptr, len, "the error");
      if (message) ops.addNonCriticalError(scope, job, message);
    },

    job_log(jobPtr: number, level: number, ptr: number, len: number): void {
      const job = jobAt("job_log", jobPtr);
      if (typeof job === "number") return;
      const message = bytes("job_log", job, ptr, len, "the message");
      if (message) ops.log(scope, job, "job_log", level, message);
    },
  };

  return { [IMPORT_MODULE]: functions as unknown as WebAssembly.ModuleImports };
}
