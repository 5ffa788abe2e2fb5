"""One conformance case: one guest's life (docs/ABI.md "The model"). It instantiates the guest, runs plugin_init,
creates the root job, drives it and every job it leads to in the ABI's order, calls plugin_cleanup and writes the
result (PROTOCOL.md "result").

Guest code runs inside frames, a stack: a run of a job, a plugin_init or a plugin_cleanup. The top frame is what runs
now; its job, if any, is "the job running on the calling instance" (call.running-job). Children driven by
job_wait_for_children push their frames above their parent's (child.wait), which is why this is a stack. Each frame
has the two clocks of run.timeout and run.stall, which it turns into its store's epoch deadline (engine.py)."""

import sys
import time
import traceback
import uuid

from wasmtime import Store, Trap, WasmtimeError

from abi import STATUS, U32_MAX, LoadError
from engine import ENGINE, NO_DEADLINE, GuestTrap, cause_of, set_deadline
from imports import make_linker
from memory import guest_memory, in_memory, write_bytes
from text import js_stringify, replace_lone_surrogates, trace_text
from wire import Wire

TRAP = {"cause": "trap"}
PAGE_BYTES = 65536


class Job:
    """A job of the case (run.lifecycle), created Queued."""

    def __init__(self, index, job_type, export, parent, initial_state):
        uid = uuid.uuid4()  # result.ids: random, so no guest can guess it
        self.id = str(uid)
        self.id_bytes = uid.bytes  # memory.job-id: the bytes in the order the text spells them
        self.index = index  # the n-th job created: what an interrupt plan's `job` names
        self.type = job_type
        self.export = export
        self.parent = parent
        self.depth = 0 if parent is None else parent.depth + 1
        self.initial_state = initial_state
        self.status = "Queued"
        self.runs = 0
        self.exit_codes = []
        self.bytes = self.items = 0
        self.warnings = self.non_critical_errors = 0
        self.kept_log_lines = self.dropped_log_lines = self.dropped_warnings = 0
        self.checkpoint = None
        self.children = []
        self.trace = []
        self.error = None

    def metrics(self):
        return {"bytes": str(self.bytes), "items": str(self.items), "warnings": self.warnings,
                "nonCriticalErrors": self.non_critical_errors}


class Instance:
    """An instantiation of the guest, in a store of its own; `first` is the one made when the guest loaded."""

    def __init__(self, store, wasm, first):
        self.store = store
        self.exports = wasm.exports(store)
        self.memory = guest_memory(self.exports["memory"])
        self.alloc = self.exports["wasm_alloc"]
        self.first = first
        self.retired = False  # run.retire: it trapped or was stopped


class Frame:
    """Guest code running: kind "init", "run" or "cleanup", on an instance, for a job (runs only)."""

    def __init__(self, kind, instance, limits, job=None):
        self.kind = kind
        self.instance = instance
        self.job = job
        self.calls = 0  # call.count
        self.checks = 0  # interrupt.plans: the checks of this run
        self.pending = None  # the interrupt requested in this run: None, "pause" or "cancel" (interrupt.per-run)
        now = time.monotonic()
        run_ms = limits["runTimeoutMs"]
        self.deadline = now + run_ms / 1000.0 if run_ms else None  # run.timeout; 0: no limit
        self.stall_ms = limits["stallTimeoutMs"]  # run.stall; 0: no limit
        self.last_call = now

    def arm(self, storelike):
        """The store's epoch deadline: the earlier of the run's deadline and the stall clock's."""
        now = time.monotonic()
        ms_left = None
        if self.deadline is not None:
            ms_left = (self.deadline - now) * 1000.0
        if self.stall_ms:
            stall_left = self.stall_ms - (now - self.last_call) * 1000.0
            ms_left = stall_left if ms_left is None else min(ms_left, stall_left)
        set_deadline(storelike, ms_left)

    def restart_stall(self, storelike):
        """run.stall: the clock restarts when a host call begins and when it returns."""
        self.last_call = time.monotonic()
        self.arm(storelike)


