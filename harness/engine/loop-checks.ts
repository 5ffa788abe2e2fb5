/**
 * Loop checks: a rewrite of a wasm binary after which a host can stop a guest that runs too long on any engine, not
 * only where the engine has a timeout of its own (node:vm's is V8's; JavaScriptCore has none for wasm).
 *
 * The rewritten module imports one more function, `tick` from LOOP_CHECK_MODULE, and has one more mutable i32
 * global, a countdown. Every function body (after its locals) and every loop body (after the loop's block type)
 * starts with a check:
 *
 *   global.get $n  i32.const 1  i32.gt_s
 *   if (result i32)  global.get $n  i32.const 1  i32.sub
 *   else  call $tick  global.set $n  global.get $n  i32.const 0  i32.lt_s  if  unreachable  end  global.get $n
 *   end
 *   global.set $n
 *
 * So tick runs once every N checks, N being the interval at first and then whatever tick last returned. A tick that
 * answers a negative number stops the guest with a trap, which no guest code can catch (legacy exception handling's
 * catch_all catches a JS exception, never a trap); the host knows the trap was its own because tick said so. A tick
 * that throws stops it too, and leaves the countdown at 1 or below, so a guest that catches the exception meets
 * another tick at its very next check. Between two ticks a guest runs at most N loop iterations or function entries,
 * plus straight-line code.
 *
 * The tick import comes after the module's function imports, so every defined function's index goes up by one: the
 * rewrite renumbers exports, the start function, element segments, global initialisers and calls and ref.func in
 * code. The `name` section (and code metadata, which points into function bodies) is dropped; every other section is
 * copied byte for byte. One pass, no decoding beyond the immediates; input is a module WebAssembly.validate accepts.
 */

import { putU32, s32Bytes, u32Bytes } from "./leb128.ts";

export const LOOP_CHECK_MODULE = "job-parity:watchdog";
export const LOOP_CHECK_FUNCTION = "tick";
/** Checks between two ticks unless tick says otherwise: small enough for a prompt stop, large enough to cost nothing. */
export const LOOP_CHECK_INTERVAL = 65_536;

/** A module the rewrite cannot instrument: an instruction or type from a proposal it does not decode. */
export class LoopCheckError extends Error {
  readonly code = "JP_LOOP_CHECK";

  constructor(message: string) {
    super(message);
    this.name = "LoopCheckError";
  }
}

// What follows each single-byte opcode.
const UNSUPPORTED = 0;
const NONE = 1;
const INDEX = 2; // one LEB128 (index, label, integer constant)
const TWO_INDICES = 3; // call_indirect and return_call_indirect: type and table
const BLOCK = 4; // block, if, try: a block type, one level deeper
const LOOP = 5; // a block type, one level deeper, and a check after it
const FUNCTION = 6; // call, return_call, ref.func: a function index to renumber
const MEMARG = 7;
const BYTES4 = 8;
const BYTES8 = 9;
const BR_TABLE = 10;
const TYPED_SELECT = 11;
const REF_NULL = 12;
const END = 13;
const DELEGATE = 14; // ends a try block, with a label
const PREFIX_FC = 15; // saturating truncation, bulk memory and tables
const PREFIX_FD = 16; // SIMD
const PREFIX_FE = 17; // threads

const IMMEDIATES = new Uint8Array(256); // UNSUPPORTED unless set below
const set = (kind: number, from: number, to = from) => void IMMEDIATES.fill(kind, from, to + 1);
set(NONE, 0x00, 0x01); // unreachable, nop
set(BLOCK, 0x02);
set(LOOP, 0x03);
set(BLOCK, 0x04);
set(NONE, 0x05); // else
set(BLOCK, 0x06); // try
set(INDEX, 0x07, 0x09); // catch, throw, rethrow
set(END, 0x0b);
set(INDEX, 0x0c, 0x0d); // br, br_if
set(BR_TABLE, 0x0e);
set(NONE, 0x0f); // return
set(FUNCTION, 0x10); // call
set(TWO_INDICES, 0x11);
set(FUNCTION, 0x12); // return_call
set(TWO_INDICES, 0x13);
set(DELEGATE, 0x18);
set(NONE, 0x19, 0x1b); // catch_all, drop, select
set(TYPED_SELECT, 0x1c);
set(INDEX, 0x20, 0x26); // locals, globals, table.get, table.set
set(MEMARG, 0x28, 0x3e);
set(INDEX, 0x3f, 0x42); // memory.size, memory.grow (a memory index), i32.const, i64.const
set(BYTES4, 0x43);
set(BYTES8, 0x44);
set(NONE, 0x45, 0xc4); // numeric, including sign extension
set(REF_NULL, 0xd0);
set(NONE, 0xd1); // ref.is_null
set(FUNCTION, 0xd2); // ref.func
set(PREFIX_FC, 0xfc);
set(PREFIX_FD, 0xfd);
set(PREFIX_FE, 0xfe);

