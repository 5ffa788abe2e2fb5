import { asU64, bytesToTraceText, decodeUtf8, encodeUtf8 } from "../abi/codec.ts";
import { INTERRUPT } from "../abi/exports.ts";
import { STATUS } from "../abi/status.ts";
import { ARG, overLimit } from "../abi/arguments.ts";
import type { RunOutcome } from "../host/extension.ts";
import type { InterruptAction } from "../host/interrupts.ts";
import type { JobRecord } from "../host/job.ts";
import { Networking } from "../host/networking.ts";
import type { Permissions } from "../host/permissions.ts";
import { WireFailure } from "../host/wire-errors.ts";
import { WasmExtension } from "../jobs/wasm-extension.ts";
import {
  asImport,
  clampF32,
  f32Text,
  FRAMED_IMPORTS,
  importFn,
  incrementWith,
  keepCheckpointWhen,
  lossyUtf8,
  patchDeps,
  progressWith,
  textWith,
  wrapRuns,
  type JobPtr,
  type Mutant,
} from "./mutant-kit.ts";
import { CLAUSE_MUTANTS } from "./mutants-clauses.ts";
import { SPACEDRIVE_TODAY } from "./spacedrive-today.ts";

export type { CannotRun, MemoryMutation, Mutant, MutantParts, MutantRun } from "./mutant-kit.ts";

/**
 * The catalogue of mutant hosts: a name, one line saying what the bug is, the clause it breaks, and the bug itself,
 * planted fresh for every case. The realistic bugs a host author writes are here; mutants-clauses.ts adds one for
 * every clause no bug here breaks, so that every clause has a mutant a case citing it must catch. The last entry,
 * spacedrive-today (spacedrive-today.ts), is no single bug: Spacedrive's host as it stands, modelled from its sources.
 */

