import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CAPABILITIES, CAPABILITY_IDS } from "../../harness/abi/capabilities.ts";
import {
  asU64,
  bytesToTraceText,
  decodeUtf8,
  encodeUtf8,
  frameLengthPrefixed,
  saturatingAddU64,
  U64_MAX,
  utf8ByteLength,
  uuidFromBytes,
  uuidToBytes,
} from "../../harness/abi/codec.ts";
import { IMPORT_NAMES, IMPORTS, importSignature, importSpec } from "../../harness/abi/imports.ts";
import { GuestMemory } from "../../harness/abi/memory.ts";
import { STATUS, STATUS_DESCRIPTIONS, statusName, type StatusName } from "../../harness/abi/status.ts";
import { DocumentRegionError, fillDocument } from "../../harness/report/spec-document.ts";
import { isInputError } from "../../harness/cli/input-errors.ts";
import { SPEC_DOCUMENTS } from "../../harness/cli/abi.ts";
import { CLAUSES, isClauseId, sectionOf } from "../../harness/abi/clauses.ts";
import { ARG } from "../../harness/abi/arguments.ts";
import { GUEST_EXPORTS } from "../../harness/abi/exports.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";
import { checkLink } from "../../harness/engine/link.ts";
import { CORE_DECISIONS } from "../../harness/abi/core-decisions.ts";
import { MAX_NESTING, parseExactJson } from "../../harness/abi/json-exact.ts";
import { progressProblem } from "../../harness/abi/progress.ts";
import { requestedAbi } from "../../harness/abi/version.ts";

/**
 * The nine imports Spacedrive's SDK declares today, with their exact wasm types, copied from
 * /work/shared/reference/spacedrive-facts.md ("Imports that exist today"). This is the external contract: it is
 * hard-coded here, not read from the table under test.
 */
const SPACEDRIVE_IMPORTS: readonly [string, string][] = [
  ["spacedrive_log", "(i32, i32, i32) -> ()"],
  ["spacedrive_call", "(i32, i32, i32, i32, i32) -> (i32)"],
  ["register_job", "(i32, i32, i32, i32, i32) -> (i32)"],
  ["job_report_progress", "(i32, f32, i32, i32) -> ()"],
  ["job_checkpoint", "(i32, i32, i32) -> (i32)"],
  ["job_check_interrupt", "(i32) -> (i32)"],
  ["job_add_warning", "(i32, i32, i32) -> ()"],
  ["job_increment_bytes", "(i32, i64) -> ()"],
  ["job_increment_items", "(i32, i64) -> ()"],
];

