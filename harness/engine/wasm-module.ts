import type { ValType } from "../abi/imports.ts";
import { putS32, putU32 } from "./leb128.ts";
import type { ModuleExport, ModuleImport, ModuleInterface } from "./sections.ts";

/**
 * A small structured description of a wasm module, rendered two ways from one source: a binary (fast, for fuzzing)
 * and WAT text (for people and saved counterexamples). Only the instructions generated programs and the import
 * trampoline need exist. Functions and globals are referenced by `$name`; locals by index; a call_indirect's type by
 * its index in `indirectTypes`.
 */
export type Instr =
  | readonly ["i32.const", number]
  | readonly ["i64.const", bigint]
  | readonly ["f32.const", number]
  | readonly ["local.get" | "local.set" | "local.tee", number]
  | readonly ["global.get" | "global.set", string]
  | readonly ["call", string]
  | readonly ["call_indirect", number]
  /** Copies element segment `segments[k]` into table 0, as table.init k (operands: table offset, segment offset, count). */
  | readonly ["table.init", number]
  | readonly ["br" | "br_if", number]
  | readonly ["i32.load" | "i32.load8_u" | "i32.store" | "i32.store8" | "i64.load", number]
  | readonly [SimpleOp];

export type SimpleOp =
  | "block"
  | "loop"
  | "if"
  | "else"
  | "end"
  | "return"
  | "unreachable"
  | "drop"
  | "i32.add"
  | "i32.sub"
  | "i32.mul"
  | "i32.div_u"
  | "i32.rem_u"
  | "i32.and"
  | "i32.or"
  | "i32.shl"
  | "i32.shr_u"
  | "i32.eq"
  | "i32.ne"
  | "i32.eqz"
  | "i32.lt_u"
  | "i32.gt_u"
  | "i32.ge_u"
  | "i32.le_u"
  | "i32.wrap_i64"
  | "i64.shr_u"
  | "i64.shl"
  | "i64.add"
  | "i64.eq"
  | "i64.gt_u"
  | "i64.eqz"
  | "i64.div_u"
  | "i64.rem_u"
  | "i64.extend_i32_u"
  | "f32.div"
  | "f32.convert_i32_u"
  | "memory.size"
  | "memory.grow"
  | "memory.copy";

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly locals: readonly ValType[];
  readonly body: readonly Instr[];
  readonly export?: string;
}

export interface ImportDef {
  readonly module: string;
  readonly field: string;
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface GlobalDef {
  readonly name: string;
  readonly mutable: boolean;
  /** i32 when absent. */
  readonly type?: "i32" | "i64";
  readonly init: number | bigint;
  readonly export?: string;
}

/** A function type, as call_indirect names it. */
export interface FuncSig {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** A module's one memory: its own (exported), or another module's (imported). */
export type MemoryDef = { readonly minPages: number; readonly export: string } | { readonly minPages: number; readonly import: { readonly module: string; readonly field: string } };

export interface ModuleDef {
  readonly imports: readonly ImportDef[];
  readonly functions: readonly FunctionDef[];
  /** None for a module that needs no memory (each instance of one that has a memory reserves address space). */
  readonly memory: MemoryDef | null;
  readonly globals: readonly GlobalDef[];
  /**
   * One funcref table of `min` slots, exported, for call_indirect; `elements` fills its first slots with functions
   * (by `$name`), so a host can reach functions it was not given as exports. `segments` are passive element segments
   * instead (not both): each instance fills what it needs with `table.init k`, which copies `segments[k]`.
   */
  readonly table?: { readonly min: number; readonly export: string; readonly elements?: readonly string[]; readonly segments?: readonly (readonly string[])[] };
  /** The types call_indirect instructions name, by index. */
  readonly indirectTypes?: readonly FuncSig[];
  readonly data: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
}

const SIMPLE_OPCODES: Record<SimpleOp, number[]> = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  return: [0x0f],
  unreachable: [0x00],
  drop: [0x1a],
  "i32.add": [0x6a],
  "i32.sub": [0x6b],
  "i32.mul": [0x6c],
  "i32.div_u": [0x6e],
  "i32.rem_u": [0x70],
  "i32.and": [0x71],
  "i32.or": [0x72],
  "i32.shl": [0x74],
  "i32.shr_u": [0x76],
  "i32.eq": [0x46],
  "i32.ne": [0x47],
  "i32.eqz": [0x45],
  "i32.lt_u": [0x49],
  "i32.gt_u": [0x4b],
  "i32.ge_u": [0x4f],
  "i32.le_u": [0x4d],
  "i32.wrap_i64": [0xa7],
  "i64.shr_u": [0x88],
  "i64.shl": [0x86],
  "i64.add": [0x7c],
  "i64.eq": [0x51],
  "i64.gt_u": [0x56],
  "i64.eqz": [0x50],
  "i64.div_u": [0x80],
  "i64.rem_u": [0x82],
  "i64.extend_i32_u": [0xad],
  "f32.div": [0x95],
  "f32.convert_i32_u": [0xb3],
  "memory.size": [0x3f, 0x00],
  "memory.grow": [0x40, 0x00],
  "memory.copy": [0xfc, 0x0a, 0x00, 0x00],
};

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };
const MEMORY_OPS = { "i32.load": [0x28, 2], "i32.load8_u": [0x2d, 0], "i32.store": [0x36, 2], "i32.store8": [0x3a, 0], "i64.load": [0x29, 3] } as const;

