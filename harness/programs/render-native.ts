import { encodeUtf8 } from "../abi/codec.ts";
import type { NativeJobContext } from "../jobs/native-context.ts";
import type { NativeExtensionDefinition, NativeJob } from "../jobs/native-extension.ts";
import { exportName, FOREIGN_LIBRARY_ID, messageBytes, progressValue, type JobProgram, type Message, type Op, type ProgramJob } from "./ir.ts";

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

/** Signals an early `return` of the job from inside an op. */
class Return {
  constructor(readonly code: number) {}
}

function runOp(ctx: NativeJobContext, job: ProgramJob, op: Op, i: number, inLoop: boolean): void {
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
  }
}

function nativeJob(job: ProgramJob): NativeJob {
  return (ctx, state) => {
    let i = state.length > 0 ? u32After(state) : 0;
    try {
      for (const op of job.before) runOp(ctx, job, op, i, false);
      while (i < job.steps) {
        for (const op of job.body) runOp(ctx, job, op, i, true);
        i = (i + 1) >>> 0;
      }
      for (const op of job.after) runOp(ctx, job, op, i, false);
    } catch (signal) {
      if (signal instanceof Return) return signal.code;
      throw signal;
    }
    if (job.end.kind === "trap") throw new Error("unreachable");
    return job.end.code;
  };
}

/** The program as a native extension: the same calls, in the same order, through the native JobContext API. */
export function renderNative(program: JobProgram): NativeExtensionDefinition {
  return {
    init: (api) => program.jobs.reduce((status, job) => status | api.registerJob(job.name, exportName(job), true), 0),
    jobs: Object.fromEntries(program.jobs.map((job) => [exportName(job), nativeJob(job)])),
  };
}
