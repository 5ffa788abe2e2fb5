import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type initWabt from "wabt";
import { GuestLoadError } from "./errors.ts";
import { userCacheDir } from "./cache-dir.ts";

type Wabt = Awaited<ReturnType<typeof initWabt>>;
let wabtReady: Promise<Wabt> | null = null;
const cache = new Map<string, Uint8Array>();
let hits = 0;
let misses = 0;

const FEATURES = { multi_value: true, bulk_memory: true, mutable_globals: true, sign_extension: true, sat_float_to_int: true };

let keyPrefix: string | null = null;

/**
 * A source's key, for the in-memory cache and the file name on disk alike: a hash of wabt's version, the features and
 * the expanded text (a new wabt or another feature set compiles again).
 */
function watKey(expanded: string): string {
  if (keyPrefix === null) {
    const manifest = join(dirname(createRequire(import.meta.url).resolve("wabt")), "package.json");
    keyPrefix = `wabt ${JSON.parse(readFileSync(manifest, "utf8")).version as string} ${JSON.stringify(FEATURES)}\n`;
  }
  return createHash("sha256").update(keyPrefix).update(expanded).digest("hex");
}

/**
 * Compiled WAT kept on disk across processes, one file per key (see watKey): a process the CLI starts (exec, resume, a
 * gate's host process) would otherwise load wabt, about 0.15 s, to compile the same guests again. Files are written
 * atomically (a temporary file renamed) and read back only when they validate; the store is never required: any
 * failure to read or write just means compiling. The folder can be deleted at any time.
 */
export class CompiledWatStore {
  constructor(readonly dir: string) {}

  pathFor(key: string): string {
    return join(this.dir, `${key}.wasm`);
  }

  read(key: string): Uint8Array | null {
    try {
      const bytes = new Uint8Array(readFileSync(this.pathFor(key)));
      return WebAssembly.validate(bytes) ? bytes : null;
    } catch {
      return null;
    }
  }

  write(key: string, bytes: Uint8Array): void {
    try {
      const path = this.pathFor(key);
      mkdirSync(this.dir, { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, path);
    } catch {
      // a read-only or full disk only means compiling again next time
    }
  }
}

/**
 * Where compiled WAT is kept: the folder JOB_PARITY_WAT_CACHE names, else wat/ in the user's cache folder
 * (cache-dir.ts); null when JOB_PARITY_WAT_CACHE=0 turns the store off.
 */
export function watCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const setting = env.JOB_PARITY_WAT_CACHE;
  if (setting === "0") return null;
  return setting !== undefined && setting !== "" ? resolve(setting) : join(userCacheDir(env), "wat");
}

const storeDir = watCacheDir();
const store = storeDir === null ? null : new CompiledWatStore(storeDir);
/** Whether compileWat reads the store (it always writes it): off after resetWatCache. */
let storeReads = true;

/**
 * What compileWat hands to wabt. wabt recurses on nesting with a small stack of its own: at about 175 levels of flat
 * `block`/`end` its parser never returns, and at about 150 levels of folded `(block ...)` (240 of folded expressions)
 * it fails with "memory access out of bounds" and stays broken for the rest of the process. So sources nested deeper
 * than maxNesting are refused before wabt sees them (JP_WAT_LIMIT), as are sources larger than maxSourceBytes, which
 * wabt would hold several times over in its own memory.
 */
export const WAT_LIMITS = {
  /** Bytes of WAT after @include, in UTF-8. */
  maxSourceBytes: 16 * 1024 * 1024,
  /** Levels of nesting: each open parenthesis, and each flat block, loop, if, try or try_table up to its end. */
  maxNesting: 128,
} as const;

/** Flat instructions that open a level up to their `end` (or, for a legacy try, `delegate`). */
const FLAT_OPENERS = new Set(["block", "loop", "if", "try", "try_table"]);

/**
 * Where WAT first nests deeper than `limit`, and how deep it goes at most: open parentheses and flat blocks (a
 * keyword of FLAT_OPENERS not right after "(") count one level each, ")" and `end`/`delegate` close one. Comments
 * (`;;` to the end of the line, nested `(; ;)`) and strings are skipped.
 */
