/**
 * Bounds-checked access to a guest's linear memory. Pointers and lengths are u32: the check is done in JS numbers,
 * so `ptr + len` cannot wrap. The view is refreshed when memory.grow detaches the old buffer.
 */
export class GuestMemory {
  private bytes: Uint8Array;
  /** The same buffer as `bytes`, for word reads (a byte loop costs several times more). */
  private words: DataView;
  /** The buffer itself: a view made from it costs less than `subarray` (which looks up a species constructor). */
  private buffer: ArrayBufferLike;

  constructor(readonly memory: WebAssembly.Memory) {
    this.buffer = memory.buffer;
    this.bytes = new Uint8Array(this.buffer);
    this.words = new DataView(this.buffer);
  }

  /** The current view; a grown memory detaches the old buffer (byteLength 0), so re-read it then. */
  view(): Uint8Array {
    if (this.bytes.length === 0 || this.buffer !== this.memory.buffer) {
      this.buffer = this.memory.buffer;
      this.bytes = new Uint8Array(this.buffer);
      this.words = new DataView(this.buffer);
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

  write(ptr: number, data: Uint8Array): boolean {
    const start = ptr >>> 0;
    const view = this.covering(start + data.length);
    if (start === 0 || start + data.length > view.length) return false;
    view.set(data, start);
    return true;
  }
}
