// Wire calls (spacedrive_call): the manifest's permissions, the rate limit, and the wire catalogue's methods over
// the case's libraries and loopback peers. Everything here answers a JSON value; recording the `call` event and
// writing the answer into the guest are the import's (imports.mjs).

import { DEFAULT_PERMISSIONS } from './abi.mjs';
import { newUuid } from './bytes.mjs';

const err = (code, words) => ({ error: words, code }); // wire.errors: exactly {error, code}

/** The case's libraries: the default one first, then the scenario's (library.default). */
export class Libraries {
  constructor(names = []) {
    this.list = [];
    this.add('Default Library');
    for (const name of names) this.add(name);
  }
  add(name) {
    const lib = { id: newUuid(), name, entries: [], sidecars: [] };
    this.list.push(lib);
    return lib;
  }
  get default() {
    return this.list[0];
  }
  find(id) {
    return this.list.find((l) => l.id === id);
  }
  /** library.snapshot: every library, its entries and sidecars in creation order. */
  snapshot() {
    return {
      libraries: this.list.map((l) => ({
        id: l.id, name: l.name,
        entries: l.entries.map((e) => ({ ...e })),
        sidecars: l.sidecars.map((s) => ({ ...s })),
      })),
    };
  }
}

// wire.order: `query:<name>` or `action:<name>.input`, <name> one or more ASCII letters, digits, `_` or `.`.
const METHOD_FORM = /^(?:query:[A-Za-z0-9_.]+|action:[A-Za-z0-9_.]+\.input)$/;
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isU32 = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4294967295;
const countOk = (v) => v === undefined || v === null || isU32(v);
const utf8Length = (s) => Buffer.byteLength(s, 'utf8');

/** True when a parsed JSON value holds a number JSON.parse made infinite (1e400: wire.payload). */
function hasHugeNumber(v) {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasHugeNumber);
  if (isObject(v)) return Object.values(v).some(hasHugeNumber);
  return false;
}

/** True when a string of the payload (a member name included) holds a lone surrogate escape, which serde_json refuses (wire.payload). */
function hasLoneSurrogate(payload) {
  const strings = payload.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  return strings.some((token) => !JSON.parse(token).isWellFormed());
}

/**
 * How many arrays and objects nest in a parsed JSON value (wire.payload: serde_json's limit is 127). A loop, not
 * Math.max(...): a payload of up to 1 MiB can hold half a million elements, more arguments than a call takes.
 */
function depthOf(v) {
  const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : null;
  if (items === null) return 0;
  let deepest = 0;
  for (const item of items) deepest = Math.max(deepest, depthOf(item));
  return 1 + deepest;
}

/**
 * The methods this host serves: the whole catalogue. Each takes (request, library id or null) and the wire state,
 * and answers in the catalogue's field order; their own checks run in the listed order.
 */
const METHODS = {
  'query:test.ping': (req, lib, w) => {
    const l = w.needLibrary(lib);
    if (l.code) return l;
    if (!isObject(req) || typeof req.message !== 'string' || !countOk(req.count)) return err('BadPayload', 'expected {message, count?}');
    return { echo: `Pong: ${req.message}`, count: req.count ?? 1, extension_works: true };
  },
  'action:test.ping.input': (req) => {
    if (!isObject(req) || typeof req.message !== 'string' || !countOk(req.count)) return err('BadPayload', 'expected {message, count?}');
    return { echo: `Pong: ${req.message}`, count: req.count ?? null, extension_works: true };
  },
  'query:libraries.list': (req, lib, w) => ({ libraries: w.libraries.list.map((l) => ({ id: l.id, name: l.name })) }),
  'action:entries.create.input': (req, lib, w) => {
    const l = w.needLibrary(lib);
    if (l.code) return l;
    if (!isObject(req)) return err('BadPayload', 'the request is not an object');
    for (const field of ['name', 'path', 'entry_type']) {
      if (typeof req[field] !== 'string') return err('BadPayload', `${field} is not a string`);
    }
    const entry = { id: newUuid(), name: req.name, path: req.path, entry_type: req.entry_type };
    l.entries.push(entry);
    return { ...entry };
  },
  'query:entries.list': (req, lib, w) => {
    const l = w.needLibrary(lib);
    if (l.code) return l;
    return { entries: l.entries.map((e) => ({ ...e })) };
  },
  'action:sidecars.write.input': (req, lib, w) => {
    const l = w.needLibrary(lib);
    if (l.code) return l;
    if (!isObject(req)) return err('BadPayload', 'the request is not an object');
    if (typeof req.entry_id !== 'string') return err('BadPayload', 'entry_id is not a string');
    const entry = l.entries.find((e) => e.id === req.entry_id);
    if (!entry) return err('EntryNotFound', `no entry ${req.entry_id}`);
    if (typeof req.name !== 'string') return err('BadPayload', 'name is not a string');
    if (typeof req.content !== 'string') return err('BadPayload', 'content is not a string');
    l.sidecars.push({ entry_id: entry.id, name: req.name, content: req.content });
    return { entry_id: entry.id, name: req.name, bytes: utf8Length(req.content) };
  },
  'query:network.peers': (req, lib, w) => {
    if (!w.peers) return err('NetworkingDisabled', 'networking is off');
    return { peers: w.peers.map((name) => ({ name })) };
  },
  'action:network.send.input': (req, lib, w) => {
    if (!w.peers) return err('NetworkingDisabled', 'networking is off');
    if (!isObject(req)) return err('BadPayload', 'the request is not an object');
    if (typeof req.peer !== 'string') return err('BadPayload', 'peer is not a string');
    if (typeof req.message !== 'string') return err('BadPayload', 'message is not a string');
    if (!w.peers.includes(req.peer)) return err('UnknownPeer', `no peer ${req.peer}`);
    return { peer: req.peer, reply: `ack from ${req.peer}: ${req.message}`, bytes: utf8Length(req.message) };
  },
};

