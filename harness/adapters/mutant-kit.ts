import { bytesToTraceText, decodeUtf8, encodeUtf8, asU64, u64FromWords } from "../abi/codec.ts";
import type { CapabilityId } from "../abi/capabilities.ts";
import type { ImportName } from "../abi/imports.ts";
import { messageString, type GuestMemory } from "../abi/memory.ts";
import type { WasmEngine } from "../engine/engine.ts";
import type { JobExecutor, RunOutcome } from "../host/extension.ts";
import type { ReferenceHost } from "../host/host.ts";
import type { InterruptAction } from "../host/interrupts.ts";
import type { JobRecord } from "../host/job.ts";
import { argBytes, type OperationDeps } from "../host/operations.ts";
import { about, ARG, overLimit } from "../abi/arguments.ts";
import type { LinkProblem } from "../engine/errors.ts";
import type { ModuleInterface } from "../engine/sections.ts";
import type { CaseRequest, CaseResponse } from "./types.ts";

/**
 * Mutant hosts: the reference host with one realistic bug planted, each run through the same adapter path as any
 * host (`MutantAdapter`, `runGate`). A mutant the fixtures do not catch is a hole in the suite. This module holds
 * what a mutant is and the helpers the catalogues (mutants.ts, mutants-clauses.ts) plant bugs with.
 */

/** What one case's mutant run can reach besides the host. */
export interface MutantRun {
  /** The guest memory the boundary last read or wrote (the running instance's); null before the first access. */
  readonly memory: () => GuestMemory | null;
}

/** Changes to guest-memory access at the boundary: each gets the correct operation and may call it or not. */
export interface MemoryMutation {
  readonly slice?: (original: (ptr: number, len: number) => Uint8Array | null, ptr: number, len: number) => Uint8Array | null;
  /** A message read in place (GuestMemory.range): null refuses it as out of bounds. */
  readonly range?: <R>(original: (ptr: number, len: number) => R | null, ptr: number, len: number) => R | null;
  readonly write?: (original: (ptr: number, data: Uint8Array) => boolean, ptr: number, data: Uint8Array) => boolean;
}

/** The bug, as one case's run plants it. */
export interface MutantParts {
  /** Changes the host's parts before anything runs (RunOptions.patchHost). */
  readonly patchHost?: (host: ReferenceHost) => void;
  /** Replaces host functions at the WASM boundary (RunOptions.wrapImports). */
  readonly wrapImports?: (functions: WebAssembly.ModuleImports) => WebAssembly.ModuleImports;
  /** Guest-memory access (no RunOptions seam: the adapter patches GuestMemory while the case runs). */
  readonly memory?: MemoryMutation;
  /**
   * A change to a harness class no RunOptions seam reaches (the WASM instance's lifecycle). Installed just before the
   * case runs and undone by the returned function right after: a reference case runs synchronously, so nothing else
   * runs in between.
   */
  readonly patchProcess?: () => () => void;
  /** How the host loads guests: the engine as it sees it (instances whose exports it calls differently), its ABI versions, its link check. */
  readonly load?: {
    readonly engine?: (engine: WasmEngine) => WasmEngine;
    readonly abiVersions?: readonly string[];
    readonly linkCheck?: (iface: ModuleInterface) => LinkProblem[];
  };
  /** How the host reads the request it was sent (its guest bytes, its scenario). */
  readonly patchRequest?: (request: CaseRequest) => CaseRequest;
  /** What the host answers, rewritten (load error codes, how a result is written). */
  readonly patchResponse?: (response: CaseResponse, request: CaseRequest) => CaseResponse;
  /**
   * Asked once the case ran: why the host this mutant models could not have run the case to its end at all (a host
   * modelled from its sources, where the model answers what the real host never gets to), or null when it could.
   */
  readonly cannotRun?: () => CannotRun | null;
}

