import { saturatingAddU64 } from "../abi/codec.ts";

/** Core's JobMetrics: u64 counters (saturating) and u32 counts, minus the wall-clock duration. */
export class JobMetrics {
  bytes = 0n;
  items = 0n;
  warnings = 0;
  nonCriticalErrors = 0;

  add(field: "bytes" | "items", delta: bigint): bigint {
    const total = saturatingAddU64(this[field], delta);
    this[field] = total;
    return total;
  }

  snapshot(): MetricsSnapshot {
    return { bytes: this.bytes.toString(), items: this.items.toString(), warnings: this.warnings, nonCriticalErrors: this.nonCriticalErrors };
  }
}

/** Metrics as reports and sidecars write them: u64 as decimal strings. */
export interface MetricsSnapshot {
  bytes: string;
  items: string;
  warnings: number;
  nonCriticalErrors: number;
}
