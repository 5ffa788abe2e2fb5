import { verifiedBy, type Clause, type ClauseSection } from "./clause.ts";

/**
 * The clauses of the host protocol (conformance/PROTOCOL.md prints them): how a host process talks to the harness,
 * how a scenario is read and how a result is written. Clauses a broken host process breaks are verified `protocol`;
 * those about what a result says are verified by cases, like the ABI's.
 */

export const PROTOCOL_SECTIONS: readonly ClauseSection[] = [
  { id: "transport", title: "Transport", document: "protocol" },
  { id: "conversation", title: "The conversation", document: "protocol" },
  { id: "handshake", title: "The handshake", document: "protocol" },
  { id: "scenario", title: "Reading a scenario", document: "protocol" },
  { id: "result", title: "Writing a result", document: "protocol" },
];

const { case: CASE, protocol: PROTOCOL, advice } = verifiedBy;

export const PROTOCOL_CLAUSES: readonly Clause[] = [
  {
    id: "transport.lines",
    level: "MUST",
    text:
      "A host MUST read the harness's messages from stdin and write its own to stdout, one message per line: a JSON object in UTF-8, then `\\n`. " +
      "It MUST ignore blank lines and a `\\r` before the `\\n`. The harness writes U+0085, U+2028 and U+2029 escaped (`\\u0085`, `\\u2028`, " +
      "`\\u2029`), so a reader that also ends lines there (Python's `str.splitlines`, Bun's `readline`) reads whole messages; a host may write them either way.",
    verified: PROTOCOL,
  },
  {
    id: "transport.stdout",
    level: "MUST",
    text: "A host MUST write nothing but protocol messages to stdout; its logs, warnings and debug output go to stderr.",
    verified: PROTOCOL,
  },
  {
    id: "transport.flush",
    level: "MUST",
    text: "A host MUST flush stdout after every message: an answer still in a buffer is an answer the harness never sees.",
    verified: PROTOCOL,
  },
  {
    id: "conversation.handshake-first",
    level: "MUST",
    text: "A host MUST answer the harness's first message, `hello`, with exactly one `handshake`, and write nothing before it.",
    messages: ["hello", "handshake"],
    verified: PROTOCOL,
  },
  {
    id: "conversation.one-answer",
    level: "MUST",
    text: "A host MUST answer every `run` with exactly one `result` or `load_error` whose `id` is the run's, before the harness sends the next message.",
    messages: ["run", "result", "load_error"],
    verified: PROTOCOL,
  },
  {
    id: "conversation.nothing-unasked",
    level: "MUST",
    text: "A host MUST NOT write a line except as the answer to `hello` or to a `run`.",
    verified: PROTOCOL,
  },
  {
    id: "conversation.shutdown",
    level: "MUST",
    text: "After `shutdown`, or when stdin ends, a host MUST exit with code 0 within 2 seconds.",
    messages: ["shutdown"],
    verified: PROTOCOL,
  },
  {
    id: "conversation.fresh-state",
    level: "MUST",
    text:
      "Every `run` MUST start from nothing: no registered jobs, no saved states, no libraries but the default one, no rate-limit history, no " +
      "instance of an earlier case. Only the process is reused.",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "handshake.fields",
    level: "MUST",
    text:
      "The handshake MUST carry `protocol` 2, the host's `name` and `version`, the ABI versions it serves (`abiVersions`, which must serve 1.0, see `version.marker`; each " +
      "`major.minor` once; a version docs/ABI.md does not define may be listed and is ignored: a guest asking for one is refused on every host, " +
      "`version.marker`), the capabilities it claims, " +
      "the wire methods it serves (`methods`) and, optionally, its `limits`; and nothing else.",
    messages: ["handshake"],
    verified: PROTOCOL,
  },
  {
    id: "handshake.capabilities",
    level: "MUST",
    text:
      "A host MUST claim every capability it implements, each once (a repeat, or a name the capability table does not have, makes the " +
      "handshake invalid, JP_HOST_HANDSHAKE). ABI v1 requires all twelve: a host claiming fewer fails the gate, unless its expectations " +
      "file waives each missing capability with a reason; the cases that need a waived capability are then UNSUPPORTED. A case needs " +
      "the capabilities its sidecar lists, those of each import its guest has (docs/ABI.md's imports table; `spacedrive_call` needs none " +
      "of its own) and that of each catalogue wire method its golden calls.",
    messages: ["handshake"],
    verified: PROTOCOL,
  },
  {
    id: "handshake.methods",
    level: "MUST",
    text:
      "A host MUST list in `methods` every wire method of the catalogue that it serves (methods outside the catalogue may be listed; they are " +
      "ignored, and a case calling one expects UnknownMethod, `wire.answers`). Each is listed once, in the form `query:<name>` or " +
      "`action:<name>.input`, `<name>` one or more ASCII letters, digits, `_` or `.` (`wire.order`): a repeat or any other string makes the " +
      "handshake invalid (JP_HOST_HANDSHAKE). Cases that call a catalogue method the host does not list are UNSUPPORTED; a listed method is " +
      "judged like any behaviour.",
    messages: ["handshake"],
    verified: CASE,
  },
  {
    id: "scenario.limits",
    level: "MUST",
    text:
      "A host MUST apply every limit the scenario's `limits` sets, over its own, and for a limit the scenario does not set, the default of docs/ABI.md's " +
      "limits table: every case, generated and regression cases included (which may reach a limit without setting it), is judged against the reference " +
      "host's answer under those defaults. The limits a handshake reports are the host's own, for information.",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "scenario.permissions",
    level: "MUST",
    text:
      "The scenario's `permissions` are the extension manifest's: `methods` (prefixes), `libraries` (ids or `*`) and `rateLimit` {calls, windowMs} " +
      "(`calls` 0 or more, `windowMs` 1 or more). What is absent is the default: methods `query:` and `action:`, libraries `*`, 1000 calls per " +
      "60000 ms.",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "scenario.state",
    level: "MUST",
    text:
      "The scenario's `state`, when it is a string, is passed as its UTF-8 bytes (a lone surrogate as U+FFFD, EF BF BD; no case's state holds " +
      "one, so a JSON parser that refuses lone surrogates, as serde_json does, reads every run message); absent or null means no " +
      "state; any other JSON value as the text ECMAScript's `JSON.stringify` writes for the value the run message holds, which a host in " +
      "another language MUST write the same: no whitespace; members in the run message's order, except that names which are array indices " +
      "(canonical decimal integers from 0 to 2^32 - 2) come first, in ascending numeric order; numbers in ECMAScript's Number-to-String form " +
      "(the shortest digits that read back as the same double, -0 as 0, an exponent from 1e21 up and below 1e-6, written `1e+21` and `1e-7`, " +
      "integers below 1e21 without one: `1.0` is `1`); strings with `\\\"` and `\\\\` escaped, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` for those " +
      "characters, other control characters below U+0020 and lone surrogates as `\\u` and four lowercase hex digits, and every other character as itself.",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "scenario.store-failures",
    level: "MUST",
    text:
      "The scenario's `storeFailures` [n, ...] names the saves the host's state store MUST fail, as if its storage failed: the n-th checkpoint of " +
      "the case that reaches the store (with or without state: ABI 1.1's `job_checkpoint_stateless` is one; counted from 1 over every job). A " +
      "checkpoint refused before the store is not counted: for its job id, its memory or its size (`call.check-order`), or for the tree's state " +
      "bytes (`child.tree`). A `job_checkpoint_stateless` that passes its job id check reaches the store and is counted, also when the job " +
      "has no checkpoint to clear. What a failed save does is `checkpoint.store-error`.",
    messages: ["run"],
    verified: CASE,
  },
  {
    id: "result.shape",
    level: "MUST",
    text:
      "A result MUST match the protocol schema: its `extension` trace, its `jobs`, its `library` and one `errors` entry per job; each trace event " +
      "with exactly its kind's fields.",
    messages: ["result"],
    verified: PROTOCOL,
  },
  {
    id: "result.u64",
    level: "MUST",
    text: "A u64 value (a metrics total or delta) MUST be written as a decimal string without sign or leading zeros, \"0\" to \"18446744073709551615\".",
    messages: ["result"],
    verified: CASE,
  },
  {
    id: "result.progress",
    level: "MUST",
    text:
      "A progress value MUST be the f32 the job reported, widened to a double, written as a JSON number that reads back as exactly that double " +
      "(the shortest such decimal is the usual form): f32 0.04 is 0.03999999910593033, not 0.04, which reads back as another double. The " +
      "number's value is compared, not its spelling.",
    messages: ["result"],
    verified: CASE,
  },
  {
    id: "result.trace-text",
    level: "MUST",
    text:
      "Bytes shown as text in a result (checkpoint and load_state states, child params, `savedState`) MUST be the bytes as UTF-8 text when they are " +
      "valid UTF-8, else `hex:` followed by two lowercase hex digits per byte.",
    messages: ["result"],
    verified: CASE,
  },
  {
    id: "result.ids",
    level: "MUST",
    text:
      "Job ids in a result MUST be lowercase hyphenated UUIDs, one per job, and the same id wherever the same job appears (a job's own `id`, a " +
      "child's id in its parent's `child_spawned` and in its own events); so MUST every other UUID in a result (library and entry ids, in fields " +
      "and in wire answers). A host MUST NOT use ids a guest can guess: never the nil UUID, and no two ids of a case the same (jobs, libraries " +
      "and entries alike). Cases pass 16 zero bytes as an id that names nothing, and a run of 32 hex digits in a guest's text that spells a job " +
      "id is renamed as that job; random version-4 UUIDs (core's `Uuid::new_v4`, the reference host's) are safe. The harness renames ids before " +
      "comparing, so which such UUIDs a host picks does not matter.",
    messages: ["result"],
    verified: CASE,
  },
  {
    id: "result.errors",
    level: "SHOULD",
    text:
      "A job's `errors` entry should say in words why it failed (a trap's message), or be null. It is shown to people and never compared; the " +
      "failure's category is the `end` of its last status event.",
    messages: ["result"],
    verified: advice,
  },
  {
    id: "result.detail",
    level: "SHOULD",
    text:
      "An `abi_violation`'s `detail` should say in words what was wrong and with which value (\"the state is 17 bytes; the limit is 16\"). It is " +
      "shown to people and never compared; `import`, `code`, `arg`, `limit` and `size` are compared.",
    messages: ["result"],
    verified: advice,
  },
];
