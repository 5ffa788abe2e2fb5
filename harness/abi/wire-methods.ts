import type { CapabilityId } from "./capabilities.ts";

/**
 * The wire catalogue: every `spacedrive_call` method the reference host serves, with its request and answer shapes,
 * the errors it answers in the order it checks them, and where the method comes from. The ABI document prints it;
 * the handshake's `methods` names a subset of it; a test checks every answer in every golden against these schemas.
 */

/** The form of a wire method's name (wire.order): `query:<name>` or `action:<name>.input`, `<name>` ASCII only. */
export const WIRE_METHOD_FORM = /^(query:[A-Za-z0-9_.]+|action:[A-Za-z0-9_.]+\.input)$/;

/** Error codes a wire call answers with, as `{"error": "<words>", "code": "<code>"}`. */
export const WIRE_ERROR_CODES = [
  "UnknownMethod",
  "MethodNotAllowed",
  "LibraryAccessDenied",
  "RateLimitExceeded",
  "BadPayload",
  "LibraryRequired",
  "LibraryNotFound",
  "EntryNotFound",
  "NetworkingDisabled",
  "UnknownPeer",
] as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

export const WIRE_ERROR_MEANINGS: Readonly<Record<WireErrorCode, string>> = {
  UnknownMethod: "the method is not of the form `query:<name>` / `action:<name>.input`, or the host does not serve it",
  MethodNotAllowed: "the method starts with none of the manifest's method prefixes",
  LibraryAccessDenied: "the call names a library the manifest does not allow",
  RateLimitExceeded: "the manifest's rate limit is used up",
  BadPayload: "the payload is not JSON, or not the object the method reads (a field missing or of another type)",
  LibraryRequired: "the method works on a library and the call names none (library_id_ptr 0)",
  LibraryNotFound: "the call names a library the host does not have",
  EntryNotFound: "the entry the request names is not in the library",
  NetworkingDisabled: "networking is off (the scenario has no `networking`)",
  UnknownPeer: "the request names a peer the host does not have",
};

/** A JSON schema (draft-07), as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface WireMethod {
  readonly method: string;
  /** `spacedrive`: core registers it (shared/reference/spacedrive-source/wire-methods.txt); `reference`: only the reference host serves it. */
  readonly origin: "spacedrive" | "reference";
  /** Why it exists, when only the reference host serves it. */
  readonly why?: string;
  readonly capability: CapabilityId;
  /** Whether it works on the call's library (LibraryRequired, LibraryNotFound). */
  readonly library: boolean;
  readonly meaning: string;
  /** The request; null: the method reads no request (any JSON is accepted). */
  readonly request: JsonSchema | null;
  /** The successful answer. Its `properties` are listed in the order the answer's JSON writes them. */
  readonly answer: JsonSchema;
  /** The method's own checks, in the order it makes them (after the checks every call goes through, `wire.order`). */
  readonly checks: readonly WireCheck[];
}

export interface WireCheck {
  readonly code: WireErrorCode;
  /** When the check fails. */
  readonly when: string;
}

