import { errorWords, MAX_ERROR_WORDS_BYTES, WireFailure } from "../../harness/host/wire-errors.ts";
import { ARG } from "../../harness/abi/arguments.ts";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeUtf8, U64_MAX } from "../../harness/abi/codec.ts";
import { ASCII_SCAN_LIMIT, GuestMemory, GuestRange, wordsCovering } from "../../harness/abi/memory.ts";
import { STATUS } from "../../harness/abi/status.ts";
import { ManualClock } from "../../harness/host/clock.ts";
import { ReferenceHost, type HostOptions } from "../../harness/host/host.ts";
import { InterruptController } from "../../harness/host/interrupts.ts";
import { JobRecord, LifecycleError } from "../../harness/host/job.ts";
import { PermissionGate, type Permissions } from "../../harness/host/permissions.ts";
import { JobContextRegistry } from "../../harness/host/registry.ts";
import { MemoryStateStore } from "../../harness/host/state-store.ts";
import type { ExtensionScope } from "../../harness/host/extension.ts";
import type { NativeJobContext } from "../../harness/jobs/native-context.ts";
import { loadNativeExtension, type NativeExtensionDefinition, type NativeJob } from "../../harness/jobs/native-extension.ts";
import type { TraceEvent } from "../../harness/trace/events.ts";
import { guestFromBytes, loadGuest } from "../../harness/engine/load.ts";
import { FIXTURES_DIR } from "../../harness/suite/fixtures.ts";
import { runScenario } from "../../harness/suite/scenario.ts";
import { parseRequest, UnparsedPayload } from "../../harness/host/operations.ts";
import type { JobProgram } from "../../harness/programs/ir.ts";
import { renderWasm } from "../../harness/programs/render-wasm.ts";

const text = (bytes: Uint8Array | null) => (bytes === null ? null : decodeUtf8(bytes));

/** A host with one native extension whose jobs are dispatched by export name. */
function nativeHost(jobs: Record<string, NativeJob>, options: HostOptions = {}): { host: ReferenceHost; scope: ExtensionScope } {
  const host = new ReferenceHost(options);
  const { scope } = loadNativeExtension(host, "ext", { jobs });
  return { host, scope };
}

/** Creates and drives one job; returns its record. */
function runJob(job: NativeJob, options: HostOptions = {}, resume = false) {
  const { host, scope } = nativeHost({ execute_job: job }, options);
  const record = host.createJob(scope, "execute_job", null);
  host.drive(record, { resume });
  return { host, scope, job: record };
}

const ofKind = <K extends TraceEvent["kind"]>(job: JobRecord, kind: K) => job.trace.events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
const statuses = (job: JobRecord) => ofKind(job, "status").map((e) => (e.end ? [e.status, e.end] : [e.status]));

describe("InterruptController", () => {
  const JOB = "job-a";

  it("atCheck N answers 0 for checks 1..N-1, then the action from check N on, until endRun", () => {
    const interrupts = new InterruptController([{ action: "pause", atCheck: 3 }]);
    interrupts.beginRun(JOB, 0, 0);
    expect([interrupts.check(JOB), interrupts.check(JOB)]).toEqual([0, 0]);
    expect(interrupts.pending(JOB)).toBeNull();
    expect([interrupts.check(JOB), interrupts.check(JOB), interrupts.check(JOB)]).toEqual([1, 1, 1]);
    expect(interrupts.endRun(JOB)).toBe("pause");
    expect(interrupts.pending(JOB)).toBeNull();
    expect(interrupts.check(JOB)).toBe(0); // no run: continue
    expect(interrupts.endRun(JOB)).toBeNull(); // cleared
  });

  it("a cancel answers 2", () => {
    const interrupts = new InterruptController([{ action: "cancel", atCheck: 1 }]);
    interrupts.beginRun(JOB, 0, 0);
    expect(interrupts.check(JOB)).toBe(2);
    expect(interrupts.endRun(JOB)).toBe("cancel");
  });

  it("atCall counts host calls, not checks", () => {
    const interrupts = new InterruptController([{ action: "cancel", atCall: 3 }]);
    interrupts.beginRun(JOB, 0, 0);
    interrupts.countCall(JOB);
    interrupts.countCall(JOB);
    expect(interrupts.check(JOB)).toBe(0);
    expect(interrupts.check(JOB)).toBe(0); // checks alone do not count as calls
    interrupts.countCall(JOB);
    expect(interrupts.pending(JOB)).toBe("cancel");
    expect(interrupts.check(JOB)).toBe(2);
  });

  it("a plan applies only to the job index and run index it selects (default job 0, run 0)", () => {
    const interrupts = new InterruptController([
      { action: "pause", atCheck: 1, job: 1, run: 1 },
      { action: "cancel", atCheck: 1 },
    ]);
    interrupts.beginRun("root", 0, 1); // job 0, but its second run: the default plan is for run 0
    expect(interrupts.check("root")).toBe(0);
    interrupts.beginRun("child", 1, 0);
    expect(interrupts.check("child")).toBe(0);
    interrupts.endRun("child");
    interrupts.beginRun("child", 1, 1);
    expect(interrupts.check("child")).toBe(1);
    interrupts.beginRun("first", 0, 0);
    expect(interrupts.check("first")).toBe(2);
  });

  it("a new run starts with nothing pending and counts from 1 again", () => {
    const interrupts = new InterruptController([{ action: "pause", atCheck: 2 }]);
    interrupts.beginRun(JOB, 0, 0);
    interrupts.check(JOB);
    expect(interrupts.check(JOB)).toBe(1);
    interrupts.endRun(JOB);
    interrupts.beginRun(JOB, 0, 0);
    expect(interrupts.check(JOB)).toBe(0);
    expect(interrupts.check(JOB)).toBe(1);
  });

  it("request() from outside applies to the current run only, and the first request wins", () => {
    const interrupts = new InterruptController();
    expect(interrupts.request(JOB, "pause")).toBe(false); // not running
    interrupts.beginRun(JOB, 0, 0);
    expect(interrupts.check(JOB)).toBe(0);
    expect(interrupts.request(JOB, "cancel")).toBe(true);
    expect(interrupts.request(JOB, "pause")).toBe(true);
    expect(interrupts.check(JOB)).toBe(2);
    expect(interrupts.endRun(JOB)).toBe("cancel");
    interrupts.beginRun(JOB, 0, 0);
    expect(interrupts.check(JOB)).toBe(0);
  });

  it("atCall through the host: the Nth host call of the run raises the request", () => {
    const answers: number[] = [];
    const { job } = runJob(
      (ctx) => {
        ctx.incrementItems(1); // call 1
        answers.push(ctx.checkInterrupt()); // call 2
        ctx.incrementItems(1); // call 3: the pause is requested here
        answers.push(ctx.checkInterrupt()); // call 4
        return answers[1] === 0 ? 0 : 1;
      },
      { interrupts: [{ action: "pause", atCall: 3 }] },
    );
    expect(answers).toEqual([0, 1]);
    expect(job.status).toBe("Paused");
  });
});

