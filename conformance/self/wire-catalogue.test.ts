import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { isWireError, WIRE_ERROR_SCHEMA, WIRE_METHOD_NAMES, WIRE_METHODS, wireMethod } from "../../harness/abi/wire-methods.ts";
import { ReferenceHost } from "../../harness/host/host.ts";
import { discoverFixtures } from "../../harness/suite/fixtures.ts";
import { readGolden } from "../../harness/suite/goldens.ts";

// The wire catalogue (harness/abi/wire-methods.ts, printed in docs/ABI.md) is the contract of every method: these
// tests hold the reference host to it, answer by answer, over every call any golden records.

const ajv = new Ajv({ allErrors: true, strict: false });
const answers = new Map(WIRE_METHODS.map((method) => [method.method, ajv.compile(method.answer)]));
const requests = new Map(WIRE_METHODS.filter((method) => method.request !== null).map((method) => [method.method, ajv.compile(method.request!)]));
// A golden keeps only an error answer's code (its words are not compared).
const errorAnswer = ajv.compile({ ...WIRE_ERROR_SCHEMA, properties: { code: (WIRE_ERROR_SCHEMA.properties as Record<string, unknown>).code }, required: ["code"] });

/** A golden's renamed ids (`id:3`, `job:0`) as the UUIDs a host wrote, for the schemas' UUID patterns. */
function withUuids(value: unknown): unknown {
  if (typeof value === "string") return /^(id|job):\d+$/.test(value) ? "00000000-0000-4000-8000-000000000000" : value;
  if (Array.isArray(value)) return value.map(withUuids);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withUuids(item)]));
  return value;
}

/** Every call event of every golden: what the reference host answered, as the gate compares it. */
const calls = discoverFixtures().flatMap((fixture) => {
  const golden = readGolden(fixture);
  if (!("result" in golden)) return [];
  const events = [...golden.result.extension, ...golden.result.jobs.flatMap((job) => job.trace)];
  return events.flatMap((event) => (event.kind === "call" ? [{ case: fixture.id, method: event.method, request: withUuids(event.request), response: withUuids(event.response) }] : []));
});

describe("the wire catalogue", () => {
  it("names exactly the methods the reference host serves", () => {
    expect(new ReferenceHost().wire.methods().sort()).toEqual([...WIRE_METHOD_NAMES].sort());
  });

  it("every method is of the wire form, says where it comes from, and why when only the reference host has it", () => {
    for (const method of WIRE_METHODS) {
      expect(method.method).toMatch(/^(query:[A-Za-z0-9_.]+|action:[A-Za-z0-9_.]+\.input)$/);
      if (method.origin === "reference") expect(method.why, method.method).toBeTruthy();
    }
  });

  it("the goldens call every method of the catalogue", () => {
    const called = new Set(calls.map((call) => call.method));
    expect(WIRE_METHOD_NAMES.filter((name) => !called.has(name))).toEqual([]);
  });

  it("every answer in every golden is its method's answer or an error answer (whose words the golden does not hold)", () => {
    expect(calls.length).toBeGreaterThan(30);
    for (const call of calls) {
      const where = `${call.case}: ${call.method}`;
      const response = call.response as Record<string, unknown>;
      if (typeof response === "object" && response !== null && "code" in response && !("error" in response)) {
        expect(errorAnswer(response), `${where}: ${JSON.stringify(errorAnswer.errors)}`).toBe(true);
        continue;
      }
      const validate = answers.get(call.method);
      expect(validate, `${where}: a method the catalogue does not have answered something else than an error`).toBeDefined();
      expect(validate!(response), `${where}: ${JSON.stringify(validate!.errors)}`).toBe(true);
      // A method's answer is never mistaken for an error answer.
      expect(isWireError(response), where).toBe(false);
    }
  });

  it("every request that was answered (not an error) is what the method reads", () => {
    for (const call of calls) {
      const validate = requests.get(call.method);
      const response = call.response as Record<string, unknown>;
      if (validate === undefined || "code" in response) continue;
      expect(validate(call.request), `${call.case}: ${call.method}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("the answer's fields, in the guest's bytes, come in the catalogue's order", () => {
    const host = new ReferenceHost();
    const scope = host.openExtension("ext");
    const ping = host.ops.call(scope, null, "action:test.ping.input", null, { message: "hi", count: 2 });
    expect(JSON.stringify(ping)).toBe('{"echo":"Pong: hi","count":2,"extension_works":true}');
    expect(Object.keys(ping as object)).toEqual(Object.keys((wireMethod("action:test.ping.input")!.answer as { properties: object }).properties));
    const error = host.ops.call(scope, null, "query:teleport", null, {});
    expect(Object.keys(error as object)).toEqual(["error", "code"]);
  });
});
