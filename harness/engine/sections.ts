import type { ValType } from "../abi/imports.ts";
import { readU32 } from "./leb128.ts";

/**
 * The parts of a wasm binary the linker checks. WebAssembly.Module.imports() does not give function types (the
 * type-reflection proposal is not in Node 20), so the type, import, function and export sections are read here.
 */
export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface ModuleImport {
  readonly module: string;
  readonly name: string;
  readonly kind: "function" | "table" | "memory" | "global" | "tag";
  readonly type?: FuncType;
}

export interface ModuleExport {
  readonly name: string;
  readonly kind: "function" | "table" | "memory" | "global" | "tag";
  readonly type?: FuncType;
}

export interface ModuleInterface {
  readonly imports: readonly ModuleImport[];
  readonly exports: readonly ModuleExport[];
  /** Whether the module has a start function (which runs inside instantiation, before plugin_init). */
  readonly hasStart: boolean;
}

const VALTYPES: Record<number, ValType | string> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };
const KINDS = ["function", "table", "memory", "global", "tag"] as const;

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError("unexpected end of the wasm binary");
    return this.bytes[this.offset++]!;
  }

  u32(): number {
    const [value, next] = readU32(this.bytes, this.offset);
    this.offset = next;
    return value;
  }

  name(): string {
    const length = this.u32();
    const text = utf8.decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  limits(): void {
    const flags = this.u32();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Reads imports and exports with their function types. Assumes a binary that WebAssembly.validate accepted. */
export function readModuleInterface(bytes: Uint8Array): ModuleInterface {
  const r = new Reader(bytes);
  r.offset = 8; // magic + version
  const types: FuncType[] = [];
  const funcTypes: number[] = []; // function index -> type index (imports first)
  const imports: ModuleImport[] = [];
  const exports: { name: string; kind: ModuleExport["kind"]; index: number }[] = [];
  let hasStart = false;
  while (r.offset < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.offset + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        r.byte(); // 0x60 func
        const params = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] as ValType);
        const results = Array.from({ length: r.u32() }, () => VALTYPES[r.byte()] as ValType);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kind = KINDS[r.byte()] ?? "tag";
        if (kind === "function") {
          const typeIndex = r.u32();
          funcTypes.push(typeIndex);
          imports.push({ module, name, kind, type: types[typeIndex] });
        } else {
          if (kind === "table") {
            r.byte();
            r.limits();
          } else if (kind === "memory") r.limits();
          else if (kind === "global") {
            r.byte();
            r.byte();
          } else {
            r.byte();
            r.u32();
          }
          imports.push({ module, name, kind });
        }
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
    } else if (id === 8) {
      hasStart = true;
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = KINDS[r.byte()] ?? "tag";
        exports.push({ name, kind, index: r.u32() });
      }
    }
    r.offset = end;
  }
  return {
    imports,
    hasStart,
    exports: exports.map(({ name, kind, index }) => {
      const typeIndex = kind === "function" ? funcTypes[index] : undefined;
      return typeIndex === undefined ? { name, kind } : { name, kind, type: types[typeIndex] };
    }),
  };
}