describe("JobRecord lifecycle", () => {
  const record = () => new JobRecord("aaaaaaaa-0000-4000-8000-000000000001", 0, "t", "ext", null, 0, null);

  it("starts Queued and records every transition", () => {
    const job = record();
    job.transition("Running");
    job.transition("Paused", { cause: "returned", code: 1 });
    job.transition("Running");
    job.transition("Completed", { cause: "returned", code: 0 });
    expect(statuses(job)).toEqual([["Queued"], ["Running"], ["Paused", { cause: "returned", code: 1 }], ["Running"], ["Completed", { cause: "returned", code: 0 }]]);
    expect(job.terminal).toBe(true);
  });

  it("illegal transitions throw LifecycleError and change nothing", () => {
    const job = record();
    expect(() => job.transition("Completed")).toThrow(LifecycleError);
    expect(() => job.transition("Paused")).toThrow(LifecycleError);
    expect(job.status).toBe("Queued");
    job.transition("Running");
    expect(() => job.transition("Running")).toThrow(LifecycleError);
    expect(() => job.transition("Queued")).toThrow(LifecycleError);
    job.transition("Paused");
    expect(() => job.transition("Completed")).toThrow(LifecycleError);
    job.transition("Cancelled");
    for (const status of ["Queued", "Running", "Paused", "Completed", "Failed", "Cancelled"] as const) {
      expect(() => job.transition(status)).toThrow(LifecycleError);
    }
    expect(job.status).toBe("Cancelled");
    expect(statuses(job)).toEqual([["Queued"], ["Running"], ["Paused"], ["Cancelled"]]);
  });

  it("Completed and Failed are terminal", () => {
    for (const end of ["Completed", "Failed"] as const) {
      const job = record();
      job.transition("Running");
      job.transition(end);
      expect(() => job.transition("Running")).toThrow(LifecycleError);
    }
  });

  it("a queued job may be cancelled before it runs", () => {
    const job = record();
    job.transition("Cancelled");
    expect(job.terminal).toBe(true);
  });
});

