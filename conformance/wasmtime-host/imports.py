"""The `spacedrive` imports, linked for one case.

Every import follows call.check-order: the job id's 16 bytes are in memory, then it names the running job; then
every other pointer argument in parameter order; then the import's own checks in its clause's order. The first check
that fails records the call's one refusal (call.refusal) and raises Refused, and the import answers as its kind says.
Each import is a function of a Call, the context of one call, and the import's wasm arguments."""

import struct
import sys
import traceback
import uuid

from wasmtime import FuncType, Linker, Trap, WasmtimeError

from abi import IMPORTS, INTERRUPT_ANSWERS, LEVELS, OK, U32_MAX, U64_MAX
from engine import ENGINE, GuestTrap, cause_of
from memory import in_memory, read_bytes, write_bytes
from progress_json import BadJson, is_progress, read_json
from text import serde_dumps, trace_text, utf8_or_none


class Refused(Exception):
    """call.refusal: the refusal is recorded; `status` is what a status call answers."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Call:
    """One call of an import: the case, the frame that made it (its instance's memory, its job) and the import."""

    def __init__(self, case, caller, frame, name):
        self.case = case
        self.caller = caller
        self.frame = frame
        self.job = frame.job  # the job running on the calling instance, or None (plugin_init, plugin_cleanup)
        self.name = name
        # memory.range: the memory of the instance that made the call, which a parent whose instance a child retired
        # still runs on (run.retire).
        self.instance = frame.instance
        self.memory = frame.instance.memory

    def refuse(self, code, arg=None, limit=None, size=None, detail=None):
        raise Refused(self.case.violation(self.job, self.name, code, arg, limit, size, detail or code))

    def record(self, event):
        self.case.record(self.job, event)

    def check_memory(self, ptr, length, arg):
        if not in_memory(self.memory, self.caller, ptr, length):
            self.refuse("INVALID_MEMORY_ACCESS", arg,
                        detail="[%d, +%d) is outside memory" % (ptr & U32_MAX, length & U32_MAX))

    def read(self, ptr, length):
        return read_bytes(self.memory, self.caller, ptr, length)

    def check_job(self, ptr):
        """call.check-order's first two checks, call.running-job: answers the running job."""
        self.check_memory(ptr, 16, "job_id_ptr")
        if self.job is None or self.read(ptr, 16) != self.job.id_bytes:
            self.refuse("NOT_RUNNING_JOB", "job_id_ptr", detail="not the job running on this instance")
        return self.job

    def text(self, ptr, length, arg):
        """call.utf8: a text argument, refused when it is not UTF-8, never replaced."""
        text = utf8_or_none(self.read(ptr, length))
        if text is None:
            self.refuse("BAD_ARGUMENT", arg, detail="not UTF-8")
        return text

    def message(self, ptr, length, arg="msg_ptr"):
        """call.message-size, then call.utf8."""
        size = length & U32_MAX
        limit = self.case.limits["maxMessageBytes"]
        if size > limit:
            self.refuse("LIMIT_EXCEEDED", arg, "maxMessageBytes", size, "%d bytes; the limit is %d" % (size, limit))
        return self.text(ptr, length, arg)

    def answer(self, data):
        """answer.framing, answer.alloc-failure: wasm_alloc(4 + n) once, after the effect, then a u32 LE length and
        the bytes; 0 when the pointer does not hold them. A trap inside wasm_alloc is the run's (answer.alloc-trap)."""
        size = 4 + len(data)
        ptr = self.instance.alloc(self.caller, size) & U32_MAX
        if ptr == 0 or not in_memory(self.memory, self.caller, ptr, size):
            self.case.violation(self.job, self.name, "ALLOCATION_FAILED", None, None, size,
                                "wasm_alloc(%d) answered %d" % (size, ptr))
            return 0
        write_bytes(self.memory, self.caller, ptr, struct.pack("<I", len(data)) + data)
        return ptr


# ---- logging, registration, progress -------------------------------------------------------------------------------

def _log_line(call, level, ptr, length):
    """report.log, report.flood, report.log-attribution: one line from either import."""
    call.check_memory(ptr, length, "msg_ptr")
    job = call.job
    if job is not None and job.kept_log_lines >= call.case.limits["maxLogLinesPerJob"]:
        # report.flood: the first line past the limit records one refusal; it and every later one are dropped.
        if job.dropped_log_lines == 0:
            call.case.violation(job, call.name, "LIMIT_EXCEEDED", None, "maxLogLinesPerJob", None, "log flood")
        job.dropped_log_lines += 1
        return
    text = call.message(ptr, length)
    if job is not None:
        job.kept_log_lines += 1
    call.record({"kind": "log", "level": LEVELS.get(level, "info"), "message": text})


def spacedrive_log(call, level, msg_ptr, msg_len):
    _log_line(call, level, msg_ptr, msg_len)


def job_log(call, job_ptr, level, msg_ptr, msg_len):
    call.check_job(job_ptr)
    _log_line(call, level, msg_ptr, msg_len)


def register_job(call, name_ptr, name_len, export_ptr, export_len, resumable):
    """init.register, init.register-phase, init.reinit."""
    call.check_memory(name_ptr, name_len, "name_ptr")
    call.check_memory(export_ptr, export_len, "export_ptr")
    name = call.text(name_ptr, name_len, "name_ptr")
    export = call.text(export_ptr, export_len, "export_ptr")
    case = call.case
    if call.frame.kind != "init":
        call.refuse("WRONG_PHASE", detail="register_job outside plugin_init")
    if not call.instance.first and case.registrations.get(name) == export:
        return OK  # init.reinit: the registration stands; nothing is recorded
    if name == "":
        call.refuse("BAD_ARGUMENT", "name_ptr", detail="an empty name")
    if name in case.registrations:
        call.refuse("DUPLICATE", "name_ptr", detail="%r is registered already" % name)
    if not case.loaded.is_job_export(export):
        call.refuse("UNKNOWN_EXPORT", "export_ptr", detail="no job export %r" % export)
    case.registrations[name] = export
    call.record({"kind": "job_registered", "name": name, "export": export, "resumable": resumable != 0})
    return OK


def job_report_progress(call, job_ptr, progress, msg_ptr, msg_len):
    """progress.report, progress.f32."""
    call.check_job(job_ptr)
    call.check_memory(msg_ptr, msg_len, "msg_ptr")
    if progress != progress:
        call.refuse("BAD_ARGUMENT", "progress", detail="NaN progress")
    text = call.message(msg_ptr, msg_len)
    # The f32 arrives widened to a double, exactly; clamped it stays an f32 value (+inf is 1, -inf 0), and -0 is 0.
    value = min(max(float(progress), 0.0), 1.0)
    call.record({"kind": "progress", "value": 0 if value == 0 else value, "message": text})


def job_progress(call, job_ptr, progress_ptr, progress_len):
    """progress.structured."""
    call.check_job(job_ptr)
    call.check_memory(progress_ptr, progress_len, "progress_ptr")
    text = call.message(progress_ptr, progress_len, "progress_ptr")
    try:
        value = read_json(text, refuse_repeated_names=True)
    except BadJson as error:
        call.refuse("BAD_ARGUMENT", "progress_ptr", detail="not JSON: %s" % error)
    if not is_progress(value):
        call.refuse("BAD_ARGUMENT", "progress_ptr", detail="not a Progress")
    call.record({"kind": "job_progress", "progress": text})
    return OK


def job_add_warning(call, job_ptr, msg_ptr, msg_len):
    """report.warning, report.flood."""
    job = call.check_job(job_ptr)
    call.check_memory(msg_ptr, msg_len, "msg_ptr")
    if job.warnings >= call.case.limits["maxWarningsPerJob"]:
        if job.dropped_warnings == 0:
            call.case.violation(job, call.name, "LIMIT_EXCEEDED", None, "maxWarningsPerJob", None, "warning flood")
        job.dropped_warnings += 1
        return
    text = call.message(msg_ptr, msg_len)
    call.record({"kind": "warning", "message": text})
    job.warnings += 1


def job_add_non_critical_error(call, job_ptr, msg_ptr, msg_len):
    """report.non-critical-error: no count limit."""
    job = call.check_job(job_ptr)
    call.check_memory(msg_ptr, msg_len, "msg_ptr")
    text = call.message(msg_ptr, msg_len)
    call.record({"kind": "non_critical_error", "message": text})
    job.non_critical_errors += 1


# ---- metrics -------------------------------------------------------------------------------------------------------

def _increment(call, job_ptr, n, field):
    """metrics.increment, metrics.saturate: n is an i64 taken as u64; the total stops at 2^64 - 1."""
    job = call.check_job(job_ptr)
    n &= U64_MAX
    total = min(getattr(job, field) + n, U64_MAX)
    setattr(job, field, total)
    call.record({"kind": "metrics", "field": field, "delta": str(n), "total": str(total)})


def job_increment_bytes(call, job_ptr, n):
    _increment(call, job_ptr, n, "bytes")


def job_increment_items(call, job_ptr, n):
    _increment(call, job_ptr, n, "items")


def job_metrics(call, job_ptr, out_ptr):
    """metrics.read: 24 bytes, the counts past 2^32 - 1 written as 2^32 - 1 (the event keeps them)."""
    job = call.check_job(job_ptr)
    call.check_memory(out_ptr, 24, "out_ptr")
    data = struct.pack("<QQII", job.bytes, job.items, min(job.warnings, U32_MAX),
                       min(job.non_critical_errors, U32_MAX))
    write_bytes(call.memory, call.caller, out_ptr, data)
    call.record({"kind": "metrics_read", "metrics": job.metrics()})
    return OK


# ---- checkpoints and interrupts ------------------------------------------------------------------------------------

def _reach_store(call):
    """scenario.store-failures, checkpoint.store-error: this save reaches the state store, which fails the n-th."""
    case = call.case
    case.store_saves += 1
    if case.store_saves in case.store_failures:
        call.refuse("STORE_ERROR", detail="the state store failed save %d" % case.store_saves)


def job_checkpoint(call, job_ptr, state_ptr, state_len):
    """checkpoint.save, checkpoint.while-interrupted, child.tree."""
    job = call.check_job(job_ptr)
    call.check_memory(state_ptr, state_len, "state_ptr")
    case = call.case
    size = state_len & U32_MAX
    if size > case.limits["maxStateBytes"]:
        call.refuse("LIMIT_EXCEEDED", "state_ptr", "maxStateBytes", size, "a state of %d bytes" % size)
    current = len(job.checkpoint) if job.checkpoint is not None else 0
    if case.tree_state_bytes - current + size > case.limits["maxTreeStateBytes"]:
        call.refuse("LIMIT_EXCEEDED", "state_ptr", "maxTreeStateBytes", size, "the tree's state is full")
    state = call.read(state_ptr, size)
    _reach_store(call)
    case.set_checkpoint(job, state)
    call.record({"kind": "checkpoint", "state": trace_text(state), "bytes": size})
    return OK


def job_checkpoint_stateless(call, job_ptr):
    """checkpoint.stateless: the job's checkpoint becomes none."""
    job = call.check_job(job_ptr)
    _reach_store(call)
    call.case.set_checkpoint(job, None)
    call.record({"kind": "checkpoint", "state": None, "bytes": 0})
    return OK


def job_load_state(call, job_ptr):
    """checkpoint.load: the current checkpoint, or 0 when the job has none (its initial state is not one)."""
    job = call.check_job(job_ptr)
    checkpoint = job.checkpoint
    call.record({"kind": "load_state", "state": trace_text(checkpoint)})
    return 0 if checkpoint is None else call.answer(checkpoint)


def job_check_interrupt(call, job_ptr):
    """interrupt.answer, interrupt.level-triggered; a refused check is not a check (interrupt.plans)."""
    call.check_job(job_ptr)
    frame = call.frame
    frame.checks += 1
    call.case.plan_due(frame, "atCheck", frame.checks)
    answer = INTERRUPT_ANSWERS[frame.pending]
    call.record({"kind": "interrupt_check", "answer": answer})
    return answer


# ---- children ------------------------------------------------------------------------------------------------------

def job_spawn_child(call, job_ptr, type_ptr, type_len, params_ptr, params_len):
    """child.spawn, child.tree."""
    job = call.check_job(job_ptr)
    call.check_memory(type_ptr, type_len, "type_ptr")
    call.check_memory(params_ptr, params_len, "params_ptr")
    job_type = call.text(type_ptr, type_len, "type_ptr")
    case = call.case
    limits = case.limits
    # The name a job was registered by, not its export; this host has no native job types.
    if job_type not in case.registrations:
        call.refuse("UNKNOWN_JOB_TYPE", "type_ptr", detail="no job type %r" % job_type)
    if len(job.children) >= limits["maxChildrenPerJob"]:
        call.refuse("LIMIT_EXCEEDED", None, "maxChildrenPerJob", None, "too many children")
    if job.depth + 1 > limits["maxChildDepth"]:
        call.refuse("LIMIT_EXCEEDED", None, "maxChildDepth", None, "too deep")
    if len(case.jobs) >= limits["maxTreeJobs"]:
        call.refuse("LIMIT_EXCEEDED", None, "maxTreeJobs", None, "too many jobs in the tree")
    if case.queued_jobs >= limits["maxQueuedJobs"]:
        call.refuse("LIMIT_EXCEEDED", None, "maxQueuedJobs", None, "too many queued jobs in the tree")
    size = params_len & U32_MAX
    if case.tree_state_bytes + size > limits["maxTreeStateBytes"]:
        call.refuse("LIMIT_EXCEEDED", "params_ptr", "maxTreeStateBytes", size, "the tree's state is full")
    params = call.read(params_ptr, size)  # bytes, never checked as text
    child = case.create_job(job_type, case.registrations[job_type], job, params)
    call.record({"kind": "child_spawned", "child": child.id, "type": job_type, "params": trace_text(params)})
    return call.answer(child.id_bytes)


def job_wait_for_children(call, job_ptr):
    """child.wait: the children not run yet, each to its end, inside the call; then every child's status."""
    job = call.check_job(job_ptr)
    call.case.run_queued_children(job)
    # The wait counts towards the parent's runTimeoutMs, not its stall limit; the children's runs moved this store's
    # deadline, so the parent's is set again before the wasm_alloc of the answer runs.
    call.frame.restart_stall(call.caller)
    call.record({"kind": "children_waited",
                 "children": [{"job": child.id, "status": child.status} for child in job.children]})
    answer = [{"job_id": child.id, "status": child.status} for child in job.children]
    return call.answer(serde_dumps(answer).encode("utf-8"))


# ---- wire calls ----------------------------------------------------------------------------------------------------

def spacedrive_call(call, method_ptr, method_len, library_ptr, payload_ptr, payload_len):
    """wire.call: library_id_ptr 0 means no library."""
    call.check_memory(method_ptr, method_len, "method_ptr")
    if library_ptr:
        call.check_memory(library_ptr, 16, "library_id_ptr")
    call.check_memory(payload_ptr, payload_len, "payload_ptr")
    method = call.text(method_ptr, method_len, "method_ptr")
    size = payload_len & U32_MAX
    limit = call.case.limits["maxCallPayloadBytes"]
    if size > limit:
        call.refuse("LIMIT_EXCEEDED", "payload_ptr", "maxCallPayloadBytes", size,
                    "a payload of %d bytes; the limit is %d" % (size, limit))
    payload = call.text(payload_ptr, payload_len, "payload_ptr")
    library = str(uuid.UUID(bytes=call.read(library_ptr, 16))) if library_ptr else None
    request, response = call.case.wire.call(method, library, payload)
    call.record({"kind": "call", "method": method, "library": library, "request": request, "response": response})
    return call.answer(serde_dumps(response).encode("utf-8"))


IMPLEMENTATIONS = {
    "spacedrive_log": spacedrive_log,
    "spacedrive_call": spacedrive_call,
    "register_job": register_job,
    "job_report_progress": job_report_progress,
    "job_checkpoint": job_checkpoint,
    "job_check_interrupt": job_check_interrupt,
    "job_add_warning": job_add_warning,
    "job_increment_bytes": job_increment_bytes,
    "job_increment_items": job_increment_items,
    "job_load_state": job_load_state,
    "job_spawn_child": job_spawn_child,
    "job_add_non_critical_error": job_add_non_critical_error,
    "job_log": job_log,
    "job_progress": job_progress,
    "job_metrics": job_metrics,
    "job_checkpoint_stateless": job_checkpoint_stateless,
    "job_wait_for_children": job_wait_for_children,
}


# ---- linking -------------------------------------------------------------------------------------------------------

# call.refusal: what a refused call answers, by the imports table's "answers" (a status call: the status code).
REFUSED_ANSWERS = {"pointer": 0, "interrupt": 0, "void": None}


def make_linker(case, version):
    """The imports of the guest's ABI version and every older one (link.imports), bound to the case."""
    linker = Linker(ENGINE)
    for name, spec in IMPORTS.items():
        if spec.since <= version:
            linker.define_func("spacedrive", name, FuncType(spec.params, spec.results),
                               _host_function(case, name, spec.answers), access_caller=True)
    return linker


def _host_function(case, name, answers):
    """What wasmtime calls for import `name`: the bookkeeping every call shares around the import's own code."""
    implementation = IMPLEMENTATIONS[name]

    def host_function(caller, *args):
        frame = case.frames[-1]
        if frame.kind == "run":
            frame.calls += 1  # call.count: a call made while no job runs counts for none
            case.plan_due(frame, "atCall", frame.calls)  # interrupt.plans: atCall plans first
        if frame.stall_ms:
            # run.stall: the clock restarts when a call begins, so the wasm_alloc the call makes is timed from here
            # (with no stall limit the store's deadline is the run's, which the call's start does not move) ...
            frame.restart_stall(caller)
        try:
            return implementation(Call(case, caller, frame, name), *args)
        except Refused as refusal:
            return refusal.status if answers == "status" else REFUSED_ANSWERS[answers]
        except (Trap, WasmtimeError) as error:
            # A trap or a stop inside the wasm_alloc the call made: a trap of the run (answer.alloc-trap).
            raise GuestTrap(cause_of(error), str(error)) from None
        except GuestTrap:
            raise
        except Exception:
            print("wasmtime-host: host error in %s:\n%s" % (name, traceback.format_exc()), file=sys.stderr,
                  flush=True)
            raise
        finally:
            # ... and again when it returns, which also puts back the deadline a child.wait's children moved.
            frame.restart_stall(caller)

    return host_function
