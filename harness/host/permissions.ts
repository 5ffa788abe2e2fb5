import type { Clock } from "./clock.ts";
import { WireFailure } from "./wire-errors.ts";

/** An extension manifest's permissions, as Spacedrive reads them. */
export interface Permissions {
  /** Method prefixes the extension may call, e.g. `"query:"` or `"action:test."`. */
  readonly methods: readonly string[];
  /** Library ids the extension may touch, or `"*"` for all. */
  readonly libraries: readonly string[];
  /**
   * At most `calls` authorized wire calls in any `windowMs`. Spacedrive: the manifest's requests_per_minute over the last
   * minute (permissions.rs:89-113 @ be454a0b4); its default is not among the copied sources (1000 appears only in its
   * tests, :157).
   */
  readonly rateLimit: { readonly calls: number; readonly windowMs: number };
}

export const DEFAULT_PERMISSIONS: Permissions = {
  methods: ["query:", "action:"],
  libraries: ["*"],
  rateLimit: { calls: 1000, windowMs: 60_000 },
};

/**
 * Applies one extension's permissions to its wire calls in Spacedrive's order (permissions.rs `authorize`): method
 * prefix, then library, then the rate limit, which counts only calls that passed the first two, over a sliding
 * window.
 */
export class PermissionGate {
  /** Times of the authorized calls still inside the window, oldest first. */
  private readonly recent: number[] = [];

  constructor(
    private readonly permissions: Permissions,
    private readonly clock: Clock,
  ) {}

  authorize(method: string, libraryId: string | null): void {
    if (!this.permissions.methods.some((prefix) => method.startsWith(prefix))) {
      throw new WireFailure(
        "MethodNotAllowed",
        `method ${method} is not allowed by the manifest (allowed prefixes: ${this.permissions.methods.join(", ") || "none"})`,
      );
    }
    if (libraryId !== null && !this.permissions.libraries.some((allowed) => allowed === "*" || allowed === libraryId)) {
      throw new WireFailure("LibraryAccessDenied", `library ${libraryId} is not in the manifest's libraries`);
    }
    const now = this.clock.now();
    const { calls, windowMs } = this.permissions.rateLimit;
    while (this.recent.length > 0 && now - this.recent[0]! >= windowMs) this.recent.shift();
    if (this.recent.length >= calls) {
      throw new WireFailure("RateLimitExceeded", `rate limit of ${calls} calls per ${windowMs} ms exceeded`);
    }
    this.recent.push(now);
  }
}