describe("run outcomes of a native job", () => {
  const returning = (code: number): NativeJob => (ctx) => {
    ctx.checkpoint("saved");
    return code;
  };

  it("returning 0: Completed, the checkpoint is discarded", () => {
    const { host, job } = runJob(returning(0));
    expect(job.status).toBe("Completed");
    expect(job.exitCodes).toEqual([0]);
    expect(statuses(job).at(-1)).toEqual(["Completed", { cause: "returned", code: 0 }]);
    expect(host.store.load(job.id)).toBeNull();
  });

  it("returning 1 with no request pending: Paused, the checkpoint is kept", () => {
    const { host, job } = runJob(returning(1));
    expect(job.status).toBe("Paused");
    expect(statuses(job).at(-1)).toEqual(["Paused", { cause: "returned", code: 1 }]);
    expect(text(host.store.load(job.id))).toBe("saved");
  });

  it("returning 2: Failed, the checkpoint is kept", () => {
    const { host, job } = runJob(returning(2));
    expect(job.status).toBe("Failed");
    expect(statuses(job).at(-1)).toEqual(["Failed", { cause: "returned", code: 2 }]);
    expect(job.error).toBeTruthy();
    expect(text(host.store.load(job.id))).toBe("saved");
    expect(ofKind(job, "abi_violation")).toEqual([]);
  });

  it("returning 7: Failed, with a BAD_RETURN abi_violation naming the job export", () => {
    const { job } = runJob(returning(7));
    expect(job.status).toBe("Failed");
    expect(job.exitCodes).toEqual([7]);
    expect(statuses(job).at(-1)).toEqual(["Failed", { cause: "returned", code: 7 }]);
    expect(ofKind(job, "abi_violation")).toEqual([expect.objectContaining({ job: job.id, import: "execute_job", code: "BAD_RETURN" })]);
  });

  it("cancel pending + return 1: Cancelled, the checkpoint is discarded", () => {
    const { host, job } = runJob(
      (ctx) => {
        const answer = ctx.checkInterrupt();
        ctx.checkpoint("at-cancel");
        return answer === 2 ? 1 : 0;
      },
      { interrupts: [{ action: "cancel", atCheck: 1 }] },
    );
    expect(job.status).toBe("Cancelled");
    expect(statuses(job).at(-1)).toEqual(["Cancelled", { cause: "returned", code: 1 }]);
    expect(ofKind(job, "checkpoint").map((e) => e.state)).toEqual(["at-cancel"]); // saved while the cancel was pending
    expect(host.store.load(job.id)).toBeNull();
  });

  it("pause pending + return 1: Paused, the checkpoint is kept", () => {
    const { host, job } = runJob(
      (ctx) => {
        const answer = ctx.checkInterrupt();
        ctx.checkpoint("at-pause");
        return answer === 1 ? 1 : 0;
      },
      { interrupts: [{ action: "pause", atCheck: 1 }] },
    );
    expect(job.status).toBe("Paused");
    expect(text(host.store.load(job.id))).toBe("at-pause");
  });

  it("drive with resume runs the job again with its last checkpoint as the state", () => {
    const seen: (string | null)[] = [];
    const { host, job } = runJob(
      (ctx, state) => {
        seen.push(decodeUtf8(state));
        if (ctx.checkInterrupt() !== 0) {
          ctx.checkpoint("first");
          ctx.checkpoint("second");
          return 1;
        }
        return 0;
      },
      { interrupts: [{ action: "pause", atCheck: 1 }] },
      true,
    );
    expect(seen).toEqual(["", "second"]);
    expect(job.status).toBe("Completed");
    expect(job.runs).toBe(2);
    expect(job.exitCodes).toEqual([1, 0]);
    expect(statuses(job).map((s) => s[0])).toEqual(["Queued", "Running", "Paused", "Running", "Completed"]);
    expect(host.store.load(job.id)).toBeNull();
  });

  it("drive without resume leaves a paused job Paused after one run", () => {
    const { job } = runJob((ctx) => (ctx.checkInterrupt() !== 0 ? 1 : 0), { interrupts: [{ action: "pause", atCheck: 1 }] });
    expect(job.runs).toBe(1);
    expect(job.status).toBe("Paused");
  });

  it("the first run receives the initial state given at creation", () => {
    const seen: (string | null)[] = [];
    const { host, scope } = nativeHost({ execute_job: (_ctx, state) => (seen.push(decodeUtf8(state)), 0) });
    host.drive(host.createJob(scope, "execute_job", new TextEncoder().encode('{"n":1}')));
    expect(seen).toEqual(['{"n":1}']);
  });

  it("a native job that throws: Failed with cause trap, the error kept, the last checkpoint kept", () => {
    const { host, job } = runJob((ctx) => {
      ctx.checkpoint("before-throw");
      throw new Error("boom");
    });
    expect(job.status).toBe("Failed");
    expect(statuses(job).at(-1)).toEqual(["Failed", { cause: "trap" }]);
    expect(job.error).toContain("boom");
    expect(job.exitCodes).toEqual([]);
    expect(text(host.store.load(job.id))).toBe("before-throw");
  });

  it("a resumed job that throws keeps the checkpoint of its earlier run", () => {
    let run = 0;
    const { host, job } = runJob(
      (ctx) => {
        if (run++ === 0) {
          ctx.checkpoint("run-0");
          return 1;
        }
        throw new Error("second run fails");
      },
      {},
      true,
    );
    expect(job.runs).toBe(2);
    expect(job.status).toBe("Failed");
    expect(text(host.store.load(job.id))).toBe("run-0");
  });
});

describe("JobContextRegistry", () => {
  it("resolves an id only for the scope it runs on and while it runs", () => {
    const host = new ReferenceHost();
    const { scope: a } = loadNativeExtension(host, "a", { jobs: { j: () => 0 } });
    const { scope: b } = loadNativeExtension(host, "b", { jobs: { j: () => 0 } });
    const job = host.createJob(a, "j", null);
    const registry = new JobContextRegistry();
    expect(registry.resolveId(a, job.id)).toBeNull();
    registry.enter(a, job);
    expect(registry.resolveId(a, job.id)).toBe(job);
    expect(registry.resolveBytes(a, job.idBytes)).toBe(job);
    expect(registry.resolveId(b, job.id)).toBeNull();
    expect(registry.resolveBytes(b, job.idBytes)).toBeNull();
    const other = job.idBytes.slice();
    other[15] = other[15]! ^ 1;
    expect(registry.resolveBytes(a, other)).toBeNull();
    expect(registry.isRunning(job.id)).toBe(true);
    registry.leave(a, job);
    expect(registry.resolveId(a, job.id)).toBeNull();
    expect(registry.resolveBytes(a, job.idBytes)).toBeNull();
    expect(a.currentJob).toBeNull();
    expect(registry.isRunning(job.id)).toBe(false);
  });

  it("a native context kept after its run is refused during a later job's run; the stale job is untouched", () => {
    let stale: NativeJobContext | null = null;
    const results: Record<string, unknown> = {};
    const { host, scope } = nativeHost({
      first: (ctx) => {
        stale = ctx;
        ctx.incrementItems(3);
        ctx.checkpoint("first-state");
        return 1; // Paused: its checkpoint stays in the store
      },
      second: () => {
        const ctx = stale!;
        ctx.incrementItems(100);
        ctx.incrementBytes(100);
        ctx.progress(0.5, "stale progress");
        ctx.addWarning("stale warning");
        results.checkpoint = ctx.checkpoint("overwritten?");
        results.interrupt = ctx.checkInterrupt();
        results.load = ctx.loadState();
        results.child = ctx.spawnChild("first");
        return 0;
      },
    });
    const first = host.createJob(scope, "first", null);
    host.drive(first);
    expect(first.status).toBe("Paused");
    const firstTrace = [...first.trace.events];
    const firstMetrics = first.metrics.snapshot();

    const second = host.createJob(scope, "second", null);
    host.drive(second);
    expect(second.status).toBe("Completed");

    // Refused, on the running job's trace, naming each import.
    const violations = ofKind(second, "abi_violation");
    expect(violations.map((v) => v.import)).toEqual([
      "job_increment_items",
      "job_increment_bytes",
      "job_report_progress",
      "job_add_warning",
      "job_checkpoint",
      "job_check_interrupt",
      "job_load_state",
      "job_spawn_child",
    ]);
    for (const v of violations) {
      expect(v.code).toBe("NOT_RUNNING_JOB");
      expect(v.job).toBe(second.id);
    }
    expect(results).toEqual({ checkpoint: STATUS.NOT_RUNNING_JOB, interrupt: 0, load: null, child: null });

    // Nothing of the stale job changed, and the running job gained no effects either.
    expect(first.trace.events).toEqual(firstTrace);
    expect(first.metrics.snapshot()).toEqual(firstMetrics);
    expect(first.metrics.items).toBe(3n);
    expect(first.status).toBe("Paused");
    expect(text(host.store.load(first.id))).toBe("first-state");
    expect(second.metrics.snapshot()).toEqual({ bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 });
    expect(host.jobs).toHaveLength(2); // no child was spawned
    expect(scope.trace.events.filter((e) => e.kind === "abi_violation")).toEqual([]);
  });
});

