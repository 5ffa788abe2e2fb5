import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GuestLinkError, GuestLoadError } from "../../harness/engine/errors.ts";
import { guestFromBytes, guestFromSource, loadGuest } from "../../harness/engine/load.ts";
import { nodeEngine, type WasmEngine } from "../../harness/engine/engine.ts";
import { readModuleInterface } from "../../harness/engine/sections.ts";
import { userCacheDir } from "../../harness/engine/cache-dir.ts";
import { CompiledWatStore, compileWat, watCacheDir, watCacheStats } from "../../harness/engine/wat.ts";
import { runReferenceCase } from "../../harness/adapters/in-process.ts";
import { ReferenceHost } from "../../harness/host/host.ts";
import { WasmExtension } from "../../harness/jobs/wasm-extension.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "job-parity-engine-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** 1-based line and column of the first occurrence of `token` in `text`. */
function position(text: string, token: string): { line: number; col: number } {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(token));
  if (line < 0) throw new Error(`test setup: ${token} not in the source`);
  return { line: line + 1, col: lines[line]!.indexOf(token) + 1 };
}

/** Runs `fn` and returns what it threw (failing the test if it did not throw). */
async function rejection(fn: () => Promise<unknown> | unknown): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the call succeeded");
}

/** The minimum a guest must export, for guests that are meant to link. */
const RUNTIME = `
  (memory (export "memory") 1)
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024))`;

describe("WAT syntax errors name the real file:line:col", () => {
  it("a malformed WAT file: JP_WAT_SYNTAX with <file>:<line>:<col> of the bad token", async () => {
    const source = `(module${RUNTIME}
  (func $f (result i32)
    (i32.add (i32.const 1) (i32.cnst 2))))
`;
    const file = write("malformed.wat", source);
    const { line, col } = position(source, "i32.cnst");
    const error = await rejection(() => loadGuest(file));
    expect(error).toBeInstanceOf(GuestLoadError);
    expect((error as GuestLoadError).code).toBe("JP_WAT_SYNTAX");
    expect(error.message).toContain(`${file}:${line}:${col}`);
    expect(error.message).toContain("i32.cnst");
    expect(error.message).not.toContain("guest.wat"); // wabt's internal buffer name never leaks
  });

  it("a validation error (type mismatch) is also placed at its file:line:col", async () => {
    const source = `(module
  (memory (export "memory") 1)
  (func (export "wasm_alloc") (param i32) (result i32)
    (i64.const 1)))
`;
    const file = write("mistyped.wat", source);
    const { line, col } = position(source, "i64.const");
    const error = await rejection(() => loadGuest(file));
    expect((error as GuestLoadError).code).toBe("JP_WAT_SYNTAX");
    expect(error.message).toContain(`${file}:${line}:${col}`);
  });

  it('an error inside a `;; @include "lib.wat"` names the included file and its line', async () => {
    const lib = `  (func $ok (result i32)
    (i32.const 1))
  (func $broken
    (i32.frob))
`;
    const libFile = write("lib.wat", lib);
    const mainFile = write("with-include.wat", `(module${RUNTIME}\n  ;; @include "lib.wat"\n)\n`);
    const { line, col } = position(lib, "i32.frob");
    const error = await rejection(() => loadGuest(mainFile));
    expect((error as GuestLoadError).code).toBe("JP_WAT_SYNTAX");
    expect(error.message).toContain(`${libFile}:${line}:${col}`);
  });

  it("an error after an include is placed on the including file's own line", async () => {
    write("two-funcs.wat", "  (func $a)\n  (func $b)\n  (func $c)\n");
    const source = `(module
  ;; @include "two-funcs.wat"${RUNTIME}
  (func (result i32)
    (i32.bogus)))
`;
    const file = write("after-include.wat", source);
    const { line, col } = position(source, "i32.bogus");
    const error = await rejection(() => loadGuest(file));
    expect(error.message).toContain(`${file}:${line}:${col}`);
  });

  it("an @include of a missing file names the including file and line", async () => {
    const file = write("missing-include.wat", `(module\n  ;; @include "nope/absent.wat"\n)\n`);
    const error = await rejection(() => loadGuest(file));
    expect((error as GuestLoadError).code).toBe("JP_WAT_SYNTAX");
    expect(error.message).toContain(`${file}:2:`);
    expect(error.message).toContain("nope/absent.wat");
  });
});