const utf8 = new TextEncoder();
/** Import, export and module names repeat across modules: encode each once. */
const names = new Map<string, Uint8Array>();
const f32Bits = new Float32Array(1);
const f32Bytes = new Uint8Array(f32Bits.buffer);
const LOCAL_OPCODES = { "local.get": 0x20, "local.set": 0x21, "local.tee": 0x22 } as const;

/** Growable byte sink with LEB128 writers. Sizes are back-patched as 5-byte LEBs, so nothing is copied twice. */
class Bytes {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(bs: Uint8Array | readonly number[]): void {
    this.room(bs.length);
    if (bs instanceof Uint8Array) this.buf.set(bs, this.length);
    else for (let i = 0; i < bs.length; i++) this.buf[this.length + i] = bs[i]!;
    this.length += bs.length;
  }

  u32(n: number): void {
    this.room(5);
    this.length = putU32(this.buf, this.length, n);
  }

  s32(n: number): void {
    this.room(5);
    this.length = putS32(this.buf, this.length, n);
  }

  s64(n: bigint): void {
    let v = BigInt.asIntN(64, n);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return;
    }
  }

  f32(x: number): void {
    f32Bits[0] = x;
    this.bytes(f32Bytes);
  }

  name(text: string): void {
    let encoded = names.get(text);
    if (encoded === undefined) {
      encoded = utf8.encode(text);
      if (names.size < 10_000) names.set(text, encoded);
    }
    this.u32(encoded.length);
    this.bytes(encoded);
  }

  /** Writes a 5-byte placeholder for a size; `close` fills it with the bytes written since. */
  open(): number {
    this.room(5);
    const at = this.length;
    this.length += 5;
    return at;
  }

  close(at: number): void {
    let size = this.length - at - 5;
    for (let i = 0; i < 5; i++) {
      this.buf[at + i] = (size & 0x7f) | (i < 4 ? 0x80 : 0);
      size >>>= 7;
    }
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const signature = (f: { params: readonly ValType[]; results: readonly ValType[] }) => `${f.params.join(",")}->${f.results.join(",")}`;

/**
 * Function bodies of constant definitions (a shared runtime) encoded once, per definition. A body holds the indexes
 * of what it names: it is reused while the imports, globals and indirect types are the same (indexKey) and each
 * function it calls has the index it had, which depends on the functions a module keeps before it.
 */
const bodyCache = new WeakMap<FunctionDef, { key: string; callees: readonly string[]; calleeIndexes: readonly number[]; bytes: Uint8Array }>();

function encodeBody(fn: FunctionDef, funcs: Map<string, number>, globals: Map<string, number>, indexKey: string): Uint8Array {
  const cached = bodyCache.get(fn);
  if (cached?.key === indexKey && cached.callees.every((name, i) => funcs.get(name) === cached.calleeIndexes[i])) return cached.bytes;
  const body = new Bytes();
  body.u32(fn.locals.length);
  for (const local of fn.locals) {
    body.u32(1);
    body.byte(VALTYPE[local]);
  }
  for (const instr of fn.body) encodeInstr(body, instr, funcs, globals, fn.name);
  body.byte(0x0b);
  const bytes = body.result();
  const callees = cached?.callees ?? calledNames(fn.body);
  bodyCache.set(fn, { key: indexKey, callees, calleeIndexes: callees.map((name) => funcs.get(name)!), bytes });
  return bytes;
}

/** The functions a body calls, each once. */
function calledNames(body: readonly Instr[]): string[] {
  const names = new Set<string>();
  for (const instr of body) if (instr[0] === "call") names.add(instr[1]);
  return [...names];
}

/** Encodes the module as a wasm binary (MVP plus bulk memory's memory.copy). */
export function encodeModule(def: ModuleDef): Uint8Array {
  const indirectTypes = def.indirectTypes ?? [];
  const types: { params: readonly ValType[]; results: readonly ValType[] }[] = [];
  const typeIndex = new Map<string, number>();
  const typeOf = (f: { params: readonly ValType[]; results: readonly ValType[] }) => {
    const key = signature(f);
    let index = typeIndex.get(key);
    if (index === undefined) {
      index = types.length;
      types.push(f);
      typeIndex.set(key, index);
    }
    return index;
  };
  // call_indirect names its type by index: these types come first, so that index is their index in the section.
  for (const type of indirectTypes) {
    if (typeOf(type) !== types.length - 1) throw new Error(`internal: call_indirect type ${signature(type)} is listed twice`);
  }
  const funcIndex = new Map<string, number>();
  def.imports.forEach((imp, i) => funcIndex.set(imp.name, i));
  def.functions.forEach((fn, i) => funcIndex.set(fn.name, def.imports.length + i));
  const globalIndex = new Map(def.globals.map((g, i) => [g.name, i]));
  // A cached body is valid while the imports, globals and indirect types keep their indexes (and its callees theirs).
  const indexKey = `${def.imports.map((i) => i.name).join()}|${def.globals.map((g) => g.name).join()}|${indirectTypes.map(signature).join()}`;
  const importTypes = def.imports.map(typeOf);
  const functionTypes = def.functions.map(typeOf);

  const out = new Bytes(4096);
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, fill: () => void) => {
    out.byte(id);
    const at = out.open();
    fill();
    out.close(at);
  };
  section(1, () => {
    out.u32(types.length);
    for (const t of types) {
      out.byte(0x60);
      out.u32(t.params.length);
      for (const p of t.params) out.byte(VALTYPE[p]);
      out.u32(t.results.length);
      for (const r of t.results) out.byte(VALTYPE[r]);
    }
  });
  const memory = def.memory;
  const memoryImport = memory !== null && "import" in memory ? memory.import : null;
  section(2, () => {
    out.u32(def.imports.length + (memoryImport === null ? 0 : 1));
    def.imports.forEach((imp, i) => {
      out.name(imp.module);
      out.name(imp.field);
      out.byte(0x00);
      out.u32(importTypes[i]!);
    });
    if (memoryImport !== null) {
      out.name(memoryImport.module);
      out.name(memoryImport.field);
      out.byte(0x02);
      out.byte(0x00);
      out.u32(memory!.minPages);
    }
  });
  section(3, () => {
    out.u32(def.functions.length);
    for (const t of functionTypes) out.u32(t);
  });
  const table = def.table;
  if (table !== undefined) {
    section(4, () => {
      out.u32(1);
      out.byte(0x70); // funcref
      out.byte(0x00);
      out.u32(table.min);
    });
  }
  if (memory !== null && memoryImport === null) {
    section(5, () => {
      out.u32(1);
      out.byte(0x00);
      out.u32(memory.minPages);
    });
  }
  section(6, () => {
    out.u32(def.globals.length);
    for (const g of def.globals) {
      const i64 = g.type === "i64";
      out.byte(i64 ? VALTYPE.i64 : VALTYPE.i32);
      out.byte(g.mutable ? 1 : 0);
      if (i64) {
        out.byte(0x42);
        out.s64(BigInt(g.init));
      } else {
        out.byte(0x41);
        out.s32(Number(g.init));
      }
      out.byte(0x0b);
    }
  });
  const exports: { name: string; kind: number; index: number }[] = memory !== null && "export" in memory ? [{ name: memory.export, kind: 2, index: 0 }] : [];
  if (table !== undefined) exports.push({ name: table.export, kind: 1, index: 0 });
  def.functions.forEach((fn) => fn.export !== undefined && exports.push({ name: fn.export, kind: 0, index: funcIndex.get(fn.name)! }));
  def.globals.forEach((g, i) => g.export !== undefined && exports.push({ name: g.export, kind: 3, index: i }));
  section(7, () => {
    out.u32(exports.length);
    for (const e of exports) {
      out.name(e.name);
      out.byte(e.kind);
      out.u32(e.index);
    }
  });
  const elements = table?.elements ?? [];
  const segments = table?.segments ?? [];
  if (elements.length > 0 && segments.length > 0) throw new Error("internal: a table is filled by its elements or by its segments, not both");
  if (elements.length > 0) {
    section(9, () => {
      out.u32(1);
      out.byte(0x00); // active, table 0, funcref
      out.byte(0x41);
      out.s32(0);
      out.byte(0x0b);
      out.u32(elements.length);
      for (const name of elements) out.u32(indexOf(funcIndex, name, "the table"));
    });
  }
  if (segments.length > 0) {
    section(9, () => {
      out.u32(segments.length);
      for (const names of segments) {
        out.byte(0x01); // passive
        out.byte(0x00); // elemkind funcref
        out.u32(names.length);
        for (const name of names) out.u32(indexOf(funcIndex, name, "an element segment"));
      }
    });
  }
  section(10, () => {
    out.u32(def.functions.length);
    for (const fn of def.functions) {
      const body = encodeBody(fn, funcIndex, globalIndex, indexKey);
      out.u32(body.length);
      out.bytes(body);
    }
  });
  section(11, () => {
    out.u32(def.data.length);
    for (const d of def.data) {
      out.byte(0x00);
      out.byte(0x41);
      out.s32(d.offset);
      out.byte(0x0b);
      out.u32(d.bytes.length);
      out.bytes(d.bytes);
    }
  });
  return out.result();
}

