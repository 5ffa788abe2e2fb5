import { describe, expect, it } from "vitest";
import { canonicalJson, firstDivergence, formatDivergence } from "../../harness/trace/diff.ts";
import { formatEvent } from "../../harness/trace/format.ts";
import { Normalizer } from "../../harness/trace/normalize.ts";

const JOB_A = "aaaaaaaa-0000-4000-8000-000000000001";
const JOB_B = "bbbbbbbb-0000-4000-8000-000000000002";
const LIB = "cccccccc-0000-4000-8000-000000000003";
const ENTRY = "dddddddd-0000-4000-8000-000000000004";

describe("Normalizer", () => {
  it("names job ids job:0, job:1, ... in order of appearance (not in the order of the job set)", () => {
    const normalizer = new Normalizer(new Set([JOB_A, JOB_B]));
    const out = normalizer.normalize([
      { kind: "status", job: JOB_B },
      { kind: "status", job: JOB_A },
    ]);
    expect(out).toEqual([
      { kind: "status", job: "job:0" },
      { kind: "status", job: "job:1" },
    ]);
  });

  it("names other UUIDs id:0, id:1, ... separately from job ids (an object's fields in the order of their names)", () => {
    const normalizer = new Normalizer(new Set([JOB_A]));
    expect(normalizer.normalize({ library: LIB, job: JOB_A, entry: ENTRY })).toEqual({ library: "id:1", job: "job:0", entry: "id:0" });
  });

  it("gives one UUID the same name everywhere, inside strings, nested values and later calls", () => {
    const normalizer = new Normalizer(new Set([JOB_A, JOB_B]));
    const first = normalizer.normalize({
      kind: "child_spawned",
      job: JOB_A,
      child: JOB_B,
      params: `{"parent":"${JOB_A}","library":"${LIB}"}`,
      nested: [{ deep: { id: LIB } }, `job ${JOB_B} at ${LIB}`],
    });
    // `child` comes before `job` by name; in a result the event's job was named by its JobResult's `id` already.
    expect(first).toEqual({
      kind: "child_spawned",
      job: "job:1",
      child: "job:0",
      params: '{"parent":"job:1","library":"id:0"}',
      nested: [{ deep: { id: "id:0" } }, "job job:0 at id:0"],
    });
    // The same normalizer across parts of one run: the child's own trace uses the parent's names for it.
    expect(normalizer.normalize({ job: JOB_B, message: `from ${JOB_A}` })).toEqual({ job: "job:0", message: "from job:1" });
    expect(normalizer.name(LIB)).toBe("id:0");
  });

  it("turns bigints into decimal strings, bytes into number arrays, and drops undefined fields", () => {
    const normalizer = new Normalizer(new Set());
    expect(
      normalizer.normalize({
        delta: 1n,
        total: 18446744073709551615n,
        list: [0n, { n: -5n }],
        bytes: new Uint8Array([1, 2]),
        gone: undefined,
        keep: null,
        value: 0.5,
        flag: false,
      }),
    ).toEqual({ delta: "1", total: "18446744073709551615", list: ["0", { n: "-5" }], bytes: [1, 2], keep: null, value: 0.5, flag: false });
  });

  it("names hyphenated UUIDs as hosts must write them, in lower case; a job id spelled as 32 hex digits in either case", () => {
    const id = "0c1a287c-7ef6-4846-8b0a-3f0dbd823a14";
    const normalizer = new Normalizer(new Set([id]));
    const hex = id.replace(/-/g, "");
    expect(normalizer.normalize([id, `child=16:${hex}`, `child=16:${hex.toUpperCase()}`])).toEqual(["job:0", "child=16:job:0", "child=16:job:0"]);
    // An upper-case UUID is left as it is: a host that writes one where a guest shows it differs from one that does not.
    expect(normalizer.normalize(`context ${id.toUpperCase()}`)).toBe(`context ${id.toUpperCase()}`);
  });

  it("result.ids: names ids whatever order a host writes an object's fields in", () => {
    const asWritten = { kind: "call", job: JOB_A, library: LIB, request: {}, response: { id: ENTRY } };
    const reordered = { response: { id: ENTRY }, request: {}, library: LIB, job: JOB_A, kind: "call" };
    const named = (event: object) => new Normalizer(new Set([JOB_A])).normalize(event);
    expect(named(reordered)).toEqual(named(asWritten));
    expect(named(asWritten)).toEqual({ kind: "call", job: "job:0", library: "id:0", request: {}, response: { id: "id:1" } });
    // The copy keeps the fields in the order the host wrote them.
    expect(Object.keys(named(reordered))).toEqual(Object.keys(reordered));
  });

  it("keeps a field a host names __proto__ as a field (JSON.parse makes it one)", () => {
    const written = JSON.parse('{"kind":"call","response":{"__proto__":{"entry":"x"}}}') as object;
    const normalized = new Normalizer(new Set()).normalize(written);
    expect(JSON.stringify(normalized)).toBe('{"kind":"call","response":{"__proto__":{"entry":"x"}}}');
  });

  it("names a job id spelled as 32 hex digits at any offset of a text", () => {
    const hex = JOB_B.replace(/-/g, "");
    const normalizer = new Normalizer(new Set([JOB_A, JOB_B]));
    expect(normalizer.normalize([`hex:ff${hex}`, `hex:${hex}ff`, `hex:f${hex}${hex}`])).toEqual(["hex:ffjob:0", "hex:job:0ff", "hex:fjob:0job:0"]);
  });

  it("leaves text without UUIDs unchanged", () => {
    const normalizer = new Normalizer(new Set([JOB_A]));
    expect(normalizer.normalize("Counted 3/25 not-a-uuid 1234")).toBe("Counted 3/25 not-a-uuid 1234");
  });
});

