import { addU64Words, U64_HIGH_WORD, U64_LOW_WORD } from "../abi/codec.ts";

/** Where a counter's words start in JobMetrics.words (a comparison, not a keyed lookup: this is on the hot path). */
const wordsOf = (field: "bytes" | "items") => (field === "items" ? 2 : 0);

/**
 * Core's JobMetrics: u64 counters (saturating) and u32 counts, minus the wall-clock duration.
 *
 * The u64 counters live as 32-bit words and are added in number arithmetic: an increment is the WASM boundary's
 * busiest call, and bigint arithmetic allocates a bigint per operation. `bytes` and `items` read and write them as
 * bigints.
 */
export class JobMetrics {
  private readonly counters = new BigUint64Array(2);
  /** The counters' u32 words: bytes at 0 and 1, items at 2 and 3 (which of each pair is low: U64_LOW_WORD). */
  private readonly words = new Uint32Array(this.counters.buffer);
  warnings = 0;
  nonCriticalErrors = 0;

  get bytes(): bigint {
    return this.counters[0]!;
  }
  set bytes(value: bigint) {
    this.counters[0] = checkedU64(value);
  }
  get items(): bigint {
    return this.counters[1]!;
  }
  set items(value: bigint) {
    this.counters[1] = checkedU64(value);
  }

  /** Adds the u64 whose u32 words are `deltaLow` and `deltaHigh` to a counter, saturating at 2^64-1. */
  add(field: "bytes" | "items", deltaLow: number, deltaHigh: number): void {
    addU64Words(this.words, wordsOf(field), deltaLow, deltaHigh);
  }

  /** A counter's low u32 word: with `high`, the total as the trace records it, without making a bigint. */
  low(field: "bytes" | "items"): number {
    return this.words[wordsOf(field) + U64_LOW_WORD]!;
  }

  high(field: "bytes" | "items"): number {
    return this.words[wordsOf(field) + U64_HIGH_WORD]!;
  }

  snapshot(): MetricsSnapshot {
    return { bytes: this.bytes.toString(), items: this.items.toString(), warnings: this.warnings, nonCriticalErrors: this.nonCriticalErrors };
  }
}

/** A stored counter must be a u64: a BigUint64Array store would wrap anything else silently. */
function checkedU64(value: bigint): bigint {
  if (value < 0n || value >= 1n << 64n) throw new RangeError(`a metrics counter is a u64; ${value} is out of range`);
  return value;
}

/** Metrics as reports and sidecars write them: u64 as decimal strings. */
export interface MetricsSnapshot {
  bytes: string;
  items: string;
  warnings: number;
  nonCriticalErrors: number;
}
