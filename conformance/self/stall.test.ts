import { describe, expect, it } from "vitest";
import { REPEAT_CALLS } from "../../harness/engine/import-trampoline.ts";
import { guestFromSource } from "../../harness/engine/load.ts";
import { GuestLoadError } from "../../harness/engine/errors.ts";
import { ReferenceHost, type HostOptions } from "../../harness/host/host.ts";
import { DEFAULT_LIMITS } from "../../harness/host/limits.ts";
import { loadNativeExtension } from "../../harness/jobs/native-extension.ts";
import { WasmExtension } from "../../harness/jobs/wasm-extension.ts";

/**
 * The stall limit (run.stall) in the reference host: the watchdog's tick reads the running guest's host calls, the
 * repeats the import trampoline counts in wasm included, and stops a run that made none for stallTimeoutMs. The gate's
 * cases (lifecycle/long-run, wasm-only/stall-spin) check what any host must do; these check how this one does it.
 */

const GUEST = `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (data (i32.const 64) "counting")
  (data (i32.const 80) "spinning")
  (data (i32.const 96) "saved")
  (global $sink (mut i32) (i32.const 0))

  (func $register (param $name i32) (param $len i32)
    (drop (call $register_job (local.get $name) (local.get $len) (local.get $name) (local.get $len) (i32.const 1))))
  (func (export "plugin_init") (result i32)
    (call $register (i32.const 64) (i32.const 8))
    (call $register (i32.const 80) (i32.const 8))
    (i32.const 0))

  ;; 100,000 times: 200 busy rounds, then job_increment_items(id, 1). Every increment after the first is counted in
  ;; wasm by the trampoline: none crosses into the host until the run ends.
  (func (export "counting") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $step i32) (local $round i32) (local $x i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (loop $steps
      (local.set $round (i32.const 0))
      (loop $busy
        (local.set $x (i32.add (i32.mul (local.get $x) (local.get $x)) (local.get $round)))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br_if $busy (i32.lt_u (local.get $round) (i32.const 200))))
      (call $items (local.get $id) (i64.const 1))
      (local.set $step (i32.add (local.get $step) (i32.const 1)))
      (br_if $steps (i32.lt_u (local.get $step) (i32.const 100000))))
    (global.set $sink (local.get $x))
    (i32.const 0))

  ;; A checkpoint, then a loop that never calls the host.
  (func (export "spinning") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $checkpoint (call $job_id (local.get $ctx)) (i32.const 96) (i32.const 5)))
    (loop $forever (br $forever))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)`;

/** A guest whose plugin_init never returns and never calls the host. */
const INIT_SPIN_GUEST = `(module
  (memory (export "memory") 1)
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "plugin_init") (result i32) (loop $forever (br $forever)) (i32.const 0)))`;

/** WasmExtension's count of host calls, as the watchdog reads it (TypeScript-private). */
const counting = WasmExtension.prototype as unknown as { hostCalls(): number };

async function runJob(name: string, options: HostOptions = {}) {
  const guest = await guestFromSource(new URL("./stall.wat", import.meta.url).pathname, GUEST);
  const host = new ReferenceHost(options);
  let crossed = 0;
  const extension = WasmExtension.load(host, "stall", guest, undefined, (functions) => {
    const items = functions.job_increment_items as (...args: number[]) => number;
    const repeat = functions[REPEAT_CALLS] as (count: number) => void;
    return {
      ...functions,
      job_increment_items: (...args: number[]) => (crossed++, items(...args)),
      [REPEAT_CALLS]: (count: number) => (crossed++, repeat(count)),
    };
  });
  const job = host.createJob(extension.scope, name, null);
  const started = performance.now();
  host.drive(job, { resume: true });
  return { host, job, crossed, ms: performance.now() - started };
}

const ONLY_STALL = { runTimeoutMs: 0, stallTimeoutMs: 20 };
/** A stall limit the counting job (some 35 ms of busy loops on a fast machine) outlasts many times over. */
const SHORT_STALL = { runTimeoutMs: 0, stallTimeoutMs: 5 };

