import { decodeUtf8, encodeUtf8, utf8ByteLength } from "../abi/codec.ts";

/** Error codes a wire call answers with, as `{"error": "<what and how to fix>", "code": "<code>"}`. */
export type WireErrorCode =
  | "MethodNotAllowed"
  | "LibraryAccessDenied"
  | "RateLimitExceeded"
  | "UnknownMethod"
  | "BadPayload"
  | "LibraryRequired"
  | "LibraryNotFound"
  | "EntryNotFound"
  | "NetworkingDisabled"
  | "UnknownPeer";

export interface WireError {
  error: string;
  code: WireErrorCode;
}

/**
 * An error answer, thrown by handlers and caught by the router. Not an Error: it never leaves the host, and
 * capturing a stack for every refused call would cost more than the call.
 */
export class WireFailure {
  constructor(
    readonly wireCode: WireErrorCode,
    readonly message: string,
  ) {}

  toAnswer(): WireError {
    return { error: errorWords(this.message), code: this.wireCode };
  }
}

/** The most bytes (UTF-8) of an error answer's words (wire.errors: a host keeps them under 1 KiB). */
export const MAX_ERROR_WORDS_BYTES = 1024;

/**
 * An error answer's words, cut to fit MAX_ERROR_WORDS_BYTES (at a code point, with "..." after): they may quote what
 * the guest sent (a method name as long as a message may be), and in a guest whose memory is capped their length
 * decides whether later answers fit, which the cases leave room for up to this size only.
 */
export function errorWords(text: string): string {
  if (text.length * 3 <= MAX_ERROR_WORDS_BYTES || utf8ByteLength(text) <= MAX_ERROR_WORDS_BYTES) return text;
  const encoded = encodeUtf8(text);
  let cut = MAX_ERROR_WORDS_BYTES - 3;
  while (cut > 0 && (encoded[cut]! & 0xc0) === 0x80) cut--; // not inside a code point
  // The codec's decoder keeps a leading byte order mark (a method name may start with one); the cut is whole code points.
  return `${decodeUtf8(encoded.subarray(0, cut)) ?? ""}...`;
}
