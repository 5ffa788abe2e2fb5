// One conformance case: one guest's life (docs/ABI.md "The model"). It instantiates the guest, runs plugin_init,
// creates the root job, drives it and every job it leads to in the ABI's order, calls plugin_cleanup and writes the
// result (PROTOCOL.md "result").
//
// Guest code runs inside "frames", a stack: a run of a job, plugin_init or plugin_cleanup. The top frame is what is
// running now; its job (if any) is "the job running on the calling instance" (call.running-job). Children driven by
// job_wait_for_children push their frames above their parent's (child.wait), which is why this is a stack.

import { DEFAULT_LIMITS, JOB_EXPORT_TYPE, LoadError, STATUS } from './abi.mjs';
import { newUuid, uuidToBytes, utf8Bytes, inMemory, writeBytes, traceText } from './bytes.mjs';
import { typeOfFunction, sameType, EXPORT_KIND } from './wasm-reader.mjs';
import { TICK_TABLE_EXPORT } from './instrument.mjs';
import { Libraries, Wire } from './wire.mjs';
import { makeImports } from './imports.mjs';

const U64_MAX = 2n ** 64n - 1n;

// The one function every instrumented guest's check calls (instrument.mjs): it asks the case that runs now. A tiny
// wasm module wraps it, since only a wasm function can be put into a funcref table.
let activeCase = null;
const TICK_HELPER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
  0x02, 0x0a, 0x01, 0x01, 0x68, 0x04, 0x74, 0x69, 0x63, 0x6b, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x08, 0x01, 0x04, 0x74, 0x69, 0x63, 0x6b, 0x00, 0x01,
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b,
]);
const tick = new WebAssembly.Instance(new WebAssembly.Module(TICK_HELPER), {
  h: { tick: () => (activeCase ? activeCase.tick() : 0) },
}).exports.tick;

/** A trap of guest code (run.trap): a wasm RuntimeError, or a stack overflow. */
const isTrap = (e) => e instanceof WebAssembly.RuntimeError || e instanceof RangeError;

export class CaseRun {
  constructor(loaded, scenario) {
    this.m = loaded.module;
    this.compiled = loaded.compiled;
    this.scenario = scenario;
    this.limits = { ...DEFAULT_LIMITS, ...(scenario.limits ?? {}) }; // scenario.limits
    this.extensionTrace = [];
    this.jobs = [];
    this.registrations = new Map(); // name -> {name, export, resumable}
    this.libraries = new Libraries(scenario.libraries ?? []);
    this.wire = new Wire(scenario, this.libraries);
    this.frames = [];
    this.live = null; // the instance the next run gets, unless it is retired (run.retire, run.reuse)
    this.instances = 0;
    this.storeSaves = 0; // scenario.store-failures counts the case's checkpoints that reach the store
    this.storeFailures = new Set(scenario.storeFailures ?? []);
    this.treeStateBytes = 0; // child.tree: initial states and current checkpoints
    this.queued = 0; // child.tree: jobs spawned that have not started
    this.interrupts = scenario.interrupts ?? [];
  }

  // ---- recording -------------------------------------------------------------------------------------------------

  /** Appends an event to the job's trace, or to the extension trace when job is null. */
  record(job, event) {
    const full = { kind: event.kind, job: job ? job.id : null, ...event };
    (job ? job.trace : this.extensionTrace).push(full);
  }

  /** call.refusal, call.refusal-trace: one abi_violation in the running job's trace (or the extension's). */
  refuse(importName, code, arg = null, limit = null, size = null, detail = '') {
    this.record(this.runningJob(), {
      kind: 'abi_violation', import: importName, code, arg, limit, size, detail: detail || `${importName}: ${code}`,
    });
    this.lastCode = STATUS[code]; // what a status call answers (call.refusal)
    return this.lastCode;
  }

  // ---- frames, clocks and host calls -------------------------------------------------------------------------------

  get top() {
    return this.frames[this.frames.length - 1] ?? null;
  }

  /** call.running-job: the job whose run is the innermost guest code running now; null in plugin_init/cleanup. */
  runningJob() {
    const f = this.top;
    return f && f.kind === 'run' ? f.job : null;
  }