describe("MemoryStateStore", () => {
  it("saves a copy, loads it, and discards it", () => {
    const store = new MemoryStateStore();
    const bytes = new TextEncoder().encode("abc");
    store.save("j", bytes);
    bytes[0] = 0x7a; // the caller's buffer (guest memory) changes afterwards
    expect(text(store.load("j"))).toBe("abc");
    store.save("j", new TextEncoder().encode("def"));
    expect(text(store.load("j"))).toBe("def");
    store.discard("j");
    expect(store.load("j")).toBeNull();
    expect(store.load("never")).toBeNull();
  });
});

describe("PermissionGate through the wire", () => {
  const ping = { message: "hi" };
  const permissions = (overrides: Partial<Permissions>): Permissions => ({
    methods: ["query:", "action:"],
    libraries: ["*"],
    rateLimit: { calls: 1000, windowMs: 60_000 },
    ...overrides,
  });

  it("a call within permissions is answered by the handler", () => {
    const host = new ReferenceHost();
    const gate = new PermissionGate(permissions({}), new ManualClock());
    expect(host.wire.call("action:test.ping.input", null, ping, gate)).toEqual({ echo: "Pong: hi", count: null, extension_works: true });
  });

  it("the rate limit refuses calls past the limit within the window; past the window it resets", () => {
    const clock = new ManualClock(5_000);
    const host = new ReferenceHost({ clock });
    const scope = host.openExtension("limited", permissions({ rateLimit: { calls: 2, windowMs: 1000 } }));
    const call = () => host.wire.call("action:test.ping.input", null, ping, scope.gate) as Record<string, unknown>;
    expect(call()).toHaveProperty("echo");
    expect(call()).toHaveProperty("echo");
    const refused = call();
    expect(refused.code).toBe("RateLimitExceeded");
    expect(typeof refused.error).toBe("string");
    expect(Object.keys(refused).sort()).toEqual(["code", "error"]);
    clock.advance(999);
    expect(call().code).toBe("RateLimitExceeded");
    clock.advance(2);
    expect(call()).toHaveProperty("echo");
    expect(call()).toHaveProperty("echo");
    expect(call().code).toBe("RateLimitExceeded");
  });

  it("the window slides: a slot frees when the oldest counted call leaves the window", () => {
    const clock = new ManualClock();
    const host = new ReferenceHost();
    const gate = new PermissionGate(permissions({ rateLimit: { calls: 2, windowMs: 1000 } }), clock);
    const code = () => (host.wire.call("action:test.ping.input", null, ping, gate) as Record<string, unknown>).code ?? "ok";
    expect(code()).toBe("ok"); // t=0
    clock.advance(600);
    expect(code()).toBe("ok"); // t=600
    clock.advance(399);
    expect(code()).toBe("RateLimitExceeded"); // t=999: both still inside
    clock.advance(1);
    expect(code()).toBe("ok"); // t=1000: the t=0 call left the window
    expect(code()).toBe("RateLimitExceeded"); // t=600 and t=1000 are inside
    clock.advance(600);
    expect(code()).toBe("ok"); // t=1600: the t=600 call left
  });

  it("refused calls do not count toward the rate limit; method and library are checked first", () => {
    const host = new ReferenceHost();
    const other = host.library.create("Other");
    const gate = new PermissionGate(permissions({ methods: ["query:"], libraries: [host.defaultLibraryId], rateLimit: { calls: 1, windowMs: 1000 } }), new ManualClock());
    const code = (method: string, library: string | null) => (host.wire.call(method, library, {}, gate) as Record<string, unknown>).code ?? "ok";
    expect(code("action:test.ping.input", null)).toBe("MethodNotAllowed");
    expect(code("query:entries.list", other)).toBe("LibraryAccessDenied");
    expect(code("query:libraries.list", null)).toBe("ok"); // the refusals above used no slot
    expect(code("query:libraries.list", null)).toBe("RateLimitExceeded");
    expect(code("action:test.ping.input", null)).toBe("MethodNotAllowed"); // not RateLimitExceeded: method first
  });

  it("a method outside the allowed prefixes is refused with MethodNotAllowed", () => {
    const host = new ReferenceHost();
    const gate = new PermissionGate(permissions({ methods: ["query:"] }), new ManualClock());
    const refused = host.wire.call("action:test.ping.input", null, ping, gate) as Record<string, unknown>;
    expect(refused).toEqual({ error: expect.stringContaining("action:test.ping.input"), code: "MethodNotAllowed" });
    expect(host.wire.call("query:libraries.list", null, {}, gate)).toHaveProperty("libraries");
  });

  it("a narrower prefix allows only methods that start with it", () => {
    const host = new ReferenceHost();
    const gate = new PermissionGate(permissions({ methods: ["action:test."] }), new ManualClock());
    expect(host.wire.call("action:test.ping.input", null, ping, gate)).toHaveProperty("echo");
    expect((host.wire.call("action:entries.create.input", host.defaultLibraryId, {}, gate) as Record<string, unknown>).code).toBe("MethodNotAllowed");
  });

  it("a library not in the list is refused with LibraryAccessDenied; a listed one is served", () => {
    const host = new ReferenceHost();
    const other = host.library.create("Other");
    const gate = new PermissionGate(permissions({ libraries: [host.defaultLibraryId] }), new ManualClock());
    expect(host.wire.call("query:entries.list", host.defaultLibraryId, {}, gate)).toEqual({ entries: [] });
    const refused = host.wire.call("query:entries.list", other, {}, gate) as Record<string, unknown>;
    expect(refused).toEqual({ error: expect.stringContaining(other), code: "LibraryAccessDenied" });
    // A call without a library is not a library access.
    expect(host.wire.call("action:test.ping.input", null, ping, gate)).toHaveProperty("echo");
  });

  it('"*" allows every library', () => {
    const host = new ReferenceHost();
    const other = host.library.create("Other");
    const gate = new PermissionGate(permissions({ libraries: ["*"] }), new ManualClock());
    expect(host.wire.call("query:entries.list", host.defaultLibraryId, {}, gate)).toEqual({ entries: [] });
    expect(host.wire.call("query:entries.list", other, {}, gate)).toEqual({ entries: [] });
  });

  it("an empty method list allows nothing", () => {
    const host = new ReferenceHost();
    const gate = new PermissionGate(permissions({ methods: [] }), new ManualClock());
    expect((host.wire.call("query:libraries.list", null, {}, gate) as Record<string, unknown>).code).toBe("MethodNotAllowed");
  });
});