/** What readModuleInterface reads from encodeModule(def), without encoding it: imports, then exports in encoded order. */
export function moduleInterface(def: ModuleDef): ModuleInterface {
  const type = (f: FuncSig) => ({ params: [...f.params], results: [...f.results] });
  const imports: ModuleImport[] = def.imports.map((imp) => ({ module: imp.module, name: imp.field, kind: "function", type: type(imp) }));
  const memory = def.memory;
  if (memory !== null && "import" in memory) imports.push({ module: memory.import.module, name: memory.import.field, kind: "memory" });
  const exports: ModuleExport[] = memory !== null && "export" in memory ? [{ name: memory.export, kind: "memory" }] : [];
  if (def.table !== undefined) exports.push({ name: def.table.export, kind: "table" });
  for (const fn of def.functions) if (fn.export !== undefined) exports.push({ name: fn.export, kind: "function", type: type(fn) });
  for (const g of def.globals) if (g.export !== undefined) exports.push({ name: g.export, kind: "global" });
  return { imports, exports, hasStart: false };
}

function indexOf(table: Map<string, number>, name: string, where: string): number {
  const index = table.get(name);
  if (index === undefined) throw new Error(`internal: ${where} refers to unknown ${name}`);
  return index;
}

function encodeInstr(out: Bytes, instr: Instr, funcs: Map<string, number>, globals: Map<string, number>, where: string): void {
  switch (instr[0]) {
    case "i32.const":
      out.byte(0x41);
      out.s32(instr[1]);
      return;
    case "i64.const":
      out.byte(0x42);
      out.s64(instr[1]);
      return;
    case "f32.const":
      out.byte(0x43);
      out.f32(instr[1]);
      return;
    case "local.get":
    case "local.set":
    case "local.tee":
      out.byte(LOCAL_OPCODES[instr[0]]);
      out.u32(instr[1]);
      return;
    case "global.get":
    case "global.set":
      out.byte(instr[0] === "global.get" ? 0x23 : 0x24);
      out.u32(indexOf(globals, instr[1], where));
      return;
    case "call":
      out.byte(0x10);
      out.u32(indexOf(funcs, instr[1], where));
      return;
    case "table.init":
      out.byte(0xfc);
      out.u32(12);
      out.u32(instr[1]);
      out.byte(0x00); // table 0
      return;
    case "call_indirect":
      out.byte(0x11);
      out.u32(instr[1]); // the type's index: indirect types come first in the type section
      out.byte(0x00); // table 0
      return;
    case "br":
    case "br_if":
      out.byte(instr[0] === "br" ? 0x0c : 0x0d);
      out.u32(instr[1]);
      return;
    case "i32.load":
    case "i32.load8_u":
    case "i32.store":
    case "i32.store8":
    case "i64.load": {
      const [opcode, align] = MEMORY_OPS[instr[0]];
      out.byte(opcode);
      out.u32(align);
      out.u32(instr[1]);
      return;
    }
    default:
      out.bytes(SIMPLE_OPCODES[instr[0]]);
  }
}

