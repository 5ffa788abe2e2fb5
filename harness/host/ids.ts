import { createHash } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** murmur3's 32-bit finalizer: a cheap, well-mixed bijection. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The four 32-bit lanes of a seed's sha256, kept per seed: every host hashes its seed once, and a fuzzing session
 * makes thousands of hosts from a handful of seeds (a sha256 costs more than the rest of a host's setup).
 */
const seedLanes = new Map<string, readonly number[]>();
function lanesOf(seed: string): readonly number[] {
  let lanes = seedLanes.get(seed);
  if (lanes === undefined) {
    const digest = createHash("sha256").update(seed).digest();
    lanes = [0, 4, 8, 12].map((offset) => digest.readUInt32LE(offset));
    // Seeds come from scenarios and command lines: few, but bounded anyway.
    if (seedLanes.size >= 1024) seedLanes.clear();
    seedLanes.set(seed, lanes);
  }
  return lanes;
}

/**
 * Deterministic UUIDs: a host seeded the same way hands out the same ids in the same order, so a native run and a
 * WASM run of one scenario see identical ids, and a failing case reproduces byte for byte. The seed is hashed once;
 * each id mixes the seed, the kind and a counter (an id is made on every job and entry, so this stays cheap).
 */
export class IdSource {
  private counter = 0;
  private readonly lanes: readonly number[];

  constructor(seed = "job-parity") {
    this.lanes = lanesOf(seed);
  }

  next(kind: string): string {
    let kindHash = 0x9e3779b9;
    for (let i = 0; i < kind.length; i++) kindHash = mix32(kindHash ^ kind.charCodeAt(i));
    const n = this.counter++;
    const bytes = this.lanes.map((lane, i) => mix32(lane ^ mix32(kindHash + Math.imul(n + 1, 0x27d4eb2f) + i)));
    let hex = "";
    for (const word of bytes) hex += HEX[word >>> 24]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[word & 0xff]!;
    // version 4 and variant bits, so ids look like what core generates
    const version = `4${hex.slice(13, 16)}`;
    const variant = `${HEX[(parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80]}${hex.slice(18, 20)}`;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
  }
}
