/**
 * Bounds-checked access to a guest's linear memory. Pointers and lengths are u32: the check is done in JS numbers,
 * so `ptr + len` cannot wrap. The view is refreshed when memory.grow detaches the old buffer.
 */
export class GuestMemory {
  private bytes: Uint8Array;

  constructor(readonly memory: WebAssembly.Memory) {
    this.bytes = new Uint8Array(memory.buffer);
  }

  /** The current view; a grown memory detaches the old buffer (byteLength 0), so re-read it then. */
  view(): Uint8Array {
    if (this.bytes.byteLength === 0 || this.bytes.buffer !== this.memory.buffer) {
      this.bytes = new Uint8Array(this.memory.buffer);
    }
    return this.bytes;
  }

  /** A view of [ptr, ptr+len) or null when out of bounds. The view aliases guest memory: copy what you keep. */
  slice(ptr: number, len: number): Uint8Array | null {
    const start = ptr >>> 0;
    const length = len >>> 0;
    const view = this.view();
    if (start + length > view.byteLength) return null;
    return view.subarray(start, start + length);
  }

  write(ptr: number, data: Uint8Array): boolean {
    const start = ptr >>> 0;
    const view = this.view();
    if (start === 0 || start + data.length > view.byteLength) return false;
    view.set(data, start);
    return true;
  }
}