const watString = (bytes: Uint8Array) => {
  let out = "";
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString(16).padStart(2, "0")}`;
  }
  return `"${out}"`;
};

function watF32(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  // The shortest decimal of an f32 value read as f32 is that value again (it is far closer than half an f32 ulp).
  return Object.is(x, -0) ? "-0" : String(x);
}

/** Renders the module as WAT: flat instructions, indented by block depth. wabt compiles it to the same module. */
export function printModule(def: ModuleDef, header = ""): string {
  const lines: string[] = [];
  if (header) for (const line of header.split("\n")) lines.push(`;; ${line}`);
  lines.push("(module");
  const sig = (f: { params: readonly ValType[]; results: readonly ValType[] }) =>
    `${f.params.length ? ` (param ${f.params.join(" ")})` : ""}${f.results.length ? ` (result ${f.results.join(" ")})` : ""}`;
  (def.indirectTypes ?? []).forEach((type, i) => lines.push(`  (type (;${i};) (func${sig(type)}))`));
  for (const imp of def.imports) lines.push(`  (import "${imp.module}" "${imp.field}" (func ${imp.name}${sig(imp)}))`);
  const memory = def.memory;
  if (memory !== null && "import" in memory) lines.push(`  (import "${memory.import.module}" "${memory.import.field}" (memory ${memory.minPages}))`);
  if (def.table !== undefined) lines.push(`  (table (export "${def.table.export}") ${def.table.min} funcref)`);
  if (def.table?.elements?.length) lines.push(`  (elem (i32.const 0) func ${def.table.elements.join(" ")})`);
  for (const names of def.table?.segments ?? []) lines.push(`  (elem func ${names.join(" ")})`);
  if (memory !== null && "export" in memory) lines.push(`  (memory (export "${memory.export}") ${memory.minPages})`);
  for (const g of def.globals) {
    const valtype = g.type ?? "i32";
    const type = g.mutable ? `(mut ${valtype})` : valtype;
    lines.push(`  (global ${g.name}${g.export ? ` (export "${g.export}")` : ""} ${type} (${valtype}.const ${g.init}))`);
  }
  for (const fn of def.functions) {
    lines.push(`  (func ${fn.name}${fn.export ? ` (export "${fn.export}")` : ""}${sig(fn)}${fn.locals.length ? ` (local ${fn.locals.join(" ")})` : ""}`);
    let depth = 2;
    for (const instr of fn.body) {
      if (instr[0] === "end" || instr[0] === "else") depth--;
      lines.push(`${"  ".repeat(depth)}${printInstr(instr)}`);
      if (instr[0] === "block" || instr[0] === "loop" || instr[0] === "if" || instr[0] === "else") depth++;
    }
    lines.push("  )");
  }
  for (const d of def.data) lines.push(`  (data (i32.const ${d.offset}) ${watString(d.bytes)})`);
  lines.push(")");
  return `${lines.join("\n")}\n`;
}

function printInstr(instr: Instr): string {
  switch (instr[0]) {
    case "f32.const":
      return `f32.const ${watF32(instr[1])}`;
    case "i64.const":
      return `i64.const ${BigInt.asIntN(64, instr[1])}`;
    case "i32.load":
    case "i32.load8_u":
    case "i32.store":
    case "i32.store8":
    case "i64.load":
      return instr[1] === 0 ? instr[0] : `${instr[0]} offset=${instr[1]}`;
    case "call_indirect":
      return `call_indirect (type ${instr[1]})`;
    default:
      return instr.length === 1 ? instr[0] : `${instr[0]} ${String(instr[1])}`;
  }
}
