import { readFileSync } from "node:fs";
import { extname, isAbsolute, relative } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { formatSchemaErrors, schemaValidator } from "../schemas/validate.ts";
import type { CapabilityId } from "../abi/capabilities.ts";

/**
 * A host's expectations file (`run --expectations <file>`): cases the host skips and cases it is known to fail,
 * each with a reason. JSON or TOML by extension; schema harness/schemas/host-expectations.schema.json.
 *
 * ```toml
 * [[skip]]
 * case = "networking/*"
 * reason = "this host has no P2P stack yet"
 *
 * [[expected-fail]]
 * case = "library/rate-limit"
 * reason = "sliding window not implemented (tracked in #123)"
 *
 * [[waive]]
 * capability = "networking"
 * reason = "this host has no P2P stack yet"
 * ```
 */
export type ExpectationKind = "skip" | "expected-fail";

export interface ExpectationEntry {
  readonly kind: ExpectationKind;
  /** Position within its kind's list, for messages: `expected-fail[0]`. */
  readonly index: number;
  /** A case id or a glob. */
  readonly case: string;
  readonly reason: string;
}

/** A capability of ABI v1 the host does not claim, with the reason (handshake.capabilities). */
export interface Waiver {
  /** Position within the waive list, for messages: `waive[0]`. */
  readonly index: number;
  readonly capability: CapabilityId;
  readonly reason: string;
}

export interface HostExpectations {
  /** The file as given (null: no file, nothing expected). */
  readonly file: string | null;
  readonly host: string | null;
  readonly entries: readonly ExpectationEntry[];
  readonly waivers: readonly Waiver[];
}

/** The expectations file cannot be used: unreadable, not JSON/TOML, not schema-valid, or stale. Exit code 2. */
export class HostExpectationsError extends Error {
  readonly code = "JP_EXPECTATIONS";
}

export const NO_EXPECTATIONS: HostExpectations = { file: null, host: null, entries: [], waivers: [] };

/** How an entry is named in messages and reports: `expected-fail[0] (case "progress/steps")`. */
export function entryName(entry: ExpectationEntry): string {
  return `${entry.kind}[${entry.index}] (case ${JSON.stringify(entry.case)})`;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** JSON pointer `/expected-fail/0/reason` -> `expected-fail[0].reason`, what people write in either format. */
function fieldName(pointer: string): string {
  if (pointer === "" || pointer === "(top level)") return "(top level)";
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name === "" ? part : `${name}.${part}`), "");
}

/**
 * The first key an object of this JSON text (valid JSON) has twice, and where ("the top level", "an object"); null
 * when none. A scan of the text: JSON.parse has already kept only the last of them.
 */
function duplicateKey(text: string): { key: string; where: string } | null {
  const frames: { keys: Set<string> | null; expectKey: boolean }[] = [];
  const STRING = /"(?:[^"\\]|\\.)*"/y;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const frame = frames.at(-1);
    if (char === "{") frames.push({ keys: new Set(), expectKey: true });
    else if (char === "[") frames.push({ keys: null, expectKey: false });
    else if (char === "}" || char === "]") frames.pop();
    else if (char === "," && frame?.keys) frame.expectKey = true;
    else if (char === '"') {
      STRING.lastIndex = i;
      const literal = STRING.exec(text)![0];
      i += literal.length - 1;
      if (frame?.keys && frame.expectKey) {
        const key = JSON.parse(literal) as string;
        if (frame.keys.has(key)) return { key, where: frames.length === 1 ? "the top level" : "an object" };
        frame.keys.add(key);
        frame.expectKey = false;
      }
    }
  }
  return null;
}

