import { isU64Decimal } from "../abi/codec.ts";
import { SUPPORTED_ABI_VERSIONS } from "../abi/version.ts";
import { formatSchemaErrors, schemaValidator } from "../schemas/validate.ts";
import type { Scenario } from "../suite/scenario.ts";
import type { CaseRequest, CaseResponse, Handshake, WireResult } from "./types.ts";

/**
 * The out-of-process host protocol (conformance/PROTOCOL.md): JSON lines on the host's stdin and stdout. This module
 * holds the message types, their validation against harness/schemas/protocol.schema.json, and the conversions
 * between messages and the HostAdapter types. It does no I/O.
 */
export const PROTOCOL_VERSION = 2;

/** harness -> host, once, first. */
export interface HelloMessage {
  readonly type: "hello";
  readonly protocol: number;
  readonly abiVersions: readonly string[];
}

/** host -> harness, the answer to hello. */
export interface HandshakeMessage extends Handshake {
  readonly type: "handshake";
  readonly protocol: number;
}

/** harness -> host, per case. `guest` is the wasm bytes in base64. */
export interface RunMessage {
  readonly type: "run";
  readonly id: string;
  readonly guest: string;
  readonly scenario: Scenario;
}

/** harness -> host, last. */
export interface ShutdownMessage {
  readonly type: "shutdown";
}

/** host -> harness: the case's result. */
export interface ResultMessage {
  readonly type: "result";
  readonly id: string;
  readonly result: WireResult;
}

/** host -> harness: the guest could not be loaded. */
export interface LoadErrorMessage {
  readonly type: "load_error";
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

export type HarnessMessage = HelloMessage | RunMessage | ShutdownMessage;
export type HostMessage = HandshakeMessage | ResultMessage | LoadErrorMessage;
export type AnswerMessage = ResultMessage | LoadErrorMessage;
export type ProtocolMessage = HarnessMessage | HostMessage;
export type MessageType = ProtocolMessage["type"];

/** A checked value: a valid message, or what is wrong with it (one line per problem, each naming the field). */
export type Checked = { readonly ok: true; readonly message: ProtocolMessage } | { readonly ok: false; readonly problems: readonly string[] };

/** A checked line: also says whether it was JSON at all. */
export type ParsedLine =
  | { readonly ok: true; readonly message: ProtocolMessage }
  | { readonly ok: false; readonly notJson: boolean; readonly problems: readonly string[] };

const MAX_PROBLEMS = 8;

/** Validates one decoded message against the protocol schema, plus what a schema cannot say. */
export function checkMessage(value: unknown): Checked {
  const validate = schemaValidator("protocol");
  if (!validate(value)) {
    // The schema dispatches on `type` (and `kind`) with if/then; "must match then schema" repeats what the branch said.
    const errors = (validate.errors ?? []).filter((error) => error.keyword !== "if");
    const lines = [...new Set(formatSchemaErrors(errors))];
    const problems = lines.length > MAX_PROBLEMS ? [...lines.slice(0, MAX_PROBLEMS), `... and ${lines.length - MAX_PROBLEMS} more`] : lines;
    return { ok: false, problems };
  }
  const message = value as ProtocolMessage;
  if (message.type === "result" && message.result.errors.length !== message.result.jobs.length) {
    return {
      ok: false,
      problems: [`/result/errors: must have one entry per job (${message.result.jobs.length} jobs, ${message.result.errors.length} entries)`],
    };
  }
  if (message.type === "result") {
    const past = u64sPastMax(message.result);
    if (past.length > 0) return { ok: false, problems: past.slice(0, MAX_PROBLEMS) };
  }
  return { ok: true, message };
}

/**
 * The u64 fields of a result that are past 2^64 - 1 (result.u64): the schema's pattern allows up to 20 digits, and a
 * pattern for the exact bound would be unreadable. Those fields: a job's metrics, a metrics event's delta and total, a
 * metrics_read event's metrics (each already of the schema's pattern).
 */
function u64sPastMax(result: ResultMessage["result"]): string[] {
  const problems: string[] = [];
  const check = (path: string, text: string) => {
    if (!isU64Decimal(text)) problems.push(`${path}: must be at most 18446744073709551615 (a u64), got ${text}`);
  };
  const checkTrace = (path: string, trace: readonly Record<string, unknown>[]) =>
    trace.forEach((event, k) => {
      if (event.kind === "metrics") for (const field of ["delta", "total"]) check(`${path}/${k}/${field}`, event[field] as string);
      if (event.kind === "metrics_read") for (const field of ["bytes", "items"]) check(`${path}/${k}/metrics/${field}`, (event.metrics as Record<string, string>)[field]!);
    });
  checkTrace("/result/extension", result.extension as unknown as Record<string, unknown>[]);
  result.jobs.forEach((job, j) => {
    for (const field of ["bytes", "items"] as const) check(`/result/jobs/${j}/metrics/${field}`, job.metrics[field]);
    checkTrace(`/result/jobs/${j}/trace`, job.trace as unknown as Record<string, unknown>[]);
  });
  return problems;
}

/** Parses and validates one line (without its line break). */
export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, notJson: true, problems: [(error as Error).message] };
  }
  const checked = checkMessage(value);
  return checked.ok ? checked : { ok: false, notJson: false, problems: checked.problems };
}

/**
 * One message as one line: compact JSON (which never contains a raw line break) and "\n". U+0085, U+2028 and U+2029,
 * which JSON leaves raw inside strings, are escaped: some line readers end a line there (transport.lines).
 */
export function encodeMessage(message: ProtocolMessage): string {
  return `${JSON.stringify(message).replace(/[\u0085\u2028\u2029]/g, (separator) => `\\u${separator.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}

/** The first `max` characters of a line, JSON-quoted so control characters and blanks show. */
export function quoteLine(line: string, max = 200): string {
  return line.length <= max ? JSON.stringify(line) : `${JSON.stringify(line.slice(0, max))}... (${line.length} characters)`;
}

export function helloMessage(abiVersions: readonly string[] = SUPPORTED_ABI_VERSIONS): HelloMessage {
  return { type: "hello", protocol: PROTOCOL_VERSION, abiVersions: [...abiVersions] };
}

export function handshakeMessage(handshake: Handshake): HandshakeMessage {
  const { name, version, abiVersions, capabilities, methods, limits } = handshake;
  return { type: "handshake", protocol: PROTOCOL_VERSION, name, version, abiVersions, capabilities, methods, ...(limits ? { limits } : {}) };
}

export function handshakeFromMessage(message: HandshakeMessage): Handshake {
  const { name, version, abiVersions, capabilities, methods, limits } = message;
  return { name, version, abiVersions, capabilities, methods, ...(limits ? { limits } : {}) };
}

export function runMessage(request: CaseRequest): RunMessage {
  const guest = Buffer.from(request.guest.buffer, request.guest.byteOffset, request.guest.byteLength).toString("base64");
  return { type: "run", id: request.id, guest, scenario: request.scenario };
}

export function caseRequestFromMessage(message: RunMessage): CaseRequest {
  return { id: message.id, guest: new Uint8Array(Buffer.from(message.guest, "base64")), scenario: message.scenario };
}

export function answerMessage(id: string, response: CaseResponse): AnswerMessage {
  return response.kind === "result"
    ? { type: "result", id, result: response.result }
    : { type: "load_error", id, code: response.code, message: response.message };
}

export function responseFromMessage(message: AnswerMessage): CaseResponse {
  return message.type === "result"
    ? { kind: "result", result: message.result }
    : { kind: "load_error", code: message.code, message: message.message };
}
