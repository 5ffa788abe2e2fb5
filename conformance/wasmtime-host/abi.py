"""The ABI's tables, transcribed from docs/ABI.md ("Imports", "Guest exports", "Status codes", "Limits") and
conformance/PROTOCOL.md (handshake, scenario.permissions). Data, and the one type comparison the tables need."""

from typing import NamedTuple

from wasmtime import FuncType, ValType

I32, I64, F32 = ValType.i32(), ValType.i64(), ValType.f32()

U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1


class Import(NamedTuple):
    params: list
    results: list
    answers: str  # the imports table's "answers": void, status, pointer or interrupt (what a refusal returns)
    since: tuple  # the first ABI version that has it (link.imports)


IMPORTS = {
    "spacedrive_log": Import([I32, I32, I32], [], "void", (1, 0)),
    "spacedrive_call": Import([I32] * 5, [I32], "pointer", (1, 0)),
    "register_job": Import([I32] * 5, [I32], "status", (1, 0)),
    "job_report_progress": Import([I32, F32, I32, I32], [], "void", (1, 0)),
    "job_checkpoint": Import([I32, I32, I32], [I32], "status", (1, 0)),
    "job_check_interrupt": Import([I32], [I32], "interrupt", (1, 0)),
    "job_add_warning": Import([I32, I32, I32], [], "void", (1, 0)),
    "job_increment_bytes": Import([I32, I64], [], "void", (1, 0)),
    "job_increment_items": Import([I32, I64], [], "void", (1, 0)),
    "job_load_state": Import([I32], [I32], "pointer", (1, 0)),
    "job_spawn_child": Import([I32] * 5, [I32], "pointer", (1, 0)),
    "job_add_non_critical_error": Import([I32, I32, I32], [], "void", (1, 0)),
    "job_log": Import([I32, I32, I32, I32], [], "void", (1, 0)),
    "job_progress": Import([I32, I32, I32], [I32], "status", (1, 1)),
    "job_metrics": Import([I32, I32], [I32], "status", (1, 1)),
    "job_checkpoint_stateless": Import([I32], [I32], "status", (1, 1)),
    "job_wait_for_children": Import([I32], [I32], "pointer", (1, 1)),
}

# Exports the host reads, with the types the exports table gives them (link.required-exports, link.optional-exports).
REQUIRED_FUNCTION_EXPORTS = {"wasm_alloc": ([I32], [I32])}
OPTIONAL_FUNCTION_EXPORTS = {
    "wasm_free": ([I32, I32], []),
    "plugin_init": ([], [I32]),
    "plugin_cleanup": ([], [I32]),
}
# (ctx_ptr, ctx_len, state_ptr, state_len) -> code
JOB_EXPORT_TYPE = ([I32, I32, I32, I32], [I32])

# The ABI version this host serves: 1.1, and with it 1.0 (version.marker).
SERVED = (1, 1)

STATUS = {
    "OK": 0, "INVALID_MEMORY_ACCESS": 1, "NOT_RUNNING_JOB": 2, "BAD_ARGUMENT": 3, "LIMIT_EXCEEDED": 4,
    "DUPLICATE": 5, "UNKNOWN_EXPORT": 6, "UNKNOWN_JOB_TYPE": 7, "ALLOCATION_FAILED": 8, "WRONG_PHASE": 9,
    "STORE_ERROR": 10, "BAD_RETURN": 11,
}
OK = STATUS["OK"]

# The limits table's defaults; a scenario's `limits` override them (scenario.limits).
DEFAULT_LIMITS = {
    "maxStateBytes": 16777216,
    "maxMessageBytes": 65536,
    "maxLogLinesPerJob": 10000,
    "maxChildrenPerJob": 64,
    "maxChildDepth": 4,
    "maxTreeJobs": 4096,
    "maxQueuedJobs": 1024,
    "maxTreeStateBytes": 268435456,
    "maxRunsPerJob": 32,
    "maxCallPayloadBytes": 1048576,
    "maxWarningsPerJob": 10000,
    "runTimeoutMs": 10000,
    "stallTimeoutMs": 10000,
    "maxMemoryPages": 16384,
}

# scenario.permissions: what an absent manifest field means.
DEFAULT_PERMISSIONS = {"methods": ["query:", "action:"], "libraries": ["*"],
                       "rateLimit": {"calls": 1000, "windowMs": 60000}}

# The twelve capabilities ABI v1 requires (handshake.capabilities).
CAPABILITIES = ["progress", "checkpoint", "save_state", "load_state", "interrupt", "metrics", "warnings",
                "non_critical_errors", "logging", "child_jobs", "library", "networking"]

# report.log: 0 debug, 1 info, 2 warn, 3 error, any other level info.
LEVELS = {0: "debug", 1: "info", 2: "warn", 3: "error"}

# interrupt.answer: what job_check_interrupt answers for the pending request.
INTERRUPT_ANSWERS = {None: 0, "pause": 1, "cancel": 2}


def same_type(func_type, expected):
    """True when `func_type` is a function type with exactly the (params, results) of `expected`."""
    params, results = expected
    return (isinstance(func_type, FuncType)
            and [str(t) for t in func_type.params] == [str(t) for t in params]
            and [str(t) for t in func_type.results] == [str(t) for t in results])


def show_type(func_type):
    """A function type, or a (params, results) pair of this table, as words for a load error (link.messages)."""
    if isinstance(func_type, FuncType):
        params, results = func_type.params, func_type.results
    elif isinstance(func_type, tuple):
        params, results = func_type
    else:
        return "not a function"
    return "(%s) -> (%s)" % (", ".join(map(str, params)), ", ".join(map(str, results)))


class LoadError(Exception):
    """A load error: the one answer a guest that fails to load gets (link.order)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
