import { encodeUtf8 } from "../abi/codec.ts";
import { JsonNumber, parseExactJson, type ExactJson } from "../abi/json-exact.ts";
import { STATUS } from "../abi/status.ts";
import type { NativeJobContext } from "../jobs/native-context.ts";
import type { NativeExtensionDefinition, NativeInitApi, NativeJob } from "../jobs/native-extension.ts";
import { progressJson, type Progress } from "../jobs/native-progress.ts";
import {
  allOps,
  answerEcho,
  exportName,
  FOREIGN_LIBRARY_ID,
  messageBytes,
  programAbi,
  progressValue,
  wasmOnlyReason,
  ZERO_ID,
  type IdChoice,
  type JobProgram,
  type Message,
  type Op,
  type ProgramJob,
} from "./ir.ts";

const KEY = encodeUtf8("i=");

/** The u32 after the first "i=" in the bytes, wrapping like the guest's i32 arithmetic; 0 if absent. */
export function u32After(bytes: Uint8Array, key: Uint8Array = KEY): number {
  outer: for (let i = 0; i + key.length <= bytes.length; i++) {
    for (let j = 0; j < key.length; j++) if (bytes[i + j] !== key[j]) continue outer;
    let n = 0;
    for (let at = i + key.length; at < bytes.length; at++) {
      const digit = bytes[at]! - 48;
      if (digit < 0 || digit > 9) break;
      n = (Math.imul(n, 10) + digit) >>> 0;
    }
    return n;
  }
  return 0;
}

const arg = (message: Message) => (typeof message === "string" ? message : messageBytes(message));

/** A message op's message, as the guest passes it: empty at the end of memory (ir.ts, MemoryChoice `end`). */
const messageOf = (op: { readonly message: Message; readonly memory?: "grow" | "end" }) => (op.memory === "end" ? "" : arg(op.message));

function concat(prefix: string, data: Uint8Array): Uint8Array {
  const head = encodeUtf8(prefix);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

/** A JSON value as plain JS: integers written without fraction or exponent as bigints (exact u64s), other numbers as doubles. */
function plainJson(value: ExactJson): unknown {
  if (value instanceof JsonNumber) return /^-?(0|[1-9][0-9]*)$/.test(value.text) ? BigInt(value.text) : value.value;
  if (Array.isArray(value)) return value.map(plainJson);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainJson(item)]));
  return value;
}

/**
 * The value a native job hands ctx.progress for a progress_kind op's text. A native job reaches job_progress only
 * through ctx.progress(Progress), which sends progressJson(progress); so the native twin passes the object whose
 * progressJson is exactly the text the WASM guest passes, an invalid one built wrongly and cast, as a core job would
 * have to (the fixtures' twins do the same). Going around ctx to the host operation with raw text would need
 * NativeJobContext's private members; instead a text no object serializes to (not JSON, a key twice, a number not
 * written as JSON.stringify writes it, a bare number or string, which ctx.progress would take as a 1.0 fraction) is
 * refused here, at render time. The generator only writes progressJson's texts; not-JSON text is wasm-only
 * (wat-fixtures/wasm-only/progress-json).
 */
export function nativeProgress(text: string): Progress {
  let value: unknown;
  try {
    value = plainJson(parseExactJson(text));
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || progressJson(value as Progress) !== text) {
    throw new Error(`progress_kind ${JSON.stringify(text)}: no value serializes to this text, so a native job cannot pass it to ctx.progress`);
  }
  return value as Progress;
}

/** Signals an early `return` of the job from inside an op. */
class Return {
  constructor(readonly code: number) {}
}

/** What a job's progress_kind ops pass, by text: made once per rendering, not per run. */
type ProgressTable = ReadonlyMap<string, Progress>;

/**
 * The guest's memory as far as a program can observe it, per instance: the id its last run parsed from its context,
 * the id that was there when that run started, and the last child spawned on it (ir.ts, IdChoice). The WASM host
 * retires the instance a run trapped on and gives the next run a fresh one, with fresh memory and plugin_init again
 * (run.retire); the twin keeps the same account: a trap ends `live` if the run was on it, and the next run then
 * starts a fresh one and logs plugin_init's lines again.
 */
interface Instance {
  job: string;
  prev: string;
  child: string;
}