describe("messages read in place from guest memory (GuestRange)", () => {
  /** Guest memory holding `bytes` at `at`, and the range of them. */
  function inMemory(bytes: Uint8Array | string, at = 5): { memory: GuestMemory; range: GuestRange } {
    const memory = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    memory.view().set(data, at);
    return { memory, range: memory.range(at, data.length)! };
  }

  it("isAscii finds a byte of 0x80 or more wherever it is (edges before, in and after the aligned words)", () => {
    for (let at = 0; at < 8; at++) {
      for (let length = 0; length <= 21; length++) {
        const bytes = new Uint8Array(length).fill(0x7f);
        expect(inMemory(bytes, at).range.isAscii(), `ASCII at ${at}, ${length} bytes`).toBe(true);
        for (let high = 0; high < length; high++) {
          const marked = bytes.slice();
          marked[high] = 0x80;
          expect(inMemory(marked, at).range.isAscii(), `0x80 at ${at}+${high} of ${length}`).toBe(false);
        }
      }
    }
  });

  it("range refuses out-of-bounds ranges; copyWordsInto copies the words covering a range, at any alignment", () => {
    const { memory } = inMemory("");
    expect(memory.range(65_536 - 4, 5)).toBeNull();
    expect(memory.range(0xffff_ffff, 2)).toBeNull();
    for (const text of ["", "abc", "x".repeat(65), "y".repeat(1000)]) {
      for (let at = 0; at < 4; at++) {
        const { range } = inMemory(text, 8 + at);
        const words = wordsCovering(range.start, range.length);
        const target = new Uint32Array(words + 3).fill(0x0101_0101);
        const start = range.copyWordsInto(target, 2);
        expect(start, `${text.length} bytes at ${at}`).toBe(8 + at);
        expect(new TextDecoder().decode(new Uint8Array(target.buffer, start, text.length))).toBe(text);
        expect([target[0], target[1], target[2 + words]]).toEqual([0x0101_0101, 0x0101_0101, 0x0101_0101]); // nothing else written
      }
    }
    // The last bytes of memory: the covering words end exactly at its end.
    const end = inMemory("tail", 65_536 - 4);
    const target = new Uint32Array(1);
    expect(end.range.copyWordsInto(target, 0)).toBe(0);
    expect(new TextDecoder().decode(new Uint8Array(target.buffer))).toBe("tail");
  });

  it("in a memory of 65536 pages (2^32 bytes, whose word count `>>> 2` makes 0), isAscii and copyWordsInto read every byte, the last included", () => {
    const wasm = new WebAssembly.Memory({ initial: 1 });
    wasm.grow(65_535); // reserved, not touched
    const memory = new GuestMemory(wasm);
    const END = 2 ** 32;
    for (const [at, text] of [[1024, "low in memory"], [2 ** 31 - 6, "across 2^31"], [END - 13, "ends at 2^32:"], [END - 1, "z"]] as const) {
      const bytes = new TextEncoder().encode(text);
      memory.view().set(bytes, at);
      const range = memory.range(at, bytes.length)!;
      expect(range.isAscii(), text).toBe(true);
      const target = new Uint32Array(wordsCovering(at, bytes.length));
      const start = range.copyWordsInto(target, 0);
      expect(new TextDecoder().decode(new Uint8Array(target.buffer, start, bytes.length)), text).toBe(text);
      for (let high = 0; high < bytes.length; high++) {
        memory.view()[at + high] = 0x80;
        expect(memory.range(at, bytes.length)!.isAscii(), `0x80 at ${high} of "${text}"`).toBe(false);
        memory.view()[at + high] = bytes[high]!;
      }
    }
    expect(memory.range(END - 1, 2)).toBeNull();
  });

  it("JobOperations.text answers an ASCII range as it is, decodes other UTF-8 and long ranges, refuses invalid UTF-8", () => {
    const { host, scope } = nativeHost({ idle: () => 0 });
    const job = host.createJob(scope, "idle", null);
    const ascii = inMemory("plain ascii").range;
    expect(host.ops.text(scope, job, "job_log", ascii, ARG.logMessage)).toBe(ascii);
    expect(host.ops.text(scope, job, "job_log", inMemory("café").range, ARG.logMessage)).toBe("café");
    const long = "a".repeat(ASCII_SCAN_LIMIT + 1);
    expect(host.ops.text(scope, job, "job_log", inMemory(long).range, ARG.logMessage)).toBe(long); // decoded at once
    expect(host.ops.text(scope, job, "job_log", inMemory(new Uint8Array([0x61, 0xff])).range, ARG.logMessage)).toBeNull();
    expect(job.trace.events.at(-1)).toMatchObject({ kind: "abi_violation", code: "BAD_ARGUMENT", arg: "msg_ptr", limit: null, size: null });
  });

  it("a job's last progress message passed as a range is a copy, read back as text, across reads of the trace", () => {
    const job = new JobRecord("11111111-2222-4333-8444-555555555555", 0, "t", "ext", null, 0, null);
    const { memory, range } = inMemory("first message");
    job.reportProgress(0.25, range);
    memory.view().fill(0x21); // the guest writes its memory again
    expect(job.progress).toEqual({ value: 0.25, message: "first message" });
    void job.trace.events; // a read: the kept bytes are released
    expect(job.progress).toEqual({ value: 0.25, message: "first message" });
    job.reportProgress(0.5, "a string");
    expect(job.progress).toEqual({ value: 0.5, message: "a string" });
    job.reportProgress(0.75, inMemory("m".repeat(300)).range);
    expect(job.progress).toEqual({ value: 0.75, message: "m".repeat(300) });
    expect(job.trace.events.filter((e) => e.kind === "progress").map((e) => e.kind === "progress" && e.message)).toEqual(["first message", "a string", "m".repeat(300)]);
  });
});

