/** Byte-level codecs shared by the WASM boundary, the trace and the native API. Pure functions, no host state. */

// ignoreBOM: a leading U+FEFF is text the guest wrote, kept byte for byte (TextDecoder drops it by default).
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes UTF-8, or returns null for invalid sequences: the ABI refuses them instead of replacing them. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes of `text` in UTF-8, without encoding it: limits count bytes, as they do for guest memory. */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // a surrogate pair is 2 UTF-16 units and 4 UTF-8 bytes
        i++;
        continue;
      }
    }
    if (unit >= 0x80) bytes += unit >= 0x800 ? 2 : 1;
  }
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID_RE.test(text);
}

/** 16 raw bytes -> lowercase hyphenated UUID. */
export function uuidFromBytes(bytes: Uint8Array, offset = 0): string {
  let out = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += "-";
    out += HEX[bytes[offset + i]!];
  }
  return out;
}

/** The value of each hex digit's char code (UUID_RE has checked that every char read is one). */
const HEX_VALUE = new Uint8Array(128);
for (let i = 0; i < 16; i++) {
  const digit = i.toString(16);
  HEX_VALUE[digit.charCodeAt(0)] = i;
  HEX_VALUE[digit.toUpperCase().charCodeAt(0)] = i;
}

/** Lowercase or uppercase hyphenated UUID -> 16 raw bytes (every job's id, once per job: char codes, no substrings). */
export function uuidToBytes(uuid: string): Uint8Array {
  if (!isUuid(uuid)) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  const out = new Uint8Array(16);
  for (let i = 0, at = 0; i < 16; i++, at += 2) {
    if (at === 8 || at === 13 || at === 18 || at === 23) at++; // a hyphen
    out[i] = (HEX_VALUE[uuid.charCodeAt(at)]! << 4) | HEX_VALUE[uuid.charCodeAt(at + 1)]!;
  }
  return out;
}

/** Host-to-guest framing: u32 little-endian length, then the bytes. */
export function frameLengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, true);
  out.set(bytes, 4);
  return out;
}

export const U64_MAX = (1n << 64n) - 1n;

/**
 * A u64 as the protocol and the job database write one (result.u64): decimal digits without sign or leading zeros,
 * "0" to "18446744073709551615".
 */
export function isU64Decimal(text: unknown): boolean {
  return typeof text === "string" && /^(0|[1-9][0-9]{0,19})$/.test(text) && (text.length < 20 || BigInt(text) <= U64_MAX);
}

/** i64 as it arrives from wasm (signed) -> its u64 meaning. */
export function asU64(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}

/**
 * Where a u64's low and high u32 words are in a Uint32Array over a BigUint64Array's buffer: typed arrays use the
 * platform's byte order. Code that does u64 arithmetic in words (no bigint per operation) indexes with these.
 */
export const U64_LOW_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
export const U64_HIGH_WORD = 1 - U64_LOW_WORD;

/** The u64 whose u32 words are `low` and `high`. */
export function u64FromWords(low: number, high: number): bigint {
  return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
}

const TWO_32 = 0x1_0000_0000;
const WORD_MAX = 0xffff_ffff;

/**
 * A u64 kept as its two u32 words in plain number fields, added to with saturation at 2^64-1: u64 arithmetic with no
 * bigint made per operation (and no typed array, whose accesses V8 checks for a detached buffer once any has been).
 */
export class U64Words {
  low = 0;
  high = 0;

  /** Adds the u64 whose words are `low` and `high` (each taken as u32), saturating. */
  add(low: number, high: number): void {
    let sumLow = this.low + (low >>> 0);
    let sumHigh = this.high + (high >>> 0);
    if (sumLow > WORD_MAX) {
      sumLow -= TWO_32;
      sumHigh++;
    }
    if (sumHigh > WORD_MAX) sumLow = sumHigh = WORD_MAX;
    this.low = sumLow;
    this.high = sumHigh;
  }

  /** Adds the u64 (low, high) `times` times, saturating: `times` calls of add, in closed form. */
  addRepeated(low: number, high: number, times: number): void {
    this.value = saturatingAddU64(this.value, BigInt(times) * u64FromWords(low, high));
  }

  /** Whether this is the u64 whose words are `low` and `high` (each taken as u32). */
  equals(low: number, high: number): boolean {
    return this.low === low >>> 0 && this.high === high >>> 0;
  }

  set(low: number, high: number): void {
    this.low = low >>> 0;
    this.high = high >>> 0;
  }

  get value(): bigint {
    return u64FromWords(this.low, this.high);
  }

  /** Sets a u64 value; anything outside 0 .. 2^64-1 is refused rather than wrapped. */
  set value(value: bigint) {
    if (value < 0n || value > U64_MAX) throw new RangeError(`a u64 is 0 .. 2^64-1; ${value} is out of range`);
    this.set(...u64Words(value));
  }
}

const u64Scratch = new BigUint64Array(1);
const u64ScratchWords = new Uint32Array(u64Scratch.buffer);

/** The u32 words [low, high] of `value` taken as a u64 (an i64 counts as its u64, as wasm passes it). */
export function u64Words(value: bigint): [low: number, high: number] {
  u64Scratch[0] = value;
  return [u64ScratchWords[U64_LOW_WORD]!, u64ScratchWords[U64_HIGH_WORD]!];
}

export function saturatingAddU64(a: bigint, b: bigint): bigint {
  const sum = a + b;
  return sum > U64_MAX ? U64_MAX : sum;
}

/** Stable text for bytes in traces and reports: the UTF-8 text when valid, else `hex:` and the bytes. */
export function bytesToTraceText(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text !== null) return text;
  return `hex:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
}