describe("link errors name every import and export that does not match the ABI table", () => {
  it("an import with the wrong type: names the import, the expected type and the guest's type", async () => {
    const file = write(
      "progress-f64.wat",
      `(module
  (import "spacedrive" "job_report_progress" (func (param i32 f64 i32 i32)))${RUNTIME})`,
    );
    const error = await rejection(() => loadGuest(file));
    expect(error).toBeInstanceOf(GuestLinkError);
    const link = error as GuestLinkError;
    expect(link.code).toBe("JP_LINK");
    expect(link.problems).toEqual([
      { name: "import spacedrive.job_report_progress", expected: "(i32, f32, i32, i32) -> ()", actual: "(i32, f64, i32, i32) -> ()" },
    ]);
    expect(link.message).toContain(file);
    expect(link.message).toContain("job_report_progress");
    expect(link.message).toContain("(i32, f32, i32, i32) -> ()");
    expect(link.message).toContain("(i32, f64, i32, i32) -> ()");
  });

  it("an import with a narrower integer (i32 for a u64) is refused too", async () => {
    const file = write(
      "items-i32.wat",
      `(module
  (import "spacedrive" "job_increment_items" (func (param i32 i32)))${RUNTIME})`,
    );
    const error = (await rejection(() => loadGuest(file))) as GuestLinkError;
    expect(error).toBeInstanceOf(GuestLinkError);
    expect(error.problems).toEqual([{ name: "import spacedrive.job_increment_items", expected: "(i32, i64) -> ()", actual: "(i32, i32) -> ()" }]);
    expect(error.message).toContain("(i32, i64) -> ()");
    expect(error.message).toContain("(i32, i32) -> ()");
  });

  it("an import not in the table, or from another module, is named", async () => {
    const file = write(
      "unknown-imports.wat",
      `(module
  (import "spacedrive" "job_teleport" (func (param i32)))
  (import "env" "abort" (func))${RUNTIME})`,
    );
    const error = (await rejection(() => loadGuest(file))) as GuestLinkError;
    expect(error).toBeInstanceOf(GuestLinkError);
    expect(error.problems.map((p) => p.name)).toEqual(["import spacedrive.job_teleport", "import env.abort"]);
    expect(error.problems[0]!.actual).toContain("(i32) -> ()");
    expect(error.message).toContain("spacedrive.job_teleport");
    expect(error.message).toContain("env.abort");
  });

  it("a table import is refused as not a function", async () => {
    const error = (await rejection(() =>
      guestFromSource("table-import.wat", `(module (import "spacedrive" "job_log" (table 1 funcref))${RUNTIME})`),
    )) as GuestLinkError;
    expect(error).toBeInstanceOf(GuestLinkError);
    expect(error.problems).toEqual([{ name: "import spacedrive.job_log", expected: "function (i32, i32, i32, i32) -> ()", actual: "a table" }]);
  });

  it("missing memory, missing wasm_alloc and a wasm_alloc with the wrong signature are each named", async () => {
    const noMemory = (await rejection(() =>
      guestFromSource("no-memory.wat", `(module (func (export "wasm_alloc") (param i32) (result i32) (i32.const 0)))`),
    )) as GuestLinkError;
    expect(noMemory).toBeInstanceOf(GuestLinkError);
    expect(noMemory.problems).toEqual([{ name: "export memory", expected: "a memory", actual: "no such export" }]);
    expect(noMemory.message).toContain("export memory");

    const noAlloc = (await rejection(() => guestFromSource("no-alloc.wat", `(module (memory (export "memory") 1))`))) as GuestLinkError;
    expect(noAlloc.problems).toEqual([{ name: "export wasm_alloc", expected: "(i32) -> (i32)", actual: "no such export" }]);
    expect(noAlloc.message).toContain("export wasm_alloc");

    const badAlloc = (await rejection(() =>
      guestFromSource("bad-alloc.wat", `(module (memory (export "memory") 1) (func (export "wasm_alloc") (param i64) (result i32) (i32.const 0)))`),
    )) as GuestLinkError;
    expect(badAlloc.problems).toEqual([{ name: "export wasm_alloc", expected: "(i32) -> (i32)", actual: "(i64) -> (i32)" }]);
    expect(badAlloc.message).toContain("(i64) -> (i32)");

    const allocNotFunction = (await rejection(() =>
      guestFromSource("global-alloc.wat", `(module (memory (export "memory") 1) (global (export "wasm_alloc") i32 (i32.const 0)))`),
    )) as GuestLinkError;
    expect(allocNotFunction.problems).toEqual([{ name: "export wasm_alloc", expected: "(i32) -> (i32)", actual: "a global" }]);
  });

  it("several problems are all listed at once, in one error", async () => {
    const error = (await rejection(() =>
      guestFromSource(
        "many.wat",
        `(module
  (import "spacedrive" "job_report_progress" (func (param i32 f64 i32 i32)))
  (import "spacedrive" "job_increment_items" (func (param i32 i32)))
  (import "spacedrive" "job_teleport" (func (param i32)))
  (import "env" "abort" (func))
  (func (export "wasm_alloc") (param i64) (result i32) (i32.const 0)))`,
      ),
    )) as GuestLinkError;
    expect(error).toBeInstanceOf(GuestLinkError);
    expect(error.problems.map((p) => p.name)).toEqual([
      "import spacedrive.job_report_progress",
      "import spacedrive.job_increment_items",
      "import spacedrive.job_teleport",
      "import env.abort",
      "export memory",
      "export wasm_alloc",
    ]);
    for (const problem of error.problems) expect(error.message).toContain(`${problem.name}: expected ${problem.expected}, the guest has ${problem.actual}`);
  });

  it("a guest that imports exactly the table's types links", async () => {
    const guest = await guestFromSource(
      "links.wat",
      `(module
  (import "spacedrive" "job_report_progress" (func (param i32 f32 i32 i32)))
  (import "spacedrive" "job_increment_items" (func (param i32 i64)))${RUNTIME})`,
    );
    expect(guest.iface.imports.map((i) => i.name)).toEqual(["job_report_progress", "job_increment_items"]);
  });
});

