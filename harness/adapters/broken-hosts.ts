import type { GateErrorCode, RunProblem } from "../suite/gate.ts";

/**
 * The clause mutants of the host protocol: processes that break one rule of the conversation each
 * (conformance/hosts/). The gate must report each the way `reports` says, on the cases it is sent. Commands run in
 * the project's root.
 */
export interface BrokenHost {
  readonly clause: string;
  /** The command, relative to the project's root. */
  readonly command: string;
  readonly description: string;
  /** How the gate must report it: a case error or a run problem with this code. */
  readonly reports: GateErrorCode | RunProblem["code"];
}

export const BROKEN_HOSTS: readonly BrokenHost[] = [
  { clause: "transport.lines", command: "node conformance/hosts/garbage.mjs not-json", description: "answers a case with a line that is not JSON", reports: "JP_HOST_MALFORMED" },
  { clause: "transport.stdout", command: "node conformance/hosts/noisy.mjs", description: "writes a debug line to stdout before each answer", reports: "JP_HOST_MALFORMED" },
  { clause: "transport.flush", command: "node conformance/hosts/buffers.mjs", description: "keeps each answer until the next message comes (never flushed)", reports: "JP_HOST_TIMEOUT" },
  { clause: "conversation.handshake-first", command: "node conformance/hosts/bad-handshake.mjs exit", description: "exits before answering hello", reports: "JP_HOST_HANDSHAKE" },
  { clause: "conversation.one-answer", command: "node conformance/hosts/wrong-id.mjs id", description: "answers a case under another case's id", reports: "JP_HOST_MISSING_RESULT" },
  { clause: "conversation.nothing-unasked", command: "node conformance/hosts/garbage.mjs twice", description: "writes every answer twice", reports: "JP_HOST_MALFORMED" },
  { clause: "conversation.shutdown", command: "node conformance/hosts/ignores-shutdown.mjs", description: "ignores shutdown and the end of its input", reports: "JP_HOST_SHUTDOWN" },
  { clause: "handshake.fields", command: "node conformance/hosts/bad-handshake.mjs missing-field", description: "sends a handshake without its capabilities", reports: "JP_HOST_HANDSHAKE" },
  { clause: "handshake.capabilities", command: "node conformance/hosts/claims-little.mjs", description: "claims two capabilities of twelve, and waives none", reports: "JP_CAPABILITY_MISSING" },
  { clause: "result.shape", command: "node conformance/hosts/garbage.mjs bad-result", description: "answers a result whose job has no status", reports: "JP_HOST_MALFORMED" },
];
