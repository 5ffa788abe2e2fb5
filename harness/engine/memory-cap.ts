import { GuestLoadError } from "./errors.ts";
import { readU32, u32Bytes as u32 } from "./leb128.ts";

/** A wasm32 memory's own limit: 65536 pages (4 GiB). */
export const MAX_WASM32_PAGES = 65_536;

/**
 * Gives the guest's memory a maximum of `maxPages` (or keeps a smaller declared one), by rewriting the memory
 * section: memory.grow past the cap then answers -1 inside the guest, as under any host that caps memory. A guest
 * whose initial memory is already larger cannot load. A shared memory is capped as any other (memory.cap,
 * link.memory-limit). Other sections are copied untouched.
 */
export function capMemory(file: string, bytes: Uint8Array, maxPages: number): Uint8Array {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, start] = readU32(bytes, at + 1);
    const end = start + size;
    if (id !== 5) {
      at = end;
      continue;
    }
    let [count, p] = readU32(bytes, start);
    const body: number[] = u32(count);
    for (; count > 0; count--) {
      const flags = bytes[p++]!;
      if (flags === 2) {
        // shared without a maximum: not valid, left as it is for the engine to refuse
        const [min, afterMin] = readU32(bytes, p);
        body.push(flags, ...u32(min));
        p = afterMin;
        continue;
      }
      if (flags > 3) {
        // 64-bit memories (limits as u64): left as they are, for the engine to refuse (this one does not take them)
        const [min, afterMin] = readU32(bytes, p);
        const [max, afterMax] = readU32(bytes, afterMin);
        body.push(flags, ...u32(min), ...u32(max));
        p = afterMax;
        continue;
      }
      const [min, afterMin] = readU32(bytes, p);
      p = afterMin;
      let max = maxPages;
      if ((flags & 1) === 1) {
        const [declared, afterMax] = readU32(bytes, p);
        p = afterMax;
        if (declared > MAX_WASM32_PAGES) {
          // a maximum past 4 GiB: not valid, left as it is for the engine to refuse (capped, it would be valid)
          body.push(flags, ...u32(min), ...u32(declared));
          continue;
        }
        max = Math.min(declared, maxPages);
      }
      if (min > maxPages) {
        throw new GuestLoadError("JP_MEMORY_LIMIT", `${file}: the guest's initial memory is ${min} pages; this host allows at most ${maxPages} (limits.maxMemoryPages)`);
      }
      // flags 1: a maximum follows; 3: and the memory is shared (which always has one)
      body.push(flags | 1, ...u32(min), ...u32(max));
    }
    const section = Uint8Array.from([5, ...u32(body.length), ...body]);
    const out = new Uint8Array(at + section.length + (bytes.length - end));
    out.set(bytes.subarray(0, at));
    out.set(section, at);
    out.set(bytes.subarray(end), at + section.length);
    return out; // one memory section per module
  }
  return bytes;
}
