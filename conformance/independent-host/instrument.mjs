// Rewrites a guest module (after it passed the link checks) so that the host can stop it and cap its memory:
//
// - run.timeout / run.stall / init.time-limit: JavaScript cannot interrupt wasm that is running, so every function
//   entry and every loop entry calls a check function appended to the module. It counts down a global and, every
//   CHECK_EVERY entries, asks the host's `tick` whether the run must stop; if so it executes `unreachable`, a trap no
//   guest code can catch. `tick` is reached through a one-slot funcref table appended to the module (exported under
//   a private name and filled after instantiation), so that no function index of the guest moves.
// - memory.cap: the memory's declared maximum is lowered to maxMemoryPages, so that memory.grow past it answers -1
//   inside the guest ("A host may do this by lowering the maximum the module declares before it compiles it").
//
// Custom sections (names) are dropped: they only change trap messages, which are never compared.

import { Reader, skipInstruction } from './wasm-reader.mjs';

export const TICK_TABLE_EXPORT = '__independent_host_tick_table';
export const CHECK_EVERY = 65536;

function uleb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

function limitsBytes({ flags, min, max }) {
  // Keeps the shared bit (0x02) of a shared memory, which always has a maximum.
  return max === null ? [0x00, ...uleb(min)] : [0x01 | (flags & 0x02), ...uleb(min), ...uleb(max)];
}

/** A vector section: the count, then the items' bytes. */
function vectorSection(count, payloads) {
  return [...uleb(count), ...payloads.flat()];
}

// The canonical order of known sections (custom ones excepted), tag (13) and data count (12) included.
const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/**
 * Returns the instrumented module's bytes. `m` is parseModule's answer for `bytes`; `maxPages` the memory cap.
 */
export function instrument(m, maxPages) {
  const { bytes } = m;
  const raw = (sec) => Array.from(bytes.subarray(sec.start, sec.end));
  const byId = new Map(m.sections.filter((s) => s.id !== 0).map((s) => [s.id, s]));
  const countOf = (id) => (byId.has(id) ? new Reader(bytes, byId.get(id).start).u32() : 0);
  const restOf = (id) => {
    if (!byId.has(id)) return [];
    const sec = byId.get(id);
    const r = new Reader(bytes, sec.start, sec.end);
    r.u32();
    return Array.from(bytes.subarray(r.pos, sec.end));
  };

  const typeCount = countOf(1);
  const tVoid = typeCount, tTick = typeCount + 1;
  const definedFuncs = countOf(3);
  const checkFunc = m.importedFuncs + definedFuncs;
  const tableIndex = m.tables.length;
  const globalIndex = m.globals;

  const replaced = new Map();
  replaced.set(1, [...uleb(typeCount + 2), ...restOf(1), 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7f]);
  replaced.set(3, [...uleb(definedFuncs + 1), ...restOf(3), ...uleb(tVoid)]);
  replaced.set(4, [...uleb(m.tables.length + 1), ...restOf(4), 0x70, 0x01, 0x01, 0x01]);
  if (byId.has(5)) {
    // memory.cap: the lower of the guest's own maximum and maxMemoryPages.
    replaced.set(5, vectorSection(m.memories.length, m.memories.map((lim) => {
      const max = lim.max === null ? maxPages : Math.min(lim.max, maxPages);
      return limitsBytes({ flags: lim.flags, min: lim.min, max: Math.max(max, lim.min) });
    })));
  }
  replaced.set(6, [...uleb(m.globals + 1), ...restOf(6), 0x7f, 0x01, 0x41, ...sleb(CHECK_EVERY), 0x0b]);
  const exportName = Array.from(new TextEncoder().encode(TICK_TABLE_EXPORT));
  replaced.set(7, [...uleb(m.exports.length + 1), ...restOf(7), ...uleb(exportName.length), ...exportName, 0x01, ...uleb(tableIndex)]);
  replaced.set(10, rewriteCode(bytes, byId.get(10), definedFuncs, checkFunc, checkBody(globalIndex, tTick, tableIndex)));

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const id of ORDER) {
    const payload = replaced.get(id) ?? (byId.has(id) ? raw(byId.get(id)) : null);
    if (payload === null) continue;
    out.push(id, ...uleb(payload.length));
    for (let i = 0; i < payload.length; i += 65536) out.push(...payload.slice(i, i + 65536));
  }
  return new Uint8Array(out);
}

/** The check function: count down; at zero, reset and ask tick(); a non-zero answer traps. */
function checkBody(g, tTick, table) {
  const code = [
    0x00, // no locals
    0x23, ...uleb(g), 0x41, 0x01, 0x6b, 0x24, ...uleb(g), // counter -= 1
    0x23, ...uleb(g), 0x45, 0x04, 0x40, // if counter == 0
    0x41, ...sleb(CHECK_EVERY), 0x24, ...uleb(g),
    0x41, 0x00, 0x11, ...uleb(tTick), ...uleb(table), // call_indirect tick
    0x04, 0x40, 0x00, 0x0b, // if stop: unreachable
    0x0b, 0x0b,
  ];
  return [...uleb(code.length), ...code];
}

/** Inserts `call check` at each function entry and each loop entry, and appends the check function. */
function rewriteCode(bytes, sec, definedFuncs, checkFunc, checkFn) {
  const call = [0x10, ...uleb(checkFunc)];
  const bodies = [];
  if (sec) {
    const r = new Reader(bytes, sec.start, sec.end);
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const size = r.u32();
      const end = r.pos + size;
      const localsStart = r.pos;
      for (let groups = r.u32(); groups > 0; groups--) { r.u32(); r.valtype(); }
      const body = Array.from(bytes.subarray(localsStart, r.pos));
      body.push(...call);
      let from = r.pos;
      while (r.pos < end) {
        const op = skipInstruction(r);
        if (op === 0x03) {
          for (let k = from; k < r.pos; k++) body.push(bytes[k]);
          body.push(...call);
          from = r.pos;
        }
      }
      for (let k = from; k < end; k++) body.push(bytes[k]);
      bodies.push([...uleb(body.length), ...body]);
    }
  }
  bodies.push(checkFn);
  const out = uleb(definedFuncs + 1);
  for (const b of bodies) for (const x of b) out.push(x);
  return out;
}
