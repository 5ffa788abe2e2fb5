import { createHash } from "node:crypto";

/**
 * Deterministic UUIDs: a host seeded the same way hands out the same ids in the same order, so a native run and a
 * WASM run of one scenario see identical ids, and a failing case reproduces byte for byte.
 */
export class IdSource {
  private counter = 0;

  constructor(private readonly seed = "job-parity") {}

  next(kind: string): string {
    const digest = createHash("sha256").update(`${this.seed}/${kind}/${this.counter++}`).digest();
    digest[6] = (digest[6]! & 0x0f) | 0x40; // version 4 layout, so ids look like what core generates
    digest[8] = (digest[8]! & 0x3f) | 0x80;
    const hex = digest.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }
}