const freshInstance = (): Instance => ({ job: ZERO_ID, prev: ZERO_ID, child: ZERO_ID });

/** One loaded copy of the twin: its live instance (null once a run trapped and until the next run) and its init API. */
interface Guest {
  live: Instance | null;
  api: NativeInitApi | null;
}

/**
 * A context naming `id`, made from the job's own: the native analogue of a guest passing 16 id bytes it keeps in its
 * memory (wat-fixtures/hostile/forged-ids.native.ts does the same). A native job has no other way to name a job it
 * holds no context for; every call through it reaches the same host part as the guest's, with that id.
 */
function forged(ctx: NativeJobContext, id: string): NativeJobContext {
  if (id === ctx.id) return ctx;
  return Object.assign(Object.create(Object.getPrototypeOf(ctx) as object) as NativeJobContext, ctx, { id });
}

/** The context a call with `op.id` goes through. */
function contextFor(ctx: NativeJobContext, instance: Instance, id: IdChoice | undefined): NativeJobContext {
  switch (id) {
    case undefined:
      return ctx;
    case "child":
      return forged(ctx, instance.child);
    case "prev":
      return forged(ctx, instance.prev);
    case "zero":
      return forged(ctx, ZERO_ID);
    case "foreign":
      return forged(ctx, FOREIGN_LIBRARY_ID);
  }
}

/** checkpoint "i=<i>" through `on`; a non-zero status is logged as a warning of the job's own. */
function checkpoint(ctx: NativeJobContext, on: NativeJobContext, i: number): void {
  const status = on.checkpoint(`i=${i}`);
  if (status !== 0) ctx.log(2, `checkpoint status=${status}`);
}

function runOp(ctx: NativeJobContext, instance: Instance, job: ProgramJob, op: Op, i: number, inLoop: boolean, progress: ProgressTable): void {
  // Whose id the call passes; a spacedrive_log names none.
  const as = "id" in op && !(op.op === "log" && op.channel === "instance") ? contextFor(ctx, instance, op.id) : ctx;
  switch (op.op) {
    case "progress":
      as.progress(progressValue(op.value), messageOf(op));
      return;
    case "progress_step": {
      const next = (i + 1) >>> 0;
      as.progress(Math.fround(next) / Math.fround(job.steps), `${op.message} ${next}/${job.steps}`);
      return;
    }
    case "check":
      if (as.checkInterrupt() !== 0 && op.onInterrupt !== "continue") {
        if (op.onInterrupt === "checkpoint_return") checkpoint(ctx, ctx, i);
        throw new Return(1);
      }
      return;
    case "checkpoint":
      if (!inLoop || op.every <= 1 || ((i + 1) >>> 0) % op.every === 0) checkpoint(ctx, as, i);
      return;
    case "load_state": {
      const state = as.loadState();
      ctx.log(1, state === null ? "state=none" : concat("state=", state));
      return;
    }
    case "warning":
      as.addWarning(messageOf(op));
      return;
    case "error":
      as.addNonCriticalError(messageOf(op));
      return;
    case "log":
      if (op.channel === "job") as.log(op.level, messageOf(op));
      else ctx.instanceLog(op.level, messageOf(op));
      return;
    case "bytes":
      as.incrementBytes(BigInt.asIntN(64, BigInt(op.n)));
      return;
    case "items":
      as.incrementItems(BigInt.asIntN(64, BigInt(op.n)));
      return;
    case "spawn": {
      const child = as.spawnChild(op.type, op.params);
      if (child !== null) instance.child = child;
      ctx.log(1, child === null ? "child=none" : `child=16:${child.replace(/-/g, "")}`);
      return;
    }
    case "call": {
      const library = { none: null, job: ctx.libraryId, foreign: FOREIGN_LIBRARY_ID }[op.library];
      // An empty payload is the request {} (wire.payload).
      const answer = ctx.call(op.method, op.payload === "" ? {} : (JSON.parse(op.payload) as unknown), library);
      ctx.log(1, `answer=${answerEcho(answer)}`);
      return;
    }
    case "progress_kind":
      ctx.log(1, `progress_kind=${as.progress(progress.get(op.progress)!)}`);
      return;
    case "metrics_read": {
      const m = as.metrics();
      // A refused call answers null; the only refusal a native call can meet is NOT_RUNNING_JOB.
      ctx.log(1, m === null ? `metrics status=${STATUS.NOT_RUNNING_JOB}` : `metrics=${m.bytes_processed},${m.items_processed},${m.warnings_count},${m.non_critical_errors_count}`);
      return;
    }
    case "checkpoint_stateless": {
      const status = as.checkpoint();
      if (status !== 0) ctx.log(2, `checkpoint_stateless status=${status}`);
      return;
    }
    case "wait_children": {
      const children = as.waitForChildren();
      instance.job = ctx.id; // the guest parses its own id from its context again
      ctx.log(1, children === null ? "wait=none" : `wait=${JSON.stringify(children.map((child) => ({ job_id: child.id, status: child.status })))}`);
      return;
    }
    case "raw":
      throw new Error(`raw ${op.import}: no native call makes it (ir.ts, wasmOnlyReason)`);
  }
}