const string = { type: "string" } as const;
const uuid = { type: "string", pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" } as const;
const u32 = { type: "integer", minimum: 0, maximum: 4294967295 } as const;
const object = (properties: Record<string, unknown>, required = Object.keys(properties), additional = false): JsonSchema => ({
  type: "object",
  properties,
  required,
  additionalProperties: additional,
});
const entry = object({ id: uuid, name: string, path: string, entry_type: string });
const notObject: WireCheck = { code: "BadPayload", when: "the request is not a JSON object" };
const field = (name: string, what = "a string"): WireCheck => ({ code: "BadPayload", when: `\`${name}\` is not ${what}` });
const LIBRARY_CHECKS: readonly WireCheck[] = [
  { code: "LibraryRequired", when: "the call names no library" },
  { code: "LibraryNotFound", when: "the host has no library with that id" },
];
const NETWORKING_ON: WireCheck = { code: "NetworkingDisabled", when: "networking is off" };

export const WIRE_METHODS: readonly WireMethod[] = [
  {
    method: "query:test.ping",
    origin: "spacedrive",
    capability: "library",
    library: true,
    meaning:
      "Spacedrive's one extension test operation, a library query (core/src/ops/extension_test/ping.rs:36-64 @ be454a0b4): echoes its message, " +
      "and its count or 1.",
    request: object({ message: string, count: { anyOf: [u32, { type: "null" }] } }, ["message"], true),
    answer: object({ echo: { type: "string", description: "`Pong: ` followed by the request's message" }, count: { ...u32, description: "the request's count, 1 when absent or null" }, extension_works: { const: true } }),
    checks: [...LIBRARY_CHECKS, notObject, field("message"), field("count", "absent, null or an integer from 0 to 2^32 - 1")],
  },
  {
    method: "action:test.ping.input",
    origin: "reference",
    why: "an `action:` method that needs no library, so that a case can tell the manifest's `action:` prefix from `query:` before any library check",
    capability: "library",
    library: false,
    meaning: "An action twin of `query:test.ping` that reads no library: echoes its message; its count, or null when absent.",
    request: object({ message: string, count: { anyOf: [u32, { type: "null" }] } }, ["message"], true),
    answer: object({ echo: { type: "string", description: "`Pong: ` followed by the request's message" }, count: { anyOf: [u32, { type: "null" }], description: "the request's count, null when absent" }, extension_works: { const: true } }),
    checks: [notObject, field("message"), field("count", "absent, null or an integer from 0 to 2^32 - 1")],
  },
  {
    method: "query:libraries.list",
    origin: "spacedrive",
    capability: "library",
    library: false,
    meaning: "Every library of the host, in creation order (the default library first).",
    request: null,
    answer: object({ libraries: { type: "array", items: object({ id: uuid, name: string }) } }),
    checks: [],
  },
  {
    method: "action:entries.create.input",
    origin: "reference",
    why: "a library effect two runs can be compared on; core's entry operations need a real indexer",
    capability: "library",
    library: true,
    meaning: "Creates an entry in the call's library with a fresh id and answers it.",
    request: object({ name: string, path: string, entry_type: string }, ["name", "path", "entry_type"], true),
    answer: entry,
    checks: [...LIBRARY_CHECKS, notObject, field("name"), field("path"), field("entry_type")],
  },
  {
    method: "query:entries.list",
    origin: "reference",
    why: "reads back what entries.create made",
    capability: "library",
    library: true,
    meaning: "The entries of the call's library, in creation order.",
    request: null,
    answer: object({ entries: { type: "array", items: entry } }),
    checks: LIBRARY_CHECKS,
  },
  {
    method: "action:sidecars.write.input",
    origin: "reference",
    why: "the design's `write_sidecar`, as a library effect",
    capability: "library",
    library: true,
    meaning: "Attaches a sidecar (a named text) to an entry of the call's library; each write adds one (writing the same name twice keeps both). Answers the content's size.",
    request: object({ entry_id: string, name: string, content: string }, ["entry_id", "name", "content"], true),
    answer: object({ entry_id: uuid, name: string, bytes: { ...u32, description: "the length of `content` in UTF-8 bytes" } }),
    checks: [
      ...LIBRARY_CHECKS,
      notObject,
      field("entry_id"),
      { code: "EntryNotFound", when: "the library has no entry with that id, compared as text exactly (an id in upper case names no entry)" },
      field("name"),
      field("content"),
    ],
  },
  {
    method: "query:network.peers",
    origin: "reference",
    why: "core's network.* wire methods (core/src/ops/network/ @ be454a0b4) need a live P2P stack, and none lists loopback peers or echoes a message; these two stand for them",
    capability: "networking",
    library: false,
    meaning: "The host's loopback peers, in the scenario's order.",
    request: null,
    answer: object({ peers: { type: "array", items: object({ name: string }) } }),
    checks: [NETWORKING_ON],
  },
  {
    method: "action:network.send.input",
    origin: "reference",
    why: "core's network.* wire methods (core/src/ops/network/ @ be454a0b4) need a live P2P stack, and none lists loopback peers or echoes a message; these two stand for them",
    capability: "networking",
    library: false,
    meaning: "Sends a message to a loopback peer, which answers at once with `ack from <peer>: <message>`.",
    request: object({ peer: string, message: string }, ["peer", "message"], true),
    answer: object({ peer: string, reply: { type: "string", description: "`ack from <peer>: <message>`" }, bytes: { ...u32, description: "the length of the request's `message` in UTF-8 bytes" } }),
    checks: [NETWORKING_ON, notObject, field("peer"), field("message"), { code: "UnknownPeer", when: "the host has no peer of that name" }],
  },
];

export const WIRE_METHOD_NAMES: readonly string[] = WIRE_METHODS.map((m) => m.method);

const BY_METHOD = new Map(WIRE_METHODS.map((m) => [m.method, m]));

export function wireMethod(method: string): WireMethod | undefined {
  return BY_METHOD.get(method);
}

/** The schema of every error answer. */
export const WIRE_ERROR_SCHEMA: JsonSchema = object({ error: string, code: { enum: [...WIRE_ERROR_CODES] } });

/** Whether an answer is an error answer: exactly `error` and `code`, the code a wire error code. */
export function isWireError(answer: unknown): answer is { error: string; code: WireErrorCode } {
  if (answer === null || typeof answer !== "object" || Array.isArray(answer)) return false;
  const keys = Object.keys(answer);
  const { error, code } = answer as Record<string, unknown>;
  return keys.length === 2 && typeof error === "string" && typeof code === "string" && (WIRE_ERROR_CODES as readonly string[]).includes(code);
}
