import { U64Words } from "../abi/codec.ts";

/**
 * Core's JobMetrics: u64 counters (saturating) and u32 counts, minus the wall-clock duration.
 *
 * The u64 counters are kept as 32-bit words and added in number arithmetic: an increment is the WASM boundary's
 * busiest call, and bigint arithmetic allocates a bigint per operation. `bytes` and `items` read and write them as
 * bigints.
 */
export class JobMetrics {
  readonly bytesTotal = new U64Words();
  readonly itemsTotal = new U64Words();
  warnings = 0;
  nonCriticalErrors = 0;

  get bytes(): bigint {
    return this.bytesTotal.value;
  }
  set bytes(value: bigint) {
    this.bytesTotal.value = value;
  }
  get items(): bigint {
    return this.itemsTotal.value;
  }
  set items(value: bigint) {
    this.itemsTotal.value = value;
  }

  /** A counter's words (a comparison, not a keyed lookup by name: this is on the hot path). */
  total(field: "bytes" | "items"): U64Words {
    return field === "items" ? this.itemsTotal : this.bytesTotal;
  }

  /** Makes these counters equal to `other`'s, without making a bigint (a checkpoint keeps its job's counters so). */
  copyFrom(other: JobMetrics): void {
    this.bytesTotal.set(other.bytesTotal.low, other.bytesTotal.high);
    this.itemsTotal.set(other.itemsTotal.low, other.itemsTotal.high);
    this.warnings = other.warnings;
    this.nonCriticalErrors = other.nonCriticalErrors;
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