describe("metrics, progress and checkpoint limits", () => {
  it("metrics saturate at 2^64-1, and -1 means 2^64-1", () => {
    const { job } = runJob((ctx) => {
      ctx.incrementItems(U64_MAX - 1n);
      ctx.incrementItems(5);
      ctx.incrementItems(1);
      ctx.incrementBytes(-1n);
      ctx.incrementBytes(2);
      return 0;
    });
    expect(job.metrics.items).toBe(U64_MAX);
    expect(job.metrics.bytes).toBe(U64_MAX);
    expect(job.metrics.snapshot().items).toBe("18446744073709551615");
    const metrics = ofKind(job, "metrics");
    expect(metrics.map((e) => [e.field, e.delta, e.total])).toEqual([
      ["items", U64_MAX - 1n, U64_MAX - 1n],
      ["items", 5n, U64_MAX],
      ["items", 1n, U64_MAX],
      ["bytes", U64_MAX, U64_MAX],
      ["bytes", 2n, U64_MAX],
    ]);
  });

  it("progress is clamped to 0..1 (1.5 -> 1, -1 -> 0, Infinity -> 1, -Infinity -> 0); NaN is refused with BAD_ARGUMENT", () => {
    const { job } = runJob((ctx) => {
      ctx.progress(1.5, "over");
      ctx.progress(-1, "under");
      ctx.progress(Infinity, "inf");
      ctx.progress(-Infinity, "-inf");
      ctx.progress(NaN, "nan");
      ctx.progress(0.1, "tenth");
      return 0;
    });
    expect(ofKind(job, "progress").map((e) => [e.value, e.message])).toEqual([
      [1, "over"],
      [0, "under"],
      [1, "inf"],
      [0, "-inf"],
      [Math.fround(0.1), "tenth"],
    ]);
    expect(ofKind(job, "abi_violation")).toEqual([expect.objectContaining({ job: job.id, import: "job_report_progress", code: "BAD_ARGUMENT" })]);
  });

  it("message limits count UTF-8 bytes for native strings, as for guest memory", () => {
    const { job } = runJob(
      (ctx) => {
        ctx.addWarning("éé"); // 2 UTF-16 units, 4 UTF-8 bytes: at the limit
        ctx.addWarning("ééé"); // 3 UTF-16 units, 6 UTF-8 bytes: over it
        return 0;
      },
      { limits: { maxMessageBytes: 4 } },
    );
    expect(ofKind(job, "warning").map((e) => e.message)).toEqual(["éé"]);
    expect(job.metrics.warnings).toBe(1);
    expect(ofKind(job, "abi_violation")).toEqual([expect.objectContaining({ import: "job_add_warning", code: "LIMIT_EXCEEDED" })]);
  });

  it("a checkpoint over limits.maxStateBytes returns 4 (LIMIT_EXCEEDED) and keeps the previous state", () => {
    const codes: number[] = [];
    const { host, job } = runJob(
      (ctx) => {
        codes.push(ctx.checkpoint("12345678")); // exactly the limit
        codes.push(ctx.checkpoint("123456789")); // one byte over
        return 1;
      },
      { limits: { maxStateBytes: 8 } },
    );
    expect(codes).toEqual([STATUS.OK, STATUS.LIMIT_EXCEEDED]);
    expect(STATUS.LIMIT_EXCEEDED).toBe(4);
    expect(text(host.store.load(job.id))).toBe("12345678");
    expect(ofKind(job, "checkpoint").map((e) => e.state)).toEqual(["12345678"]);
    expect(ofKind(job, "abi_violation")).toEqual([expect.objectContaining({ import: "job_checkpoint", code: "LIMIT_EXCEEDED" })]);
  });
});

