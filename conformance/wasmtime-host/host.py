#!/usr/bin/env python3
"""A job-parity host on wasmtime, written from the documents alone (docs/ABI.md, conformance/PROTOCOL.md, docs/).

The process speaks protocol 2: JSON lines on stdin and stdout (transport.lines), nothing but protocol messages on
stdout (transport.stdout), one answer per message. Each `run` is a fresh case (conversation.fresh-state): nothing
but the process outlives it."""

import base64
import gc
import json
import os
import sys
import threading

sys.dont_write_bytecode = True  # the modules beside this file are imported from a checkout: leave no __pycache__ there

from abi import CAPABILITIES, DEFAULT_LIMITS, SERVED, LoadError
from case import Case
from engine import start_ticker
from loader import load_guest
from wire import SERVED_METHODS

# child.wait runs each child inside its parent's host call, so every level of a job tree (maxChildDepth, at most
# 100) nests one more chain of Python frames (drive, run, the guest, the import); and json.loads recurses once per
# nested array before read_json can refuse more than 127 of them (wire.payload). Both need more recursion, and more
# stack, than Python's defaults.
RECURSION_LIMIT = 100000
STACK_BYTES = 512 * 1024 * 1024


def send(message):
    """transport.lines, transport.flush: one compact JSON line, flushed."""
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def handshake():
    """handshake.fields, handshake.capabilities, handshake.methods."""
    return {"type": "handshake", "protocol": 2, "name": "wasmtime-host", "version": "0.1.0",
            "abiVersions": ["%d.%d" % SERVED], "capabilities": CAPABILITIES, "methods": SERVED_METHODS,
            "limits": DEFAULT_LIMITS}


def run_case(message):
    """One case: load (link.order), run (case.py), answer a result or a load_error (conversation.one-answer)."""
    scenario = message["scenario"]
    limits = dict(DEFAULT_LIMITS, **(scenario.get("limits") or {}))  # scenario.limits
    # run.stall: a collection pause inside a run would count as guest time, since the clock restarts only when the
    # host is called; a case makes few cycles, and they are collected after it.
    gc.disable()
    try:
        loaded = load_guest(base64.b64decode(message["guest"]), limits, "%s.wasm" % message["id"])
        result = Case(loaded, scenario, limits).execute()
    except LoadError as error:
        return {"type": "load_error", "id": message["id"], "code": error.code, "message": str(error)}
    finally:
        gc.enable()
    return {"type": "result", "id": message["id"], "result": result}


def serve():
    """The conversation: hello, runs, shutdown (conversation.*); it ends at shutdown or when stdin ends."""
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return
        line = line.decode("utf-8", "surrogatepass").strip()  # a \r before the \n, and blank lines, are ignored
        if not line:
            continue
        message = json.loads(line)
        kind = message.get("type")
        if kind == "hello":
            send(handshake())
        elif kind == "run":
            send(run_case(message))
        elif kind == "shutdown":
            return
        else:
            print("wasmtime-host: unknown message type %r" % kind, file=sys.stderr, flush=True)


def main():
    start_ticker()
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)  # the main thread's stack cannot be enlarged; a new thread's can
    served = []
    worker = threading.Thread(target=lambda: served.append(serve()), name="conversation")
    worker.start()
    worker.join()
    sys.stdout.flush()
    # conversation.shutdown: exit with 0 at once. A worker that raised has printed its traceback to stderr; that
    # exit is not 0. os._exit skips interpreter teardown, which the ticker thread, still calling into the engine,
    # could otherwise hold up or crash.
    os._exit(0 if served else 1)


if __name__ == "__main__":
    main()
