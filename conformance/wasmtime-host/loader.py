"""Loading a guest: the checks of link.order up to instantiation, in that order, each answering its load error code,
then the module compiled with its memories capped (memory.cap). Instantiation, plugin_init and the scenario's job,
the last steps of link.order, are the case's (case.py)."""

import re
import sys

from wasmtime import MemoryType, Module, WasmtimeError

from abi import (IMPORTS, JOB_EXPORT_TYPE, OPTIONAL_FUNCTION_EXPORTS, REQUIRED_FUNCTION_EXPORTS, SERVED, LoadError,
                 same_type, show_type)
from engine import ENGINE

WASM_MAGIC = b"\0asm"
MARKER = re.compile("spacedrive_abi_version_([0-9]+)_([0-9]+)")
START_SECTION, MEMORY_SECTION = 8, 5


class Loaded:
    """A guest that passed the load checks: its compiled module, its exports' types and the ABI version it asks for."""

    def __init__(self, module, export_types, version):
        self.module = module
        self.export_types = export_types
        self.version = version

    def is_job_export(self, name):
        """An export of the job type (init.register, dispatch.job-type)."""
        return same_type(self.export_types.get(name), JOB_EXPORT_TYPE)


def load_guest(guest, limits, file):
    """Runs the load checks up to instantiation; answers a Loaded or raises a LoadError."""
    # link.valid-module. wasmtime-py reads bytes that do not start with a 0 byte as the text format, which is not a
    # module: only the binary format is.
    if not guest.startswith(WASM_MAGIC):
        raise LoadError("JP_WASM_INVALID", "%s: not a WebAssembly binary module" % file)
    try:
        module = Module(ENGINE, guest)
    except WasmtimeError as error:
        raise LoadError("JP_WASM_INVALID", "%s: not a valid WebAssembly module: %s" % (file, error))
    export_types = {export.name: export.type for export in module.exports}
    version = guest_version(export_types, file)
    problems = link_problems(module, export_types, version, guest)
    if problems:
        raise LoadError("JP_LINK", "%s: %s" % (file, "; ".join(problems)))
    pages = export_types["memory"].limits.min
    if pages > limits["maxMemoryPages"]:  # link.memory-limit
        raise LoadError("JP_MEMORY_LIMIT", "%s: initial memory of %d pages > maxMemoryPages %d"
                        % (file, pages, limits["maxMemoryPages"]))
    try:
        module = Module(ENGINE, cap_memories(guest, limits["maxMemoryPages"]))
    except WasmtimeError as error:
        print("wasmtime-host: %s: could not cap the memories, so memory.cap holds only for ordinary memories: %s"
              % (file, error), file=sys.stderr, flush=True)
    return Loaded(module, export_types, version)


def _as_number(digits):
    """version.marker: a marker's digits read as an integer of any size, kept as text without leading zeros (Python's
    int() refuses more than 4,300 digits); (length, text) pairs order as the numbers do."""
    digits = digits.lstrip("0") or "0"
    return len(digits), digits


def guest_version(export_types, file):
    """version.marker, version.several-markers: the ABI version the guest asks for, as (major, minor)."""
    versions = {(_as_number(m.group(1)), _as_number(m.group(2)))
                for m in map(MARKER.fullmatch, export_types) if m}
    if len(versions) > 1:
        raise LoadError("JP_ABI_VERSION", "%s: the guest asks for several ABI versions: %s"
                        % (file, ", ".join(sorted("%s.%s" % (a[1], b[1]) for a, b in versions))))
    if not versions:
        return 1, 0
    major, minor = versions.pop()
    if major != _as_number(str(SERVED[0])) or minor > _as_number(str(SERVED[1])):
        raise LoadError("JP_ABI_VERSION", "%s: the guest asks for ABI %s.%s; this host serves 1.0 and 1.1"
                        % (file, major[1], minor[1]))
    return int(major[1]), int(minor[1])


def link_problems(module, export_types, version, guest):
    """link.imports, link.signature, link.required-exports, link.optional-exports, link.start-function: every
    problem, so that a load error names them all (link.messages)."""
    problems = []
    for imp in module.imports:
        spec = IMPORTS.get(imp.name) if imp.module == "spacedrive" else None
        if spec is None or spec.since > version:
            problems.append("import %s.%s is not an import of ABI %d.%d" % (imp.module, imp.name, *version))
        elif not same_type(imp.type, (spec.params, spec.results)):
            problems.append("import %s has type %s; expected %s"
                            % (imp.name, show_type(imp.type), show_type((spec.params, spec.results))))
    if not isinstance(export_types.get("memory"), MemoryType):
        problems.append("no exported memory `memory`")
    for name, expected in REQUIRED_FUNCTION_EXPORTS.items():
        if not same_type(export_types.get(name), expected):
            problems.append("export %s is %s; expected %s" % (name, show_type(export_types.get(name)),
                                                              show_type(expected)))
    for name, expected in OPTIONAL_FUNCTION_EXPORTS.items():
        if name in export_types and not same_type(export_types[name], expected):
            problems.append("export %s is %s; expected %s" % (name, show_type(export_types[name]),
                                                              show_type(expected)))
    # wasmtime-py's Module does not say whether a module has a start function; its section list does.
    if any(section_id == START_SECTION for section_id, _ in sections(guest)):
        problems.append("the module has a start function")
    return problems


# ---- the binary format: sections, and the memory section rewritten -------------------------------------------------

def read_leb(data, i):
    """An unsigned LEB128 at data[i]: (value, the index after it)."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def leb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sections(module_bytes):
    """(id, body) of each section of a valid module, in order."""
    i = 8
    while i < len(module_bytes):
        section_id = module_bytes[i]
        size, start = read_leb(module_bytes, i + 1)
        yield section_id, module_bytes[start:start + size]
        i = start + size


def cap_memories(module_bytes, pages):
    """memory.cap: every memory's declared maximum lowered to `pages` (added when it has none). The store's limiter
    alone is not enough: wasmtime's does not cover a shared memory's growth. A 64-bit memory is left as it is."""
    out = bytearray(module_bytes[:8])
    for section_id, body in sections(module_bytes):
        if section_id == MEMORY_SECTION:
            count, k = read_leb(body, 0)
            rewritten = bytearray(leb(count))
            for _ in range(count):
                flags = body[k]
                minimum, k = read_leb(body, k + 1)
                maximum = None
                if flags & 1:
                    maximum, k = read_leb(body, k)
                if flags & 4:  # memory64
                    rewritten += bytes([flags]) + leb(minimum) + (leb(maximum) if maximum is not None else b"")
                    continue
                maximum = pages if maximum is None else min(maximum, pages)
                rewritten += bytes([flags | 1]) + leb(minimum) + leb(max(maximum, minimum))
            body = bytes(rewritten)
        out.append(section_id)
        out += leb(len(body))
        out += body
    return bytes(out)