/** How many LEB128 immediates each 0xFC instruction has (0..7 saturating truncation, 8..17 bulk memory and tables). */
const FC_INDICES = [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1];

/** Why a known opcode is refused, for the error message. */
const PROPOSALS: Record<number, string> = {
  0x0a: "throw_ref (exception handling with exnref)",
  0x14: "call_ref (typed function references)",
  0x15: "return_call_ref (typed function references)",
  0x1f: "try_table (exception handling with exnref)",
  0xd3: "ref.as_non_null (typed function references)",
  0xd4: "br_on_null (typed function references)",
  0xd5: "ref.eq (GC)",
  0xd6: "br_on_non_null (typed function references)",
  0xfb: "GC",
};

// Section ids in the order a module has them (the tag section, 13, sits between memory and global).
const SECTION_RANK: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };
const RANK_TYPE = 1;
const RANK_IMPORT = 2;
const RANK_GLOBAL = 7;

const isValType = (b: number) => (b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f;
const isRefType = (b: number) => b === 0x70 || b === 0x6f;
const hex = (b: number) => `0x${b.toString(16).padStart(2, "0")}`;

const utf8 = new TextEncoder();
const NAME = utf8.encode("name");
const CODE_METADATA = utf8.encode("metadata.code.");
const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const encodedName = (text: string) => [...u32Bytes(utf8.encode(text).length), ...utf8.encode(text)];
/** `() -> (i32)` */
const TICK_TYPE = Uint8Array.of(0x60, 0, 1, 0x7f);
/** The tick's import entry up to its type index: module, field, kind function. */
const TICK_IMPORT = Uint8Array.from([...encodedName(LOOP_CHECK_MODULE), ...encodedName(LOOP_CHECK_FUNCTION), 0x00]);


/** The check inserted at each function and loop entry; stack-neutral. */
function checkSequence(countdown: number, tick: number): Uint8Array {
  const n = u32Bytes(countdown);
  return Uint8Array.from([
    0x23, ...n, 0x41, 0x01, 0x4a, // global.get $n; i32.const 1; i32.gt_s
    0x04, 0x7f, 0x23, ...n, 0x41, 0x01, 0x6b, // if (result i32) global.get $n; i32.const 1; i32.sub
    0x05, 0x10, ...u32Bytes(tick), // else call $tick
    0x24, ...n, 0x23, ...n, 0x41, 0x00, 0x48, // global.set $n; global.get $n; i32.const 0; i32.lt_s
    0x04, 0x40, 0x00, 0x0b, // if unreachable end (a negative tick stops the guest with a trap)
    0x23, ...n, 0x0b, // global.get $n end
    0x24, ...n, // global.set $n
  ]);
}

/**
 * Returns `bytes` with loop checks (see the top of this file). `interval` is the countdown's first value: the number
 * of checks before the first tick. Throws LoopCheckError for a module using a proposal the rewrite does not decode
 * (GC, typed function references, exnref exception handling, ...).
 */
export function addLoopChecks(bytes: Uint8Array, interval: number = LOOP_CHECK_INTERVAL): Uint8Array {
  if (!Number.isInteger(interval) || interval < 1 || interval > 0x7fff_ffff) {
    throw new RangeError(`the loop check interval must be an integer from 1 to 2^31-1, not ${interval}`);
  }
  return new Rewrite(bytes, interval).module();
}

class Rewrite {
  private out: Uint8Array;
  private length = 0;
  /** Set by u32At: the position after the LEB128 it read (a tuple per read would allocate on the hot path). */
  private next = 0;
  private tickType = -1;
  /** The tick's function index, and the first index that moves up by one. */
  private functionImports = -1;
  /** Imported, then defined: the countdown's index once the global section is written. */
  private globals = 0;
  /** The countdown global's index. */
  private countdown = -1;
  private check: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly bytes: Uint8Array,
    private readonly interval: number,
  ) {
    // A quarter more leaves room for the checks of typical code; a module with more loops grows the buffer.
    this.out = new Uint8Array(bytes.length + (bytes.length >> 2) + 128);
  }

  module(): Uint8Array {
    const bytes = this.bytes;
    for (let i = 0; i < 8; i++) {
      if (bytes[i] !== WASM_HEADER[i]) throw new LoopCheckError("not a WebAssembly module (magic and version 1)");
    }
    this.copy(0, 8);
    let p = 8;
    while (p < bytes.length) {
      const id = bytes[p]!;
      const size = this.u32At(p + 1);
      const start = this.next;
      const end = start + size;
      if (end > bytes.length) throw new LoopCheckError(`section ${id} at byte offset ${p} runs past the end of the module`);
      if (id === 0) {
        if (!this.staleCustomSection(start)) this.copy(p, end);
        p = end;
        continue;
      }
      const rank = SECTION_RANK[id];
      if (rank === undefined) throw new LoopCheckError(`unknown section id ${id} at byte offset ${p}`);
      this.addMissingSections(rank);
      if (id === 1) this.typeSection(p, start, end);
      else if (id === 2) this.importSection(start, end);
      else if (id === 4) this.tableSection(p, start, end);
      else if (id === 6) this.globalSection(start, end);
      else if (id === 7) this.exportSection(start);
      else if (id === 8) this.startSection(start);
      else if (id === 9) this.elementSection(start, end);
      else if (id === 10) this.codeSection(start, end);
      else this.copy(p, end);
      p = end;
    }
    this.addMissingSections(Infinity);
    return this.out.slice(0, this.length);
  }

  // ---- output

  private room(n: number): void {
    if (this.length + n <= this.out.length) return;
    const next = new Uint8Array(Math.max(this.out.length * 2, this.length + n));
    next.set(this.out.subarray(0, this.length));
    this.out = next;
  }

  /** Copies input bytes [from, to): short runs byte by byte, as a subarray would cost more than the copy. */
  private copy(from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.room(n);
    const out = this.out;
    const bytes = this.bytes;
    if (n < 32) {
      let at = this.length;
      for (let i = from; i < to; i++) out[at++] = bytes[i]!;
    } else out.set(bytes.subarray(from, to), this.length);
    this.length += n;
  }

  private write(data: Uint8Array): void {
    this.room(data.length);
    const out = this.out;
    let at = this.length;
    for (let i = 0; i < data.length; i++) out[at++] = data[i]!;
    this.length = at;
  }

  private u32(n: number): void {
    this.room(5);
    this.length = putU32(this.out, this.length, n);
  }

  /** Starts a section (or a function body: id -1) whose size `close` fills in, as a 5-byte LEB128 so nothing moves. */
  private open(id: number): number {
    this.room(6);
    if (id >= 0) this.out[this.length++] = id;
    const at = this.length;
    this.length += 5;
    return at;
  }

  private close(at: number): void {
    let size = this.length - at - 5;
    for (let i = 0; i < 5; i++) {
      this.out[at + i] = (size & 0x7f) | (i < 4 ? 0x80 : 0);
      size >>>= 7;
    }
  }

  // ---- input

  private u32At(p: number): number {
    const bytes = this.bytes;
    let value = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[p++]!;
      value |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    this.next = p;
    return value >>> 0;
  }

  private skipLeb(p: number): number {
    const bytes = this.bytes;
    while (bytes[p++]! & 0x80);
    return p;
  }

  private skipName(p: number): number {
    const length = this.u32At(p);
    return this.next + length;
  }

  /** Flags (bit 0: a maximum follows; bit 1: shared; bit 2: 64-bit), the minimum and the maximum. */
  private skipLimits(p: number): number {
    const flags = this.bytes[p]!;
    if (flags > 7) throw new LoopCheckError(`unsupported limits flags ${hex(flags)} at byte offset ${p}`);
    p = this.skipLeb(p + 1);
    return flags & 1 ? this.skipLeb(p) : p;
  }

  private valType(p: number, where: string): number {
    const b = this.bytes[p]!;
    if (!isValType(b)) throw new LoopCheckError(`unsupported value type ${hex(b)} in ${where} at byte offset ${p}`);
    return p + 1;
  }

  private refType(p: number, where: string): number {
    const b = this.bytes[p]!;
    if (!isRefType(b)) throw new LoopCheckError(`unsupported reference type ${hex(b)} in ${where} at byte offset ${p}`);
    return p + 1;
  }

  /** Copies a function index at `p`, renumbered; returns the position after it. */
  private functionIndex(p: number): number {
    const index = this.u32At(p);
    const next = this.next;
    this.u32(index >= this.functionImports ? index + 1 : index);
    return next;
  }

  private staleCustomSection(start: number): boolean {
    const length = this.u32At(start);
    const name = this.next;
    const startsWith = (prefix: Uint8Array) => length >= prefix.length && prefix.every((b, i) => this.bytes[name + i] === b);
    return (length === NAME.length && startsWith(NAME)) || startsWith(CODE_METADATA);
  }

  // ---- sections

  /** Writes the type, import and global sections a module lacks, once a section that comes after them begins. */
  private addMissingSections(rank: number): void {
    if (this.tickType < 0 && rank > RANK_TYPE) {
      const at = this.open(1);
      this.write(Uint8Array.of(1, ...TICK_TYPE));
      this.close(at);
      this.tickType = 0;
    }
    if (this.functionImports < 0 && rank > RANK_IMPORT) {
      this.functionImports = 0;
      const at = this.open(2);
      this.u32(1);
      this.tickImport();
      this.close(at);
    }
    if (this.countdown < 0 && rank > RANK_GLOBAL) {
      const at = this.open(6);
      this.u32(1);
      this.countdownGlobal();
      this.close(at);
    }
  }

  private tickImport(): void {
    this.write(TICK_IMPORT);
    this.u32(this.tickType);
  }

  private countdownGlobal(): void {
    this.countdown = this.globals++;
    this.write(Uint8Array.from([0x7f, 0x01, 0x41, ...s32Bytes(this.interval), 0x0b])); // mut i32, i32.const interval
  }

  /** Reuses a `() -> (i32)` type if there is one, else appends it. */
  private typeSection(p: number, start: number, end: number): void {
    const bytes = this.bytes;
    const count = this.u32At(start);
    const entries = this.next;
    let q = entries;
    for (let i = 0; i < count; i++) {
      if (bytes[q] !== 0x60) throw new LoopCheckError(`unsupported type form ${hex(bytes[q]!)} (GC) in the type section at byte offset ${q}`);
      const params = this.u32At(q + 1);
      q = this.next;
      for (let n = params; n > 0; n--) q = this.valType(q, "a function type");
      const results = this.u32At(q);
      q = this.next;
      if (params === 0 && results === 1 && bytes[q] === 0x7f && this.tickType < 0) this.tickType = i;
      for (let n = results; n > 0; n--) q = this.valType(q, "a function type");
    }
    if (this.tickType >= 0) {
      this.copy(p, end);
      return;
    }
    const at = this.open(1);
    this.u32(count + 1);
    this.copy(entries, end);
    this.write(TICK_TYPE);
    this.close(at);
    this.tickType = count;
  }

  /** Counts the function and global imports, and appends the tick after them. */
  private importSection(start: number, end: number): void {
    const bytes = this.bytes;
    const count = this.u32At(start);
    const entries = this.next;
    let q = entries;
    let functions = 0;
    for (let i = 0; i < count; i++) {
      q = this.skipName(this.skipName(q));
      const kind = bytes[q++]!;
      if (kind === 0x00) {
        functions++;
        q = this.skipLeb(q);
      } else if (kind === 0x01) q = this.skipLimits(this.refType(q, "a table import"));
      else if (kind === 0x02) q = this.skipLimits(q);
      else if (kind === 0x03) {
        this.globals++;
        q = this.valType(q, "a global import") + 1;
      } else if (kind === 0x04) q = this.skipLeb(q + 1);
      else throw new LoopCheckError(`unknown import kind ${hex(kind)} at byte offset ${q - 1}`);
    }
    this.functionImports = functions;
    const at = this.open(2);
    this.u32(count + 1);
    this.copy(entries, end);
    this.tickImport();
    this.close(at);
  }

  /** Copied as it is; refused if a table has an initialiser expression, which could hold a ref.func. */
  private tableSection(p: number, start: number, end: number): void {
    let count = this.u32At(start);
    let q = this.next;
    for (; count > 0; count--) {
      if (this.bytes[q] === 0x40) throw new LoopCheckError(`unsupported table with an initialiser expression at byte offset ${q}`);
      q = this.skipLimits(this.refType(q, "a table type"));
    }
    this.copy(p, end);
  }

  /** Renumbers ref.func in initialisers and appends the countdown, after every other global. */
  private globalSection(start: number, end: number): void {
    const count = this.u32At(start);
    let q = this.next;
    const at = this.open(6);
    this.u32(count + 1);
    for (let i = 0; i < count; i++) {
      const init = this.valType(q, "a global") + 1; // and its mutability
      this.copy(q, init);
      q = this.expression(init, end);
      this.globals++;
    }
    this.countdownGlobal();
    this.close(at);
  }

  private exportSection(start: number): void {
    let count = this.u32At(start);
    let q = this.next;
    const at = this.open(7);
    this.u32(count);
    for (; count > 0; count--) {
      const kind = this.skipName(q);
      this.copy(q, kind + 1);
      if (this.bytes[kind] === 0x00) q = this.functionIndex(kind + 1);
      else {
        q = this.skipLeb(kind + 1);
        this.copy(kind + 1, q);
      }
    }
    this.close(at);
  }

  private startSection(start: number): void {
    const at = this.open(8);
    this.functionIndex(start);
    this.close(at);
  }

  /**
   * Element segments, all eight encodings. Flag bit 0: passive or declarative; bit 1: with a table index (active) or
   * declarative (not active); bit 2: expressions instead of function indices.
   */
  private elementSection(start: number, end: number): void {
    let count = this.u32At(start);
    let q = this.next;
    const at = this.open(9);
    this.u32(count);
    for (; count > 0; count--) {
      const segment = q;
      const flags = this.u32At(q);
      if (flags > 7) throw new LoopCheckError(`unknown element segment flags ${flags} at byte offset ${segment}`);
      q = this.next;
      const active = (flags & 1) === 0;
      if (active && flags & 2) q = this.skipLeb(q);
      this.copy(segment, q);
      if (active) q = this.expression(q, end);
      if (flags & 3) {
        const kindEnd = flags & 4 ? this.refType(q, "an element segment") : q + 1; // a reftype, or elemkind 0x00
        this.copy(q, kindEnd);
        q = kindEnd;
      }
      const n = this.u32At(q);
      q = this.next;
      this.u32(n);
      if (flags & 4) for (let i = 0; i < n; i++) q = this.expression(q, end);
      else for (let i = 0; i < n; i++) q = this.functionIndex(q);
    }
    this.close(at);
  }

  private codeSection(start: number, end: number): void {
    this.check = checkSequence(this.countdown, this.functionImports);
    const count = this.u32At(start);
    let q = this.next;
    const at = this.open(10);
    this.u32(count);
    for (let f = 0; f < count; f++) {
      const size = this.u32At(q);
      const bodyStart = this.next;
      const bodyEnd = bodyStart + size;
      if (bodyEnd > end) throw new LoopCheckError(`function body ${f} at byte offset ${q} runs past the code section`);
      const body = this.open(-1);
      let groups = this.u32At(bodyStart);
      let p = this.next;
      for (; groups > 0; groups--) p = this.valType(this.skipLeb(p), "local declarations");
      this.copy(bodyStart, p);
      this.write(this.check);
      if (this.expression(p, bodyEnd) !== bodyEnd) {
        throw new LoopCheckError(`function body ${f} at byte offset ${q}: its last end is not at the end of the body`);
      }
      this.close(body);
      q = bodyEnd;
    }
    this.close(at);
  }

  /**
   * Copies the instructions from `p` through the `end` that closes them (a function body or a constant expression),
   * renumbering function indices and adding a check after each loop's block type; unchanged runs are copied whole.
   * Returns the position after that `end`.
   */
  private expression(p: number, limit: number): number {
    const bytes = this.bytes;
    let run = p; // the start of the input not yet copied
    let depth = 0;
    while (p < limit) {
      const at = p;
      const opcode = bytes[p++]!;
      switch (IMMEDIATES[opcode]) {
        case NONE:
          break;
        case INDEX:
          p = this.skipLeb(p);
          break;
        case TWO_INDICES:
          p = this.skipLeb(this.skipLeb(p));
          break;
        case BLOCK:
          p = this.blockType(p);
          depth++;
          break;
        case LOOP:
          p = this.blockType(p);
          depth++;
          this.copy(run, p);
          this.write(this.check);
          run = p;
          break;
        case FUNCTION: {
          const index = this.u32At(p);
          if (index >= this.functionImports) {
            this.copy(run, p);
            this.u32(index + 1);
            run = this.next;
          }
          p = this.next;
          break;
        }
        case MEMARG:
          p = this.memarg(p);
          break;
        case BYTES4:
          p += 4;
          break;
        case BYTES8:
          p += 8;
          break;
        case BR_TABLE: {
          const labels = this.u32At(p);
          p = this.next;
          for (let i = 0; i <= labels; i++) p = this.skipLeb(p); // and the default
          break;
        }
        case TYPED_SELECT: {
          const types = this.u32At(p);
          p = this.next;
          for (let i = 0; i < types; i++) p = this.valType(p, "select");
          break;
        }
        case REF_NULL:
          p = this.refType(p, "ref.null");
          break;
        case END:
          if (depth === 0) {
            this.copy(run, p);
            return p;
          }
          depth--;
          break;
        case DELEGATE:
          p = this.skipLeb(p);
          depth--;
          break;
        case PREFIX_FC: {
          const sub = this.u32At(p);
          const indices = FC_INDICES[sub];
          if (indices === undefined) throw unsupported(at, opcode, sub);
          p = this.next;
          for (let i = 0; i < indices; i++) p = this.skipLeb(p);
          break;
        }
        case PREFIX_FD:
          p = this.simd(at);
          break;
        case PREFIX_FE: {
          const sub = this.u32At(p);
          if (sub === 0x03) p = this.next + 1; // atomic.fence and its 0x00
          else if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) p = this.memarg(this.next);
          else throw unsupported(at, opcode, sub);
          break;
        }
        default:
          throw unsupported(at, opcode);
      }
    }
    throw new LoopCheckError(`the expression ending at byte offset ${limit} has no end instruction`);
  }

  /** 0x40 (no values), one value type, or a type index as a non-negative s33. */
  private blockType(p: number): number {
    const b = this.bytes[p]!;
    if (b === 0x40 || isValType(b)) return p + 1;
    if ((b & 0xc0) === 0x40) throw new LoopCheckError(`unsupported block type ${hex(b)} at byte offset ${p}`);
    return this.skipLeb(p);
  }

  /** Alignment flags (bit 6: a memory index follows, multi-memory), then the offset. */
  private memarg(p: number): number {
    const flags = this.u32At(p);
    return this.skipLeb(flags & 0x40 ? this.skipLeb(this.next) : this.next);
  }

  /** The immediates of the 0xFD instruction at `at`, after the SIMD proposal's opcode table (relaxed SIMD's have none). */
  private simd(at: number): number {
    const sub = this.u32At(at + 1);
    const next = this.next;
    if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) return this.memarg(next); // loads, v128.store, load32/64_zero
    if (sub === 0x0c || sub === 0x0d) return next + 16; // v128.const, i8x16.shuffle
    if (sub >= 0x15 && sub <= 0x22) return next + 1; // extract_lane, replace_lane
    if (sub >= 0x54 && sub <= 0x5b) return this.memarg(next) + 1; // load*_lane, store*_lane
    if (sub <= 0x113) return next;
    throw unsupported(at, 0xfd, sub);
  }
}

function unsupported(at: number, opcode: number, sub?: number): LoopCheckError {
  const name = sub === undefined ? hex(opcode) : `${hex(opcode)} ${hex(sub)}`;
  const proposal = PROPOSALS[opcode];
  return new LoopCheckError(`unsupported opcode ${name}${proposal === undefined ? "" : ` (${proposal})`} at byte offset ${at}`);
}