describe("register_job", () => {
  const load = (init: NativeExtensionDefinition["init"]) => {
    const host = new ReferenceHost();
    const { scope } = loadNativeExtension(host, "ext", { init, jobs: { execute_a: () => 0, execute_b: () => 0 } });
    return { host, scope };
  };
  const violations = (scope: ExtensionScope) => scope.trace.events.filter((e) => e.kind === "abi_violation");

  it("registers a job during init and records it", () => {
    const codes: number[] = [];
    const { scope } = load((api) => (codes.push(api.registerJob("a", "execute_a", false)), 0));
    expect(codes).toEqual([STATUS.OK]);
    expect(scope.jobTypes.get("a")).toMatchObject({ name: "a", exportName: "execute_a", resumable: false });
    expect(scope.trace.events).toEqual([{ kind: "job_registered", job: null, name: "a", export: "execute_a", resumable: false }]);
  });

  it("a second registration of the same name: DUPLICATE, the first registration stays", () => {
    const codes: number[] = [];
    const { scope } = load((api) => {
      codes.push(api.registerJob("a", "execute_a"));
      codes.push(api.registerJob("a", "execute_b"));
      return 0;
    });
    expect(codes).toEqual([STATUS.OK, STATUS.DUPLICATE]);
    expect(scope.jobTypes.get("a")?.exportName).toBe("execute_a");
    expect(violations(scope)).toEqual([expect.objectContaining({ job: null, import: "register_job", code: "DUPLICATE" })]);
  });

  it("an export that does not exist: UNKNOWN_EXPORT, nothing registered", () => {
    const codes: number[] = [];
    const { scope } = load((api) => (codes.push(api.registerJob("ghost", "execute_ghost")), 0));
    expect(codes).toEqual([STATUS.UNKNOWN_EXPORT]);
    expect(scope.jobTypes.has("ghost")).toBe(false);
    expect(violations(scope)).toEqual([expect.objectContaining({ import: "register_job", code: "UNKNOWN_EXPORT" })]);
  });

  it("an empty name: BAD_ARGUMENT, nothing registered", () => {
    const codes: number[] = [];
    const { scope } = load((api) => (codes.push(api.registerJob("", "execute_a")), 0));
    expect(codes).toEqual([STATUS.BAD_ARGUMENT]);
    expect(scope.jobTypes.size).toBe(0);
    expect(violations(scope)).toEqual([expect.objectContaining({ import: "register_job", code: "BAD_ARGUMENT" })]);
  });

  it("after init: WRONG_PHASE, nothing registered (through the init API kept past init, and through the host)", () => {
    let kept: Parameters<NonNullable<NativeExtensionDefinition["init"]>>[0] | null = null;
    const { host, scope } = load((api) => {
      kept = api;
      return 0;
    });
    expect(scope.phase).toBe("ready");
    expect(kept!.registerJob("late", "execute_a")).toBe(STATUS.WRONG_PHASE);
    expect(host.registerJob(scope, "late2", "execute_b", true, null)).toBe(STATUS.WRONG_PHASE);
    expect(scope.jobTypes.size).toBe(0);
    expect(violations(scope).map((e) => e.code)).toEqual(["WRONG_PHASE", "WRONG_PHASE"]);
  });
});

