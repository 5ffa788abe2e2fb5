import type { Clock } from "./clock.ts";
import { WireFailure } from "./wire-errors.ts";

/** An extension manifest's permissions, as Spacedrive reads them. */
export interface Permissions {
  /** Method prefixes the extension may call, e.g. `"query:"` or `"action:test."`. */
  readonly methods: readonly string[];
  /** Library ids the extension may touch, or `"*"` for all. */
  readonly libraries: readonly string[];
  /** At most `calls` wire calls per `windowMs` (Spacedrive: 1000 per minute). */
  readonly rateLimit: { readonly calls: number; readonly windowMs: number };
}

export const DEFAULT_PERMISSIONS: Permissions = {
  methods: ["query:", "action:"],
  libraries: ["*"],
  rateLimit: { calls: 1000, windowMs: 60_000 },
};

/** Applies one extension's permissions to its wire calls, in Spacedrive's order: rate, method, library. */
export class PermissionGate {
  private windowStart = 0;
  private callsInWindow = 0;

  constructor(
    private readonly permissions: Permissions,
    private readonly clock: Clock,
  ) {
    this.windowStart = clock.now();
  }

  authorize(method: string, libraryId: string | null): void {
    const now = this.clock.now();
    const { calls, windowMs } = this.permissions.rateLimit;
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.callsInWindow = 0;
    }
    if (this.callsInWindow >= calls) {
      throw new WireFailure("RateLimitExceeded", `rate limit of ${calls} calls per ${windowMs} ms exceeded`);
    }
    this.callsInWindow++;
    if (!this.permissions.methods.some((prefix) => method.startsWith(prefix))) {
      throw new WireFailure(
        "MethodNotAllowed",
        `method ${method} is not allowed by the manifest (allowed prefixes: ${this.permissions.methods.join(", ") || "none"})`,
      );
    }
    if (libraryId !== null && !this.permissions.libraries.some((allowed) => allowed === "*" || allowed === libraryId)) {
      throw new WireFailure("LibraryAccessDenied", `library ${libraryId} is not in the manifest's libraries`);
    }
  }
}
