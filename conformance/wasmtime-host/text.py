"""Text: strict UTF-8, the result's trace text, and the two JSON forms a host must write byte for byte:
ECMAScript's JSON.stringify for a scenario's state (scenario.state) and serde_json's compact form for the answers a
guest reads (wire.call, child.wait). Python's json.dumps writes neither."""

import math
import re
from decimal import Decimal

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_or_none(data):
    """call.utf8: the text of `data`, or None when it is not UTF-8 as RFC 3629 defines it. Python's strict decoder
    refuses overlong forms, encoded surrogates and truncated sequences, and keeps a leading byte order mark."""
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return None


def trace_text(data):
    """result.trace-text: the bytes as UTF-8 text when they are UTF-8, else `hex:` and two lowercase digits a byte."""
    if data is None:
        return None
    text = utf8_or_none(data)
    return text if text is not None else "hex:" + bytes(data).hex()


def replace_lone_surrogates(text):
    """scenario.state: a lone surrogate in a state string is passed as U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


# Both JSON forms escape `"`, `\` and U+0000 to U+001F alike (`\b`, `\f`, `\n`, `\r`, `\t`, the others `\u00xx`).
_ESCAPES = {c: "\\u%04x" % c for c in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", 0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r",
                 0x09: "\\t"})


def serde_string(text):
    return '"' + text.translate(_ESCAPES) + '"'


def serde_dumps(value):
    """wire.call: serde_json's compact form. An answer holds only strings, integers, booleans, null, lists and
    objects (in the order the catalogue lists their members)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return serde_string(value)
    if isinstance(value, list):
        return "[" + ",".join(serde_dumps(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(serde_string(k) + ":" + serde_dumps(v) for k, v in value.items()) + "}"
    raise TypeError("no serde_json form for %r" % type(value))


def js_string(text):
    """JSON.stringify's string: as serde's, and a lone surrogate as `\\u` and four lowercase hex digits."""
    escaped = text.translate(_ESCAPES)
    return '"' + _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), escaped) + '"'


def js_number(x):
    """ECMAScript's Number::toString: the shortest digits that read back as the same double (Python's repr finds
    the same ones), -0 as 0, an exponent from 1e21 up and below 1e-6, integers below 1e21 without one."""
    x = float(x)
    if not math.isfinite(x):
        return "null"  # as JSON.stringify writes NaN and the infinities
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    _, coefficient, exponent = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, coefficient))
    significant = digits.rstrip("0")
    exponent += len(digits) - len(significant)
    digits = significant
    k = len(digits)  # the value is digits * 10^exponent, so the decimal point comes after n digits
    n = exponent + k
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + text


# An array index: a canonical decimal integer from 0 to 2^32 - 2 (ten digits at most).
_INDEX = re.compile("0|[1-9][0-9]{0,9}")


def _is_index(key):
    return _INDEX.fullmatch(key) is not None and int(key) <= 2**32 - 2


def js_stringify(value):
    """scenario.state: the text JSON.stringify writes for a JSON value: no whitespace, members in their order
    except that array-index names come first in ascending numeric order."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return js_string(value)
    if isinstance(value, list):
        return "[" + ",".join(js_stringify(item) for item in value) + "]"
    if isinstance(value, dict):
        indices = sorted((k for k in value if _is_index(k)), key=int)
        others = [k for k in value if not _is_index(k)]
        return "{" + ",".join(js_string(k) + ":" + js_stringify(value[k]) for k in indices + others) + "}"
    raise TypeError("no JSON form for %r" % type(value))