describe("refusals the fixtures cannot reach (found by mutation testing)", () => {
  it("a state store that fails: job_checkpoint answers STORE_ERROR, records the refusal, and keeps the previous checkpoint", () => {
    const store = new MemoryStateStore();
    const failing = {
      save(jobId: string, state: Uint8Array) {
        if (text(state) === "second") throw new Error("disk full");
        store.save(jobId, state);
      },
      load: (jobId: string) => store.load(jobId),
      discard: (jobId: string) => store.discard(jobId),
      clear: (jobId: string) => store.clear(jobId),
    };
    let answers: number[] = [];
    const { job } = runJob((ctx) => {
      answers = [ctx.checkpoint("first"), ctx.checkpoint("second")];
      return 2; // Failed keeps the checkpoint, so the store can be read afterwards
    }, { store: failing });
    expect(answers).toEqual([STATUS.OK, STATUS.STORE_ERROR]);
    expect(ofKind(job, "checkpoint").map((e) => e.state)).toEqual(["first"]);
    expect(ofKind(job, "abi_violation")).toEqual([
      { kind: "abi_violation", job: job.id, import: "job_checkpoint", code: "STORE_ERROR", arg: null, limit: null, size: null, detail: "the state store failed: disk full" },
    ]);
    expect(text(store.load(job.id))).toBe("first");
  });

  it("a native payload JSON cannot carry is answered BadPayload, not thrown", () => {
    let answers: unknown[] = [];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { job } = runJob((ctx) => {
      answers = [ctx.call("query:libraries.list", () => 0), ctx.call("query:libraries.list", 1n), ctx.call("query:libraries.list", cyclic)];
      return 0;
    });
    expect(answers[0]).toEqual({ error: 'query:libraries.list: the payload is not JSON as serde_json reads it: "(undefined)"', code: "BadPayload" });
    expect(answers[1]).toMatchObject({ code: "BadPayload", error: expect.stringContaining("(not serializable: ") });
    expect(answers[2]).toMatchObject({ code: "BadPayload", error: expect.stringContaining("(not serializable: ") });
    expect(ofKind(job, "call").map((e) => e.request)).toEqual(["(undefined)", expect.stringContaining("(not serializable"), expect.stringContaining("(not serializable")]);
  });

  /** A guest's query:test.ping with this payload: the call event's request and its answer's code. */
  const guestCall = (payload: string): [unknown, string | undefined] => {
    const program: JobProgram = {
      version: 1,
      jobs: [{ name: "root", steps: 0, before: [{ op: "call", method: "query:test.ping", library: "job", payload }], body: [], after: [], end: { kind: "return", code: 0 } }],
    };
    const wasm = runScenario({ kind: "wasm", guest: guestFromBytes("program.wasm", renderWasm(program)) }, { job: "root" });
    const call = wasm.jobs[0]!.trace.find((event) => event.kind === "call")!;
    return [call.request, (call.response as { code?: string }).code];
  };

  /** A native job's answer to this wire call. */
  const nativeCall = (method: string, payload: unknown): unknown => {
    let answer: unknown;
    runJob((ctx) => {
      answer = ctx.call(method, payload);
      return 0;
    });
    return answer;
  };

  it("wire.payload: a request holding a number no double can hold (1e400) is BadPayload, with its text as the request, from a guest and natively", () => {
    const request = '{"message":"hi","count":1e400}';
    expect(parseRequest(request)).toEqual(new UnparsedPayload(request));
    expect(parseRequest('{"message":"hi","count":1e2}')).toEqual({ message: "hi", count: 100 });
    expect(parseRequest('{"message":"1e400 in a string","count":10E-1}')).toEqual({ message: "1e400 in a string", count: 1 });
    // Out of range by its value, however it is written: 1 and 300 zeros, times 10^9, is 1e309.
    for (const huge of [`1${"0".repeat(300)}e9`, `1${"0".repeat(309)}.5`, "0.5e309", "1E+309"]) {
      const text = `{"count":${huge}}`;
      expect(parseRequest(text), huge.slice(-12)).toEqual(new UnparsedPayload(text));
      expect(guestCall(text), huge.slice(-12)).toEqual([text, "BadPayload"]);
    }
    expect(parseRequest(`{"count":1${"0".repeat(300)}e7}`)).toEqual({ count: 1e307 });
    expect(guestCall(request)).toEqual([request, "BadPayload"]);
    expect(nativeCall("query:libraries.list", { count: Infinity })).toMatchObject({ code: "BadPayload" });
  });

  it("wire.payload: a lone surrogate escape, in a value or a member name, is BadPayload (as serde_json reads it); a repeated member keeps its last value", () => {
    for (const request of [String.raw`{"message":"\ud800"}`, String.raw`{"message":"a\udfffb"}`, String.raw`{"\udc00":1}`, String.raw`{"message":"\ud800","message":"hi"}`]) {
      expect(parseRequest(request), request).toEqual(new UnparsedPayload(request));
    }
    expect(parseRequest(String.raw`{"message":"\ud83d\ude00 \\ud800"}`)).toEqual({ message: "\u{1f600} \\ud800" });
    expect(parseRequest('{"message":"a","message":"b"}')).toEqual({ message: "b" });
    // serde_json's nesting limit: 127 arrays and objects, not 128 (a "[" inside a string does not count).
    const nested = (depth: number) => `{"message":"[[[","n":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
    expect(parseRequest(nested(127))).not.toBeInstanceOf(UnparsedPayload);
    expect(parseRequest(nested(128))).toEqual(new UnparsedPayload(nested(128)));
    const request = String.raw`{"message":"\ud800"}`;
    expect(guestCall(request)).toEqual([request, "BadPayload"]);
    expect(nativeCall("query:test.ping", { message: "\ud800" })).toMatchObject({ code: "BadPayload" });
  });
});

describe("import call counts (what fixture claims are checked against)", () => {
  it("are exact per import for the counter guest run to completion", async () => {
    const guest = await loadGuest(join(FIXTURES_DIR, "lifecycle/counter.wat"));
    const result = runScenario({ kind: "wasm", guest }, { job: "counter" });
    expect(result.importCalls).toEqual({
      spacedrive_log: 2, // "Counter starting", "Counter completed"
      register_job: 1,
      job_report_progress: 25,
      job_checkpoint: 2, // at 10 and 20
      job_check_interrupt: 25,
      job_increment_items: 25,
    });
  });
});

describe("wire.errors: an error answer's words are kept within 1024 bytes of UTF-8", () => {
  it("short words are as written; long ones (a method name as long as a message may be) are cut at a code point, with ... after", () => {
    expect(new WireFailure("UnknownMethod", "short").toAnswer()).toEqual({ error: "short", code: "UnknownMethod" });
    const long = new WireFailure("UnknownMethod", `method "${"é".repeat(4000)}" is not of the form query:<name> or action:<name>.input`).toAnswer();
    const bytes = new TextEncoder().encode(long.error);
    expect(bytes.length).toBeLessThanOrEqual(MAX_ERROR_WORDS_BYTES);
    expect(bytes.length).toBeGreaterThan(MAX_ERROR_WORDS_BYTES - 8);
    expect(long.error.endsWith("é...")).toBe(true);
    expect(errorWords("x".repeat(MAX_ERROR_WORDS_BYTES))).toBe("x".repeat(MAX_ERROR_WORDS_BYTES));
    // A leading byte order mark (a method name may start with one) stays, as the codec keeps it.
    expect(errorWords(`\ufeff${"y".repeat(2 * MAX_ERROR_WORDS_BYTES)}`).startsWith("\ufeffyyy")).toBe(true);
  });
});