describe("files that are not guests", () => {
  it("bytes that are not a wasm binary: JP_WASM_INVALID naming the file", async () => {
    const file = write("junk.wasm", "this is not wasm");
    const error = (await rejection(() => loadGuest(file))) as GuestLoadError;
    expect(error).toBeInstanceOf(GuestLoadError);
    expect(error.code).toBe("JP_WASM_INVALID");
    expect(error.message).toContain(file);
  });

  it("a truncated wasm binary: JP_WASM_INVALID", async () => {
    const bytes = readFileSync(join(PROJECT_ROOT, "sdk-guest/counter.wasm"));
    const file = write("truncated.wasm", bytes.subarray(0, 100));
    const error = (await rejection(() => loadGuest(file))) as GuestLoadError;
    expect(error.code).toBe("JP_WASM_INVALID");
  });

  it("a missing file: JP_GUEST_NOT_FOUND naming the file", async () => {
    const file = join(dir, "does-not-exist.wasm");
    const error = (await rejection(() => loadGuest(file))) as GuestLoadError;
    expect(error).toBeInstanceOf(GuestLoadError);
    expect(error.code).toBe("JP_GUEST_NOT_FOUND");
    expect(error.message).toContain(file);
  });

  it("a file with another extension: a clear error that says .wat or .wasm", async () => {
    const file = write("guest.txt", "(module)");
    const error = (await rejection(() => loadGuest(file))) as GuestLoadError;
    expect(error).toBeInstanceOf(GuestLoadError);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/\.wat or \.wasm/);
  });
});