describe("the stall limit (run.stall) in the reference host", () => {
  it("identical increments the trampoline counts in wasm are host calls: a long loop of them is never stopped", async () => {
    const { job, crossed, ms } = await runJob("counting", { limits: SHORT_STALL });
    expect(job.status, job.error ?? "").toBe("Completed");
    expect(job.metrics.items).toBe(100_000n);
    expect(ms, "the run lasts well past the stall limit").toBeGreaterThan(3 * SHORT_STALL.stallTimeoutMs);
    // Only the first increment crossed; the repeats were applied when the run ended: the pending count was the progress.
    expect(crossed).toBe(1);
  });

  it("and a count that leaves them out would have stopped that run: the watchdog reads the trampoline's pending count", async () => {
    const original = counting.hostCalls;
    const crossingOnly = function (this: { calls: Uint32Array }) {
      return this.calls.reduce((sum, n) => sum + n, 0);
    };
    counting.hostCalls = crossingOnly as unknown as () => number;
    try {
      const { job } = await runJob("counting", { limits: SHORT_STALL });
      expect(job.status).toBe("Failed");
      expect(job.error).toMatch(/no host call for 5 ms \(limits\.stallTimeoutMs\)/);
      expect(job.trace.events.at(-1)).toMatchObject({ kind: "status", status: "Failed", end: { cause: "timeout" } });
    } finally {
      counting.hostCalls = original;
    }
  });

  it("a run that stops calling the host is stopped after stallTimeoutMs; a lower runTimeoutMs stops it first, and says so", async () => {
    const stalled = await runJob("spinning", { limits: ONLY_STALL });
    expect(stalled.job.status).toBe("Failed");
    expect(stalled.job.error).toBe("the run made no host call for 20 ms (limits.stallTimeoutMs); the host stopped it");
    expect(stalled.ms).toBeLessThan(5_000);
    const timedOut = await runJob("spinning", { limits: { runTimeoutMs: 20, stallTimeoutMs: 10_000 } });
    expect(timedOut.job.error).toBe("the run did not end within 20 ms (limits.runTimeoutMs); the host stopped it");
  });

  it("the reference host's defaults: the stall limit equals the wall-clock limit, which therefore always stops a stalled run first", () => {
    expect(DEFAULT_LIMITS.stallTimeoutMs).toBe(DEFAULT_LIMITS.runTimeoutMs);
  });

  it("plugin_init that stalls fails the load with JP_INIT_FAILED", async () => {
    const guest = await guestFromSource("init-spin.wat", INIT_SPIN_GUEST);
    const host = new ReferenceHost({ limits: ONLY_STALL });
    let error: unknown = null;
    try {
      WasmExtension.load(host, "init-spin", guest);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GuestLoadError);
    expect((error as GuestLoadError).code).toBe("JP_INIT_FAILED");
    expect((error as Error).message).toContain("limits.stallTimeoutMs");
  });

  it("native runs have no stall limit: a native job busy for longer than stallTimeoutMs without a host call completes", () => {
    const host = new ReferenceHost({ limits: { runTimeoutMs: 0, stallTimeoutMs: 5 } });
    const { scope } = loadNativeExtension(host, "busy", {
      init: (api) => api.registerJob("busy", "busy"),
      jobs: {
        busy(ctx) {
          const until = performance.now() + 40;
          while (performance.now() < until) {
            // no host call
          }
          ctx.incrementItems(1);
          return 0;
        },
      },
    });
    const job = host.createJob(scope, "busy", null);
    host.drive(job);
    expect(job.status).toBe("Completed");
  });
});

describe("onTimeout: what a job stopped by a time limit ends as", () => {
  it("fail (the default): Failed with end cause timeout, as the gate checks", async () => {
    const { host, job } = await runJob("spinning", { limits: ONLY_STALL });
    expect(host.onTimeout).toBe("fail");
    expect(job.status).toBe("Failed");
  });

  it("pause: Paused with end cause timeout at its last checkpoint; not run again by that drive, even with resume; a later drive resumes it", async () => {
    const { host, job } = await runJob("spinning", { limits: ONLY_STALL, onTimeout: "pause" });
    expect(job.status).toBe("Paused");
    expect(job.runs).toBe(1);
    expect(job.trace.events.at(-1)).toMatchObject({ kind: "status", status: "Paused", end: { cause: "timeout" } });
    expect(new TextDecoder().decode(host.store.load(job.id)!)).toBe("saved");
    expect(job.error).toMatch(/stallTimeoutMs/);
    host.drive(job, { resume: true });
    expect(job.status).toBe("Paused");
    expect(job.runs).toBe(2);
  });
});