export const SERVED_METHODS = Object.keys(METHODS);

export class Wire {
  constructor(scenario, libraries) {
    this.libraries = libraries;
    // library.networking: absent or null is off; {peers} is on with those peers.
    this.peers = scenario.networking ? [...(scenario.networking.peers ?? [])] : null;
    const p = scenario.permissions ?? {};
    this.permissions = {
      methods: p.methods ?? DEFAULT_PERMISSIONS.methods,
      libraries: p.libraries ?? DEFAULT_PERMISSIONS.libraries,
      rateLimit: { ...DEFAULT_PERMISSIONS.rateLimit, ...(p.rateLimit ?? {}) },
    };
    // wire.rate-limit: "A scenario's calls all happen at one instant of that clock", so every counted call lies in
    // the window of every later one (windowMs is at least 1): a count is the whole sliding window.
    this.counted = 0;
  }

  needLibrary(lib) {
    if (lib === null) return err('LibraryRequired', 'the method needs a library');
    return this.libraries.find(lib) ?? err('LibraryNotFound', `no library ${lib}`);
  }

  /**
   * One wire call: `payload` is the payload's text, `library` a lowercase UUID or null. Answers {request, response}:
   * the request as the call event records it and the JSON answer.
   */
  call(method, library, payload) {
    // wire.payload: an empty payload is {}; one serde_json would not read (not JSON, 1e400, a lone surrogate, more than
    // 127 levels of nesting) is BadPayload before any check.
    let request;
    if (payload.length === 0) request = {};
    else {
      try {
        request = JSON.parse(payload);
      } catch {
        return { request: payload, response: err('BadPayload', 'the payload is not JSON') };
      }
      if (hasHugeNumber(request)) return { request: payload, response: err('BadPayload', 'a number too large') };
      if (hasLoneSurrogate(payload)) return { request: payload, response: err('BadPayload', 'a lone surrogate escape') };
      if (depthOf(request) > 127) return { request: payload, response: err('BadPayload', 'nested too deep') };
    }
    return { request, response: this.answer(method, library, request) };
  }

  /** wire.order, for a call with a JSON request. */
  answer(method, library, request) {
    if (!METHOD_FORM.test(method)) return err('UnknownMethod', `not a wire method: ${method}`);
    if (!this.permissions.methods.some((prefix) => method.startsWith(prefix))) {
      return err('MethodNotAllowed', `${method} is not allowed by the manifest`);
    }
    if (library !== null) {
      const allowed = this.permissions.libraries;
      // The call's library as lowercase hyphenated text, compared with each entry exactly (wire.order).
      if (!allowed.includes('*') && !allowed.includes(library)) {
        return err('LibraryAccessDenied', `library ${library} is not allowed by the manifest`);
      }
    }
    // wire.rate-limit: a call refused here does not count; one a later check refuses does.
    const { calls, windowMs } = this.permissions.rateLimit;
    if (this.counted >= calls) return err('RateLimitExceeded', `more than ${calls} calls in ${windowMs} ms`);
    this.counted++;
    const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : null;
    if (!handler) return err('UnknownMethod', `this host does not serve ${method}`);
    return handler(request, library, this);
  }
}
