"""The wasmtime engine every case compiles on, and how guest code is stopped (run.timeout, run.stall,
init.time-limit).

The engine is built with epoch interruption: compiled guest code checks the engine's epoch at every function entry
and loop header and traps once it reaches its store's deadline. A daemon thread advances the epoch every TICK_MS;
each frame sets its store's deadline in ticks (case.Frame.arm). The trap is wasmtime's own (TrapCode.INTERRUPT):
no guest code catches it, and a host call in progress is never cut short, since the check is only in guest code."""

import math
import threading
import time

import wasmtime
from wasmtime import Config, Engine, Trap, TrapCode

TICK_MS = 2.0
NO_DEADLINE = 1 << 62  # ticks: never, in practice


def _config():
    config = Config()
    config.epoch_interruption = True
    # A guest with a shared memory fails to instantiate without it (link.valid-module lets a host load one; memory.cap
    # then caps it, see loader.cap_memories).
    config.shared_memory = True
    config.wasm_exceptions = True
    # The stack guest code may use; wasmtime counts it from the first entry into wasm, so the host frames of a
    # child.wait (a child's run inside its parent's host call, maxChildDepth levels) use it too. Above 2 MiB
    # (wasmtime's async_stack_size) the engine aborts the process when it is created.
    config.max_wasm_stack = 1024 * 1024
    return config


ENGINE = Engine(_config())


def start_ticker():
    """The epoch's clock: one tick every TICK_MS for as long as the process lives."""
    def tick():
        while True:
            time.sleep(TICK_MS / 1000.0)
            ENGINE.increment_epoch()
    threading.Thread(target=tick, name="epoch-ticker", daemon=True).start()


def set_deadline(storelike, ms_left):
    """Stops the store's guest code once `ms_left` milliseconds have passed (None: never; 0 or less: at its next
    check). A host may stop a run later than its limit, never before it: the next tick may come at once, so one tick
    more than the time left is asked for, and a tick never comes early (time.sleep sleeps at least as long)."""
    if ms_left is None:
        ticks = NO_DEADLINE
    elif ms_left <= 0:
        ticks = 0
    else:
        ticks = math.ceil(ms_left / TICK_MS) + 1
    # A Caller has no set_epoch_deadline in wasmtime-py; the C API's function takes a Store's or a Caller's context.
    wasmtime._ffi.wasmtime_context_set_epoch_deadline(storelike._context(), ticks)


class GuestTrap(Exception):
    """A trap of the run that guest code hit inside a host call (a trap or a stop inside the wasm_alloc that answers
    the call: answer.alloc-trap, child.wait), raised on through the import so that no guest code goes on."""

    def __init__(self, cause, message):
        super().__init__(message)
        self.cause = cause


def cause_of(error):
    """The end cause of a run that raised `error`: timeout when the epoch stopped it, else trap (run.trap)."""
    if isinstance(error, GuestTrap):
        return error.cause
    if isinstance(error, Trap) and error.trap_code == TrapCode.INTERRUPT:
        return "timeout"
    return "trap"
