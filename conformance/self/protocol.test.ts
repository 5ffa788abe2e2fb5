import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { gone, isAlive } from "../support/pids.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPABILITY_IDS } from "../../harness/abi/capabilities.ts";
import { STATUS } from "../../harness/abi/status.ts";
import { DEFAULT_LIMITS } from "../../harness/host/limits.ts";
import { WIRE_METHOD_NAMES } from "../../harness/abi/wire-methods.ts";
import { referenceHandshake, runReferenceCase } from "../../harness/adapters/in-process.ts";
import { ProcessAdapter } from "../../harness/adapters/process-adapter.ts";
import {
  answerMessage,
  checkMessage,
  encodeMessage,
  handshakeMessage,
  helloMessage,
  parseLine,
  runMessage,
  type ProtocolMessage,
} from "../../harness/adapters/protocol.ts";
import { serveReferenceHost } from "../../harness/adapters/reference-driver.ts";
import { HostFailure, type CaseRequest, type CaseResponse, type HostAdapter, type HostFailureCode } from "../../harness/adapters/types.ts";
import { askHost } from "../../harness/suite/gate.ts";
import { compileWat } from "../../harness/engine/wat.ts";
import { schemaPath } from "../../harness/schemas/validate.ts";
import { discoverFixtures, FIXTURES_DIR, PROJECT_ROOT, readFixture } from "../../harness/suite/fixtures.ts";
import { generatedPrograms } from "../../harness/programs/gate-cases.ts";
import { normalizeResult, type ScenarioResult } from "../../harness/suite/scenario.ts";
import { TRACE_EVENT_KINDS } from "../../harness/trace/events.ts";

// The out-of-process host protocol (conformance/PROTOCOL.md). Real processes are few: one reference host (a few
// tenths of a second to start) serves the handshake, a fixture and a load error; the broken hosts are plain Node
// scripts (conformance/hosts/*.mjs, a few tens of ms each). Message validation and the driver's exit codes are checked
// in process.

const counter = readFixture(join(FIXTURES_DIR, "lifecycle/counter.json"));
let counterRequest: CaseRequest;
let counterInProcess: CaseResponse;

const dir = mkdtempSync(join(tmpdir(), "job-parity-protocol-"));