describe("the ABI table", () => {
  it("the first nine imports are exactly Spacedrive's, with their exact types, in order", () => {
    expect(IMPORTS.slice(0, 9).map((spec) => [spec.name, importSignature(spec)])).toEqual(SPACEDRIVE_IMPORTS);
    expect(IMPORTS.slice(0, 9).every((spec) => spec.origin === "spacedrive")).toBe(true);
    expect(IMPORTS.slice(9).every((spec) => spec.origin === (spec.since === "1.0" ? "v1" : "v1.1"))).toBe(true);
  });

  it("import names are unique and IMPORT_NAMES lists them in table order", () => {
    const names = IMPORTS.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    expect(IMPORT_NAMES).toEqual(names);
    for (const name of names) expect(importSpec(name)?.name).toBe(name);
    expect(importSpec("job_teleport")).toBeUndefined();
  });

  it("each parameter list matches the declared wasm types (job ids are i32 pointers, u64 is i64, progress is f32)", () => {
    for (const spec of IMPORTS) {
      for (const param of spec.params) {
        if (["job_id", "ptr", "len", "level", "flag"].includes(param.role)) expect(param.type, `${spec.name}.${param.name}`).toBe("i32");
        if (param.role === "u64") expect(param.type, `${spec.name}.${param.name}`).toBe("i64");
        if (param.role === "f32_progress") expect(param.type, `${spec.name}.${param.name}`).toBe("f32");
      }
      if (spec.name.startsWith("job_")) expect(spec.params[0]?.role, `${spec.name} takes the job id first`).toBe("job_id");
    }
  });

  it("every import serves at least one capability, except register_job, which serves none", () => {
    for (const spec of IMPORTS) {
      if (spec.name === "register_job") expect(spec.capabilities).toEqual([]);
      else expect(spec.capabilities.length, `${spec.name} has no capability`).toBeGreaterThanOrEqual(1);
    }
  });

  it("every capability is served by at least one import, and every import's capabilities exist", () => {
    for (const id of CAPABILITY_IDS) {
      expect(IMPORTS.filter((spec) => (spec.capabilities as readonly string[]).includes(id)).length, `capability ${id}`).toBeGreaterThanOrEqual(1);
    }
    for (const spec of IMPORTS) for (const capability of spec.capabilities) expect(CAPABILITY_IDS).toContain(capability);
    expect(new Set(CAPABILITIES.map((c) => c.id)).size).toBe(CAPABILITIES.length);
  });

  it("status codes are unique, every one is described, and statusName round-trips", () => {
    const entries = Object.entries(STATUS) as [StatusName, number][];
    expect(new Set(entries.map(([, code]) => code)).size).toBe(entries.length);
    expect(STATUS.OK).toBe(0);
    for (const [name, code] of entries) {
      expect(statusName(code)).toBe(name);
      expect(STATUS_DESCRIPTIONS[name]).toBeTruthy();
    }
    expect(statusName(999)).toBe("UNKNOWN(999)");
    expect(statusName(-1)).toBe("UNKNOWN(-1)");
  });

  it("every status an import can report is a real status name", () => {
    for (const spec of IMPORTS) for (const status of spec.statuses) expect(Object.keys(STATUS), spec.name).toContain(status);
  });

  it("a guest sees the imports of the version it asks for: a 1.0 guest exactly ABI 1.0, a 1.1 guest all of them (link.imports)", () => {
    const guest = (marker: string | null, name: string) => ({
      imports: [{ module: "spacedrive", name, kind: "function" as const, type: { params: importSpec(name)!.params.map((p) => p.type), results: [...importSpec(name)!.results] } }],
      exports: [
        { name: "memory", kind: "memory" as const },
        { name: "wasm_alloc", kind: "function" as const, type: { params: ["i32" as const], results: ["i32" as const] } },
        ...(marker === null ? [] : [{ name: marker, kind: "global" as const }]),
      ],
      hasStart: false,
    });
    const v11 = IMPORTS.filter((spec) => spec.since === "1.1").map((spec) => spec.name);
    expect(v11).toEqual(["job_progress", "job_metrics", "job_checkpoint_stateless", "job_wait_for_children"]);
    for (const spec of IMPORTS) {
      for (const marker of [null, "spacedrive_abi_version_1_0"]) {
        const problems = checkLink(guest(marker, spec.name));
        expect(problems.length, `${spec.name} for a 1.0 guest (${marker ?? "no marker"})`).toBe(spec.since === "1.0" ? 0 : 1);
      }
      expect(checkLink(guest("spacedrive_abi_version_1_1", spec.name)), `${spec.name} for a 1.1 guest`).toEqual([]);
    }
  });
});

