import { WATCHDOG_IMPORTS } from "../../harness/host/watchdog.ts";
import { describe, expect, it } from "vitest";
import { U64_MAX, u64FromWords } from "../../harness/abi/codec.ts";
import { IMPORTS } from "../../harness/abi/imports.ts";
import { nodeEngine } from "../../harness/engine/engine.ts";
import { importTrampoline, lowered, probeModule, trampolineModule } from "../../harness/engine/import-trampoline.ts";
import { encodeModule, printModule } from "../../harness/engine/wasm-module.ts";
import { compileWat } from "../../harness/engine/wat.ts";
import { guestFromSource } from "../../harness/engine/load.ts";
import { ReferenceHost } from "../../harness/host/host.ts";
import { createBoundary } from "../../harness/jobs/wasm-boundary.ts";
import { WasmExtension } from "../../harness/jobs/wasm-extension.ts";

/** A guest that passes its i64 argument to job_increment_items and its i32 to job_check_interrupt. */
const FORWARDING_GUEST = `(module
  (import "spacedrive" "job_increment_items" (func $inc (param i32 i64)))
  (import "spacedrive" "job_check_interrupt" (func $check (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "inc") (param $n i64) (call $inc (i32.const 77) (local.get $n)))
  (func (export "check") (param $p i32) (result i32) (call $check (local.get $p))))`;

async function linkedGuest(functions: WebAssembly.ModuleImports) {
  const guest = await guestFromSource("forwarding.wat", FORWARDING_GUEST);
  const { imports } = importTrampoline(nodeEngine).link(functions);
  return new WebAssembly.Instance(guest.module, { ...imports, ...WATCHDOG_IMPORTS }).exports as { inc: (n: bigint) => void; check: (p: number) => number };
}

describe("the import trampoline", () => {
  it("lowers every i64 parameter of the ABI table to two i32 words and leaves the others as they are", () => {
    const increment = IMPORTS.find((spec) => spec.name === "job_increment_items")!;
    expect(lowered(increment.params.map((p) => p.type))).toEqual(["i32", "i32", "i32"]);
    const progress = IMPORTS.find((spec) => spec.name === "job_report_progress")!;
    expect(lowered(progress.params.map((p) => p.type))).toEqual(["i32", "f32", "i32", "i32"]);
  });

  it("hands a host function an i64 as its low and high words, exactly, for the u64 edge values", async () => {
    const seen: [number, number, number][] = [];
    const exports = await linkedGuest({ job_increment_items: (job: number, low: number, high: number) => void seen.push([job, low, high]) });
    const values = [0n, 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n - 1n, -(2n ** 63n), -1n];
    for (const value of values) exports.inc(value);
    expect(seen.map(([job]) => job)).toEqual(values.map(() => 77));
    expect(seen.map(([, low, high]) => u64FromWords(low, high))).toEqual(values.map((v) => BigInt.asUintN(64, v)));
    expect(u64FromWords(seen.at(-1)![1], seen.at(-1)![2])).toBe(U64_MAX);
    for (const [, low, high] of seen) expect(typeof low === "number" && typeof high === "number").toBe(true);
  });

  it("passes other parameters and results through unchanged", async () => {
    const exports = await linkedGuest({ job_check_interrupt: (job: number) => job * 2 + 1 });
    expect(exports.check(20)).toBe(41);
  });

  it("links one set of host functions once, and another set separately", () => {
    const trampoline = importTrampoline(nodeEngine);
    const a = { job_log: () => {} };
    const b = { job_log: () => {} };
    expect(trampoline.link(a)).toBe(trampoline.link(a));
    expect(trampoline.link(a)).not.toBe(trampoline.link(b));
  });

  it("its modules print as WAT that wabt compiles to a module with the encoder's imports and exports", async () => {
    const byName = (list: { name: string; kind: string }[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    for (const [name, def] of [["trampoline", trampolineModule()], ["probe", probeModule()]] as const) {
      const text = printModule(def);
      const viaWabt = new WebAssembly.Module((await compileWat(`${name}.wat`, text)) as Uint8Array<ArrayBuffer>);
      const viaEncoder = new WebAssembly.Module(encodeModule(def) as Uint8Array<ArrayBuffer>);
      expect(WebAssembly.Module.imports(viaWabt), name).toEqual(WebAssembly.Module.imports(viaEncoder));
      expect(byName(WebAssembly.Module.exports(viaWabt)), name).toEqual(byName(WebAssembly.Module.exports(viaEncoder)));
      expect(text, name).toMatch(name === "probe" ? /\(import "guest" "memory" \(memory 0\)\)/ : /call_indirect \(type 0\)/);
    }
  });

  it("an import the host functions do not provide throws a harness error when called (not a guest trap)", async () => {
    const exports = await linkedGuest({});
    expect(() => exports.check(1)).toThrow("internal: the host functions have no job_check_interrupt");
  });
});

/** A guest whose job logs its own name once: the log line must land on the job of the instance that ran it. */
const LOGGING_GUEST = `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (data (i32.const 64) "hello")
  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 64) (i32.const 5) (i32.const 0)))
  (func (export "hello") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (local.get $st) (local.get $st_len))
    (i32.const 0))
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)`;

describe("host functions shared by every instance", () => {
  it("act for the extension whose guest code runs: jobs of two extensions, interleaved, each get their own calls", async () => {
    const guest = await guestFromSource(new URL("./logging.wat", import.meta.url).pathname, LOGGING_GUEST);
    const host = new ReferenceHost();
    const first = WasmExtension.load(host, "first", guest);
    const second = WasmExtension.load(host, "second", guest);
    const order = [first, second, second, first, second];
    const jobs = order.map((extension, i) => {
      const job = host.createJob(extension.scope, "hello", new TextEncoder().encode(`${extension.scope.id} ${i}`));
      host.drive(job);
      return job;
    });
    jobs.forEach((job, i) => {
      expect(job.status, `job ${i}`).toBe("Completed");
      const logs = job.trace.events.filter((e) => e.kind === "log");
      expect(logs, `job ${i}`).toEqual([{ kind: "log", job: job.id, level: "info", message: `${order[i]!.scope.id} ${i}` }]);
      expect(job.trace.events.some((e) => e.kind === "abi_violation"), `job ${i}`).toBe(false);
    });
    expect(first.importCalls()).toEqual({ register_job: 1, job_log: 2 });
    expect(second.importCalls()).toEqual({ register_job: 1, job_log: 3 });
  });

  it("act for no instance once a run has ended: a call then is a harness error, and no finished run stays reachable", async () => {
    const guest = await guestFromSource(new URL("./logging.wat", import.meta.url).pathname, LOGGING_GUEST);
    const host = new ReferenceHost();
    const extension = WasmExtension.load(host, "only", guest);
    host.drive(host.createJob(extension.scope, "hello", new TextEncoder().encode("x")));
    const boundary = createBoundary(host, extension.scope, { memory: null, alloc: null, jobExport: () => null, calls: new Uint32Array(IMPORTS.length), runs: null });
    const jobLog = boundary.functions.job_log as (job: number, level: number, ptr: number, len: number) => void;
    expect(() => jobLog(0, 1, 0, 0)).toThrow("internal: a host function was called with no guest instance active");
    const deactivate = boundary.activate();
    jobLog(0, 1, 0, 0); // refused (no memory), but acting for this boundary
    deactivate();
    expect(() => jobLog(0, 1, 0, 0)).toThrow("no guest instance active");
  });
});