beforeAll(async () => {
  const guest = await compileWat(counter.guestPath, readFileSync(counter.guestPath, "utf8"));
  counterRequest = { id: counter.id, guest, scenario: counter.sidecar.scenario };
  counterInProcess = runReferenceCase(counterRequest);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (script: string, ...args: string[]) => [process.execPath, join("conformance/hosts", script), ...args].map((part) => JSON.stringify(part)).join(" ");
const request = (id: string): CaseRequest => ({ id, guest: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), scenario: { job: "canned" } });

/** The HostFailure a promise rejects with (fails the test when it resolves or rejects with something else). */
async function failure(promise: Promise<unknown>): Promise<HostFailure> {
  const error: unknown = await promise.then(
    (value) => {
      throw new Error(`expected a HostFailure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(HostFailure);
  return error as HostFailure;
}

async function expectFailure(promise: Promise<unknown>, code: HostFailureCode, ...fragments: string[]): Promise<HostFailure> {
  const error = await failure(promise);
  expect(error.code, error.message).toBe(code);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}

function withAdapter(command: string, options: ConstructorParameters<typeof ProcessAdapter>[1] = {}) {
  return new ProcessAdapter(command, { cwd: PROJECT_ROOT, ...options });
}

describe("protocol messages: harness/schemas/protocol.schema.json", () => {
  const valid = (): Record<string, ProtocolMessage> => ({
    hello: helloMessage(),
    handshake: handshakeMessage(referenceHandshake()),
    run: runMessage(counterRequest),
    result: answerMessage("case", counterInProcess),
    load_error: { type: "load_error", id: "case", code: "JP_LINK", message: "does not link" },
    shutdown: { type: "shutdown" },
  });

  it("every message the harness and the reference host write validates, and survives a line", () => {
    expect(counterInProcess.kind).toBe("result");
    for (const [type, message] of Object.entries(valid())) {
      const checked = checkMessage(message);
      expect(checked.ok ? [] : checked.problems, type).toEqual([]);
      const line = encodeMessage(message);
      expect(line.indexOf("\n")).toBe(line.length - 1);
      expect(parseLine(line.slice(0, -1))).toEqual({ ok: true, message: JSON.parse(line) });
    }
  });

  it("no scenario the gate sends holds a lone surrogate (scenario.state says so: serde_json refuses a run message with one)", () => {
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    // Every string and member name, as they are (JSON.stringify would escape a lone surrogate out of sight).
    const holdsOne = (value: unknown) => {
      let found = false;
      JSON.stringify(value, (key, v: unknown) => ((found ||= lone.test(key) || (typeof v === "string" && lone.test(v))), v));
      return found;
    };
    expect(holdsOne({ state: "a\ud800" }) && holdsOne({ ["\udc00"]: 1 }) && !holdsOne({ state: "\ud83d\ude00" })).toBe(true);
    const scenarios = [...discoverFixtures().map((f) => f.sidecar.scenario), ...generatedPrograms(1, 2000).map((c) => c.scenario)];
    expect(scenarios.filter(holdsOne).map((scenario) => JSON.stringify(scenario))).toEqual([]);
  });

  it("a line holds no character a line reader may end a line at: U+0085, U+2028 and U+2029 are escaped, and read back as they were", () => {
    const message = runMessage({ ...counterRequest, scenario: { ...counterRequest.scenario, state: { text: "a\u2028b\u2029c\u0085d\r\n" } } });
    const line = encodeMessage(message);
    expect(line.slice(0, -1)).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
    expect(line).toContain("a\\u2028b\\u2029c\\u0085d");
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(message)));
  });

  type Mutable = Record<string, any>;
  const broken: [string, keyof ReturnType<typeof valid>, (m: Mutable) => void, string][] = [
    ["an unknown type", "hello", (m) => (m.type = "helo"), "/type: must be equal to one of the allowed values"],
    ["hello for protocol 1", "hello", (m) => (m.protocol = 1), "/protocol: must be equal to constant"],
    ["a handshake without methods", "handshake", (m) => delete m.methods, "must have required property 'methods'"],
    ["a method not of the wire form", "handshake", (m) => m.methods.push("ping"), `/methods/${WIRE_METHOD_NAMES.length}: must match pattern`],
    ["an abi_violation without its arg", "result", (m) => m.result.extension.push({ kind: "abi_violation", job: null, import: "register_job", code: "DUPLICATE", limit: null, size: null, detail: "" }), "must have required property 'arg'"],
    ["a handshake without capabilities", "handshake", (m) => delete m.capabilities, "must have required property 'capabilities'"],
    ["a capability nobody has", "handshake", (m) => m.capabilities.push("teleport"), "/capabilities/12: must be equal to one of the allowed values"],
    ["an ABI version that is not major.minor", "handshake", (m) => (m.abiVersions = ["v1"]), "/abiVersions/0: must match pattern"],
    ["a limit that is not a number", "handshake", (m) => (m.limits.maxStateBytes = "16M"), "/limits/maxStateBytes: must be integer"],
    ["a limit the table does not name", "handshake", (m) => (m.limits.notALimit = 5), "/limits: property name must be valid"],
    ["a field the protocol does not have", "handshake", (m) => (m.engine = "v8"), 'must NOT have additional properties "engine"'],
    ["a run without its guest", "run", (m) => delete m.guest, "must have required property 'guest'"],
    ["a guest that is not base64", "run", (m) => (m.guest = "not base64!"), "/guest: must match pattern"],
    ["a scenario without a job", "run", (m) => delete m.scenario.job, "/scenario: must have required property 'job'"],
    ["a tree deeper than a scenario may make it", "run", (m) => (m.scenario.limits = { maxChildDepth: 101 }), "/scenario/limits/maxChildDepth: must be <= 100"],
    ["a scenario limit the table does not name", "run", (m) => (m.scenario.limits = { maxChildren: 2 }), "/scenario/limits: property name must be valid"],
    ["a result without its id", "result", (m) => delete m.id, "must have required property 'id'"],
    ["a job without a status", "result", (m) => delete m.result.jobs[0].status, "/result/jobs/0: must have required property 'status'"],
    ["a job with an unknown status", "result", (m) => (m.result.jobs[0].status = "Done"), "/result/jobs/0/status: must be equal to one of the allowed values"],
    ["a job id that is not a UUID", "result", (m) => (m.result.jobs[0].id = "job-1"), "/result/jobs/0/id: must match pattern"],
    ["an uppercase job id", "result", (m) => (m.result.jobs[0].id = m.result.jobs[0].id.toUpperCase()), "/result/jobs/0/id: must match pattern"],
    ["metrics as a number", "result", (m) => (m.result.jobs[0].metrics.items = 25), "/result/jobs/0/metrics/items: must be string"],
    ["metrics past 2^64 - 1", "result", (m) => (m.result.jobs[0].metrics.items = "18446744073709551616"), "/result/jobs/0/metrics/items: must be at most 18446744073709551615"],
    ["a metrics total past 2^64 - 1", "result", (m) => (m.result.jobs[0].trace.find((e: Mutable) => e.kind === "metrics").total = "99999999999999999999"), "/total: must be at most 18446744073709551615"],
    ["an event without a kind", "result", (m) => delete m.result.jobs[0].trace[3].kind, "/result/jobs/0/trace/3: must have required property 'kind'"],
    ["an event of an unknown kind", "result", (m) => (m.result.jobs[0].trace[3].kind = "telemetry"), "/result/jobs/0/trace/3/kind: must be equal to one of"],
    ["an event missing a field of its kind", "result", (m) => delete m.result.jobs[0].trace[0].status, "/result/jobs/0/trace/0: must have required property 'status'"],
    ["a metrics delta as a number", "result", (m) => (m.result.jobs[0].trace.find((e: Mutable) => e.kind === "metrics").delta = 1), "/delta: must be string"],
    ["a run end without its code", "result", (m) => delete m.result.jobs[0].trace.at(-1).end.code, "/end: must have required property 'code'"],
    ["a trap's end with a code", "result", (m) => (m.result.jobs[0].trace.at(-1).end = { cause: "trap", code: 0 }), "/end: must NOT be valid"],
    ["an extension event with a stray field", "result", (m) => (m.result.extension[0].extra = 1), '/result/extension/0: must NOT have additional properties "extra"'],
    ["a library without its entries", "result", (m) => m.result.library.libraries[0] && delete m.result.library.libraries[0].entries, "/result/library/libraries/0: must have required property 'entries'"],
    ["errors that do not match the jobs", "result", (m) => m.result.errors.push(null), "/result/errors: must have one entry per job (1 jobs, 2 entries)"],
    ["a load error code not in JP_ form", "load_error", (m) => (m.code = "link"), "/code: must match pattern"],
    ["shutdown with a payload", "shutdown", (m) => (m.now = true), 'must NOT have additional properties "now"'],
  ];

  it.each(broken)("rejects %s, naming the field", (_what, type, mutate, expected) => {
    const message = structuredClone(valid()[type]) as Mutable;
    mutate(message);
    const checked = checkMessage(message);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.join("\n")).toContain(expected);
  });

  it("a line that is not JSON, or not an object, is told apart", () => {
    expect(parseLine("{nope")).toMatchObject({ ok: false, notJson: true });
    expect(parseLine("[1, 2]")).toMatchObject({ ok: false, notJson: false, problems: ["(top level): must be object"] });
  });

  it("the schema's closed sets are the harness's: trace event kinds, capabilities, status names, limit names", () => {
    const schema = JSON.parse(readFileSync(schemaPath("protocol"), "utf8")) as { definitions: Record<string, { enum?: unknown[]; properties?: { kind?: { enum: unknown[] } } }> };
    expect(schema.definitions.traceEvent!.properties!.kind!.enum).toEqual(TRACE_EVENT_KINDS);
    expect(schema.definitions.capability!.enum).toEqual(CAPABILITY_IDS);
    expect(schema.definitions.statusName!.enum).toEqual(Object.keys(STATUS));
    expect(schema.definitions.limitName!.enum).toEqual(Object.keys(DEFAULT_LIMITS));
    const scenario = JSON.parse(readFileSync(schemaPath("scenario"), "utf8")) as { properties: { limits: { propertyNames: { enum: unknown[] } } } };
    expect(scenario.properties.limits.propertyNames.enum).toEqual(Object.keys(DEFAULT_LIMITS));
  });
});

describe("reference driver, in process (serveReferenceHost on streams)", () => {
  async function drive(lines: readonly string[], runCase?: (request: CaseRequest) => CaseResponse): Promise<{ code: number; answers: unknown[]; log: string }> {
    const input = new PassThrough();
    const output = new PassThrough();
    const log = new PassThrough();
    let out = "";
    let err = "";
    output.on("data", (chunk: Buffer) => (out += chunk.toString()));
    log.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const served = serveReferenceHost(input, output, log, runCase);
    input.end(lines.join(""));
    const code = await served;
    return { code, answers: out.split("\n").filter(Boolean).map((line) => JSON.parse(line) as unknown), log: err };
  }

  const hello = encodeMessage(helloMessage());

  it("hello, then shutdown: the handshake and exit 0; the end of input is a shutdown too", async () => {
    for (const tail of [[encodeMessage({ type: "shutdown" })], []]) {
      const run = await drive([hello, ...tail]);
      expect(run).toEqual({ code: 0, answers: [handshakeMessage(referenceHandshake())], log: "" });
    }
  });

  it("a scenario naming a job the guest does not have is answered as load_error JP_UNKNOWN_JOB", async () => {
    const run = await drive([hello, encodeMessage(runMessage({ ...counterRequest, id: "no-such-job", scenario: { job: "no_such_job" } }))]);
    expect(run.code).toBe(0);
    expect(run.answers[1]).toMatchObject({ type: "load_error", id: "no-such-job", code: "JP_UNKNOWN_JOB", message: expect.stringContaining('no job "no_such_job"') });
  });

  it("an internal error answers nothing and exits 1 with the stack on stderr", async () => {
    const broken = () => {
      throw new Error("the host part broke");
    };
    const run = await drive([hello, encodeMessage(runMessage({ ...counterRequest, id: "boom" }))], broken);
    expect(run.code).toBe(1);
    expect(run.answers).toHaveLength(1); // the handshake only
    expect(run.log).toContain('internal error in case "boom"');
    expect(run.log).toMatch(/the host part broke[\s\S]*\n\s+at /);
  });

  it("a harness that breaks the protocol gets exit 1 and a reason", async () => {
    expect(await drive([encodeMessage(runMessage(counterRequest))])).toMatchObject({ code: 1, answers: [], log: expect.stringContaining("expected hello first") });
    expect(await drive([hello, "{oops\n"])).toMatchObject({ code: 1, log: expect.stringContaining("not JSON") });
  });
});

describe("the reference host through ProcessAdapter (bin/job-parity-reference-host.mjs)", () => {
  const adapter = withAdapter("node bin/job-parity-reference-host.mjs");
  afterAll(() => adapter.close());

  it("its handshake is referenceHandshake()", async () => {
    expect(await adapter.handshake()).toEqual(referenceHandshake());
  });

  it(`a fixture guest (${counter.id}) answers the in-process result`, async () => {
    const response = await adapter.runCase(counterRequest, 30_000);
    expect(response.kind).toBe("result");
    if (response.kind !== "result" || counterInProcess.kind !== "result") return;
    expect(normalizeResult(response.result as unknown as ScenarioResult)).toEqual(normalizeResult(counterInProcess.result as unknown as ScenarioResult));
    expect(response.result.errors).toEqual(counterInProcess.result.errors);
  });

  it("a guest that cannot load answers load_error", async () => {
    const response = await adapter.runCase({ id: "not-wasm", guest: new TextEncoder().encode("(module)"), scenario: { job: "x" } }, 30_000);
    expect(response).toMatchObject({ kind: "load_error", code: "JP_WASM_INVALID", message: expect.stringContaining("not-wasm.wasm") });
  });

  it("close() sends shutdown: the host exits 0 and is gone", async () => {
    const pid = adapter.pid!;
    await adapter.close();
    expect(adapter.lastExit).toEqual({ code: 0, signal: null });
    expect(await gone(pid)).toBe(true);
  });
});

// Concurrent: each test has its own host process and files, and most of them wait (on a timeout, a kill, a shutdown).
describe.concurrent("broken hosts: each failure is a HostFailure with its code, and the next case gets a fresh host", () => {
  it("crash: JP_HOST_CRASH with the exit code, the case and its stderr; the next case runs on a new process", async () => {
    const marker = join(dir, "crashed");
    const adapter = withAdapter(host("crash.mjs"), { env: { ...process.env, CRASH_MARKER: marker } });
    try {
      await adapter.handshake();
      const first = adapter.pid!;
      await expectFailure(adapter.runCase(request("case-1"), 5_000), "JP_HOST_CRASH", 'exited with code 3 while running case "case-1"', "crash.mjs: simulated crash in case case-1");
      expect(existsSync(marker)).toBe(true);
      expect(await gone(first)).toBe(true);
      const response = await adapter.runCase(request("case-2"), 5_000);
      expect(response).toMatchObject({ kind: "result", result: { jobs: [{ status: "Completed" }] } });
      expect(adapter.pid).not.toBe(first);
    } finally {
      await adapter.close();
    }
  });

  it("a crash while writing the answer: JP_HOST_CRASH with the exit code, quoting the line it never ended", async () => {
    const adapter = withAdapter(host("crash.mjs", "mid-answer"));
    try {
      await adapter.handshake();
      await expectFailure(adapter.runCase(request("case-1"), 5_000), "JP_HOST_CRASH", 'exited with code 3 while running case "case-1", leaving a line it never ended with \\n: "{\\"type\\":\\"result\\"');
    } finally {
      await adapter.close();
    }
  });

  it("hang: JP_HOST_TIMEOUT after timeoutMs; the host and the child it started are killed", async () => {
    const pids = join(dir, "hang-pids.json");
    const adapter = withAdapter(host("hang.mjs"), { env: { ...process.env, HANG_PIDS: pids } });
    try {
      const started = Date.now();
      await expectFailure(adapter.runCase(request("slow"), 1_500), "JP_HOST_TIMEOUT", 'no answer to case "slow" within 1500 ms', "hang.mjs: thinking very hard");
      expect(Date.now() - started).toBeLessThan(5_000);
      const { host: hostPid, child } = JSON.parse(readFileSync(pids, "utf8")) as { host: number; child: number };
      expect(await gone(hostPid)).toBe(true);
      expect(await gone(child)).toBe(true);
    } finally {
      await adapter.close();
    }
  });

  it("garbage: JP_HOST_MALFORMED quoting the first 200 characters of the line", async () => {
    const adapter = withAdapter(host("garbage.mjs", "not-json"));
    try {
      const error = await expectFailure(adapter.runCase(request("g"), 5_000), "JP_HOST_MALFORMED", `answer to case "g" is not JSON`, '"garbage.mjs says hello instead of g: xxx', "(437 characters)");
      expect(error.message).not.toContain("x".repeat(200));
    } finally {
      await adapter.close();
    }
  });

  it("an invalid result: JP_HOST_MALFORMED naming each missing field", async () => {
    const adapter = withAdapter(host("garbage.mjs", "bad-result"));
    try {
      await expectFailure(
        adapter.runCase(request("r"), 5_000),
        "JP_HOST_MALFORMED",
        "is not a valid protocol message",
        "/result/jobs/0: must have required property 'status'",
        "/result/jobs/0/trace/1: must have required property 'kind'",
      );
    } finally {
      await adapter.close();
    }
  });

  it("a line nobody asked for: the next case fails with JP_HOST_MALFORMED, the one after runs again", async () => {
    const adapter = withAdapter(host("garbage.mjs", "twice"));
    try {
      // Both copies came in one read: the second is waiting when case "b" is sent.
      expect(await adapter.runCase(request("a"), 5_000)).toMatchObject({ kind: "result" });
      await expectFailure(adapter.runCase(request("b"), 5_000), "JP_HOST_MALFORMED", 'no answer was due (before case "b" was sent)');
      expect(await adapter.runCase(request("c"), 5_000)).toMatchObject({ kind: "result" });
    } finally {
      await adapter.close();
    }
  });

  it("a second answer to the case before, read in place of the next answer: JP_HOST_MALFORMED too, as the pipe may deliver it either way", async () => {
    const adapter = withAdapter(host("garbage.mjs", "late"));
    try {
      expect(await adapter.runCase(request("a"), 5_000)).toMatchObject({ kind: "result" });
      await expectFailure(adapter.runCase(request("b"), 5_000), "JP_HOST_MALFORMED", 'a second answer to case "a", read while case "b" was running');
    } finally {
      await adapter.close();
    }
  });

  it("wrong id or wrong message: JP_HOST_MISSING_RESULT naming both", async () => {
    for (const [mode, fragment] of [
      ["id", 'the host answered case "not-w" while case "w" was running'],
      ["handshake", 'the host answered case "w" with a "handshake" message'],
    ] as const) {
      const adapter = withAdapter(host("wrong-id.mjs", mode));
      try {
        await expectFailure(adapter.runCase(request("w"), 5_000), "JP_HOST_MISSING_RESULT", fragment);
      } finally {
        await adapter.close();
      }
    }
  });

  it("bad handshakes: JP_HOST_HANDSHAKE saying what was wrong, from handshake() and from runCase()", async () => {
    for (const [mode, fragment] of [
      ["missing-field", "must have required property 'capabilities'"],
      ["protocol-1", "the host speaks protocol 1; this harness speaks protocol 2"],
      ["not-json", `the host's handshake is not JSON`],
      ["exit", "the host exited with code 4 before its handshake"],
      // A blank line (spaces and tabs) is skipped; one holding only a byte order mark is a line that is not JSON.
      ["bom-line", `the host's handshake is not JSON`],
    ] as const) {
      const adapter = withAdapter(host("bad-handshake.mjs", mode));
      try {
        const error = await expectFailure(adapter.handshake(), "JP_HOST_HANDSHAKE", fragment);
        if (mode === "exit") expect(error.message).toContain("bad-handshake.mjs: not today");
        if (mode === "missing-field") await expectFailure(adapter.runCase(request("h"), 5_000), "JP_HOST_HANDSHAKE", fragment);
      } finally {
        await adapter.close();
      }
    }
  });

  it("silence: JP_HOST_HANDSHAKE after handshakeTimeoutMs, and the process is gone", async () => {
    const adapter = withAdapter(host("silent.mjs"), { handshakeTimeoutMs: 300 });
    try {
      const pending = adapter.handshake();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const pid = adapter.pid!;
      await expectFailure(pending, "JP_HOST_HANDSHAKE", "no handshake from the host within 300 ms");
      expect(await gone(pid)).toBe(true);
    } finally {
      await adapter.close();
    }
  });

  it("a host that ignores shutdown: close() kills it after the shutdown timeout and says so", async () => {
    const adapter = withAdapter(host("ignores-shutdown.mjs"), { shutdownTimeoutMs: 300 });
    expect(await adapter.runCase(request("s"), 5_000)).toMatchObject({ kind: "result" });
    const pid = adapter.pid!;
    const problem = await adapter.close();
    expect(problem).toEqual({ code: "JP_HOST_SHUTDOWN", message: "the host did not exit within 300 ms of shutdown (it must exit with code 0); it was killed" });
    expect(await gone(pid)).toBe(true);
  });

  it("a host that exits at shutdown: close() has nothing to say", async () => {
    const adapter = withAdapter(host("garbage.mjs", "twice"));
    await adapter.handshake();
    expect(await adapter.close()).toBeUndefined();
  });

  it("a command that does not exist: JP_HOST_SPAWN", async () => {
    const adapter = withAdapter("./no-such-host --serve");
    try {
      await expectFailure(adapter.handshake(), "JP_HOST_SPAWN", "command not found", "no-such-host");
    } finally {
      await adapter.close();
    }
  });
});