  pushFrame(kind, instance, job = null) {
    const now = performance.now();
    const frame = {
      kind, instance, job, start: now, stallBase: now, calls: 0, callsAtTick: 0, checks: 0, pending: 0,
      stopped: false, plans: [],
    };
    if (job) {
      // interrupt.plans: the plans for this job (by creation index) and this run; interrupt.per-run.
      const run = job.runs - 1;
      frame.plans = this.interrupts.filter((p) => (p.job ?? 0) === job.index && (p.run ?? 0) === run);
    }
    this.frames.push(frame);
    return frame;
  }

  /**
   * Called by the instrumented guest every CHECK_EVERY function or loop entries. run.timeout: the frame's wall clock;
   * run.stall: time in guest code with no host call. A host may stop later than a limit, never before it: the stall
   * clock restarts when a call returns (endCall) and at a tick that sees calls made since the one before.
   */
  tick() {
    const f = this.top;
    if (!f) return 0;
    const now = performance.now();
    const { runTimeoutMs, stallTimeoutMs } = this.limits;
    if (runTimeoutMs > 0 && now - f.start > runTimeoutMs) { f.stopped = true; return 1; }
    if (stallTimeoutMs > 0) {
      if (f.calls !== f.callsAtTick) { f.callsAtTick = f.calls; f.stallBase = Math.max(f.stallBase, now); }
      else if (now - f.stallBase > stallTimeoutMs) { f.stopped = true; return 1; }
    }
    return 0;
  }

  /** call.count: every import call made while a job's run is in progress counts for it; atCall plans fall due. */
  beginCall() {
    const f = this.top;
    if (!f) return null;
    f.calls++;
    if (f.kind === 'run') for (const p of f.plans) if (p.atCall === f.calls) this.request(f, p.action);
    return f;
  }

  endCall(frame) {
    if (frame) frame.stallBase = performance.now(); // run.stall: the clock restarts when a call returns
  }

  /** interrupt.first-wins: a pending request is never replaced. */
  request(frame, action) {
    if (frame.pending === 0) frame.pending = action === 'cancel' ? 2 : 1;
  }

  /** interrupt.plans (atCheck), interrupt.level-triggered: the answer to a check that names the running job. */
  check(frame) {
    frame.checks++;
    for (const p of frame.plans) if (p.atCheck === frame.checks) this.request(frame, p.action);
    return frame.pending;
  }

  // ---- instances ---------------------------------------------------------------------------------------------------

  /** Instantiates the guest; the instance's imports are bound to it (each call reads its own memory). */
  instantiate() {
    const inst = { retired: false, exports: null, memory: null, first: this.instances === 0 };
    this.instances++;
    const wasm = new WebAssembly.Instance(this.compiled, { spacedrive: makeImports(this, inst) });
    inst.exports = wasm.exports;
    inst.memory = wasm.exports.memory;
    wasm.exports[TICK_TABLE_EXPORT].set(0, tick);
    return inst;
  }

  retire(inst) {
    inst.retired = true;
    if (this.live === inst) this.live = null;
  }

  /**
   * init.once-per-instance, init.result, init.trap, init.time-limit: runs plugin_init (if exported) on a new instance
   * under its own clocks. Answers null on success, else why it failed.
   */
  initialize(inst) {
    const init = inst.exports.plugin_init;
    if (!init) return null;
    const frame = this.pushFrame('init', inst);
    try {
      const r = init();
      if (r !== 0) {
        this.retire(inst); // an instance whose plugin_init failed is not given a run
        return `plugin_init returned ${r}`;
      }
      return null;
    } catch (e) {
      if (!isTrap(e)) throw e;
      this.retire(inst);
      return frame.stopped ? 'plugin_init ran past its time limit' : `plugin_init trapped: ${e.message}`;
    } finally {
      this.frames.pop();
    }
  }

  /** run.retire: a fresh instance for a run after the last one trapped or was stopped (init.reinit). */
  freshInstance() {
    let inst;
    try {
      inst = this.instantiate();
    } catch (e) {
      return { error: `instantiation failed: ${e.message}` };
    }
    const error = this.initialize(inst);
    if (error) return { error };
    this.live = inst;
    return { inst };
  }

  // ---- jobs --------------------------------------------------------------------------------------------------------