export function watNesting(text: string, limit: number): { depth: number; over: { offset: number } | null } {
  let depth = 0;
  let deepest = 0;
  let over: { offset: number } | null = null;
  let afterParen = false;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 0x28 /* ( */) {
      if (text.charCodeAt(i + 1) === 0x3b /* ; */) {
        // a block comment, nestable
        let level = 1;
        i += 2;
        while (i < n && level > 0) {
          if (text.startsWith("(;", i)) (level++, (i += 2));
          else if (text.startsWith(";)", i)) (level--, (i += 2));
          else i++;
        }
        continue;
      }
      depth++;
      afterParen = true;
      i++;
    } else if (c === 0x29 /* ) */) {
      depth--;
      afterParen = false;
      i++;
    } else if (c === 0x3b /* ; */ && text.charCodeAt(i + 1) === 0x3b) {
      const eol = text.indexOf("\n", i);
      i = eol < 0 ? n : eol + 1;
      continue;
    } else if (c === 0x22 /* " */) {
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      i++;
      afterParen = false;
      continue;
    } else if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
      i++;
      continue;
    } else {
      const start = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x28 || d === 0x29 || d === 0x20 || d === 0x0a || d === 0x09 || d === 0x0d || d === 0x22 || (d === 0x3b && text.charCodeAt(i + 1) === 0x3b)) break;
        i++;
      }
      const word = text.slice(start, i);
      if (!afterParen && FLAT_OPENERS.has(word)) depth++;
      else if (word === "end" || word === "delegate") depth--;
      afterParen = false;
      if (depth > deepest) deepest = depth;
      if (over === null && depth > limit) over = { offset: start };
      continue;
    }
    if (depth > deepest) deepest = depth;
    if (over === null && depth > limit) over = { offset: i - 1 };
  }
  return { depth: deepest, over };
}

/** The 1-based line and column of an offset in a text. */
function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** Refuses a source wabt cannot compile safely (WAT_LIMITS), before it reaches wabt. */
function checkWatLimits(file: string, expanded: { text: string; lines: readonly SourceLine[] }): void {
  const bytes = Buffer.byteLength(expanded.text, "utf8");
  if (bytes > WAT_LIMITS.maxSourceBytes) {
    throw new GuestLoadError(
      "JP_WAT_LIMIT",
      `${file}: the WAT is ${bytes} bytes (after @include); the limit is ${WAT_LIMITS.maxSourceBytes} (WAT_LIMITS.maxSourceBytes). Compile it to .wasm with another tool (wat2wasm, wasm-tools parse) and pass the .wasm.`,
    );
  }
  const nesting = watNesting(expanded.text, WAT_LIMITS.maxNesting);
  if (nesting.over !== null) {
    const { line, col } = lineAndColumn(expanded.text, nesting.over.offset);
    const origin = expanded.lines[line - 1];
    const where = origin ? `${origin.file}:${origin.line}:${col}` : `${file}:${line}:${col}`;
    throw new GuestLoadError(
      "JP_WAT_LIMIT",
      `${where}: the WAT nests ${nesting.depth} levels deep (parentheses and flat block, loop, if, try up to their end); the limit is ${WAT_LIMITS.maxNesting} (WAT_LIMITS.maxNesting), passed here. wabt, which compiles WAT here, overflows its stack on deeper nesting (it hangs or fails). Nest less (split the function, use br_table or flat code), or compile it to .wasm with another tool (wat2wasm, wasm-tools parse) and pass the .wasm: binary modules have no such limit.`,
    );
  }
}

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
 * distinct source is compiled once per process, and its bytes kept on disk for the next process (CompiledWatStore).
 */
export async function compileWat(file: string, source: string): Promise<Uint8Array> {
  const expanded = expand(file, source);
  const key = watKey(expanded.text);
  const cached = cache.get(key);
  if (cached) {
    hits++;
    return cached;
  }
  const stored = storeReads ? (store?.read(key) ?? null) : null;
  if (stored !== null) {
    hits++;
    cache.set(key, stored);
    return stored;
  }
  misses++;
  checkWatLimits(file, expanded);
  wabtReady ??= import("wabt").then(({ default: init }) => init());
  const wabt = await wabtReady;
  const name = "guest.wat";
  let module: ReturnType<Wabt["parseWat"]> | null = null;
  try {
    module = wabt.parseWat(name, expanded.text, FEATURES);
    module.resolveNames();
    module.validate();
    const { buffer } = module.toBinary({ log: false, write_debug_names: true });
    const bytes = new Uint8Array(buffer);
    cache.set(key, bytes);
    store?.write(key, bytes);
    return bytes;
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      // wabt itself crashed (its memory is now in an unknown state): the next compile loads a fresh wabt.
      wabtReady = null;
      module = null;
      throw new GuestLoadError(
        "JP_WAT_LIMIT",
        `${file}: wabt, which compiles WAT here, crashed on this module (${(error as Error).message}): it is probably nested too deep or too large for it. Simplify it, or compile it to .wasm with another tool (wat2wasm, wasm-tools parse) and pass the .wasm.`,
        { cause: error },
      );
    }
    const detail = mapPositions((error as Error).message, name, expanded.lines).replace(/^(parseWat|validate) failed:\n/, "");
    throw new GuestLoadError("JP_WAT_SYNTAX", `invalid WAT:\n${detail.trimEnd()}`, { cause: error });
  } finally {
    module?.destroy();
  }
}

/** Compiles answered from a cache, in memory or on disk (hits), and by wabt (misses) since the start or the last reset. */
export function watCacheStats(): { hits: number; misses: number } {
  return { hits, misses };
}

/**
 * Empties the compile cache, so the next compile of any source runs wabt, and zeroes the counters (benchmarks). From
 * then on this process reads nothing from the disk store: what it measures is wabt and the in-memory cache.
 */
export function resetWatCache(): void {
  cache.clear();
  hits = 0;
  misses = 0;
  storeReads = false;
}
