import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import initWabt from "wabt";
import { GuestLoadError } from "./errors.ts";

type Wabt = Awaited<ReturnType<typeof initWabt>>;
let wabtReady: Promise<Wabt> | null = null;
const cache = new Map<string, Uint8Array>();
let hits = 0;
let misses = 0;

/** `;; @include "lib/alloc.wat"` splices shared module fields in; only the fixtures use it. */
const INCLUDE = /^\s*;;\s*@include\s+"([^"]+)"\s*$/;

interface SourceLine {
  readonly file: string;
  readonly line: number;
}

/** Expands includes and remembers where each output line came from, so errors name the real file:line:col. */
function expand(file: string, text: string, seen: ReadonlySet<string> = new Set()): { text: string; lines: SourceLine[] } {
  const out: string[] = [];
  const lines: SourceLine[] = [];
  text.split("\n").forEach((line, i) => {
    const include = INCLUDE.exec(line);
    if (include === null) {
      out.push(line);
      lines.push({ file, line: i + 1 });
      return;
    }
    const target = resolve(dirname(file), include[1]!);
    if (target === file || seen.has(target)) {
      throw new GuestLoadError("JP_WAT_SYNTAX", `${file}:${i + 1}:1: @include "${include[1]}" forms a cycle`);
    }
    let included: string;
    try {
      included = readFileSync(target, "utf8");
    } catch (error) {
      throw new GuestLoadError("JP_WAT_SYNTAX", `${file}:${i + 1}:1: cannot @include ${include[1]}: ${(error as Error).message}`, { cause: error });
    }
    const nested = expand(target, included, new Set([...seen, file]));
    out.push(nested.text);
    lines.push(...nested.lines);
  });
  return { text: out.join("\n"), lines };
}

/** Rewrites wabt's `<name>:<line>:<col>` positions to the source file and line they came from. */
function mapPositions(message: string, name: string, lines: readonly SourceLine[]): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return message.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, "g"), (_m, line: string, col: string) => {
    const origin = lines[Number(line) - 1];
    return origin ? `${origin.file}:${origin.line}:${col}` : `${name}:${line}:${col}`;
  });
}

/**
 * WAT -> wasm bytes with wabt: parse, resolve names, validate, binary; the wabt module is always destroyed. Each
 * distinct source is compiled once per process.
 */
export async function compileWat(file: string, source: string): Promise<Uint8Array> {
  const expanded = expand(file, source);
  const key = createHash("sha256").update(expanded.text).digest("hex");
  const cached = cache.get(key);
  if (cached) {
    hits++;
    return cached;
  }
  misses++;
  wabtReady ??= initWabt();
  const wabt = await wabtReady;
  const name = "guest.wat";
  let module: ReturnType<Wabt["parseWat"]> | null = null;
  try {
    module = wabt.parseWat(name, expanded.text, { multi_value: true, bulk_memory: true, mutable_globals: true, sign_extension: true, sat_float_to_int: true });
    module.resolveNames();
    module.validate();
    const { buffer } = module.toBinary({ log: false, write_debug_names: true });
    const bytes = new Uint8Array(buffer);
    cache.set(key, bytes);
    return bytes;
  } catch (error) {
    const detail = mapPositions((error as Error).message, name, expanded.lines).replace(/^(parseWat|validate) failed:\n/, "");
    throw new GuestLoadError("JP_WAT_SYNTAX", `invalid WAT:\n${detail.trimEnd()}`, { cause: error });
  } finally {
    module?.destroy();
  }
}

/** Compiles answered from the cache (hits) and by wabt (misses) since the process started or the last reset. */
export function watCacheStats(): { hits: number; misses: number } {
  return { hits, misses };
}

/** Empties the compile cache, so the next compile of any source runs wabt, and zeroes the counters (benchmarks). */
export function resetWatCache(): void {
  cache.clear();
  hits = 0;
  misses = 0;
}
