/** Why a guest could not be loaded. `code` is stable so tools can branch on it; the message says what and how to fix. */
export type GuestLoadErrorCode =
  | "JP_GUEST_NOT_FOUND"
  | "JP_WAT_SYNTAX"
  /** WAT the compiler (wabt) cannot take safely: too large, or nested too deep (WAT_LIMITS). */
  | "JP_WAT_LIMIT"
  | "JP_WASM_INVALID"
  | "JP_WASM_UNSUPPORTED"
  | "JP_LINK"
  | "JP_INIT_FAILED"
  | "JP_ABI_VERSION"
  | "JP_MEMORY_LIMIT"
  | "JP_UNKNOWN_JOB"
  | "JP_NATIVE_MODULE";

export class GuestLoadError extends Error {
  constructor(
    readonly code: GuestLoadErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GuestLoadError";
  }
}

/** One import or export that does not match the ABI table. */
export interface LinkProblem {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
}

export class GuestLinkError extends GuestLoadError {
  constructor(
    readonly file: string,
    readonly problems: readonly LinkProblem[],
  ) {
    super(
      "JP_LINK",
      `${file}: the guest does not link against ABI v1:\n` +
        problems.map((p) => `  - ${p.name}: expected ${p.expected}, the guest has ${p.actual}`).join("\n"),
    );
    this.name = "GuestLinkError";
  }
}

/** Refuses a guest that asks for an ABI version the host does not serve. */
export function checkAbiVersion(file: string, request: { version: string; marker: string | null }, hostVersions: readonly string[], supported: boolean): void {
  if (supported) return;
  // A marker's numbers may have any number of digits: a message shows the first ones and how many there are.
  const brief = (text: string) => (text.length <= 64 ? text : `${text.slice(0, 48)}… (${text.length} characters)`);
  const asked = request.marker === null ? `ABI ${brief(request.version)} (no marker)` : `ABI ${brief(request.version)} (export ${brief(request.marker)})`;
  throw new GuestLoadError(
    "JP_ABI_VERSION",
    `${file}: the guest asks for ${asked}; this host supports ${hostVersions.join(", ")}. Build the guest for a supported version.`,
  );
}