describe("a case's clock (askHost, what the gate and host fuzzing send each case through)", () => {
  it("is sent after the host is back: askHost asks for the handshake (a restart's) before it sends the case", async () => {
    const calls: string[] = [];
    let handshakes = 0;
    const adapter: HostAdapter = {
      handshake: async () => {
        calls.push("handshake");
        await new Promise((resolve) => setTimeout(resolve, 20)); // a host coming back
        handshakes++;
        return referenceHandshake();
      },
      runCase: async (request, timeoutMs) => {
        calls.push(`run ${request.id} after ${handshakes} handshake(s), ${timeoutMs} ms`);
        return runReferenceCase(request);
      },
      close: async () => {},
    };
    const answer = await askHost(adapter, counterRequest, 300);
    expect(answer.kind).toBe("result");
    expect(calls).toEqual(["handshake", `run ${counter.id} after 1 handshake(s), 300 ms`]);
  });

  it("holds a restart's handshake to the first's rules: one that does not serve ABI 1.0 is JP_HOST_HANDSHAKE, and no case is sent", async () => {
    let handshakes = 0;
    let sent = 0;
    const adapter: HostAdapter = {
      handshake: async () => (++handshakes === 1 ? referenceHandshake() : { ...referenceHandshake(), abiVersions: ["2.0"] }),
      runCase: async (request) => {
        sent++;
        return runReferenceCase(request);
      },
      close: async () => {},
    };
    expect((await askHost(adapter, counterRequest, 1_000)).kind).toBe("result");
    await expectFailure(askHost(adapter, counterRequest, 1_000), "JP_HOST_HANDSHAKE", "every host must serve ABI 1.0");
    expect(sent).toBe(1);
  });
});
