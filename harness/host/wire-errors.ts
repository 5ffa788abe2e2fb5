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

export class WireFailure extends Error {
  constructor(
    readonly wireCode: WireErrorCode,
    message: string,
  ) {
    super(message);
  }

  toAnswer(): WireError {
    return { error: this.message, code: this.wireCode };
  }
}