function nativeJob(job: ProgramJob, progress: ProgressTable, guest: Guest, program: JobProgram): NativeJob {
  return (ctx, state) => {
    if (guest.live === null) {
      // A fresh instance: plugin_init runs again, its registrations silent (init.reinit), its lines logged again.
      guest.live = freshInstance();
      for (const op of program.init ?? []) if (op.op === "log") guest.api!.log(op.level, op.message);
    }
    const instance = guest.live;
    // Only this run's own instance is retired by its trap: a parent ending on an instance a child retired leaves the
    // fresh one a later child made live (run.retire).
    const retire = () => {
      if (guest.live === instance) guest.live = null;
    };
    instance.prev = instance.job;
    instance.job = ctx.id;
    let i = state.length > 0 ? u32After(state) : 0;
    try {
      for (const op of job.before) runOp(ctx, instance, job, op, i, false, progress);
      while (i < job.steps) {
        for (const op of job.body) runOp(ctx, instance, job, op, i, true, progress);
        i = (i + 1) >>> 0;
      }
      for (const op of job.after) runOp(ctx, instance, job, op, i, false, progress);
    } catch (signal) {
      if (signal instanceof Return) return signal.code;
      retire();
      throw signal;
    }
    if (job.end.kind === "trap") {
      retire();
      throw new Error("unreachable");
    }
    return job.end.code;
  };
}

/** plugin_init's registrations and lines (ir.ts, InitOp), after the jobs'; as render-wasm.ts's initOps. */
function runInit(api: NativeInitApi, program: JobProgram): number {
  let status = program.jobs.reduce((result, job) => result | api.registerJob(job.name, exportName(job), true), 0);
  for (const op of program.init ?? []) {
    if (op.op === "log") api.log(op.level, op.message);
    else api.log(1, `register=${api.registerJob(op.name as string, op.export, true)}`);
  }
  return status;
}

/**
 * The program as a native extension: the same calls, in the same order, through the native JobContext API. A
 * program with an ABI 1.1 op declares abiVersion 1.1, as its guest exports the 1.1 marker. A WASM-only program
 * (ir.ts, wasmOnlyReason: a raw call no native job can make, registrations that plugin_init meets again after a
 * trap) has no twin: renderNative throws, naming why.
 */
export function renderNative(program: JobProgram): NativeExtensionDefinition {
  const reason = wasmOnlyReason(program);
  if (reason !== null) throw new Error(`the program is WASM-only (${reason}): it has no native twin`);
  const progress = new Map<string, Progress>();
  for (const op of allOps(program)) if (op.op === "progress_kind" && !progress.has(op.progress)) progress.set(op.progress, nativeProgress(op.progress));
  const guest: Guest = { live: null, api: null };
  const cleanup = program.cleanup;
  return {
    ...(programAbi(program) === "1.1" ? { abiVersion: "1.1" } : {}),
    init: (api) => {
      guest.live = freshInstance();
      guest.api = api;
      return runInit(api, program);
    },
    ...(cleanup === undefined
      ? {}
      : {
          // plugin_cleanup runs on the live instance only: after a trap with no run since, there is none (run.cleanup).
          cleanup: (api: NativeInitApi) => {
            if (guest.live !== null) for (const line of cleanup) api.log(line.level, line.message);
            return 0;
          },
        }),
    jobs: Object.fromEntries(program.jobs.map((job) => [exportName(job), nativeJob(job, progress, guest, program)])),
  };
}
