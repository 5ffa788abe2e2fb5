import { encodeUtf8 } from "../abi/codec.ts";
import { JsonNumber, parseExactJson, type ExactJson } from "../abi/json-exact.ts";
import { STATUS } from "../abi/status.ts";
import type { NativeJobContext } from "../jobs/native-context.ts";
import type { NativeExtensionDefinition, NativeJob } from "../jobs/native-extension.ts";
import { progressJson, type Progress } from "../jobs/native-progress.ts";
import { exportName, FOREIGN_LIBRARY_ID, messageBytes, programAbi, progressValue, type JobProgram, type Message, type Op, type ProgramJob } from "./ir.ts";

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

function runOp(ctx: NativeJobContext, job: ProgramJob, op: Op, i: number, inLoop: boolean, progress: ProgressTable): void {
  const checkpoint = () => {
    const status = ctx.checkpoint(`i=${i}`);
    if (status !== 0) ctx.log(2, `checkpoint status=${status}`);
  };
  switch (op.op) {
    case "progress":
      ctx.progress(progressValue(op.value), arg(op.message));
      return;
    case "progress_step": {
      const next = (i + 1) >>> 0;
      ctx.progress(Math.fround(next) / Math.fround(job.steps), `${op.message} ${next}/${job.steps}`);
      return;
    }
    case "check":
      if (ctx.checkInterrupt() !== 0 && op.onInterrupt !== "continue") {
        if (op.onInterrupt === "checkpoint_return") checkpoint();
        throw new Return(1);
      }
      return;
    case "checkpoint":
      if (!inLoop || op.every <= 1 || ((i + 1) >>> 0) % op.every === 0) checkpoint();
      return;
    case "load_state": {
      const state = ctx.loadState();
      ctx.log(1, state === null ? "state=none" : concat("state=", state));
      return;
    }
    case "warning":
      ctx.addWarning(arg(op.message));
      return;
    case "error":
      ctx.addNonCriticalError(arg(op.message));
      return;
    case "log":
      if (op.channel === "job") ctx.log(op.level, arg(op.message));
      else ctx.instanceLog(op.level, arg(op.message));
      return;
    case "bytes":
      ctx.incrementBytes(BigInt.asIntN(64, BigInt(op.n)));
      return;
    case "items":
      ctx.incrementItems(BigInt.asIntN(64, BigInt(op.n)));
      return;
    case "spawn": {
      const child = ctx.spawnChild(op.type, op.params);
      ctx.log(1, child === null ? "child=none" : `child=16:${child.replace(/-/g, "")}`);
      return;
    }
    case "call": {
      const library = { none: null, job: ctx.libraryId, foreign: FOREIGN_LIBRARY_ID }[op.library];
      const answer = ctx.call(op.method, JSON.parse(op.payload) as unknown, library);
      ctx.log(1, `answer=${JSON.stringify(answer)}`);
      return;
    }
    case "progress_kind":
      ctx.log(1, `progress_kind=${ctx.progress(progress.get(op.progress)!)}`);
      return;
    case "metrics_read": {
      const m = ctx.metrics();
      // A refused call answers null; the only refusal a native call can meet is NOT_RUNNING_JOB.
      ctx.log(1, m === null ? `metrics status=${STATUS.NOT_RUNNING_JOB}` : `metrics=${m.bytes_processed},${m.items_processed},${m.warnings_count},${m.non_critical_errors_count}`);
      return;
    }
    case "checkpoint_stateless": {
      const status = ctx.checkpoint();
      if (status !== 0) ctx.log(2, `checkpoint_stateless status=${status}`);
      return;
    }
    case "wait_children": {
      const children = ctx.waitForChildren();
      ctx.log(1, children === null ? "wait=none" : `wait=${JSON.stringify(children.map((child) => ({ job_id: child.id, status: child.status })))}`);
      return;
    }
  }
}

function nativeJob(job: ProgramJob, progress: ProgressTable): NativeJob {
  return (ctx, state) => {
    let i = state.length > 0 ? u32After(state) : 0;
    try {
      for (const op of job.before) runOp(ctx, job, op, i, false, progress);
      while (i < job.steps) {
        for (const op of job.body) runOp(ctx, job, op, i, true, progress);
        i = (i + 1) >>> 0;
      }
      for (const op of job.after) runOp(ctx, job, op, i, false, progress);
    } catch (signal) {
      if (signal instanceof Return) return signal.code;
      throw signal;
    }
    if (job.end.kind === "trap") throw new Error("unreachable");
    return job.end.code;
  };
}

/**
 * The program as a native extension: the same calls, in the same order, through the native JobContext API. A
 * program with an ABI 1.1 op declares abiVersion 1.1, as its guest exports the 1.1 marker.
 */
export function renderNative(program: JobProgram): NativeExtensionDefinition {
  const progress = new Map<string, Progress>();
  for (const job of program.jobs) {
    for (const op of [...job.before, ...job.body, ...job.after]) if (op.op === "progress_kind" && !progress.has(op.progress)) progress.set(op.progress, nativeProgress(op.progress));
  }
  return {
    ...(programAbi(program) === "1.1" ? { abiVersion: "1.1" } : {}),
    init: (api) => program.jobs.reduce((status, job) => status | api.registerJob(job.name, exportName(job), true), 0),
    jobs: Object.fromEntries(program.jobs.map((job) => [exportName(job), nativeJob(job, progress)])),
  };
}
