"""Wire calls (spacedrive_call): the manifest's permissions, the rate limit, and the wire catalogue's methods over the
case's libraries and loopback peers. Everything here answers a JSON value; recording the `call` event and writing the
answer into the guest are the import's (imports.py)."""

import re
import uuid

from abi import DEFAULT_PERMISSIONS, U32_MAX
from progress_json import BadJson, is_number, read_json

# wire.order: `query:<name>` or `action:<name>.input`, <name> one or more ASCII letters, digits, `_` or `.`.
METHOD_FORM = re.compile(r"query:[A-Za-z0-9_.]+|action:[A-Za-z0-9_.]+\.input")


class WireError(Exception):
    """An error answer {"error", "code"} (wire.errors); its words are for people, never compared."""

    def __init__(self, code, words=None):
        super().__init__(words or code)
        self.code = code

    def answer(self):
        return {"error": str(self), "code": self.code}


def new_library(name):
    return {"id": str(uuid.uuid4()), "name": name, "entries": [], "sidecars": []}


class Wire:
    """The case's wire: its libraries (library.default), peers (library.networking) and manifest
    (scenario.permissions), and the count of calls the rate limit has let through."""

    def __init__(self, scenario):
        permissions = scenario.get("permissions") or {}
        self.method_prefixes = permissions.get("methods", DEFAULT_PERMISSIONS["methods"])
        self.allowed_libraries = permissions.get("libraries", DEFAULT_PERMISSIONS["libraries"])
        self.rate_limit = (permissions.get("rateLimit") or DEFAULT_PERMISSIONS["rateLimit"])["calls"]
        self.rate_used = 0
        networking = scenario.get("networking")
        self.peers = None if networking is None else list(networking.get("peers", []))
        self.libraries = [new_library("Default Library")]
        self.libraries += [new_library(name) for name in scenario.get("libraries") or []]

    @property
    def default_library(self):
        return self.libraries[0]

    def call(self, method, library_id, payload):
        """wire.payload, wire.order: the call's (request, response); the request is the payload's text when it is
        not JSON."""
        if payload == "":
            request = {}
        else:
            try:
                request = read_json(payload)
            except BadJson as error:
                return payload, WireError("BadPayload", "the payload is not JSON: %s" % error).answer()
        try:
            return request, self._answer(method, library_id, request)
        except WireError as error:
            return request, error.answer()

    def _answer(self, method, library_id, request):
        if not METHOD_FORM.fullmatch(method):
            raise WireError("UnknownMethod")
        if not any(method.startswith(prefix) for prefix in self.method_prefixes):
            raise WireError("MethodNotAllowed")
        # Compared as the lowercase hyphenated text, exactly (an entry in upper case matches no call).
        if library_id is not None and "*" not in self.allowed_libraries and library_id not in self.allowed_libraries:
            raise WireError("LibraryAccessDenied")
        # wire.rate-limit: every call of a case happens at one instant, so no window ever expires within it.
        if self.rate_used >= self.rate_limit:
            raise WireError("RateLimitExceeded")
        self.rate_used += 1
        serve = METHODS.get(method)
        if serve is None:
            raise WireError("UnknownMethod")
        return serve(self, request, library_id)

    # ---- the checks the catalogue's methods share, in the order each method lists them -----------------------------

    def library(self, library_id):
        if library_id is None:
            raise WireError("LibraryRequired")
        for library in self.libraries:
            if library["id"] == library_id:
                return library
        raise WireError("LibraryNotFound")

    def require_peers(self):
        if self.peers is None:
            raise WireError("NetworkingDisabled")
        return self.peers


def _object(request):
    if not isinstance(request, dict):
        raise WireError("BadPayload")
    return request


def _string(request, name):
    if not isinstance(request.get(name), str):
        raise WireError("BadPayload")
    return request[name]


def _count(request):
    """An integer from 0 to 2^32 - 1 by its value (1.0 and 1e0 are 1), or None when absent or null."""
    count = request.get("count")
    if count is None:
        return None
    if not (is_number(count) and float(count).is_integer() and 0 <= count <= U32_MAX):
        raise WireError("BadPayload")
    return int(count)


def _utf8_length(text):
    return len(text.encode("utf-8"))


# ---- the wire catalogue (docs/ABI.md): answers' members in the catalogue's order -----------------------------------

def _ping(request, default_count):
    request = _object(request)
    message = _string(request, "message")
    count = _count(request)
    return {"echo": "Pong: " + message, "count": default_count if count is None else count, "extension_works": True}


def query_test_ping(wire, request, library_id):
    wire.library(library_id)
    return _ping(request, 1)


def action_test_ping(wire, request, library_id):
    return _ping(request, None)


def query_libraries_list(wire, request, library_id):
    return {"libraries": [{"id": lib["id"], "name": lib["name"]} for lib in wire.libraries]}


def action_entries_create(wire, request, library_id):
    library = wire.library(library_id)
    request = _object(request)
    entry = {"id": str(uuid.uuid4()), "name": _string(request, "name"), "path": _string(request, "path"),
             "entry_type": _string(request, "entry_type")}
    library["entries"].append(entry)
    return dict(entry)


def query_entries_list(wire, request, library_id):
    library = wire.library(library_id)
    return {"entries": [dict(entry) for entry in library["entries"]]}


def action_sidecars_write(wire, request, library_id):
    library = wire.library(library_id)
    request = _object(request)
    entry_id = _string(request, "entry_id")
    # The entry id is compared as text exactly: an id in upper case names no entry.
    if not any(entry["id"] == entry_id for entry in library["entries"]):
        raise WireError("EntryNotFound")
    name = _string(request, "name")
    content = _string(request, "content")
    library["sidecars"].append({"entry_id": entry_id, "name": name, "content": content})
    return {"entry_id": entry_id, "name": name, "bytes": _utf8_length(content)}


def query_network_peers(wire, request, library_id):
    return {"peers": [{"name": peer} for peer in wire.require_peers()]}


def action_network_send(wire, request, library_id):
    peers = wire.require_peers()
    request = _object(request)
    peer = _string(request, "peer")
    message = _string(request, "message")
    if peer not in peers:
        raise WireError("UnknownPeer")
    return {"peer": peer, "reply": "ack from %s: %s" % (peer, message), "bytes": _utf8_length(message)}


# The methods this host serves: the whole catalogue (handshake.methods lists them in this order).
METHODS = {
    "query:test.ping": query_test_ping,
    "action:test.ping.input": action_test_ping,
    "query:libraries.list": query_libraries_list,
    "action:entries.create.input": action_entries_create,
    "query:entries.list": query_entries_list,
    "action:sidecars.write.input": action_sidecars_write,
    "query:network.peers": query_network_peers,
    "action:network.send.input": action_network_send,
}
SERVED_METHODS = list(METHODS)