describe("reading what a guest wrote", () => {
  it("version.marker: markers are read as numbers (_1_01 and _1_1 are one version, _1_00 is 1.0)", () => {
    expect(requestedAbi(["spacedrive_abi_version_1_1", "spacedrive_abi_version_1_01"]).version).toBe("1.1");
    expect(requestedAbi(["spacedrive_abi_version_1_00"]).version).toBe("1.0");
    expect(() => requestedAbi(["spacedrive_abi_version_1_0", "spacedrive_abi_version_1_1"])).toThrow(RangeError);
  });

  it("progress.structured: JSON as serde_json reads it: 127 nested arrays and objects, not 128; __proto__ is a key", () => {
    const nested = (depth: number) => `{"type":"Structured","data":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
    expect(MAX_NESTING).toBe(127);
    expect(progressProblem(parseExactJson(nested(127)))).toBeNull();
    expect(() => parseExactJson(nested(128))).toThrow(/nested more than 127 deep/);
    expect(progressProblem(parseExactJson('{"__proto__":{"type":"Indeterminate","data":"x"}}'))).toMatch(/type must be one of/);
    expect(() => parseExactJson('{"__proto__":1,"__proto__":2}')).toThrow(/twice/);
    expect(() => parseExactJson('{"type":"Structured","data":1e400}')).toThrow(/too large for a double/);
    expect(progressProblem(parseExactJson('{"type":"Structured","data":1e308}'))).toBeNull();
  });
});

describe("codecs", () => {
  it("uuid bytes -> string -> bytes round-trips, lowercase, hyphenated", () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => (i * 17 + 0xa0) & 0xff);
    const text = uuidFromBytes(bytes);
    expect(text).toBe("a0b1c2d3-e4f5-0617-2839-4a5b6c7d8e9f");
    expect(Array.from(uuidToBytes(text))).toEqual(Array.from(bytes));
    // Every byte value, at every position.
    for (let k = 0; k < 16; k++) {
      const each = Uint8Array.from({ length: 16 }, (_, i) => (k * 16 + i * 17) & 0xff);
      expect(Array.from(uuidToBytes(uuidFromBytes(each)))).toEqual(Array.from(each));
      expect(Array.from(uuidToBytes(uuidFromBytes(each).toUpperCase()))).toEqual(Array.from(each));
    }
  });

  it("uuid string -> bytes -> string round-trips and normalizes case; offsets are honoured", () => {
    const upper = "0123ABCD-4567-89EF-0123-456789ABCDEF";
    expect(uuidFromBytes(uuidToBytes(upper))).toBe(upper.toLowerCase());
    const padded = new Uint8Array(20);
    padded.set(uuidToBytes(upper), 4);
    expect(uuidFromBytes(padded, 4)).toBe(upper.toLowerCase());
  });

  it("uuidToBytes rejects text that is not a UUID", () => {
    expect(() => uuidToBytes("not-a-uuid")).toThrow(TypeError);
    expect(() => uuidToBytes("0123abcd456789ef0123456789abcdef")).toThrow(TypeError);
  });

  it("frameLengthPrefixed writes a u32 little-endian length, then the bytes", () => {
    const payload = new Uint8Array(258).fill(7);
    const framed = frameLengthPrefixed(payload);
    expect(framed.length).toBe(262);
    expect(Array.from(framed.subarray(0, 4))).toEqual([2, 1, 0, 0]);
    expect(Array.from(framed.subarray(4))).toEqual(Array.from(payload));
    expect(Array.from(frameLengthPrefixed(encodeUtf8("hi")))).toEqual([2, 0, 0, 0, 104, 105]);
    expect(Array.from(frameLengthPrefixed(new Uint8Array()))).toEqual([0, 0, 0, 0]);
  });

  it("asU64 gives an i64's u64 meaning", () => {
    expect(U64_MAX).toBe(2n ** 64n - 1n);
    expect(asU64(-1n)).toBe(2n ** 64n - 1n);
    expect(asU64(-(2n ** 63n))).toBe(2n ** 63n);
    expect(asU64(5n)).toBe(5n);
  });

  it("saturatingAddU64 adds, and saturates at 2^64-1", () => {
    expect(saturatingAddU64(2n, 3n)).toBe(5n);
    expect(saturatingAddU64(U64_MAX - 1n, 1n)).toBe(U64_MAX);
    expect(saturatingAddU64(U64_MAX - 1n, 5n)).toBe(U64_MAX);
    expect(saturatingAddU64(U64_MAX, U64_MAX)).toBe(U64_MAX);
  });

  it("decodeUtf8 refuses invalid UTF-8 (null) instead of replacing it", () => {
    expect(decodeUtf8(encodeUtf8("héllo ✓"))).toBe("héllo ✓");
    expect(decodeUtf8(new Uint8Array())).toBe("");
    expect(decodeUtf8(new Uint8Array([0xff]))).toBeNull();
    expect(decodeUtf8(new Uint8Array([0x61, 0xc3]))).toBeNull(); // truncated sequence
    expect(decodeUtf8(new Uint8Array([0xc0, 0xaf]))).toBeNull(); // overlong
    expect(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBeNull(); // lone surrogate
  });

  it("utf8ByteLength is the length TextEncoder produces, surrogate pairs and lone surrogates included", () => {
    for (const text of ["", "abc", "é", "ééé", "✓", "😀", "a😀b", "\ud800", "x\udc00", "\ud800\ud800\udc00", "end\ud83d"]) {
      expect(utf8ByteLength(text), JSON.stringify(text)).toBe(encodeUtf8(text).length);
    }
  });

  it("bytesToTraceText is the text when valid, else hex: and the bytes", () => {
    expect(bytesToTraceText(encodeUtf8('{"a":1}'))).toBe('{"a":1}');
    expect(bytesToTraceText(new Uint8Array([0xff, 0x00, 0x0a]))).toBe("hex:ff000a");
    expect(bytesToTraceText(new Uint8Array([0x61, 0xc3]))).toBe("hex:61c3");
  });
});

describe("GuestMemory bounds", () => {
  const PAGE = 65536;

  it("slices in bounds, and the slice aliases guest memory", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint8Array(memory.buffer).set([1, 2, 3], 100);
    const guest = new GuestMemory(memory);
    expect(Array.from(guest.slice(100, 3)!)).toEqual([1, 2, 3]);
    expect(guest.slice(PAGE - 4, 4)?.length).toBe(4);
  });

  it("rejects ptr+len past the end", () => {
    const guest = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
    expect(guest.slice(PAGE - 4, 5)).toBeNull();
    expect(guest.slice(PAGE, 1)).toBeNull();
    expect(guest.slice(0, PAGE + 1)).toBeNull();
  });

  it("rejects pointers near 2^32 whose end would wrap, and negative i32s (u32 meaning)", () => {
    const guest = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
    expect(guest.slice(0xffff_fff0, 0x20)).toBeNull(); // wraps to 0x10 in u32 arithmetic
    expect(guest.slice(-16, 32)).toBeNull(); // i32 -16 is u32 0xfffffff0
    expect(guest.slice(0xffff_ffff, 1)).toBeNull();
    expect(guest.slice(16, -1)).toBeNull(); // length 0xffffffff
  });

  it("accepts length 0 at the exact end, but not past it", () => {
    const guest = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
    expect(guest.slice(PAGE, 0)?.length).toBe(0);
    expect(guest.slice(PAGE + 1, 0)).toBeNull();
  });

  it("refreshes its view after memory.grow", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const guest = new GuestMemory(memory);
    expect(guest.slice(PAGE, 16)).toBeNull();
    memory.grow(1);
    new Uint8Array(memory.buffer).set([9, 8, 7], PAGE + 10);
    const grown = guest.slice(PAGE + 10, 3);
    expect(grown).not.toBeNull();
    expect(Array.from(grown!)).toEqual([9, 8, 7]);
    expect(guest.view().byteLength).toBe(2 * PAGE);
    expect(guest.write(PAGE + 20, new Uint8Array([5]))).toBe(true);
    expect(new Uint8Array(memory.buffer)[PAGE + 20]).toBe(5);
  });
});

describe("the specification's documents (docs/ABI.md, conformance/PROTOCOL.md)", () => {
  const documents = SPEC_DOCUMENTS.map((path) => ({ path, text: readFileSync(join(PROJECT_ROOT, path), "utf8") }));

  it("hold every generated region as the data writes it today", () => {
    for (const { path, text } of documents) {
      expect(fillDocument(text, path) === text, `${path} is out of date with harness/abi: run \`npm run docs\``).toBe(true);
    }
  });

  it("print every clause exactly once, in the document its section belongs to, with an anchor", () => {
    for (const clause of CLAUSES) {
      const document = sectionOf(clause).document === "abi" ? "docs/ABI.md" : "conformance/PROTOCOL.md";
      for (const { path, text } of documents) {
        const anchors = text.split(`<a id="${clause.id}"></a>`).length - 1;
        expect(anchors, `${clause.id} in ${path}`).toBe(path === document ? 1 : 0);
      }
    }
  });

  it("link only to clauses that exist", () => {
    for (const { path, text } of documents) {
      for (const match of text.matchAll(/\]\((?:\.\.\/docs\/ABI\.md|\.\.\/conformance\/PROTOCOL\.md)?#([a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9-]+)\)/g)) {
        expect(isClauseId(match[1]!), `${path} links to #${match[1]}, which is no clause`).toBe(true);
      }
    }
  });

  it("a region nothing generates is an error that names it", () => {
    expect(() => fillDocument("<!-- BEGIN GENERATED: teleport -->\n<!-- END GENERATED: teleport -->", "x.md")).toThrow(/x\.md has regions nothing generates: teleport/);
  });

  it("a BEGIN without its END, or an END without its BEGIN, is an error naming the line (the region is not skipped)", async () => {
    const text = readFileSync(join(PROJECT_ROOT, "docs/ABI.md"), "utf8");
    const lines = text.split("\n");
    const end = lines.findIndex((line) => line.startsWith("<!-- END GENERATED: "));
    const begin = lines.findIndex((line) => line.startsWith("<!-- BEGIN GENERATED: "));
    const region = lines[begin]!.slice("<!-- BEGIN GENERATED: ".length, -" -->".length);
    const noEnd = lines.filter((_, index) => index !== end).join("\n");
    expect(() => fillDocument(noEnd, "ABI.md")).toThrow(new RegExp(`^ABI\\.md:${begin + 1}: BEGIN GENERATED: ${region} has no END`));
    const noBegin = lines.filter((_, index) => index !== begin).join("\n");
    expect(() => fillDocument(noBegin, "ABI.md")).toThrow(new RegExp(`^ABI\\.md:${end}: END GENERATED: ${region} has no BEGIN`));
    const error = (() => {
      try {
        fillDocument(noEnd, "ABI.md");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DocumentRegionError);
    expect((error as DocumentRegionError).code).toBe("JP_DOCUMENT");
    // The CLI prints it as the user's mistake (message and code, exit 2), not as an internal error.
    expect(await isInputError(error)).toBe(true);
  });
});

describe("the clauses", () => {
  it("every decision against core names real clauses and a source line at the pinned commit", () => {
    expect(CORE_DECISIONS.length).toBeGreaterThanOrEqual(10);
    for (const decision of CORE_DECISIONS) {
      for (const id of decision.clauses) expect(isClauseId(id), `${decision.topic}: ${id}`).toBe(true);
      expect(decision.source, decision.topic).toMatch(/^core\/src\/infra\/job\/[a-z_]+\.rs:\d+(-\d+)?/);
    }
  });

  it("have unique ids of the form <section>.<rule>, each in a known section, with a normative text", () => {
    const ids = CLAUSES.map((clause) => clause.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const clause of CLAUSES) {
      expect(clause.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(() => sectionOf(clause), clause.id).not.toThrow();
      // Whole sentences; a SHOULD clause says what it advises (a MUST clause's every sentence binds).
      expect(clause.text, clause.id).toMatch(/^[A-Z`].{30,}\.$/s);
      if (clause.level === "SHOULD") expect(clause.text, clause.id).toMatch(/\bshould\b/);
    }
  });

  it("name only imports, exports and statuses the tables have", () => {
    const exportNames = new Set(GUEST_EXPORTS.map((spec) => spec.name));
    for (const clause of CLAUSES) {
      for (const name of clause.imports ?? []) expect(importSpec(name), `${clause.id}: import ${name}`).toBeDefined();
      for (const name of clause.exports ?? []) expect(exportNames.has(name), `${clause.id}: export ${name}`).toBe(true);
      for (const status of clause.statuses ?? []) expect(status in STATUS, `${clause.id}: status ${status}`).toBe(true);
    }
  });

  it("every parameter an abi_violation can name is a parameter of the imports table", () => {
    const params = new Set(IMPORTS.flatMap((spec) => spec.params.map((param) => param.name)));
    for (const [name, argument] of Object.entries(ARG)) expect(params.has(argument.param), name).toBe(true);
  });
});