describe("plugin_init failures fail the load", () => {
  it("plugin_init returning non-zero: JP_INIT_FAILED with the returned code", async () => {
    const guest = await guestFromSource("init-7.wat", `(module${RUNTIME} (func (export "plugin_init") (result i32) (i32.const 7)))`);
    const error = (await rejection(() => WasmExtension.load(new ReferenceHost(), "ext", guest))) as GuestLoadError;
    expect(error).toBeInstanceOf(GuestLoadError);
    expect(error.code).toBe("JP_INIT_FAILED");
    expect(error.message).toContain("init-7.wat");
    expect(error.message).toContain("returned 7");
  });

  it("plugin_init trapping: JP_INIT_FAILED with the trap text", async () => {
    const guest = await guestFromSource("init-trap.wat", `(module${RUNTIME} (func (export "plugin_init") (result i32) unreachable))`);
    const error = (await rejection(() => WasmExtension.load(new ReferenceHost(), "ext", guest))) as GuestLoadError;
    expect(error).toBeInstanceOf(GuestLoadError);
    expect(error.code).toBe("JP_INIT_FAILED");
    expect(error.message).toContain("trapped");
    expect(error.message).toContain("unreachable");
  });

  it("plugin_init returning 0 loads", async () => {
    const guest = await guestFromSource("init-0.wat", `(module${RUNTIME} (func (export "plugin_init") (result i32) (i32.const 0)))`);
    const extension = WasmExtension.load(new ReferenceHost(), "ext", guest);
    expect(extension.scope.phase).toBe("ready");
  });
});

