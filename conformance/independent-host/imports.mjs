// The `spacedrive` imports, bound to one instance (each reads and writes its own instance's memory) and to the case.
//
// Every import follows call.check-order: the job id's 16 bytes are in memory, then it names the running job; then
// every other pointer argument in parameter order; then the import's own checks in its clause's order. The first
// check that fails is the call's one refusal (call.refusal), recorded by case.refuse.

import { JOB_EXPORT_TYPE, STATUS, levelName } from './abi.mjs';
import { inMemory, readBytes, writeBytes, utf8OrNull, utf8Bytes, traceText, bytesToUuid } from './bytes.mjs';
import { typeOfFunction, sameType, EXPORT_KIND } from './wasm-reader.mjs';
import { isProgressJson } from './progress-json.mjs';

const { OK } = STATUS;

export function makeImports(run, inst) {
  const limits = run.limits;
  const mem = () => inst.memory;
  const inRange = (ptr, len) => inMemory(mem(), ptr, len);
  const read = (ptr, len) => readBytes(mem(), ptr, len);

  /** call.check-order, first two checks: answers the job, or null after recording the refusal. */
  function jobOf(name, ptr) {
    if (!inRange(ptr, 16)) return run.refuse(name, 'INVALID_MEMORY_ACCESS', 'job_id_ptr'), null; // memory.range
    const job = run.runningJob();
    const bytes = new Uint8Array(mem().buffer, ptr >>> 0, 16);
    // call.running-job, init.acts-for-extension: only the job running on this instance may be named.
    if (!job || !bytes.every((b, i) => b === job.idBytes[i])) return run.refuse(name, 'NOT_RUNNING_JOB', 'job_id_ptr'), null;
    return job;
  }

  /** metrics.increment, metrics.saturate: a u64 counter of the running job grows by n, stopping at 2^64 - 1. */
  function increment(name, field, jobPtr, n) {
    const job = jobOf(name, jobPtr);
    if (!job) return;
    const delta = BigInt.asUintN(64, n);
    const total = run.increment(job, field, delta);
    run.record(job, { kind: 'metrics', field, delta: String(delta), total: String(total) });
  }

  /** memory.range for a pointer argument; records the refusal (arg: the pointer parameter). */
  function ranged(name, ptr, len, arg) {
    if (inRange(ptr, len)) return true;
    run.refuse(name, 'INVALID_MEMORY_ACCESS', arg);
    return false;
  }

  /** call.message-size then call.utf8: the message's text, or null after the refusal. */
  function message(name, ptr, len, arg = 'msg_ptr') {
    if ((len >>> 0) > limits.maxMessageBytes) {
      run.refuse(name, 'LIMIT_EXCEEDED', arg, 'maxMessageBytes', len >>> 0);
      return null;
    }
    return text(name, ptr, len, arg);
  }

  /** call.utf8: text arguments are UTF-8, never replaced. */
  function text(name, ptr, len, arg) {
    const t = utf8OrNull(read(ptr, len));
    if (t === null) run.refuse(name, 'BAD_ARGUMENT', arg);
    return t;
  }

  /**
   * answer.framing, answer.alloc-failure, answer.alloc-trap: wasm_alloc(4 + n) once, after the effect; a u32 LE
   * length and the bytes. A trap inside wasm_alloc propagates: it is a trap of the run.
   */
  function answer(name, bytes) {
    const size = 4 + bytes.length;
    const ptr = inst.exports.wasm_alloc(size) >>> 0;
    if (ptr === 0 || !inRange(ptr, size)) {
      run.refuse(name, 'ALLOCATION_FAILED', null, null, size, `wasm_alloc(${size}) answered ${ptr}`);
      return 0;
    }
    const frame = new Uint8Array(size);
    new DataView(frame.buffer).setUint32(0, bytes.length, true);
    frame.set(bytes, 4);
    writeBytes(mem(), ptr, frame);
    return ptr;
  }

  /** report.log, report.flood, report.log-attribution: one log line from either import. */
  function logLine(name, job, level, ptr, len) {
    if (job && job.keptLines >= limits.maxLogLinesPerJob) {
      // report.flood: the first line past the limit records one refusal; it and the later ones are dropped.
      if (job.droppedLogLines === 0) run.refuse(name, 'LIMIT_EXCEEDED', null, 'maxLogLinesPerJob', null);
      job.droppedLogLines++;
      return;
    }
    const msg = message(name, ptr, len);
    if (msg === null) return;
    run.record(job, { kind: 'log', level: levelName(level), message: msg });
    if (job) job.keptLines++;
  }

  /** checkpoint.store-error, scenario.store-failures: one save reaching the store; false when it fails. */
  function storeSaves() {
    run.storeSaves++;
    return !run.storeFailures.has(run.storeSaves);
  }

  const imports = {
    spacedrive_log(level, ptr, len) {
      if (!ranged('spacedrive_log', ptr, len, 'msg_ptr')) return;
      logLine('spacedrive_log', run.runningJob(), level, ptr, len);
    },

    // wire.call
    spacedrive_call(methodPtr, methodLen, libPtr, payloadPtr, payloadLen) {
      const name = 'spacedrive_call';
      if (!ranged(name, methodPtr, methodLen, 'method_ptr')) return 0;
      if (libPtr !== 0 && !ranged(name, libPtr, 16, 'library_id_ptr')) return 0; // ptr 0: no library
      if (!ranged(name, payloadPtr, payloadLen, 'payload_ptr')) return 0;
      const method = text(name, methodPtr, methodLen, 'method_ptr');
      if (method === null) return 0;
      if ((payloadLen >>> 0) > limits.maxCallPayloadBytes) {
        return run.refuse(name, 'LIMIT_EXCEEDED', 'payload_ptr', 'maxCallPayloadBytes', payloadLen >>> 0), 0;
      }
      const payload = text(name, payloadPtr, payloadLen, 'payload_ptr');
      if (payload === null) return 0;
      const library = libPtr !== 0 ? bytesToUuid(read(libPtr, 16)) : null;
      const { request, response } = run.wire.call(method, library, payload);
      run.record(run.runningJob(), { kind: 'call', method, library, request, response });
      return answer(name, utf8Bytes(JSON.stringify(response)));
    },

    // init.register, init.register-phase, init.reinit
    register_job(namePtr, nameLen, exportPtr, exportLen, resumable) {
      const n = 'register_job';
      if (!ranged(n, namePtr, nameLen, 'name_ptr') || !ranged(n, exportPtr, exportLen, 'export_ptr')) return run.lastCode;
      const jobName = text(n, namePtr, nameLen, 'name_ptr');
      if (jobName === null) return STATUS.BAD_ARGUMENT;
      const exportName = text(n, exportPtr, exportLen, 'export_ptr');
      if (exportName === null) return STATUS.BAD_ARGUMENT;
      if (run.top?.kind !== 'init') return run.refuse(n, 'WRONG_PHASE');
      if (jobName === '') return run.refuse(n, 'BAD_ARGUMENT', 'name_ptr');
      const existing = run.registrations.get(jobName);
      if (existing) {
        if (!inst.first && existing.export === exportName) return OK; // init.reinit: OK, nothing recorded
        return run.refuse(n, 'DUPLICATE', 'name_ptr');
      }
      const e = run.m.exports.find((x) => x.name === exportName && x.kind === EXPORT_KIND.FUNC);
      if (!e || !sameType(typeOfFunction(run.m, e.index), JOB_EXPORT_TYPE)) return run.refuse(n, 'UNKNOWN_EXPORT', 'export_ptr');
      run.registrations.set(jobName, { name: jobName, export: exportName, resumable: resumable !== 0 });
      run.record(null, { kind: 'job_registered', name: jobName, export: exportName, resumable: resumable !== 0 });
      return OK;
    },

    // progress.report, progress.f32
    job_report_progress(jobPtr, progress, msgPtr, msgLen) {
      const n = 'job_report_progress';
      const job = jobOf(n, jobPtr);
      if (!job || !ranged(n, msgPtr, msgLen, 'msg_ptr')) return;
      if (Number.isNaN(progress)) return void run.refuse(n, 'BAD_ARGUMENT', 'progress');
      const msg = message(n, msgPtr, msgLen);
      if (msg === null) return;
      // The f32 arrives widened to a double already; clamping keeps it an f32 value (+Inf is 1, -Inf 0).
      const value = progress < 0 ? 0 : progress > 1 ? 1 : progress;
      run.record(job, { kind: 'progress', value, message: msg });
    },

    // checkpoint.save, checkpoint.while-interrupted, checkpoint.store-error, child.tree
    job_checkpoint(jobPtr, statePtr, stateLen) {
      const n = 'job_checkpoint';
      const job = jobOf(n, jobPtr);
      if (!job) return run.lastCode;
      if (!ranged(n, statePtr, stateLen, 'state_ptr')) return STATUS.INVALID_MEMORY_ACCESS;
      const len = stateLen >>> 0;
      if (len > limits.maxStateBytes) return run.refuse(n, 'LIMIT_EXCEEDED', 'state_ptr', 'maxStateBytes', len);
      const current = job.checkpoint ? job.checkpoint.length : 0;
      if (run.treeStateBytes - current + len > limits.maxTreeStateBytes) {
        return run.refuse(n, 'LIMIT_EXCEEDED', 'state_ptr', 'maxTreeStateBytes', len);
      }
      if (!storeSaves()) return run.refuse(n, 'STORE_ERROR');
      const bytes = read(statePtr, len);
      run.setCheckpoint(job, bytes);
      run.record(job, { kind: 'checkpoint', state: traceText(bytes), bytes: len });
      return OK;
    },

    // interrupt.answer; a refused check answers 0 (call.refusal) and is not a check (interrupt.plans)
    job_check_interrupt(jobPtr) {
      const job = jobOf('job_check_interrupt', jobPtr);
      if (!job) return 0;
      const answerCode = run.check(run.top);
      run.record(job, { kind: 'interrupt_check', answer: answerCode });
      return answerCode;
    },

    // report.warning, report.flood
    job_add_warning(jobPtr, msgPtr, msgLen) {
      const n = 'job_add_warning';
      const job = jobOf(n, jobPtr);
      if (!job || !ranged(n, msgPtr, msgLen, 'msg_ptr')) return;
      if (job.warnings >= limits.maxWarningsPerJob) {
        if (job.droppedWarnings === 0) run.refuse(n, 'LIMIT_EXCEEDED', null, 'maxWarningsPerJob', null);
        job.droppedWarnings++;
        return;
      }
      const msg = message(n, msgPtr, msgLen);
      if (msg === null) return;
      run.record(job, { kind: 'warning', message: msg });
      job.warnings++;
    },

    // metrics.increment, metrics.saturate
    job_increment_bytes: (jobPtr, n) => increment('job_increment_bytes', 'bytes', jobPtr, n),
    job_increment_items: (jobPtr, n) => increment('job_increment_items', 'items', jobPtr, n),

    // checkpoint.load
    job_load_state(jobPtr) {
      const job = jobOf('job_load_state', jobPtr);
      if (!job) return 0;
      const cp = job.checkpoint;
      run.record(job, { kind: 'load_state', state: cp ? traceText(cp) : null });
      return cp ? answer('job_load_state', cp) : 0;
    },

    // child.spawn, child.tree
    job_spawn_child(jobPtr, typePtr, typeLen, paramsPtr, paramsLen) {
      const n = 'job_spawn_child';
      const job = jobOf(n, jobPtr);
      if (!job) return 0;
      if (!ranged(n, typePtr, typeLen, 'type_ptr') || !ranged(n, paramsPtr, paramsLen, 'params_ptr')) return 0;
      const type = text(n, typePtr, typeLen, 'type_ptr');
      if (type === null) return 0;
      const reg = run.registrations.get(type); // the name, not the export; this host has no native job types
      if (!reg) return run.refuse(n, 'UNKNOWN_JOB_TYPE', 'type_ptr'), 0;
      const len = paramsLen >>> 0;
      const refuseLimit = (limit, arg = null, size = null) => (run.refuse(n, 'LIMIT_EXCEEDED', arg, limit, size), 0);
      if (job.children.length >= limits.maxChildrenPerJob) return refuseLimit('maxChildrenPerJob');
      if (job.depth + 1 > limits.maxChildDepth) return refuseLimit('maxChildDepth');
      if (run.jobs.length >= limits.maxTreeJobs) return refuseLimit('maxTreeJobs');
      if (run.queued >= limits.maxQueuedJobs) return refuseLimit('maxQueuedJobs');
      if (run.treeStateBytes + len > limits.maxTreeStateBytes) return refuseLimit('maxTreeStateBytes', 'params_ptr', len);
      const params = read(paramsPtr, len);
      const child = run.createJob(reg.name, reg.export, job, params);
      run.record(job, { kind: 'child_spawned', child: child.id, type: reg.name, params: traceText(params) });
      return answer(n, child.idBytes);
    },

    // report.non-critical-error
    job_add_non_critical_error(jobPtr, msgPtr, msgLen) {
      const n = 'job_add_non_critical_error';
      const job = jobOf(n, jobPtr);
      if (!job || !ranged(n, msgPtr, msgLen, 'msg_ptr')) return;
      const msg = message(n, msgPtr, msgLen);
      if (msg === null) return;
      run.record(job, { kind: 'non_critical_error', message: msg });
      job.nonCriticalErrors++;
    },

    // report.log
    job_log(jobPtr, level, msgPtr, msgLen) {
      const job = jobOf('job_log', jobPtr);
      if (!job || !ranged('job_log', msgPtr, msgLen, 'msg_ptr')) return;
      logLine('job_log', job, level, msgPtr, msgLen);
    },

    // progress.structured (ABI 1.1)
    job_progress(jobPtr, ptr, len) {
      const n = 'job_progress';
      const job = jobOf(n, jobPtr);
      if (!job) return run.lastCode;
      if (!ranged(n, ptr, len, 'progress_ptr')) return STATUS.INVALID_MEMORY_ACCESS;
      const progress = message(n, ptr, len, 'progress_ptr');
      if (progress === null) return run.lastCode;
      if (!isProgressJson(progress)) return run.refuse(n, 'BAD_ARGUMENT', 'progress_ptr');
      run.record(job, { kind: 'job_progress', progress });
      return OK;
    },

    // metrics.read (ABI 1.1)
    job_metrics(jobPtr, outPtr) {
      const n = 'job_metrics';
      const job = jobOf(n, jobPtr);
      if (!job) return run.lastCode;
      if (!ranged(n, outPtr, 24, 'out_ptr')) return STATUS.INVALID_MEMORY_ACCESS;
      const out = new Uint8Array(24);
      const view = new DataView(out.buffer);
      view.setBigUint64(0, job.bytes, true);
      view.setBigUint64(8, job.items, true);
      // metrics.read: a count past what a u32 holds reads as 2^32 - 1, never wrapped.
      view.setUint32(16, Math.min(job.warnings, 0xffffffff), true);
      view.setUint32(20, Math.min(job.nonCriticalErrors, 0xffffffff), true);
      writeBytes(mem(), outPtr, out);
      const metrics = {
        bytes: String(job.bytes), items: String(job.items), warnings: job.warnings, nonCriticalErrors: job.nonCriticalErrors,
      };
      run.record(job, { kind: 'metrics_read', metrics });
      return OK;
    },

    // checkpoint.stateless (ABI 1.1)
    job_checkpoint_stateless(jobPtr) {
      const n = 'job_checkpoint_stateless';
      const job = jobOf(n, jobPtr);
      if (!job) return run.lastCode;
      if (!storeSaves()) return run.refuse(n, 'STORE_ERROR');
      run.setCheckpoint(job, null);
      run.record(job, { kind: 'checkpoint', state: null, bytes: 0 });
      return OK;
    },

    // child.wait (ABI 1.1): the children run inside the call, their frames above this run's.
    job_wait_for_children(jobPtr) {
      const n = 'job_wait_for_children';
      const job = jobOf(n, jobPtr);
      if (!job) return 0;
      run.runQueuedChildren(job);
      const children = job.children.map((c) => ({ job: c.id, status: c.status }));
      run.record(job, { kind: 'children_waited', children });
      const json = JSON.stringify(job.children.map((c) => ({ job_id: c.id, status: c.status })));
      return answer(n, utf8Bytes(json));
    },
  };

  // call.count, run.stall: every call counts for the running frame, and its return restarts the stall clock.
  const wrapped = {};
  for (const [name, fn] of Object.entries(imports)) {
    wrapped[name] = (...args) => {
      const frame = run.beginCall();
      try {
        return fn(...args);
      } finally {
        run.endCall(frame);
      }
    };
  }
  return wrapped;
}