  /** run.lifecycle: a job is created Queued. */
  createJob(type, exportName, parent, initialState) {
    const id = newUuid();
    const job = {
      id, idBytes: uuidToBytes(id), index: this.jobs.length, type, export: exportName, parent,
      depth: parent ? parent.depth + 1 : 0, status: 'Queued', runs: 0, exitCodes: [],
      bytes: 0n, items: 0n, warnings: 0, nonCriticalErrors: 0, keptLines: 0,
      droppedLogLines: 0, droppedWarnings: 0, initialState: initialState && initialState.length ? initialState : null,
      initialLength: initialState ? initialState.length : 0, checkpoint: null, children: [], trace: [], error: null,
    };
    this.jobs.push(job);
    this.treeStateBytes += job.initialLength; // child.tree: an initial state counts for as long as the tree lasts
    if (parent) {
      parent.children.push(job);
      this.queued++;
    }
    this.record(job, { kind: 'status', status: 'Queued' });
    return job;
  }

  /** checkpoint.save / checkpoint.stateless / checkpoint.kept: replaces the job's checkpoint (child.tree counts it). */
  setCheckpoint(job, bytes) {
    this.treeStateBytes += (bytes ? bytes.length : 0) - (job.checkpoint ? job.checkpoint.length : 0);
    job.checkpoint = bytes;
  }

  /** metrics.increment, metrics.saturate. */
  increment(job, field, n) {
    const total = job[field] + n;
    job[field] = total > U64_MAX ? U64_MAX : total;
    return job[field];
  }

  /** dispatch.job-type: the root's type and export, or JP_UNKNOWN_JOB. */
  resolveRoot(name) {
    const reg = this.registrations.get(name);
    if (reg) return { type: reg.name, exportName: reg.export };
    for (const r of this.registrations.values()) if (r.export === name) return { type: r.name, exportName: r.export };
    const e = this.m.exports.find((x) => x.name === name && x.kind === EXPORT_KIND.FUNC);
    if (e && sameType(typeOfFunction(this.m, e.index), JOB_EXPORT_TYPE)) return { type: name, exportName: name };
    throw new LoadError('JP_UNKNOWN_JOB', `the guest has no job ${JSON.stringify(name)}`);
  }

  /** child.order: a job to its end: a run, the children it queued, then resumes (run.resume). */
  drive(job) {
    for (;;) {
      this.runOnce(job);
      this.runQueuedChildren(job);
      if (job.status === 'Paused' && this.scenario.resume && job.runs < this.limits.maxRunsPerJob) continue;
      return;
    }
  }

  /** child.order, child.wait: the job's children that have not started, in spawn order, each to its end. */
  runQueuedChildren(job) {
    for (let i = 0; i < job.children.length; i++) {
      const child = job.children[i];
      if (child.status === 'Queued' && child.runs === 0) this.drive(child);
    }
  }

  /** dispatch.context, dispatch.alloc-failure: wasm_alloc for the context or state; null when it failed. */
  dispatchAlloc(inst, job, bytes) {
    const ptr = inst.exports.wasm_alloc(bytes.length) >>> 0; // a trap here is the run's (dispatch.alloc-trap)
    if (ptr === 0 || !inMemory(inst.memory, ptr, bytes.length)) {
      this.record(job, {
        kind: 'abi_violation', import: job.export, code: 'ALLOCATION_FAILED', arg: null, limit: null,
        size: bytes.length, detail: `wasm_alloc(${bytes.length}) answered ${ptr}`,
      });
      return null;
    }
    writeBytes(inst.memory, ptr, bytes);
    return ptr;
  }

  /** One run of a job (run.lifecycle), on the live instance or a fresh one (run.retire, run.reuse). */
  runOnce(job) {
    if (job.runs === 0 && job.parent) this.queued--;
    job.runs++;
    job.status = 'Running';
    this.record(job, { kind: 'status', status: 'Running' });
    let inst = this.live;
    if (!inst) {
      const fresh = this.freshInstance();
      // run.retire: a plugin_init that fails on the fresh instance fails the run with end cause trap.
      if (fresh.error) return this.end(job, 'Failed', { cause: 'trap' }, fresh.error);
      inst = fresh.inst;
    }
    const frame = this.pushFrame('run', inst, job); // run.timeout: the clock starts before the context is passed
    let outcome;
    try {
      const ctx = utf8Bytes(`{"job_id":"${job.id}","library_id":"${this.libraries.default.id}"}`);
      const ctxPtr = this.dispatchAlloc(inst, job, ctx);
      // dispatch.state: the checkpoint, or the initial state when there is none; dispatch.no-state: empty is (0, 0).
      const state = job.checkpoint ?? job.initialState;
      let statePtr = 0;
      if (ctxPtr !== null && state && state.length) statePtr = this.dispatchAlloc(inst, job, state);
      if (ctxPtr === null || statePtr === null) {
        outcome = ['Failed', { cause: 'trap' }, 'wasm_alloc failed while passing the context or state'];
      } else {
        const code = inst.exports[job.export](ctxPtr, ctx.length, statePtr, state && state.length ? state.length : 0);
        outcome = this.returned(job, frame, code);
      }
    } catch (e) {
      if (!isTrap(e)) {
        process.stderr.write(`independent-host: host error during a run: ${e.stack}\n`);
      }
      this.retire(frame.instance); // run.retire
      outcome = frame.stopped
        ? ['Failed', { cause: 'timeout' }, 'the run passed its time limit'] // run.timeout, run.stall
        : ['Failed', { cause: 'trap' }, String(e.message)]; // run.trap
    } finally {
      this.frames.pop();
    }
    this.end(job, ...outcome);
  }