const HOST_BUGS: readonly Mutant[] = [
  {
    name: "progress-message-dropped",
    clause: "progress.report",
    description: "job_report_progress records the value but drops the message (the event carries an empty one)",
    plant: () => ({ patchHost: (host) => progressWith(host, clampF32, () => "") }),
  },
  {
    name: "progress-message-truncated",
    clause: "progress.report",
    description: "job_report_progress reads the message as [ptr, ptr+len-1): an off-by-one loses its last byte",
    plant: () => ({
      wrapImports: (fns) => {
        const progress = importFn<[JobPtr, number, number, number], void>(fns, "job_report_progress");
        return { ...fns, job_report_progress: asImport((job: JobPtr, value: number, ptr: number, len: number) => progress(job, value, ptr, len > 0 ? len - 1 : len)) };
      },
    }),
  },
  {
    name: "progress-not-clamped",
    clause: "progress.f32",
    description: "progress outside 0..1 is recorded as given (1.5 stays 1.5, infinities stay infinite) instead of clamped",
    plant: () => ({ patchHost: (host) => progressWith(host, (value) => Math.fround(value)) }),
  },
  {
    name: "progress-f64",
    clause: "progress.f32",
    description: "progress crosses as f32 decimal text read back as f64 (serde f32 -> JSON -> f64): 1/3 becomes 0.33333334, not the f32 nearest 1/3",
    plant: () => ({ patchHost: (host) => progressWith(host, (value) => Number(f32Text(clampF32(value)))) }),
  },
  {
    name: "progress-as-percent",
    clause: "progress.f32",
    description: "progress is kept as a whole percentage (Math.round(p * 100) / 100), so 1/3 is recorded as 0.33",
    plant: () => ({ patchHost: (host) => progressWith(host, (value) => Math.round(clampF32(value) * 100) / 100) }),
  },
  {
    name: "checkpoint-keeps-first",
    clause: "checkpoint.save",
    description: "the state store saves a job's first checkpoint and ignores later ones (insert-if-absent instead of replace)",
    plant: () => ({
      patchHost: (host) => {
        const save = host.store.save.bind(host.store);
        host.store.save = (jobId, state) => {
          if (host.store.load(jobId) === null) save(jobId, state);
        };
      },
    }),
  },
  {
    name: "load-state-previous",
    clause: "checkpoint.load",
    description: "job_load_state answers the checkpoint before the last one (a stale read of the store's previous version)",
    plant: () => ({
      patchHost: (host) => {
        const previous = new Map<string, Uint8Array | null>();
        const save = host.store.save.bind(host.store);
        host.store.save = (jobId, state) => {
          previous.set(jobId, host.store.load(jobId));
          save(jobId, state);
        };
        host.ops.loadState = (job) => {
          const state = host.store.load(job.id) === null ? null : (previous.get(job.id) ?? null);
          job.trace.record({ kind: "load_state", job: job.id, state: state === null ? null : bytesToTraceText(state) });
          return state;
        };
      },
    }),
  },
  {
    name: "store-error-answers-ok",
    clause: "checkpoint.store-error",
    description: "the state store swallows a failed write: job_checkpoint answers OK and records a checkpoint that was never saved",
    plant: () => ({
      patchHost: (host) => {
        const save = host.store.save.bind(host.store);
        host.store.save = (jobId, state, meta) => {
          try {
            save(jobId, state, meta);
          } catch {
            // logged by a real host, never answered
          }
        };
      },
    }),
  },
  {
    name: "store-failure-discards-previous",
    clause: "checkpoint.store-error",
    description: "a failed save leaves the job with no checkpoint (the store deletes the old row before writing the new one)",
    plant: () => ({
      patchHost: (host) => {
        const save = host.store.save.bind(host.store);
        host.store.save = (jobId, state, meta) => {
          try {
            save(jobId, state, meta);
          } catch (error) {
            host.store.discard(jobId);
            throw error;
          }
        };
      },
    }),
  },
  {
    name: "refused-checkpoints-counted",
    clause: "scenario.store-failures",
    description: "storeFailures counts every job_checkpoint call, the ones refused for their size before the store included",
    plant: () => ({
      patchHost: (host) => {
        const checkpoint = host.ops.checkpoint.bind(host.ops);
        const store = host.store as unknown as { saves?: number };
        host.ops.checkpoint = (scope, job, state) => {
          if (state.length > host.limits.maxStateBytes && store.saves !== undefined) store.saves++;
          return checkpoint(scope, job, state);
        };
      },
    }),
  },
  {
    name: "load-state-answers-initial-state",
    clause: "checkpoint.load",
    description: "job_load_state answers the job's initial state while it has no checkpoint (the state it was started with taken for one)",
    plant: () => ({
      patchHost: (host) => {
        const loadState = host.ops.loadState.bind(host.ops);
        host.ops.loadState = (job) => {
          if (host.store.load(job.id) !== null || job.initialState === null) return loadState(job);
          job.trace.record({ kind: "load_state", job: job.id, state: bytesToTraceText(job.initialState) });
          return job.initialState;
        };
      },
    }),
  },
  {
    name: "empty-checkpoint-as-none",
    clause: "checkpoint.load",
    description: "a checkpoint of 0 bytes reads back as no checkpoint (the store takes an empty value for a missing one)",
    plant: () => ({
      patchHost: (host) => {
        const load = host.store.load.bind(host.store);
        host.store.load = (jobId) => {
          const state = load(jobId);
          return state !== null && state.byteLength === 0 ? null : state;
        };
      },
    }),
  },
  {
    name: "length-prefix-big-endian",
    clause: "answer.framing",
    description: "host-to-guest answers (call answers, loaded state, child ids) carry their u32 length prefix big-endian",
    plant: (run) => ({
      wrapImports: (fns) => {
        const out = { ...fns };
        for (const name of FRAMED_IMPORTS) {
          const original = importFn<number[], number>(fns, name);
          out[name] = asImport((...args: number[]) => {
            const ptr = original(...args) >>> 0;
            const memory = run.memory();
            if (ptr !== 0 && memory !== null) {
              const view = new DataView(memory.view().buffer);
              view.setUint32(ptr, view.getUint32(ptr, true), false);
            }
            return ptr;
          });
        }
        return out;
      },
    }),
  },
  {
    name: "interrupt-always-continue",
    clause: "interrupt.answer",
    description: "job_check_interrupt always answers 0: a pause or cancel request is registered but never delivered",
    plant: () => ({
      patchHost: (host) => {
        const check = host.interrupts.check.bind(host.interrupts);
        host.interrupts.check = (jobId) => (check(jobId), INTERRUPT.CONTINUE);
      },
    }),
  },
  {
    name: "pause-as-cancel",
    clause: "interrupt.answer",
    description: "every interrupt is a cancel: a pause request answers 2 and the job ends Cancelled instead of Paused",
    plant: () => ({
      patchHost: (host) => {
        const check = host.interrupts.check.bind(host.interrupts);
        const endRun = host.interrupts.endRun.bind(host.interrupts);
        host.interrupts.check = (jobId) => (check(jobId) === INTERRUPT.CONTINUE ? INTERRUPT.CONTINUE : INTERRUPT.CANCEL);
        host.interrupts.endRun = (jobId) => (endRun(jobId) === null ? null : "cancel");
      },
    }),
  },
  {
    name: "cancel-keeps-checkpoint",
    clause: "checkpoint.kept",
    description: "a cancelled job keeps its checkpoint in the store (only completion discards it)",
    plant: () => ({ patchHost: (host) => keepCheckpointWhen(host, (_job, code, pending) => code === 1 && pending === "cancel") }),
  },
  {
    name: "completion-keeps-checkpoint",
    clause: "checkpoint.kept",
    description: "a completed job keeps its last checkpoint in the store (only cancel discards it)",
    plant: () => ({ patchHost: (host) => keepCheckpointWhen(host, (_job, code) => code === 0) }),
  },
  {
    name: "pause-discards-checkpoint",
    clause: "checkpoint.kept",
    description: "a paused job's checkpoint is discarded as on completion, so a resume starts from the initial state",
    plant: () => ({
      patchHost: (host) =>
        wrapRuns(host, (job, state, run) => {
          const outcome = run(job, state);
          if (outcome.kind === "returned" && outcome.code === 1 && host.interrupts.pending(job.id) !== "cancel") host.store.discard(job.id);
          return outcome;
        }),
    }),
  },
  {
    name: "resume-state-empty",
    clause: "dispatch.state",
    description: "a resumed run is passed state length 0 (pointer 0) instead of its checkpoint",
    plant: () => ({ patchHost: (host) => wrapRuns(host, (job, state, run) => run(job, job.runs > 1 ? null : state)) }),
  },
  {
    name: "interrupt-edge-triggered",
    clause: "interrupt.level-triggered",
    description: "an interrupt request is consumed by the first check that sees it (core leaves this to sd_task_system, not among the copied sources); later checks answer 0",
    plant: () => ({
      patchHost: (host) => {
        const seen = new Set<string>();
        const beginRun = host.interrupts.beginRun.bind(host.interrupts);
        const check = host.interrupts.check.bind(host.interrupts);
        host.interrupts.beginRun = (jobId, jobIndex, runIndex) => {
          seen.delete(jobId);
          beginRun(jobId, jobIndex, runIndex);
        };
        host.interrupts.check = (jobId) => {
          const answer = check(jobId);
          if (answer === INTERRUPT.CONTINUE) return answer;
          if (seen.has(jobId)) return INTERRUPT.CONTINUE;
          seen.add(jobId);
          return answer;
        };
      },
    }),
  },
  {
    name: "interrupt-never-cleared",
    clause: "interrupt.per-run",
    description: "a pause request is not cleared when the run returns, so every resumed run sees it again",
    plant: () => ({
      patchHost: (host) => {
        const left = new Map<string, InterruptAction>();
        const beginRun = host.interrupts.beginRun.bind(host.interrupts);
        const endRun = host.interrupts.endRun.bind(host.interrupts);
        host.interrupts.endRun = (jobId) => {
          const pending = endRun(jobId);
          if (pending !== null) left.set(jobId, pending);
          return pending;
        };
        host.interrupts.beginRun = (jobId, jobIndex, runIndex) => {
          beginRun(jobId, jobIndex, runIndex);
          const pending = left.get(jobId);
          if (pending !== undefined) host.interrupts.request(jobId, pending);
        };
      },
    }),
  },
  {
    name: "checkpoint-refused-while-interrupted",
    clause: "checkpoint.while-interrupted",
    description: "job_checkpoint saves nothing and answers 1 while an interrupt is pending (as core's checkpoint_with_state)",
    plant: () => ({
      patchHost: (host) => {
        const checkpoint = host.ops.checkpoint.bind(host.ops);
        host.ops.checkpoint = (scope, job, state) => {
          if (host.interrupts.pending(job.id) === null) return checkpoint(scope, job, state);
          return 1;
        };
      },
    }),
  },
  {
    name: "items-as-bytes",
    clause: "metrics.increment",
    description: "job_increment_items adds to metrics.bytes (a copy-pasted handler)",
    plant: () => ({
      patchHost: (host) => {
        const increment = host.ops.increment.bind(host.ops);
        host.ops.increment = (job, _field, low, high, times) => increment(job, "bytes", low, high, times);
      },
    }),
  },
  {
    name: "zero-increments-skipped",
    clause: "metrics.increment",
    description: "an increment by 0 is not recorded (a host that treats it as nothing to report)",
    plant: () => ({
      patchHost: (host) => {
        const increment = host.ops.increment.bind(host.ops);
        host.ops.increment = (job, field, low, high, times) => {
          if (low !== 0 || high !== 0) increment(job, field, low, high, times);
        };
      },
    }),
  },
  {
    name: "u64-truncated-to-u32",
    clause: "metrics.increment",
    description: "metric increments are cast to u32 (n as u32), so 5000000000 adds 705032704",
    plant: () => ({
      patchHost: (host) => {
        const increment = host.ops.increment.bind(host.ops);
        host.ops.increment = (job, field, low, _high, times) => increment(job, field, low, 0, times);
      },
    }),
  },
  {
    name: "metrics-wrap",
    clause: "metrics.saturate",
    description: "metric totals wrap around at 2^64 (wrapping_add) instead of saturating",
    plant: () => ({ patchHost: (host) => incrementWith(host, (total, raw) => ({ delta: asU64(raw), total: BigInt.asUintN(64, total + asU64(raw)) })) }),
  },
  {
    name: "metrics-signed",
    clause: "metrics.increment",
    description: "metric increments are taken as signed i64 into i64 totals: -1 subtracts one instead of adding 2^64-1",
    plant: () => ({ patchHost: (host) => incrementWith(host, (total, raw) => ({ delta: raw, total: BigInt.asIntN(64, total + raw) })) }),
  },
  {
    name: "warnings-not-counted",
    clause: "report.warning",
    description: "warnings are recorded but not counted in metrics.warnings (as core's add_warning)",
    plant: () => ({
      patchHost: (host) => {
        const addWarning = host.ops.addWarning.bind(host.ops);
        host.ops.addWarning = (scope, job, message) => {
          const before = job.metrics.warnings;
          addWarning(scope, job, message);
          job.metrics.warnings = before;
        };
      },
    }),
  },
  {
    name: "warning-size-before-flood",
    clause: "report.warning",
    description: "past maxWarningsPerJob a warning is still checked for size first, so an oversized one is refused for its size and not counted as dropped",
    plant: () => ({
      patchHost: (host) => {
        const addWarning = host.ops.addWarning.bind(host.ops);
        host.ops.addWarning = (scope, job, message) => {
          if (job.metrics.warnings >= host.limits.maxWarningsPerJob && host.ops.text(scope, job, "job_add_warning", message, ARG.warning) === null) return;
          addWarning(scope, job, message);
        };
      },
    }),
  },
  {
    name: "bom-stripped",
    clause: "report.log",
    description: "messages are decoded by a UTF-8 decoder that drops a leading byte order mark (TextDecoder's default)",
    plant: () => ({
      patchHost: (host) => {
        const text = host.ops.text.bind(host.ops);
        host.ops.text = (...args) => {
          const decoded = text(...args);
          return typeof decoded === "string" && decoded.startsWith("\ufeff") ? decoded.slice(1) : decoded;
        };
      },
    }),
  },
  {
    name: "non-critical-errors-dropped",
    clause: "report.non-critical-error",
    description: "job_add_non_critical_error is accepted and does nothing: no event, no count",
    plant: () => ({
      patchHost: (host) => {
        host.ops.addNonCriticalError = () => {};
      },
    }),
  },
  {
    name: "log-level-ignored",
    clause: "report.log",
    description: "every log line is recorded at level info, whatever level the guest passed",
    plant: () => ({
      patchHost: (host) => {
        const log = host.ops.log.bind(host.ops);
        host.ops.log = (scope, job, name, _level, message) => log(scope, job, name, 1, message);
      },
    }),
  },
  {
    name: "spacedrive-log-unattributed",
    clause: "report.log-attribution",
    description: "spacedrive_log during a run is recorded outside any job instead of on the running job",
    plant: () => ({
      patchHost: (host) => {
        const log = host.ops.log.bind(host.ops);
        host.ops.log = (scope, job, name, level, message) => log(scope, name === "spacedrive_log" ? null : job, name, level, message);
      },
    }),
  },
  {
    name: "log-flood-refused-each",
    clause: "report.flood",
    description: "past maxLogLinesPerJob every further line records its own LIMIT_EXCEEDED refusal instead of one",
    plant: () => ({
      patchHost: (host) => {
        const log = host.ops.log.bind(host.ops);
        host.ops.log = (scope, job, name, level, message) => {
          if (job === null || job.logLines < host.limits.maxLogLinesPerJob) return log(scope, job, name, level, message);
          job.droppedLogLines++;
          host.ops.refuse(scope, job, name, "LIMIT_EXCEEDED", overLimit("maxLogLinesPerJob"), `a job may log ${host.limits.maxLogLinesPerJob} lines`);
        };
      },
    }),
  },
  {
    name: "flooded-line-dropped-unread",
    clause: "report.flood",
    description: "once a job's line or warning limit is reached, a later one is dropped and counted before its message's memory is checked",
    plant: () => ({
      patchHost: (host) => {
        const flooded = (job: JobRecord | null, name: string) =>
          job !== null && (name === "job_add_warning" ? job.metrics.warnings >= host.limits.maxWarningsPerJob : job.logLines >= host.limits.maxLogLinesPerJob);
        const refuse = host.ops.refuse.bind(host.ops);
        host.ops.refuse = (scope, job, name, code, fields, detail) => {
          if (code !== "INVALID_MEMORY_ACCESS" || fields.arg !== "msg_ptr" || !flooded(job, name)) return refuse(scope, job, name, code, fields, detail);
          if (name === "job_add_warning") job!.droppedWarnings++;
          else job!.droppedLogLines++;
          return STATUS.OK; // what a dropped line answers (nothing: the imports are void)
        };
      },
    }),
  },
  {
    name: "extension-lines-limited",
    clause: "report.flood",
    description: "lines outside any job (plugin_init's) count against maxLogLinesPerJob as a job's would: past it they are dropped",
    plant: () => {
      let extensionLines = 0;
      return {
        patchHost: (host) => {
          const log = host.ops.log.bind(host.ops);
          host.ops.log = (scope, job, name, level, message) => {
            if (job === null && extensionLines++ >= host.limits.maxLogLinesPerJob) return;
            log(scope, job, name, level, message);
          };
        },
      };
    },
  },
  {
    name: "message-limit-utf16",
    clause: "call.message-size",
    description: "the message size limit counts UTF-16 units of the decoded text, not UTF-8 bytes (\"ééé\" passes a 4-byte limit)",
    plant: () => ({ patchHost: (host) => textWith(host, { sizeAfterDecoding: true }) }),
  },
  {
    name: "utf8-before-size",
    clause: "call.check-order",
    description: "a message's UTF-8 is checked before its size: a message too long and not UTF-8 is BAD_ARGUMENT, not LIMIT_EXCEEDED",
    plant: () => ({ patchHost: (host) => textWith(host, { utf8BeforeSize: true }) }),
  },
  {
    name: "utf8-replaced",
    clause: "call.utf8",
    description: "invalid UTF-8 in messages and names is decoded with U+FFFD instead of refused with BAD_ARGUMENT",
    plant: () => ({ patchHost: (host) => textWith(host, { decode: (bytes) => lossyUtf8.decode(bytes) }) }),
  },
  {
    name: "refusals-not-recorded",
    clause: "call.refusal",
    description: "refused calls answer their status code but record no abi_violation event",
    plant: () => ({
      patchHost: (host) => {
        host.ops.refuse = (_scope, _job, _name, code) => STATUS[code];
      },
    }),
  },
  {
    name: "children-spawned-twice",
    clause: "child.spawn",
    description: "each job_spawn_child queues the child twice (enqueued at spawn and again by a retry), so it runs twice",
    plant: () => ({
      patchHost: (host) =>
        patchDeps(host, (deps) => ({
          spawn: (parent, type, jobType, params) => {
            const child = deps.spawn(parent, type, jobType, params);
            deps.spawn(parent, type, jobType, params);
            return child;
          },
        })),
    }),
  },
  {
    name: "children-wrong-parent",
    clause: "child.spawn",
    description: "a child's parent is the host's most recently created job (a `last job` pointer), not the job that spawned it",
    plant: () => ({
      patchHost: (host) => patchDeps(host, (deps) => ({ spawn: (parent, type, jobType, params) => deps.spawn(host.jobs.at(-1) ?? parent, type, jobType, params) })),
    }),
  },
  {
    name: "spawn-unknown-type-accepted",
    clause: "child.spawn",
    description: "job_spawn_child queues a child of any type; an unknown one fails only when it runs",
    plant: () => ({
      patchHost: (host) =>
        patchDeps(host, (deps) => ({
          resolveType: (scope, type) =>
            deps.resolveType(scope, type) ?? { executor: { kind: "wasm", run: () => ({ kind: "trap", message: `no job type "${type}"` }) } },
        })),
    }),
  },
  {
    name: "forged-job-id-accepted",
    clause: "call.running-job",
    description: "a job id resolves to any job the host knows (live or finished), not only the job running on the instance",
    plant: () => ({
      patchHost: (host) => {
        host.registry.resolveBytes = (_scope, id) => host.jobs.find((job) => job.idBytes.every((byte, i) => byte === id[i])) ?? null;
      },
    }),
  },
  {
    name: "no-bounds-check",
    clause: "memory.range",
    description: "an out-of-bounds pointer/length reads as empty bytes (get(..).unwrap_or_default()) instead of INVALID_MEMORY_ACCESS",
    plant: () => ({ memory: { slice: (original, ptr, len) => original(ptr, len) ?? new Uint8Array(0) } }),
  },
  {
    name: "trap-reuses-instance",
    clause: "run.retire",
    description: "after a trap the instance is kept and reused by the next run (no fresh instance, no plugin_init)",
    plant: () => ({
      patchProcess: () => {
        type Internals = { instance: WebAssembly.Instance | null; runExport: (name: string, job: JobRecord, state: Uint8Array | null) => RunOutcome };
        const proto = WasmExtension.prototype as unknown as Internals;
        const runExport = proto.runExport;
        proto.runExport = function (this: Internals, name, job, state) {
          const instance = this.instance;
          const outcome = runExport.call(this, name, job, state);
          if (outcome.kind === "trap" && this.instance === null) this.instance = instance;
          return outcome;
        };
        return () => {
          proto.runExport = runExport;
        };
      },
    }),
  },
  {
    name: "context-missing-library-id",
    clause: "dispatch.context",
    description: "the context JSON passed to the job export is {\"job_id\":\"<uuid>\"}, without library_id",
    plant: () => ({
      memory: {
        write: (original, ptr, data) => {
          const text = data.length > 0 && data[0] === 0x7b ? decodeUtf8(data) : null;
          const match = text === null ? null : /^\{"job_id":"([0-9a-f-]{36})","library_id":"[0-9a-f-]{36}"\}$/.exec(text);
          if (match === null) return original(ptr, data);
          // The same length (the host passes ctx_len as before): the object ends early, then JSON whitespace.
          return original(ptr, encodeUtf8(`{"job_id":"${match[1]}"}`.padEnd(data.length, " ")));
        },
      },
    }),
  },
  {
    name: "bad-return-as-completed",
    clause: "run.bad-return",
    description: "a job export returning a code outside 0..2 is treated as 0 Completed instead of failing with BAD_RETURN",
    plant: () => ({
      patchHost: (host) =>
        wrapRuns(host, (job, state, run) => {
          const outcome = run(job, state);
          return outcome.kind === "returned" && (outcome.code < 0 || outcome.code > 2) ? { kind: "returned", code: 0 } : outcome;
        }),
    }),
  },
  {
    name: "rate-limit-before-permissions",
    clause: "wire.order",
    description: "the wire rate limit is applied before the method and library checks, so refused calls use up the budget",
    plant: () => ({
      patchHost: (host) => {
        const open = host.openExtension.bind(host);
        host.openExtension = (id, permissions) => {
          const scope = open(id, permissions);
          const gate = scope.gate as unknown as { permissions: Permissions; authorize: (method: string, libraryId: string | null) => void };
          const recent: number[] = [];
          gate.authorize = (method, libraryId) => {
            const { methods, libraries, rateLimit } = gate.permissions;
            const now = host.clock.now();
            while (recent.length > 0 && now - recent[0]! >= rateLimit.windowMs) recent.shift();
            if (recent.length >= rateLimit.calls) throw new WireFailure("RateLimitExceeded", `rate limit of ${rateLimit.calls} calls per ${rateLimit.windowMs} ms exceeded`);
            recent.push(now);
            if (!methods.some((prefix) => method.startsWith(prefix))) throw new WireFailure("MethodNotAllowed", `method ${method} is not allowed by the manifest`);
            if (libraryId !== null && !libraries.some((allowed) => allowed === "*" || allowed === libraryId)) {
              throw new WireFailure("LibraryAccessDenied", `library ${libraryId} is not in the manifest's libraries`);
            }
          };
          return scope;
        };
      },
    }),
  },
  {
    name: "networking-off-as-no-peers",
    clause: "library.networking",
    description: "with networking off the network methods answer an empty peer list / UnknownPeer instead of NetworkingDisabled",
    plant: () => ({
      patchHost: (host) => {
        if (!host.networking.enabled) host.wire.add(new Networking({ peers: [] }).handlers());
      },
    }),
  },
  {
    name: "networking-disabled-first",
    clause: "library.networking",
    description: "with networking off a networking method answers NetworkingDisabled before the manifest and the rate limit are checked",
    plant: () => ({
      patchHost: (host) => {
        if (host.networking.enabled) return;
        const call = host.wire.call.bind(host.wire);
        host.wire.call = (method, libraryId, payload, gate) =>
          method.includes(":network.") ? new WireFailure("NetworkingDisabled", `${method}: networking is disabled`).toAnswer() : call(method, libraryId, payload, gate);
      },
    }),
  },
  SPACEDRIVE_TODAY,
];

export const MUTANTS: readonly Mutant[] = [...HOST_BUGS, ...CLAUSE_MUTANTS];

/** The unmutated reference host as a mutant: the control that shows kills are not artefacts of the mutant path. */
export const NO_MUTATION: Mutant = {
  name: "none",
  description: "the reference host, unchanged (control)",
  plant: () => ({}),
};

export function findMutants(filter?: string): Mutant[] {
  if (filter === undefined || filter === "") return [...MUTANTS];
  return MUTANTS.filter((mutant) => mutant.name.includes(filter));
}
