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
    return { error: this.message, code: this.wireCode };
  }
}