class Case:
    """The state of one case: its jobs, registrations, instances, frames, wire and tree counts."""

    def __init__(self, loaded, scenario, limits):
        self.loaded = loaded
        self.scenario = scenario
        self.limits = limits
        self.wire = Wire(scenario)
        self.interrupts = scenario.get("interrupts") or []
        self.resume = bool(scenario.get("resume"))
        self.store_failures = set(scenario.get("storeFailures") or [])
        self.store_saves = 0  # scenario.store-failures: the case's checkpoints that reached the store
        self.extension_trace = []
        self.jobs = []  # creation order: the root first (run.result-jobs)
        self.registrations = {}  # job name -> export, in registration order (init.register)
        self.frames = []
        self.live = None  # the instance the next run gets, unless it is retired (run.reuse, run.retire)
        self.tree_state_bytes = 0  # child.tree: initial states and current checkpoints
        self.queued_jobs = 0  # child.tree: jobs spawned that have not started
        self.linker = make_linker(self, loaded.version)

    # ---- recording -------------------------------------------------------------------------------------------------

    def record(self, job, event):
        """An event in the job's trace, or in the extension trace when job is None."""
        event = dict(event, job=job.id if job is not None else None)
        (job.trace if job is not None else self.extension_trace).append(event)

    def violation(self, job, import_name, code, arg, limit, size, detail):
        """call.refusal, call.refusal-trace: one abi_violation; answers the status code a status call returns."""
        self.record(job, {"kind": "abi_violation", "import": import_name, "code": code, "arg": arg, "limit": limit,
                          "size": size, "detail": detail})
        return STATUS[code]

    # ---- jobs and their state --------------------------------------------------------------------------------------

    def create_job(self, job_type, export, parent, initial_state):
        job = Job(len(self.jobs), job_type, export, parent, initial_state)
        self.jobs.append(job)
        # child.tree: an initial state counts for as long as the tree lasts.
        self.tree_state_bytes += len(initial_state or b"")
        if parent is not None:
            parent.children.append(job)
            self.queued_jobs += 1
        self.record(job, {"kind": "status", "status": "Queued"})
        return job

    def set_checkpoint(self, job, state):
        """The job's checkpoint becomes `state` (None: none); child.tree counts it in place of the one before."""
        self.tree_state_bytes += len(state or b"") - len(job.checkpoint or b"")
        job.checkpoint = state

    def plan_due(self, frame, kind, count):
        """interrupt.plans: a plan of `kind` ("atCall" or "atCheck") for this job's run comes due at `count`. Of
        several, the first in the list; a pending request is never replaced (interrupt.first-wins)."""
        if frame.pending is not None:
            return
        job = frame.job
        for plan in self.interrupts:
            if plan.get(kind) == count and plan.get("job", 0) == job.index and plan.get("run", 0) == job.runs - 1:
                frame.pending = plan["action"]
                return

    # ---- instances -------------------------------------------------------------------------------------------------

    def new_instance(self, first):
        """Instantiates the guest and runs its plugin_init, under clocks of its own (init.once-per-instance,
        init.time-limit). Answers (instance, None), or (None, why) when either failed (link.instantiation-trap,
        init.result, init.trap)."""
        store = Store(ENGINE)
        store.set_limits(memory_size=self.limits["maxMemoryPages"] * PAGE_BYTES)  # memory.cap
        store.set_epoch_deadline(NO_DEADLINE)  # instantiation is not timed
        try:
            instance = Instance(store, self.linker.instantiate(store, self.loaded.module), first)
        except (Trap, WasmtimeError) as error:
            return None, "instantiation failed: %s" % error
        init = instance.exports.get("plugin_init")
        if init is None:
            return instance, None
        frame = Frame("init", instance, self.limits)
        self.frames.append(frame)
        try:
            frame.arm(store)
            code = init(store)
        except Exception as error:
            return None, "plugin_init trapped or was stopped: %s" % error
        finally:
            self.frames.pop()
        if code != 0:
            return None, "plugin_init returned %d" % code
        return instance, None

    # ---- driving jobs ----------------------------------------------------------------------------------------------

    def drive(self, job):
        """child.order, run.resume: a job to its end: a run, the children it queued, then its resumes."""
        while True:
            self.run_once(job)
            self.run_queued_children(job)
            if not (job.status == "Paused" and self.resume and job.runs < self.limits["maxRunsPerJob"]):
                return

    def run_queued_children(self, job):
        """child.order, child.wait: the job's children that have not run yet, in spawn order, each to its end."""
        for child in list(job.children):
            if child.runs == 0:
                self.drive(child)

    def run_once(self, job):
        """One run (run.lifecycle) on the live instance, or on a fresh one when it was retired (run.retire)."""
        if job.runs == 0 and job.parent is not None:
            self.queued_jobs -= 1  # child.tree: a job starts when its first run begins
        job.runs += 1
        job.status = "Running"
        self.record(job, {"kind": "status", "status": "Running"})
        instance = self.live
        if instance is None or instance.retired:
            instance, error = self.new_instance(first=False)
            self.live = instance
            if instance is None:
                # run.retire: the run fails with end cause trap, and the next run gets another fresh instance.
                self.end_run(job, "Failed", TRAP, error)
                return
        # run.timeout, init.time-limit: the run's clocks start after plugin_init, before the context is passed.
        frame = Frame("run", instance, self.limits, job)
        self.frames.append(frame)
        try:
            frame.arm(instance.store)
            status, end, error = self.call_export(job, frame)
        finally:
            self.frames.pop()
        self.end_run(job, status, end, error)

    def pass_bytes(self, job, instance, data):
        """dispatch.context, dispatch.alloc-failure: wasm_alloc for the context or the state, and the bytes written
        there; None when the pointer does not hold them (recorded). A trap inside is the run's (dispatch.alloc-trap)."""
        store = instance.store
        ptr = instance.alloc(store, len(data)) & U32_MAX
        if ptr == 0 or not in_memory(instance.memory, store, ptr, len(data)):
            self.violation(job, job.export, "ALLOCATION_FAILED", None, None, len(data),
                           "wasm_alloc(%d) answered %d" % (len(data), ptr))
            return None
        write_bytes(instance.memory, store, ptr, data)
        return ptr

    def call_export(self, job, frame):
        """Passes the context and the state, calls the job's export; answers (status, end, error)."""
        instance = frame.instance
        context = ('{"job_id":"%s","library_id":"%s"}' % (job.id, self.wire.default_library["id"])).encode()
        # dispatch.state: the checkpoint, else the initial state; dispatch.no-state: none or empty is (0, 0).
        state = job.checkpoint if job.checkpoint is not None else job.initial_state
        try:
            context_ptr = self.pass_bytes(job, instance, context)
            if context_ptr is None:
                return "Failed", TRAP, "wasm_alloc could not take the context"
            state_ptr = 0
            if state:
                state_ptr = self.pass_bytes(job, instance, state)
                if state_ptr is None:
                    return "Failed", TRAP, "wasm_alloc could not take the state"
            code = instance.exports[job.export](instance.store, context_ptr, len(context), state_ptr, len(state or b""))
        except (Trap, WasmtimeError, GuestTrap) as error:
            instance.retired = True  # run.retire: only the instance the run ran on
            return "Failed", {"cause": cause_of(error)}, str(error)
        except Exception as error:
            print("wasmtime-host: host error during a run:\n%s" % traceback.format_exc(), file=sys.stderr, flush=True)
            instance.retired = True
            return "Failed", TRAP, "host error: %s" % error
        return self.returned(job, frame, code)

    def returned(self, job, frame, code):
        """run.returned, run.bad-return."""
        job.exit_codes.append(code)
        end = {"cause": "returned", "code": code}
        if code == 0:
            return "Completed", end, None
        if code == 1:
            return ("Cancelled" if frame.pending == "cancel" else "Paused"), end, None
        if code == 2:
            return "Failed", end, None
        self.violation(job, job.export, "BAD_RETURN", None, None, None, "the job returned %d" % code)
        return "Failed", end, "the job returned %d" % code

    def end_run(self, job, status, end, error):
        job.status = status
        if error:
            job.error = error
        # checkpoint.kept: discarded when the job completes or is cancelled, kept when it pauses or fails.
        if status in ("Completed", "Cancelled"):
            self.set_checkpoint(job, None)
        self.record(job, {"kind": "status", "status": status, "end": end})

    def cleanup(self):
        """run.cleanup: plugin_cleanup once on the live instance, under its own clocks; its result and traps are
        ignored, and no instance is made for it."""
        instance = self.live
        if instance is None or instance.retired:
            return
        cleanup = instance.exports.get("plugin_cleanup")
        if cleanup is None:
            return
        frame = Frame("cleanup", instance, self.limits)
        self.frames.append(frame)
        try:
            frame.arm(instance.store)
            cleanup(instance.store)
        except Exception:
            instance.retired = True
        finally:
            self.frames.pop()

    # ---- the case --------------------------------------------------------------------------------------------------

    def resolve_root(self, name):
        """dispatch.job-type: a registered name; else the export of a registration (the first one's name); else an
        unregistered export of the job type."""
        if name in self.registrations:
            return name, self.registrations[name]
        for job_type, export in self.registrations.items():
            if export == name:
                return job_type, export
        if self.loaded.is_job_export(name):
            return name, name
        raise LoadError("JP_UNKNOWN_JOB", "the guest has no job %r" % name)

    def execute(self):
        """link.order's last steps (JP_INIT_FAILED, JP_UNKNOWN_JOB), then the case; answers the WireResult."""
        instance, error = self.new_instance(first=True)
        if instance is None:
            raise LoadError("JP_INIT_FAILED", error)
        self.live = instance
        job_type, export = self.resolve_root(self.scenario["job"])
        root = self.create_job(job_type, export, None, scenario_state(self.scenario.get("state")))
        self.drive(root)
        self.cleanup()
        return self.result()

    def result(self):
        """run.result-jobs, library.snapshot: the WireResult."""
        return {
            "extension": self.extension_trace,
            "jobs": [{"id": j.id, "type": j.type, "parent": j.parent.id if j.parent else None, "status": j.status,
                      "runs": j.runs, "exitCodes": j.exit_codes, "metrics": j.metrics(),
                      "savedState": trace_text(j.checkpoint), "droppedLogLines": j.dropped_log_lines,
                      "droppedWarnings": j.dropped_warnings, "trace": j.trace} for j in self.jobs],
            "library": {"libraries": self.wire.libraries},
            "errors": [j.error for j in self.jobs],
        }


def scenario_state(state):
    """scenario.state: a string as its UTF-8 bytes, any other JSON value as JSON.stringify writes it; absent or
    null: none."""
    if state is None:
        return None
    if isinstance(state, str):
        return replace_lone_surrogates(state).encode("utf-8")
    return js_stringify(state).encode("utf-8")