describe("firstDivergence", () => {
  const a = { kind: "status", job: "job:0", status: "Queued" };
  const b = { kind: "status", job: "job:0", status: "Running" };
  const c = { kind: "progress", job: "job:0", value: 0.5, message: "half" };
  const d = { kind: "status", job: "job:0", status: "Completed" };

  it("is null for equal traces (including two empty traces)", () => {
    expect(firstDivergence([a, b, c, d], [a, b, c, d])).toBeNull();
    expect(firstDivergence([], [])).toBeNull();
  });

  it("returns the index and both events of the first difference", () => {
    const other = { ...c, value: 0.25 };
    const divergence = firstDivergence([a, b, c, d], [a, b, other, d]);
    expect(divergence).not.toBeNull();
    expect(divergence!.index).toBe(2);
    expect(divergence!.left).toEqual(c);
    expect(divergence!.right).toEqual(other);
    expect(divergence!.before).toEqual([a, b]);
  });

  it("finds a difference at index 0 and in nested values", () => {
    expect(firstDivergence([a], [b])?.index).toBe(0);
    const nested = (n: number) => ({ kind: "call", response: { list: [{ x: 1 }, { x: n }] } });
    expect(firstDivergence([a, nested(1)], [a, nested(2)])?.index).toBe(1);
  });

  it("handles one trace being a prefix of the other, on either side", () => {
    const shorter = firstDivergence([a, b], [a, b, c]);
    expect(shorter).toMatchObject({ index: 2, right: c });
    expect(shorter!.left).toBeUndefined();
    const longer = firstDivergence([a, b, c], [a, b]);
    expect(longer).toMatchObject({ index: 2, left: c });
    expect(longer!.right).toBeUndefined();
    expect(firstDivergence([], [a])?.index).toBe(0);
  });

  it("ignores key order, at every depth", () => {
    const left = [{ kind: "call", job: "job:0", response: { b: 2, a: { y: 1, x: [1, { q: 1, p: 2 }] } } }];
    const right = [{ response: { a: { x: [1, { p: 2, q: 1 }], y: 1 }, b: 2 }, job: "job:0", kind: "call" }];
    expect(firstDivergence(left, right)).toBeNull();
    expect(canonicalJson(left[0])).toBe(canonicalJson(right[0]));
  });

  it("does not ignore array order or value types", () => {
    expect(firstDivergence([{ x: [1, 2] }], [{ x: [2, 1] }])?.index).toBe(0);
    expect(firstDivergence([{ x: "1" }], [{ x: 1 }])?.index).toBe(0);
  });

  it("keeps at most contextSize events of context", () => {
    const trace = [a, b, c, d, a, b];
    const divergence = firstDivergence(trace, [...trace.slice(0, 5), c], 2);
    expect(divergence!.index).toBe(5);
    expect(divergence!.before).toEqual([d, a]);
  });
});

describe("formatDivergence", () => {
  const a = { kind: "status", job: "job:0", status: "Queued" };
  const b = { kind: "status", job: "job:0", status: "Running" };
  const left = { kind: "progress", job: "job:0", value: 0.5, message: "half" };
  const right = { kind: "progress", job: "job:0", value: 0.25, message: "quarter" };

  it("names both sides, the index, both events, and the equal events before it", () => {
    const text = formatDivergence(firstDivergence([a, b, left], [a, b, right])!, "native", "wasm");
    expect(text).toContain("#2");
    expect(text).toMatch(/native\s+#2 .*"half"/);
    expect(text).toMatch(/wasm\s+#2 .*"quarter"/);
    expect(text).toContain(`#0 ${canonicalJson(a)}`);
    expect(text).toContain(`#1 ${canonicalJson(b)}`);
  });

  it("says which trace ended when one is a prefix of the other", () => {
    const text = formatDivergence(firstDivergence([a, b], [a, b, right])!, "native", "wasm");
    expect(text).toMatch(/native\s+#2 \(trace ended\)/);
    expect(text).toMatch(/wasm\s+#2 .*"quarter"/);
  });
});

describe("formatEvent", () => {
  it("shows a status with how the run ended, and a progress value as a percentage", () => {
    expect(formatEvent({ kind: "status", job: "job:0", status: "Paused", end: { cause: "returned", code: 1 } })).toMatch(/^status\s+Paused \(returned 1\)$/);
    expect(formatEvent({ kind: "status", job: "job:0", status: "Failed", end: { cause: "trap" } })).toMatch(/Failed \(trapped\)/);
    expect(formatEvent({ kind: "progress", job: "job:0", value: 0.5, message: "half" })).toMatch(/^progress\s+50\.0%\s+"half"$/);
  });

  it("shows a refusal's words when the trace has them, and its argument or limit when it was compared without them", () => {
    const refusal = { kind: "abi_violation", job: "job:0", import: "job_log", code: "LIMIT_EXCEEDED", arg: null, limit: "maxLogLinesPerJob" };
    expect(formatEvent({ ...refusal, detail: "too many lines" })).toMatch(/^abi_violation\s+job_log LIMIT_EXCEEDED: too many lines$/);
    expect(formatEvent(refusal)).toMatch(/^abi_violation\s+job_log LIMIT_EXCEEDED \(maxLogLinesPerJob\)$/);
    expect(formatEvent({ ...refusal, code: "BAD_RETURN", limit: null })).toMatch(/^abi_violation\s+job_log BAD_RETURN$/);
  });
});