describe("readModuleInterface", () => {
  const iface = readModuleInterface(new Uint8Array(readFileSync(join(PROJECT_ROOT, "sdk-guest/counter.wasm"))));
  const importType = (name: string) => iface.imports.find((i) => i.name === name)?.type;
  const exportOf = (name: string) => iface.exports.find((e) => e.name === name);

  it("reports the exact import function types of the Rust-built counter guest", () => {
    expect(iface.imports.every((i) => i.module === "spacedrive" && i.kind === "function")).toBe(true);
    expect(iface.imports.map((i) => i.name).sort()).toEqual(
      ["job_check_interrupt", "job_checkpoint", "job_increment_items", "job_report_progress", "register_job", "spacedrive_log"],
    );
    expect(importType("job_increment_items")).toEqual({ params: ["i32", "i64"], results: [] });
    expect(importType("job_report_progress")).toEqual({ params: ["i32", "f32", "i32", "i32"], results: [] });
    expect(importType("register_job")).toEqual({ params: ["i32", "i32", "i32", "i32", "i32"], results: ["i32"] });
    expect(importType("spacedrive_log")).toEqual({ params: ["i32", "i32", "i32"], results: [] });
    expect(importType("job_checkpoint")).toEqual({ params: ["i32", "i32", "i32"], results: ["i32"] });
    expect(importType("job_check_interrupt")).toEqual({ params: ["i32"], results: ["i32"] });
  });

  it("reports the exact export types, including the non-function exports", () => {
    expect(exportOf("execute_counter")).toEqual({ name: "execute_counter", kind: "function", type: { params: ["i32", "i32", "i32", "i32"], results: ["i32"] } });
    expect(exportOf("wasm_alloc")?.type).toEqual({ params: ["i32"], results: ["i32"] });
    expect(exportOf("wasm_free")?.type).toEqual({ params: ["i32", "i32"], results: [] });
    expect(exportOf("plugin_init")?.type).toEqual({ params: [], results: ["i32"] });
    expect(exportOf("plugin_cleanup")?.type).toEqual({ params: [], results: ["i32"] });
    expect(exportOf("memory")).toEqual({ name: "memory", kind: "memory" });
    expect(exportOf("__indirect_function_table")).toEqual({ name: "__indirect_function_table", kind: "table" });
    expect(exportOf("__data_end")).toEqual({ name: "__data_end", kind: "global" });
    expect(exportOf("__heap_base")).toEqual({ name: "__heap_base", kind: "global" });
  });

  it("agrees with WebAssembly.Module's own import/export names and kinds", () => {
    const module = new WebAssembly.Module(readFileSync(join(PROJECT_ROOT, "sdk-guest/counter.wasm")));
    expect(iface.imports.map((i) => [i.module, i.name, i.kind])).toEqual(WebAssembly.Module.imports(module).map((i) => [i.module, i.name, i.kind]));
    expect(iface.exports.map((e) => [e.name, e.kind])).toEqual(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  });
});

describe("WAT compile cache", () => {
  it("compiling the same source twice compiles once and hits the cache the second time", async () => {
    const source = `(module ;; cache probe ${process.pid}-${Math.random()}\n${RUNTIME})`;
    const before = watCacheStats();
    const first = await compileWat("cache-a.wat", source);
    const afterFirst = watCacheStats();
    expect(afterFirst.misses).toBe(before.misses + 1);
    expect(afterFirst.hits).toBe(before.hits);
    const second = await compileWat("cache-b.wat", source);
    const afterSecond = watCacheStats();
    expect(afterSecond.hits).toBe(afterFirst.hits + 1);
    expect(afterSecond.misses).toBe(afterFirst.misses);
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  it("a different source misses the cache", async () => {
    const before = watCacheStats();
    await compileWat("cache-c.wat", `(module ;; other ${Math.random()}\n${RUNTIME})`);
    expect(watCacheStats().misses).toBe(before.misses + 1);
  });
});

describe("compiled guests are kept by content (harness/engine/compiled-guests.ts)", () => {
  /** The node engine, counting what it compiles. */
  function countingEngine(): WasmEngine & { compiled: number } {
    const engine = { ...nodeEngine, compiled: 0, compile: (bytes: Uint8Array) => (engine.compiled++, nodeEngine.compile(bytes)) };
    return engine;
  }

  it("the same bytes compile twice per engine and memory cap, then never again; other bytes, another cap or another engine compile anew", async () => {
    const bytes = await compileWat("kept.wat", `(module${RUNTIME})`);
    const engine = countingEngine();
    const first = guestFromBytes("a.wasm", bytes, { engine });
    const second = guestFromBytes("b.wasm", new Uint8Array(bytes), { engine });
    expect(engine.compiled).toBe(2); // loaded once: not kept (a fuzzing session's guests are loaded once each)
    const third = guestFromBytes("c.wasm", bytes, { engine });
    guestFromBytes("d.wasm", bytes, { engine });
    expect(engine.compiled).toBe(2);
    expect(third.module).toBe(second.module);
    expect(third.module).not.toBe(first.module);
    expect(third.file).toBe("c.wasm");
    guestFromBytes("a.wasm", bytes, { engine, memoryCapPages: 2 });
    expect(engine.compiled).toBe(3);
    const other = await compileWat("other.wat", `(module${RUNTIME}\n  (global i32 (i32.const 7)))`);
    for (const file of ["e.wasm", "f.wasm", "g.wasm"]) guestFromBytes(file, other, { engine });
    expect(engine.compiled).toBe(5);
    const another = countingEngine();
    for (const file of ["a.wasm", "b.wasm", "c.wasm"]) guestFromBytes(file, bytes, { engine: another });
    expect(another.compiled).toBe(2);
  });

  it("a kept guest still meets each loading host's own checks: its link check, its ABI versions and its memory cap", async () => {
    const bytes = await compileWat("checked.wat", `(module\n  (memory (export "memory") 3)\n  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024)))`);
    const engine = countingEngine();
    guestFromBytes("ok-1.wasm", bytes, { engine });
    guestFromBytes("ok-2.wasm", bytes, { engine }); // kept from here on
    const refusing = () => [{ name: "export memory", expected: "a host that refuses it", actual: "memory" }];
    const linkError = await rejection(() => guestFromBytes("refused.wasm", bytes, { engine, linkCheck: refusing }));
    expect(linkError).toBeInstanceOf(GuestLinkError);
    expect((linkError as GuestLinkError).file).toBe("refused.wasm");
    const abiError = await rejection(() => guestFromBytes("old-host.wasm", bytes, { engine, abiVersions: [] }));
    expect((abiError as GuestLoadError).code).toBe("JP_ABI_VERSION");
    // Over a cap of 2 pages: refused every time, naming the file it was loaded as (such a guest is not kept).
    for (const file of ["big-1.wasm", "big-2.wasm", "big-3.wasm"]) {
      const capError = await rejection(() => guestFromBytes(file, bytes, { engine, memoryCapPages: 2 }));
      expect((capError as GuestLoadError).code).toBe("JP_MEMORY_LIMIT");
      expect(capError.message).toContain(file);
    }
    expect(engine.compiled).toBe(5);
  });
});

describe("memory.cap and link.memory-limit: the scenario's maxMemoryPages, whatever its size, and shared memories too", () => {
  /** A guest whose one job returns 0 when memory.grow(1) succeeds and 2 (Failed) when it answers -1. */
  const grower = (memory: string) =>
    compileWat(
      "grower.wat",
      `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") ${memory})
  (data (i32.const 64) "grow")
  (data (i32.const 80) "execute_grow")
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "plugin_init") (result i32) (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 1)))
  (func (export "execute_grow") (param i32 i32 i32 i32) (result i32)
    (if (result i32) (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then (i32.const 2)) (else (i32.const 0)))))`,
    );
  /** The grower with its memory `min max` made shared (flags 3: wabt here compiles no shared memory). */
  const sharedGrower = async (limits: string) => {
    const bytes = await grower(limits);
    for (let at = 8; at < bytes.length; ) {
      const size = bytes[at + 1]!; // every section of this module is under 128 bytes: a one-byte size
      if (bytes[at] === 5) bytes[at + 3] = 3; // id, size, count (1), flags
      at += 2 + size;
    }
    return bytes;
  };
  const run = async (memory: string, maxMemoryPages?: number) => {
    const guest = memory.endsWith(" shared") ? await sharedGrower(memory.replace(" shared", "")) : await grower(memory);
    const response = runReferenceCase({ id: "grower", guest, scenario: { job: "grow", ...(maxMemoryPages === undefined ? {} : { limits: { maxMemoryPages } }) } });
    return response.kind === "result" ? response.result.jobs[0]!.status : response.code;
  };

  it("a cap above the reference host's default of 16384 pages is the cap: a guest of 16385 pages loads under 20000", async () => {
    expect(await run("16385", 20_000)).toBe("Completed");
    expect(await run("16385")).toBe("JP_MEMORY_LIMIT");
  });

  it("a shared memory is capped as any other: it cannot start over the cap, nor grow past it", async () => {
    expect(await run("1 8 shared", 2)).toBe("Completed");
    expect(await run("1 8 shared", 1)).toBe("Failed");
    expect(await run("2 8 shared", 1)).toBe("JP_MEMORY_LIMIT");
  });

  it("a declared maximum past 65536 pages is invalid under any cap: capping it first would have made it valid (link.valid-module)", async () => {
    const bytes = await grower("1 65535");
    const at = Buffer.from(bytes).indexOf(Buffer.from([0xff, 0xff, 0x03])); // 65535 as LEB128...
    bytes.set([0xf0, 0xa2, 0x04], at); // ...becomes 70000, which WAT cannot write
    for (const maxMemoryPages of [undefined, 100, 65_536]) {
      const response = runReferenceCase({ id: "grower", guest: bytes, scenario: { job: "grow", ...(maxMemoryPages === undefined ? {} : { limits: { maxMemoryPages } }) } });
      expect(response.kind === "load_error" && response.code, String(maxMemoryPages)).toBe("JP_WASM_INVALID");
    }
  });

  it("a table larger than the engine can make is a load error of the host's own (JP_WASM_UNSUPPORTED), not a crash", async () => {
    const guest = await guestFromSource("big-table.wat", `(module${RUNTIME} (table 10000001 funcref) (func (export "plugin_init") (result i32) (i32.const 0)))`);
    const error = (await rejection(() => WasmExtension.load(new ReferenceHost(), "ext", guest))) as GuestLoadError;
    expect(error).toBeInstanceOf(GuestLoadError);
    expect(error.code).toBe("JP_WASM_UNSUPPORTED");
    expect(error.message).toMatch(/big-table\.wat: the reference host cannot instantiate this guest: /);
  });
});

describe("CompiledWatStore: compiled WAT kept on disk for the next process", () => {
  const root = mkdtempSync(join(tmpdir(), "job-parity-wat-store-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const source = `(module ;; stored ${process.pid}\n${RUNTIME})`;
  const KEY = "a".repeat(64);

  it("gives back the bytes written for a key, and nothing for another key or an empty store", async () => {
    const bytes = await compileWat("stored.wat", source);
    const store = new CompiledWatStore(join(root, "a"));
    expect(store.read(KEY)).toBeNull();
    store.write(KEY, bytes);
    expect(readdirSync(store.dir)).toEqual([`${KEY}.wasm`]); // no temporary file left
    expect(Array.from(new CompiledWatStore(store.dir).read(KEY)!)).toEqual(Array.from(bytes));
    expect(store.read("b".repeat(64))).toBeNull();
  });

  it("a damaged file is not used (it does not validate), and writing it again repairs it", async () => {
    const bytes = await compileWat("stored.wat", source);
    const store = new CompiledWatStore(join(root, "b"));
    store.write(KEY, bytes);
    writeFileSync(store.pathFor(KEY), bytes.subarray(0, bytes.length - 3)); // a torn write
    expect(store.read(KEY)).toBeNull();
    store.write(KEY, bytes);
    expect(store.read(KEY)).not.toBeNull();
  });

  it("compileWat writes what wabt compiled to the store in the user's cache folder (a new file, the same bytes)", async () => {
    const dir = watCacheDir();
    if (dir === null) return; // JOB_PARITY_WAT_CACHE=0: no store to look at
    const listing = () => new Set(existsSync(dir) ? readdirSync(dir) : []);
    const before = listing();
    const bytes = await compileWat("fresh.wat", `(module ;; fresh ${process.pid}-${Math.random()}\n${RUNTIME})`);
    // Other test files may compile guests of their own meanwhile: look for this one among the new files.
    const added = [...listing()].filter((name) => !before.has(name));
    const ours = added.filter((name) => Buffer.from(bytes).equals(readFileSync(join(dir, name))));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/^[0-9a-f]{64}\.wasm$/);
  });

  it("the store's folder: JOB_PARITY_WAT_CACHE, else wat/ under JOB_PARITY_CACHE_DIR, XDG_CACHE_HOME or ~/.cache; never the package", () => {
    expect(watCacheDir({ JOB_PARITY_WAT_CACHE: "0" })).toBeNull();
    expect(watCacheDir({ JOB_PARITY_WAT_CACHE: "/tmp/w" })).toBe("/tmp/w");
    expect(watCacheDir({ JOB_PARITY_CACHE_DIR: "/tmp/c", XDG_CACHE_HOME: "/tmp/x" })).toBe("/tmp/c/wat");
    expect(watCacheDir({ XDG_CACHE_HOME: "/tmp/x" })).toBe("/tmp/x/job-parity/wat");
    expect(userCacheDir({})).toMatch(/[/\\]\.cache[/\\]job-parity$/);
    expect(watCacheDir({})!.startsWith(PROJECT_ROOT)).toBe(false);
  });

  it("a store that cannot be written is no error: compiling goes on without it", () => {
    const blocked = join(root, "blocked");
    writeFileSync(blocked, "a file where the store's parent folder would be");
    const store = new CompiledWatStore(join(blocked, "wat"));
    expect(() => store.write(KEY, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).not.toThrow();
    expect(store.read(KEY)).toBeNull();
  });
});

