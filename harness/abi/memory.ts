/**
 * Bounds-checked access to a guest's linear memory. Pointers and lengths are u32: the check is done in JS numbers,
 * so `ptr + len` cannot wrap. The view is refreshed when memory.grow detaches the old buffer.
 */
export class GuestMemory {
  private bytes: Uint8Array;
  /** The same buffer as `bytes`, for word reads (a byte loop costs several times more). */
  private words: DataView;
  /**
   * The same buffer as u32s (wasm memory is little-endian, and so is every platform Node runs on here). Word counts
   * and word ends are divided, not shifted: a 65536-page memory is 2^32 bytes, and `2^32 >>> 2` is 0.
   */
  private u32s: Uint32Array;
  /** The buffer itself: a view made from it costs less than `subarray` (which looks up a species constructor). */
  private buffer: ArrayBufferLike;
  /** The one GuestRange `range` hands out. */
  private readonly window = new GuestRange(this);

  constructor(readonly memory: WebAssembly.Memory) {
    this.buffer = memory.buffer;
    this.bytes = new Uint8Array(this.buffer);
    this.words = new DataView(this.buffer);
    this.u32s = new Uint32Array(this.buffer, 0, this.bytes.length / 4);
  }

  /** The current view; a grown memory detaches the old buffer (byteLength 0), so re-read it then. */
  view(): Uint8Array {
    if (this.bytes.length === 0 || this.buffer !== this.memory.buffer) {
      this.buffer = this.memory.buffer;
      this.bytes = new Uint8Array(this.buffer);
      this.words = new DataView(this.buffer);
      this.u32s = new Uint32Array(this.buffer, 0, this.bytes.length / 4);
    }
    return this.bytes;
  }

  /**
   * A view that holds [start, end) when memory does. The host-call path: `memory.buffer` is a slow getter, so the
   * cached view is trusted while it is attached and long enough (a grown memory detaches the old buffer; a shared
   * one keeps it at its old length), and re-read only otherwise.
   */
  private covering(end: number): Uint8Array {
    // `length` (a byte view's byteLength, 0 once detached): V8 inlines it, while `byteLength` costs a call each time.
    const cached = this.bytes;
    return cached.length === 0 || end > cached.length ? this.view() : cached;
  }

  /** A view of [ptr, ptr+len) or null when out of bounds. The view aliases guest memory: copy what you keep. */
  slice(ptr: number, len: number): Uint8Array | null {
    const start = ptr >>> 0;
    const end = start + (len >>> 0);
    if (end > this.covering(end).length) return null;
    return new Uint8Array(this.buffer, start, end - start);
  }

  /**
   * Whether the 16 bytes at ptr are the id whose little-endian i32 words are `id` (false when out of bounds): a job
   * id compared in place, without a view per call.
   */
  holdsId(ptr: number, id: readonly number[]): boolean {
    const start = ptr >>> 0;
    if (start + 16 > this.covering(start + 16).length) return false;
    const words = this.words;
    return words.getInt32(start, true) === id[0] && words.getInt32(start + 4, true) === id[1] && words.getInt32(start + 8, true) === id[2] && words.getInt32(start + 12, true) === id[3];
  }

  /**
   * [ptr, ptr+len) read in place, or null when out of bounds: the one GuestRange of this memory, set to that range
   * (valid until the next call of `range`; a host function uses it within its call). No view is made.
   */
  range(ptr: number, len: number): GuestRange | null {
    const start = ptr >>> 0;
    const end = start + (len >>> 0);
    if (end > this.covering(end).length) return null;
    const window = this.window;
    window.start = start;
    window.length = end - start;
    return window;
  }

  // isAscii and copyWordsInto take a range `range` checked (in bounds).

  /** Whether the range [start, start+length) holds only bytes below 0x80, read a u32 at a time where aligned. */
  isAscii(start: number, length: number): boolean {
    const end = start + length;
    const bytes = this.covering(end);
    const words = this.u32s; // refreshed with `bytes`
    let any = 0;
    let i = start;
    for (; i < end && (i & 3) !== 0; i++) any |= bytes[i]!;
    const wordsEnd = Math.floor(end / 4);
    for (let w = i / 4; w < wordsEnd; w++) any |= words[w]!; // i is a multiple of 4 here, or end
    for (i = Math.max(i, wordsEnd * 4); i < end; i++) any |= bytes[i]!;
    return (any & 0x80808080) === 0;
  }

  /**
   * Copies the range [start, start+length) into `target` from word `wordOffset` on, as the u32 words that cover it (up
   * to 3 bytes more on each side; memory's size is a multiple of 4, so they are in bounds), and returns the byte offset
   * in `target`'s buffer where the range starts. Word copies: per-element typed array accesses cost about 2 ns each
   * once any wasm memory has grown (V8 then checks for a detached buffer), so a message copied a byte at a time, or
   * through a view made for TypedArray.set, costs several times more.
   */
  copyWordsInto(start: number, length: number, target: Uint32Array, wordOffset: number): number {
    this.covering(start + length);
    const words = this.u32s; // refreshed with the byte view
    const first = start >>> 2;
    const count = wordsCovering(start, length);
    for (let i = 0; i < count; i++) target[wordOffset + i] = words[first + i]!;
    return 4 * wordOffset + (start & 3);
  }

  /** Writes `data` at `ptr` (address 0 included: callers that give 0 a meaning, such as wasm_alloc's failure, check it). */
  write(ptr: number, data: Uint8Array): boolean {
    const start = ptr >>> 0;
    const view = this.covering(start + data.length);
    if (start + data.length > view.length) return false;
    view.set(data, start);
    return true;
  }
}

/** The number of u32 words that cover the bytes [start, start+length). */
export function wordsCovering(start: number, length: number): number {
  return ((start & 3) + length + 3) >>> 2;
}

/**
 * Bytes of guest memory read in place: a range GuestMemory.range checked, valid during the host call that was given
 * it. A text argument of the boundary's: checking it for ASCII and copying it need no view of guest memory.
 */
export class GuestRange {
  start = 0;
  length = 0;

  constructor(private readonly memory: GuestMemory) {}

  isAscii(): boolean {
    return this.memory.isAscii(this.start, this.length);
  }

  /** See GuestMemory.copyWordsInto: `target` needs wordsCovering(start, length) words from `wordOffset`. */
  copyWordsInto(target: Uint32Array, wordOffset: number): number {
    return this.memory.copyWordsInto(this.start, this.length, target, wordOffset);
  }

  /** A view of the bytes (it aliases guest memory: copy what you keep). */
  bytes(): Uint8Array {
    return this.memory.slice(this.start, this.length)!;
  }
}

/**
 * A message that passed the ABI's checks, as it came: a string, or a GuestRange whose bytes are all ASCII (valid UTF-8
 * whose text is their char codes). Whoever keeps a range copies its bytes during the call and decodes them when the
 * text is read: decoding is most of what a short message costs, and most messages of a long job are never read.
 */
export type MessageText = string | GuestRange;

/** Bytes up to which a message is scanned for ASCII; a longer one is decoded at once (the decoder is faster per byte). */
export const ASCII_SCAN_LIMIT = 1024;

const asciiDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The text of ASCII bytes (or of any valid UTF-8). */
export function asciiText(bytes: Uint8Array): string {
  return asciiDecoder.decode(bytes);
}

/** A message's text (a range's, during the call that was given it). */
export function messageString(message: MessageText): string {
  return typeof message === "string" ? message : asciiText(message.bytes());
}
