import { describe, expect, it } from "vitest";
import { asU64, saturatingAddU64, U64_MAX, u64Words } from "../../harness/abi/codec.ts";
import { JobMetrics } from "../../harness/host/metrics.ts";

/** The u64 counters are added in 32-bit words; these pin them to the bigint definition: u64 meaning, saturation. */
const EDGES = [0n, 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, U64_MAX - 1n, U64_MAX];
/** Deltas as wasm passes them (signed i64, split into words by the trampoline): -1 means 2^64-1. */
const I64_DELTAS = [-1n, -(2n ** 32n), -(2n ** 63n), 5n, 2n ** 63n - 1n];

/** The definition: total + delta (delta taken as u64), saturating at 2^64-1. */
const expected = (total: bigint, delta: bigint) => saturatingAddU64(total, asU64(delta));

describe("JobMetrics u64 counters", () => {
  it("adds every pair of edge values exactly as u64 arithmetic with saturation does, on both counters", () => {
    let checked = 0;
    for (const start of EDGES) {
      for (const delta of [...EDGES, ...I64_DELTAS]) {
        const metrics = new JobMetrics();
        metrics.bytes = start;
        metrics.items = start;
        metrics.total("items").add(...u64Words(delta));
        expect(metrics.items, `${start} + ${delta}`).toBe(expected(start, delta));
        expect(metrics.bytes, "the other counter is untouched").toBe(start);
        metrics.total("bytes").add(...u64Words(delta));
        expect(metrics.bytes).toBe(expected(start, delta));
        checked++;
      }
    }
    expect(checked).toBe(EDGES.length * (EDGES.length + I64_DELTAS.length));
  });

  it("a long series of increments (carries across the low word, then saturation) matches the bigint sum", () => {
    const metrics = new JobMetrics();
    let total = 0n;
    let x = 0x2545f491;
    for (let i = 0; i < 2000; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      // Mostly deltas near 2^32 (carries), some up to 2^62 (reaching saturation after a few hundred steps).
      const delta = i % 7 === 0 ? BigInt(x >>> 0) << 30n : BigInt(x >>> 0) + 2n ** 32n - 7n;
      metrics.total("bytes").add(...u64Words(delta));
      total = expected(total, delta);
      expect(metrics.bytes).toBe(total);
    }
    expect(total).toBe(U64_MAX);
  });

  it("a counter's words are the total's u32 words, each counter its own", () => {
    const metrics = new JobMetrics();
    metrics.total("items").add(0x9abc_def0, 0x1234_5678);
    expect(metrics.itemsTotal.low).toBe(0x9abc_def0);
    expect(metrics.itemsTotal.high).toBe(0x1234_5678);
    expect(metrics.total("items").equals(0x9abc_def0, 0x1234_5678)).toBe(true);
    expect(metrics.total("items").equals(-0x6543_2110, 0x1234_5678)).toBe(true); // a word passed as a signed i32
    expect(metrics.bytesTotal.value).toBe(0n);
  });

  it("refuses to store a value that is not a u64 instead of wrapping it", () => {
    const metrics = new JobMetrics();
    expect(() => (metrics.items = -1n)).toThrow(/u64 is 0 .. 2\^64-1; -1 is out of range/);
    expect(() => (metrics.bytes = U64_MAX + 1n)).toThrow(RangeError);
    expect(metrics.items).toBe(0n);
    expect(metrics.snapshot()).toEqual({ bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 });
  });
});
