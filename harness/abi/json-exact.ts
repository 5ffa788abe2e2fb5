/**
 * A strict JSON (RFC 8259) reader that keeps every number as the text the guest wrote. JSON.parse turns a u64 such as
 * 18446744073709551615 into a double and loses it; a host must check such fields exactly (and Node 20 has no
 * JSON.parse source access), so values the ABI reads as integers are read from their text.
 */

/** A JSON number, as written. */
export class JsonNumber {
  constructor(readonly text: string) {}

  /** The value as a double (what a float field means). */
  get value(): number {
    return Number(this.text);
  }

  /** The value as a non-negative integer, if it is one written without fraction or exponent; else null. */
  unsigned(): bigint | null {
    return /^(0|[1-9][0-9]*)$/.test(this.text) ? BigInt(this.text) : null;
  }
}

export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { readonly [key: string]: ExactJson };

/** Why a text is not JSON, and where. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    what: string,
  ) {
    super(`${what} at offset ${offset}`);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
/** A high surrogate not followed by a low one, or a low one not after a high one. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * How deep arrays and objects may nest: serde_json's recursion limit (128, and it refuses the container that reaches
 * it), so a text serde_json reads is read here, and one it refuses is refused.
 */
export const MAX_NESTING = 127;

/** A \u escape of a surrogate: the only way a JSON text, which is UTF-8, can spell a lone one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Each string of a JSON text, member names included: in a text that is JSON, quotes delimit nothing else. */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * Whether a text JSON.parse reads has a string (a member name included) with a lone surrogate escape: serde_json
 * refuses it, JSON.parse keeps it.
 */
export function hasLoneSurrogateEscape(json: string): boolean {
  if (!SURROGATE_ESCAPE.test(json)) return false;
  for (const [token] of json.matchAll(JSON_STRING)) if (LONE_SURROGATE.test(JSON.parse(token) as string)) return true;
  return false;
}

/** How deeply arrays and objects nest in a JSON text, its strings skipped (serde_json refuses past MAX_NESTING). */
export function jsonNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Reads `text` as one JSON value. An object with a key twice is an error, as serde refuses a field twice; with
 * `repeatedKeys: "last"` the last value is kept, as in a `serde_json::Value` read with serde_json::from_str.
 */
export function parseExactJson(text: string, options: { readonly repeatedKeys?: "refuse" | "last" } = {}): ExactJson {
  const keepLast = options.repeatedKeys === "last";
  let at = 0;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(at, what);
  };
  const skip = () => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const literal = (word: string, value: ExactJson): ExactJson => {
    if (!text.startsWith(word, at)) fail("unexpected text");
    at += word.length;
    return value;
  };

  const string = (): string => {
    // JSON.parse reads the one string, escapes and all; the scan only finds where it ends.
    const start = at++;
    for (;;) {
      const c = text.charCodeAt(at);
      if (Number.isNaN(c)) fail("unterminated string");
      if (c === 0x22) break;
      if (c < 0x20) fail("a control character in a string");
      at += c === 0x5c ? 2 : 1;
    }
    at++;
    let value: string;
    try {
      value = JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail("a bad escape in a string");
    }
    // serde_json refuses a lone surrogate escape (\ud800 with no low half): it is no Unicode text.
    return LONE_SURROGATE.test(value) ? fail("a lone surrogate escape in a string") : value;
  };

  // `depth`: the arrays and objects the value is inside.
  const value = (depth: number): ExactJson => {
    skip();
    const c = text[at];
    if ((c === "{" || c === "[") && depth >= MAX_NESTING) fail(`arrays and objects nested more than ${MAX_NESTING} deep`);
    if (c === "{") {
      at++;
      // No prototype: a key such as "__proto__" is a key like any other.
      const object: Record<string, ExactJson> = Object.create(null) as Record<string, ExactJson>;
      skip();
      if (text[at] === "}") {
        at++;
        return object;
      }
      for (;;) {
        skip();
        if (text[at] !== '"') fail("expected a key");
        const key = string();
        if (!keepLast && Object.hasOwn(object, key)) fail(`the key ${JSON.stringify(key)} twice`);
        skip();
        if (text[at++] !== ":") fail("expected ':'");
        object[key] = value(depth + 1);
        skip();
        const next = text[at++];
        if (next === "}") return object;
        if (next !== ",") fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      at++;
      const array: ExactJson[] = [];
      skip();
      if (text[at] === "]") {
        at++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        skip();
        const next = text[at++];
        if (next === "]") return array;
        if (next !== ",") fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true", true);
    if (c === "f") return literal("false", false);
    if (c === "n") return literal("null", null);
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (match === null) return fail("expected a value");
    // serde_json refuses a number no double can hold (1e400), as it does in a wire payload.
    if (!Number.isFinite(Number(match[0]))) fail("a number too large for a double");
    at = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  };

  const result = value(0);
  skip();
  if (at !== text.length) fail("text after the value");
  return result;
}

/** Whether a value is a JSON object (not an array, not null). */
export function isJsonObject(value: ExactJson | undefined): value is { readonly [key: string]: ExactJson } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}