/** A case the modelled host cannot run to its end, and why (with the source line). */
export interface CannotRun {
  readonly reason: string;
  /**
   * true: the host never runs the job, so only a case that expects a job result depends on it (a case that expects a
   * load error is decided by the load, which does happen); false: the host never gets past loading the guest.
   */
  readonly atDispatch: boolean;
}

export interface Mutant {
  readonly name: string;
  /** One line: the bug, as a host author would have written it. */
  readonly description: string;
  /** The clause of the specification the bug breaks (harness/abi/clauses.ts); a case citing it must catch it. */
  readonly clause?: string;
  /** Imports this host does not have: a guest importing any of them fails to load (JP_LINK), as under Wasmer. */
  readonly missingImports?: readonly ImportName[];
  /** Capabilities its handshake claims (default: all twelve). */
  readonly claims?: readonly CapabilityId[];
  /** Plants the bug for one case; per-run state lives in the closure (state kept across cases, on the mutant). */
  plant(run: MutantRun): MutantParts;
  /** Forgets what the mutant kept across cases: called when a host of it starts. */
  reset?(): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Reaching into the reference host. Most mutants patch public instance methods and fields (host.ops.*, host.store.*,
// host.interrupts.*, host.registry.*). A few need parts that are TypeScript-private (plain fields at run time): the
// job table's executors and the operations' dependencies (spawn, resolveType). These are the seams to add if the host
// is ever made stricter.
// ---------------------------------------------------------------------------------------------------------------

export interface HostInternals {
  readonly executors: Map<string, JobExecutor>;
}

export function operationDeps(host: ReferenceHost): { deps: OperationDeps } {
  return host.ops as unknown as { deps: OperationDeps };
}

/** Replaces dependencies of the shared job operations (job_spawn_child's spawn and type lookup). */
export function patchDeps(host: ReferenceHost, patch: (deps: OperationDeps) => Partial<OperationDeps>): void {
  const ops = operationDeps(host);
  ops.deps = { ...ops.deps, ...patch(ops.deps) };
}

/** Wraps every job executor the host registers from now on: what a job run gets and what its end means. */
export function wrapRuns(host: ReferenceHost, wrap: (job: JobRecord, state: Uint8Array | null, run: JobExecutor["run"]) => RunOutcome): void {
  const executors = (host as unknown as HostInternals).executors;
  const set = executors.set.bind(executors);
  executors.set = (id, executor) => set(id, { kind: executor.kind, run: (job, state) => wrap(job, state, (j, s) => executor.run(j, s)) });
}

export type HostFn<A extends unknown[], R> = (...args: A) => R;
export const importFn = <A extends unknown[], R>(fns: WebAssembly.ModuleImports, name: ImportName) => fns[name] as unknown as HostFn<A, R>;
export const asImport = (fn: (...args: never[]) => unknown) => fn as unknown as WebAssembly.ImportValue;

export type JobPtr = number;

/** The progress operation with a planted change to the value or the message (both default to the correct ones). */
export function progressWith(host: ReferenceHost, value: (raw: number) => number, message: (text: string) => string = (text) => text): void {
  host.ops.reportProgress = (scope, job, raw, arg) => {
    if (Number.isNaN(raw)) {
      host.ops.refuse(scope, job, "job_report_progress", "BAD_ARGUMENT", about(ARG.progress), "progress is NaN");
      return;
    }
    const text = host.ops.text(scope, job, "job_report_progress", arg, ARG.progressMessage);
    if (text === null) return;
    job.trace.record({ kind: "progress", job: job.id, value: value(raw), message: message(messageString(text)) });
  };
}

export const clampF32 = (value: number) => Math.fround(Math.min(1, Math.max(0, value)));

/** The shortest decimal that reads back as this f32 (what ryu / serde_json write for an f32). */
export function f32Text(value: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(value);
}

/** Per job: what the settle step must not discard (a planted bug in when checkpoints are dropped). */
export function keepCheckpointWhen(host: ReferenceHost, keep: (job: JobRecord, code: number, pending: InterruptAction | null) => boolean): void {
  const kept = new Set<string>();
  wrapRuns(host, (job, state, run) => {
    const outcome = run(job, state);
    if (outcome.kind === "returned" && keep(job, outcome.code, host.interrupts.pending(job.id))) kept.add(job.id);
    return outcome;
  });
  const discard = host.store.discard.bind(host.store);
  host.store.discard = (jobId) => {
    if (kept.delete(jobId)) return;
    discard(jobId);
  };
}

export const lossyUtf8 = new TextDecoder("utf-8");

/** The reference host's text decoding with a planted change: how bytes become text and how size is measured. */
export function textWith(host: ReferenceHost, options: { decode?: (bytes: Uint8Array) => string | null; sizeAfterDecoding?: boolean; utf8BeforeSize?: boolean }): void {
  const decode = options.decode ?? decodeUtf8;
  const limit = host.limits.maxMessageBytes;
  host.ops.text = (scope, job, name, arg, argument) => {
    if (options.utf8BeforeSize && typeof arg !== "string" && decode(argBytes(arg)) === null) {
      host.ops.refuse(scope, job, name, "BAD_ARGUMENT", about(argument), `${argument.what} is not valid UTF-8`);
      return null;
    }
    if (options.sizeAfterDecoding) {
      const text = typeof arg === "string" ? arg : decode(argBytes(arg));
      if (text === null) {
        host.ops.refuse(scope, job, name, "BAD_ARGUMENT", about(argument), `${argument.what} is not valid UTF-8`);
        return null;
      }
      if (text.length > limit) {
        host.ops.refuse(scope, job, name, "LIMIT_EXCEEDED", overLimit("maxMessageBytes", argument, text.length), `${argument.what} is ${text.length} characters; the limit is ${limit}`);
        return null;
      }
      return text;
    }
    const size = typeof arg === "string" ? encodeUtf8(arg).byteLength : argBytes(arg).byteLength;
    if (size > limit) {
      host.ops.refuse(scope, job, name, "LIMIT_EXCEEDED", overLimit("maxMessageBytes", argument, size), `${argument.what} is ${size} bytes; the limit is ${limit}`);
      return null;
    }
    if (typeof arg === "string") return arg;
    const text = decode(argBytes(arg));
    if (text === null) host.ops.refuse(scope, job, name, "BAD_ARGUMENT", about(argument), `${argument.what} is not valid UTF-8`);
    return text;
  };
  host.ops.name = (scope, job, name, arg, argument) => {
    if (typeof arg === "string") return arg;
    const text = decode(argBytes(arg));
    if (text === null) host.ops.refuse(scope, job, name, "BAD_ARGUMENT", about(argument), `${argument.what} is not valid UTF-8`);
    return text;
  };
}

/**
 * Replaces the host's increment with one that computes the event's delta and total from the i64 the guest passed (a
 * planted change to how the argument becomes the new total), call by call.
 */
export function incrementWith(host: ReferenceHost, next: (total: bigint, delta: bigint) => { delta: bigint; total: bigint }): void {
  host.ops.increment = (job, field, low, high, times = 1) => {
    for (let call = 0; call < times; call++) {
      const raw = BigInt.asIntN(64, u64FromWords(low, high));
      const { delta, total } = next(job.metrics[field], raw);
      job.metrics[field] = asU64(total); // a signed total is kept as its bits: metrics hold u64s
      job.trace.record({ kind: "metrics", job: job.id, field, delta, total });
    }
  };
}

/** Host-to-guest answers (spacedrive_call, job_load_state, job_spawn_child) with their u32 prefix rewritten. */
export const FRAMED_IMPORTS = ["spacedrive_call", "job_load_state", "job_spawn_child"] as const satisfies readonly ImportName[];

