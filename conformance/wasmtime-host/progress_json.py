"""The strict JSON reader of wire.payload and progress.structured, and the Progress shapes of job_progress.

Python's json.loads is looser than serde_json, which both clauses follow: it reads NaN and Infinity, turns 1e400 into
an infinity, keeps lone surrogate escapes, and forgets whether an integer had a sign. Its hooks and one walk over the
value close those gaps."""

import json
import math
import re

from abi import U64_MAX

F32_MAX = 3.4028234663852886e38  # f32's largest, read as a double (progress.structured)
MAX_NESTING = 127  # serde_json's recursion limit

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class BadJson(Exception):
    pass


def _refuse_constant(name):
    raise BadJson("%s is not JSON" % name)


def _read_float(text):
    value = float(text)
    if math.isinf(value):
        raise BadJson("number out of range")
    return value


def _read_integer(text):
    # Digits alone may be a u64 (progress.structured: at most 2^64 - 1, exactly), so they stay an exact int; a signed
    # integer is never a u64 and is read by its value (wire.payload), -0 included.
    value = float(text)
    if math.isinf(value):
        raise BadJson("number out of range")
    return value if text.startswith("-") else int(text)


def read_json(text, refuse_repeated_names=False):
    """One JSON value as serde_json reads it, refused (BadJson) when it holds a number too large for a double, a lone
    surrogate escape, or more than 127 arrays and objects nested. A member name given twice keeps its last value
    (wire.payload), or is refused (progress.structured, with refuse_repeated_names)."""
    def make_object(pairs):
        if refuse_repeated_names and len({name for name, _ in pairs}) != len(pairs):
            raise BadJson("a member name is repeated")
        return dict(pairs)

    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_read_float,
                           parse_int=_read_integer, object_pairs_hook=make_object)
    except BadJson:
        raise
    except (ValueError, RecursionError) as error:
        raise BadJson(str(error))
    _check_strings_and_nesting(value, 0)
    return value


def _check_strings_and_nesting(value, depth):
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            raise BadJson("lone surrogate")
    elif isinstance(value, (list, dict)):
        depth += 1
        if depth > MAX_NESTING:
            raise BadJson("recursion limit")
        if isinstance(value, dict):
            for name, item in value.items():
                if _LONE_SURROGATE.search(name):
                    raise BadJson("lone surrogate")
                _check_strings_and_nesting(item, depth)
        else:
            for item in value:
                _check_strings_and_nesting(item, depth)


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# ---- progress.structured: the shapes of docs/ABI.md's "Progress" table ---------------------------------------------

def _u64(x):
    """Written as digits only, at most 2^64 - 1: read_json keeps exactly those as a non-negative int."""
    return isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= U64_MAX


def _fraction(x):
    """A number from 0 to 1, checked as the double it is (-0 is in range)."""
    return is_number(x) and 0 <= float(x) <= 1


def _f32(x):
    return is_number(x) and abs(float(x)) <= F32_MAX


def _duration(x):
    return (isinstance(x, dict) and "secs" in x and "nanos" in x and _u64(x["secs"]) and _u64(x["nanos"])
            and x["nanos"] < 10**9)


def _optional(obj, name, check):
    """An optional member may be absent or null."""
    return obj.get(name) is None or check(obj[name])


def _has(obj, *names):
    return isinstance(obj, dict) and all(name in obj for name in names)


def _is_completion(c):
    return (_has(c, "completed", "total") and _u64(c["completed"]) and _u64(c["total"])
            and _optional(c, "bytes_completed", _u64) and _optional(c, "total_bytes", _u64))


def _is_performance(p):
    return (_has(p, "rate", "error_count", "warning_count") and _f32(p["rate"]) and _u64(p["error_count"])
            and _u64(p["warning_count"]) and _optional(p, "estimated_remaining", _duration)
            and _optional(p, "elapsed", _duration))


def _is_generic(d):
    # current_path and metadata are optional and may be any JSON value.
    return (_has(d, "percentage", "phase", "message", "completion", "performance") and _fraction(d["percentage"])
            and isinstance(d["phase"], str) and isinstance(d["message"], str)
            and _is_completion(d["completion"]) and _is_performance(d["performance"]))


def is_progress(value):
    """{"type": kind, "data": data}, data of the kind's shape; members the ABI does not name are ignored."""
    if not _has(value, "type", "data"):
        return False
    kind, data = value["type"], value["data"]
    if kind in ("Count", "Bytes"):
        return _has(data, "current", "total") and _u64(data["current"]) and _u64(data["total"])
    if kind == "Percentage":
        return _fraction(data)
    if kind == "Indeterminate":
        return isinstance(data, str)
    if kind == "Structured":
        return True  # any JSON value, null included
    if kind == "Generic":
        return _is_generic(data)
    return False
