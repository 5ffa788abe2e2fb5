// A reader for the parts of a WebAssembly binary the host must see before it instantiates a guest: imports, exports,
// types, memory limits and the start section (link.*), and the instruction stream, which instrument.mjs rewrites.
// The module has already passed WebAssembly.validate, so the reader trusts the structure; an instruction it cannot
// decode is a proposal it does not know, reported as Unsupported.

export class Unsupported extends Error {}

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

export class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }
  byte() {
    if (this.pos >= this.end) throw new Unsupported('unexpected end of section');
    return this.bytes[this.pos++];
  }
  u32() {
    let result = 0, shift = 0, b;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }
  /** Skips a signed or unsigned LEB128 of any width. */
  skipLeb() {
    while (this.byte() & 0x80);
  }
  name() {
    const len = this.u32();
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return text;
  }
  valtype() {
    const b = this.byte();
    const t = VALTYPES[b];
    if (!t) throw new Unsupported(`value type 0x${b.toString(16)}`);
    return t;
  }
  limits() {
    const flags = this.byte();
    if (flags > 3) throw new Unsupported('64-bit memory');
    const min = this.u32();
    const max = flags & 1 ? this.u32() : null;
    return { flags, min, max };
  }
  skip(n) {
    this.pos += n;
  }
}

/** Reads a block type (empty, a value type, or a type index as s33). */
function skipBlockType(r) {
  const b = r.bytes[r.pos];
  if (b === 0x40 || VALTYPES[b]) r.pos++;
  else r.skipLeb();
}

function skipMemarg(r) {
  const align = r.u32();
  if (align & 0x40) r.u32(); // multi-memory: a memory index follows
  r.u32();
}

/**
 * Decodes one instruction at r.pos, leaving r.pos after it, and returns its opcode (prefixed opcodes as 0xFC00 | sub,
 * and so on). Only immediates are decoded: what matters here is finding each instruction's end.
 */
export function skipInstruction(r) {
  const op = r.byte();
  switch (op) {
    case 0x02: case 0x03: case 0x04: case 0x06:
      skipBlockType(r); return op;
    case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x18:
    case 0x10: case 0x12: case 0x14: case 0x15: case 0xd2: case 0xd4: case 0xd6:
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
      r.u32(); return op;
    case 0x0e: {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.u32();
      return op;
    }
    case 0x11: case 0x13:
      r.u32(); r.u32(); return op;
    case 0x1c: {
      const n = r.u32();
      for (let i = 0; i < n; i++) r.valtype();
      return op;
    }
    case 0x3f: case 0x40:
      r.u32(); return op;
    case 0x41: case 0x42:
      r.skipLeb(); return op;
    case 0x43: r.skip(4); return op;
    case 0x44: r.skip(8); return op;
    case 0xd0: {
      const b = r.bytes[r.pos];
      if (VALTYPES[b]) r.pos++;
      else r.skipLeb();
      return op;
    }
    case 0xfc: {
      const sub = r.u32();
      switch (sub) {
        case 8: r.u32(); r.u32(); break;
        case 9: case 13: case 15: case 16: case 17: r.u32(); break;
        case 10: case 12: case 14: r.u32(); r.u32(); break;
        case 11: r.u32(); break;
        default: if (sub > 17) throw new Unsupported(`opcode 0xfc ${sub}`);
      }
      return 0xfc00 | sub;
    }
    case 0xfd: {
      const sub = r.u32();
      if (sub <= 11 || sub === 92 || sub === 93) skipMemarg(r);
      else if (sub === 12 || sub === 13) r.skip(16);
      else if (sub >= 21 && sub <= 34) r.skip(1);
      else if (sub >= 84 && sub <= 91) { skipMemarg(r); r.skip(1); }
      return 0xfd0000 | sub;
    }
    case 0xfe: {
      const sub = r.u32();
      if (sub === 3) r.skip(1);
      else skipMemarg(r);
      return 0xfe0000 | sub;
    }
    default:
      if (op >= 0x28 && op <= 0x3e) { skipMemarg(r); return op; }
      if (op <= 0x01 || op === 0x05 || op === 0x0a || op === 0x0b || op === 0x0f || op === 0x19 || op === 0x1a ||
          op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1 || op === 0xd3 || op === 0xd5) return op;
      throw new Unsupported(`opcode 0x${op.toString(16)}`);
  }
}

/** Skips a constant expression up to and including its final `end`. */
function skipConstExpr(r) {
  let depth = 0;
  for (;;) {
    const op = skipInstruction(r);
    if (op === 0x02 || op === 0x03 || op === 0x04) depth++;
    if (op === 0x0b && depth-- === 0) return;
  }
}

function funcType(r) {
  const form = r.byte();
  if (form !== 0x60) throw new Unsupported(`type form 0x${form.toString(16)}`);
  const params = [], results = [];
  for (let n = r.u32(); n > 0; n--) params.push(r.valtype());
  for (let n = r.u32(); n > 0; n--) results.push(r.valtype());
  return { params, results };
}

/**
 * Parses a (valid) module into what the host's checks need. Each section keeps its byte range, so that
 * instrument.mjs can copy what it does not change.
 */
export function parseModule(bytes) {
  const r = new Reader(bytes, 8);
  const m = {
    bytes, sections: [], types: [], imports: [], funcTypes: [], tables: [], memories: [], globals: 0,
    exports: [], start: null, importedFuncs: 0,
  };
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos, end = r.pos + size;
    m.sections.push({ id, start, end });
    const s = new Reader(bytes, start, end);
    switch (id) {
      case 1:
        for (let n = s.u32(); n > 0; n--) m.types.push(funcType(s));
        break;
      case 2:
        for (let n = s.u32(); n > 0; n--) {
          const module = s.name(), name = s.name(), kind = s.byte();
          const imp = { module, name, kind };
          if (kind === 0) { imp.type = s.u32(); m.funcTypes.push(imp.type); m.importedFuncs++; }
          else if (kind === 1) { s.valtype(); s.limits(); }
          else if (kind === 2) imp.limits = s.limits();
          else if (kind === 3) { s.valtype(); s.byte(); }
          else if (kind === 4) { s.byte(); s.u32(); }
          m.imports.push(imp);
        }
        break;
      case 3:
        for (let n = s.u32(); n > 0; n--) m.funcTypes.push(s.u32());
        break;
      case 4:
        for (let n = s.u32(); n > 0; n--) { s.valtype(); m.tables.push(s.limits()); }
        break;
      case 5:
        for (let n = s.u32(); n > 0; n--) m.memories.push(s.limits());
        break;
      case 6:
        for (let n = s.u32(); n > 0; n--) { s.valtype(); s.byte(); skipConstExpr(s); m.globals++; }
        break;
      case 7:
        for (let n = s.u32(); n > 0; n--) m.exports.push({ name: s.name(), kind: s.byte(), index: s.u32() });
        break;
      case 8:
        m.start = s.u32();
        break;
      default:
        break;
    }
    r.pos = end;
  }
  return m;
}

/** The type of function `index` (imports first), or null. */
export function typeOfFunction(m, index) {
  const t = m.funcTypes[index];
  return t === undefined ? null : m.types[t] ?? null;
}

export function sameType(a, b) {
  return !!a && a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((p, i) => p === b.params[i]) && a.results.every((p, i) => p === b.results[i]);
}

export const EXPORT_KIND = { FUNC: 0, TABLE: 1, MEMORY: 2, GLOBAL: 3, TAG: 4 };
