// Bytes, text and ids: strict UTF-8, the result's trace text, UUIDs as 16 bytes, and guest memory ranges.

import { randomUUID } from 'node:crypto';

// call.utf8: invalid UTF-8 is refused, never replaced (fatal). A leading byte order mark is part of the text, so the
// decoder must not strip it (ignoreBOM keeps it).
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** The text of `bytes`, or null when they are not UTF-8. */
export function utf8OrNull(bytes) {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

export const utf8Bytes = (text) => encoder.encode(text);

/** result.trace-text: the bytes as UTF-8 text when they are UTF-8, else `hex:` and two lowercase digits a byte. */
export function traceText(bytes) {
  if (bytes === null) return null;
  const text = utf8OrNull(bytes);
  return text !== null ? text : `hex:${Buffer.from(bytes).toString('hex')}`;
}

/** A fresh job or entry id: a lowercase hyphenated UUID (result.ids). */
export const newUuid = () => randomUUID();

/** memory.job-id: the UUID's bytes in the order its hyphenated text spells them. */
export function uuidToBytes(uuid) {
  return Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
}

export function bytesToUuid(b) {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * memory.range, memory.wrap: [ptr, ptr + len) with both read as u32 is in memory when its end, computed without
 * wrapping, is at most the memory's size. A memory holds at most 2^32 bytes, so an end past 2^32 (one that wraps as
 * a u32) is refused by that alone, and an end of exactly 2^32 (the last byte of a 65536-page memory) is in memory.
 * memory.current: the size is read now, never cached.
 */
export function inMemory(memory, ptr, len) {
  const end = (ptr >>> 0) + (len >>> 0);
  return end <= memory.buffer.byteLength;
}

/** A copy of guest bytes (the caller has checked the range); a fresh view each time (memory.current). */
export function readBytes(memory, ptr, len) {
  return new Uint8Array(memory.buffer, ptr >>> 0, len >>> 0).slice();
}

export function writeBytes(memory, ptr, bytes) {
  new Uint8Array(memory.buffer).set(bytes, ptr >>> 0);
}
