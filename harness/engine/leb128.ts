/**
 * LEB128, the wasm binary format's integer encoding: one home for every part that writes or reads wasm bytes (the
 * module builder, the loop checks, the memory cap, the section reader).
 */

/** Writes `n` as an unsigned LEB128 u32 at `at` (the caller leaves 5 bytes of room); returns the offset after it. */
export function putU32(out: Uint8Array, at: number, n: number): number {
  let v = n >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out[at++] = v === 0 ? b : b | 0x80;
  } while (v !== 0);
  return at;
}

/** Writes `n` as a signed LEB128 i32 at `at` (the caller leaves 5 bytes of room); returns the offset after it. */
export function putS32(out: Uint8Array, at: number, n: number): number {
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out[at++] = done ? b : b | 0x80;
    if (done) return at;
  }
}

const scratch = new Uint8Array(5);

/** `n` as unsigned LEB128 bytes. */
export function u32Bytes(n: number): number[] {
  return Array.from(scratch.subarray(0, putU32(scratch, 0, n)));
}

/** `n` as signed LEB128 bytes. */
export function s32Bytes(n: number): number[] {
  return Array.from(scratch.subarray(0, putS32(scratch, 0, n)));
}

/** Reads an unsigned LEB128 u32 at `at`: its value and the offset after it. A truncated or overlong one is a RangeError. */
export function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = bytes[at++];
    if (b === undefined) throw new RangeError("unexpected end of the wasm binary");
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value >>> 0, at];
  }
  throw new RangeError("malformed LEB128 in the wasm binary");
}