/** Reads, parses (by extension: .json, .toml) and schema-checks an expectations file. */
export function loadHostExpectations(path: string): HostExpectations {
  const where = shown(path);
  const extension = extname(path).toLowerCase();
  if (extension !== ".json" && extension !== ".toml") {
    throw new HostExpectationsError(`${where}: an expectations file must be .json or .toml (got "${extension || "no extension"}")`);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new HostExpectationsError(`cannot read the expectations file ${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  let data: unknown;
  try {
    data = extension === ".json" ? JSON.parse(text) : parseToml(text);
  } catch (error) {
    const what = error instanceof TomlError ? `line ${error.line}, column ${error.column}: ${error.message.split("\n")[0]}` : (error as Error).message;
    throw new HostExpectationsError(`${where}: not valid ${extension === ".json" ? "JSON" : "TOML"}: ${what}`, { cause: error });
  }
  // JSON.parse keeps the last of two equal keys, so a second "skip" list would hide the first; TOML refuses them.
  const repeated = extension === ".json" ? duplicateKey(text) : null;
  if (repeated !== null) throw new HostExpectationsError(`${where}: the key ${JSON.stringify(repeated.key)} appears twice in ${repeated.where}; merge the two`);
  const validate = schemaValidator("host-expectations");
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((error) => {
      const field = fieldName(error.instancePath);
      const params = error.params as { missingProperty?: string; additionalProperty?: string };
      const inside = (name: string) => (field === "(top level)" ? name : `${field}.${name}`);
      if (error.keyword === "required") return `field ${inside(params.missingProperty!)}: missing (it is required)`;
      if (error.keyword === "additionalProperties") {
        const allowed = field === "(top level)" ? "host, skip, expected-fail, waive, and $schema in JSON" : field.startsWith("waive") ? "capability, reason" : "case, reason";
        return `field ${inside(params.additionalProperty!)}: not allowed here (allowed: ${allowed})`;
      }
      if (error.keyword === "pattern" && field.endsWith(".case")) {
        return `field ${field}: must be a case id or a glob (letters, digits, _ - . * ?, segments separated by /)`;
      }
      if (error.keyword === "pattern" && field.endsWith(".reason")) return `field ${field}: must say why (not empty)`;
      const [line] = formatSchemaErrors([error]);
      return `field ${field}: ${line!.slice(line!.indexOf(": ") + 2)}`;
    });
    throw new HostExpectationsError(
      `${where} does not match harness/schemas/host-expectations.schema.json:\n  ${[...new Set(problems)].join("\n  ")}`,
    );
  }
  const spec = data as {
    host?: string;
    skip?: { case: string; reason: string }[];
    "expected-fail"?: { case: string; reason: string }[];
    waive?: { capability: CapabilityId; reason: string }[];
  };
  const entries: ExpectationEntry[] = [];
  for (const kind of ["skip", "expected-fail"] as const) {
    (spec[kind] ?? []).forEach((entry, index) => entries.push({ kind, index, case: entry.case, reason: entry.reason.trim() }));
  }
  const waivers = (spec.waive ?? []).map((waiver, index) => ({ index, capability: waiver.capability, reason: waiver.reason.trim() }));
  const twice = waivers.filter((waiver, i) => waivers.findIndex((other) => other.capability === waiver.capability) !== i);
  if (twice.length > 0) {
    throw new HostExpectationsError(`${where}: capability ${twice[0]!.capability} is waived twice (waive[${twice[0]!.index}]; keep one)`);
  }
  return { file: path, host: spec.host ?? null, entries, waivers };
}

/** A case pattern as a regex: `*` and `?` stay within a path segment, `**` crosses segments; the rest is literal. */
export function casePattern(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

/** What the expectations say about one case. */
export interface CaseExpectation {
  readonly kind: ExpectationKind;
  readonly reason: string;
  /** The entry, named as in messages: `skip[0] (case "networking/*")`. */
  readonly entry: string;
}

export interface ResolvedExpectations {
  readonly file: string | null;
  readonly host: string | null;
  readonly waivers: readonly Waiver[];
  /** Every entry with the cases it matched (among all cases, whatever the filter). */
  readonly entries: readonly { readonly entry: ExpectationEntry; readonly name: string; readonly cases: readonly string[] }[];
  /** Per case id. */
  forCase(id: string): CaseExpectation | null;
}

/**
 * Matches every entry against the ids of all cases (not only the filtered ones, so `--filter` never makes an entry
 * stale). An entry that matches no case is stale, and a case that two entries claim is ambiguous: both are errors.
 */
export function resolveExpectations(expectations: HostExpectations, caseIds: readonly string[]): ResolvedExpectations {
  const where = expectations.file === null ? "" : `${shown(expectations.file)}: `;
  const byCase = new Map<string, CaseExpectation>();
  const problems: string[] = [];
  const entries = expectations.entries.map((entry) => {
    const pattern = casePattern(entry.case);
    const cases = caseIds.filter((id) => pattern.test(id));
    const name = entryName(entry);
    if (cases.length === 0) problems.push(`${name} matches no case (a stale entry: remove it, or fix the case id)`);
    for (const id of cases) {
      const earlier = byCase.get(id);
      if (earlier) problems.push(`case ${id} is matched by both ${earlier.entry} and ${name} (keep one)`);
      else byCase.set(id, { kind: entry.kind, reason: entry.reason, entry: name });
    }
    return { entry, name, cases };
  });
  if (problems.length === 1) throw new HostExpectationsError(`${where}${problems[0]}`);
  if (problems.length > 1) throw new HostExpectationsError(`${where}${problems.length} problems:\n  ${problems.join("\n  ")}`);
  return { file: expectations.file, host: expectations.host, waivers: expectations.waivers, entries, forCase: (id) => byCase.get(id) ?? null };
}