  /** run.returned, run.bad-return. */
  returned(job, frame, code) {
    job.exitCodes.push(code);
    const end = { cause: 'returned', code };
    if (code === 0) return ['Completed', end, null];
    if (code === 1) return [frame.pending === 2 ? 'Cancelled' : 'Paused', end, null];
    if (code === 2) return ['Failed', end, null];
    this.record(job, {
      kind: 'abi_violation', import: job.export, code: 'BAD_RETURN', arg: null, limit: null, size: null,
      detail: `the job returned ${code}`,
    });
    return ['Failed', end, `the job returned ${code}`];
  }

  end(job, status, end, error) {
    job.status = status;
    if (error) job.error = error;
    // checkpoint.kept: discarded when the job completes or is cancelled; kept when it pauses or fails.
    if (status === 'Completed' || status === 'Cancelled') this.setCheckpoint(job, null);
    this.record(job, { kind: 'status', status, end });
  }

  /** run.cleanup: plugin_cleanup once on the live instance, under runTimeoutMs; result and traps ignored. */
  cleanup() {
    const inst = this.live;
    if (!inst || !inst.exports.plugin_cleanup) return;
    this.pushFrame('cleanup', inst);
    try {
      inst.exports.plugin_cleanup();
    } catch (e) {
      if (!isTrap(e)) process.stderr.write(`independent-host: host error in cleanup: ${e.stack}\n`);
    } finally {
      this.frames.pop();
    }
  }

  // ---- the case ----------------------------------------------------------------------------------------------------

  /** Runs the case; answers a WireResult or throws a LoadError (link.order's last three steps). */
  execute() {
    activeCase = this;
    try {
      let inst;
      try {
        inst = this.instantiate();
      } catch (e) {
        throw new LoadError('JP_INIT_FAILED', `instantiation failed: ${e.message}`); // link.instantiation-trap
      }
      const error = this.initialize(inst);
      if (error) throw new LoadError('JP_INIT_FAILED', error); // init.result, init.trap, init.time-limit
      this.live = inst;
      const { type, exportName } = this.resolveRoot(this.scenario.job);
      const root = this.createJob(type, exportName, null, scenarioState(this.scenario.state));
      this.drive(root);
      this.cleanup();
      return this.result();
    } finally {
      activeCase = null;
    }
  }

  /** run.result-jobs, library.snapshot, PROTOCOL.md WireResult. */
  result() {
    return {
      extension: this.extensionTrace,
      jobs: this.jobs.map((j) => ({
        id: j.id,
        type: j.type,
        parent: j.parent ? j.parent.id : null,
        status: j.status,
        runs: j.runs,
        exitCodes: j.exitCodes,
        metrics: { bytes: String(j.bytes), items: String(j.items), warnings: j.warnings, nonCriticalErrors: j.nonCriticalErrors },
        savedState: traceText(j.checkpoint),
        droppedLogLines: j.droppedLogLines,
        droppedWarnings: j.droppedWarnings,
        trace: j.trace,
      })),
      library: this.libraries.snapshot(),
      errors: this.jobs.map((j) => j.error),
    };
  }
}

/** scenario.state: a string as its UTF-8 bytes, any other JSON value as its compact JSON; absent or null: none. */
function scenarioState(state) {
  if (state === undefined || state === null) return null;
  return utf8Bytes(typeof state === 'string' ? state : JSON.stringify(state));
}

