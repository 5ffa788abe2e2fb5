import { CAPABILITIES } from "../abi/capabilities.ts";
import { CLAUSES, SECTIONS, type Clause } from "../abi/clauses.ts";
import { CORE_COMMIT, CORE_SURFACE, CORE_SURFACE_VERSIONS, type CoreReach } from "../abi/core-surface.ts";
import { CORE_DECISIONS } from "../abi/core-decisions.ts";
import { PROGRESS_DATA, PROGRESS_KINDS } from "../abi/progress.ts";
import { GUEST_EXPORTS, INTERRUPT, JOB_EXPORT_SIGNATURE, JOB_RETURN } from "../abi/exports.ts";
import { formatSignature, IMPORTS, importSignature } from "../abi/imports.ts";
import { HOST_SPECIFIC_LOAD_ERRORS, LOAD_ERROR_CODES } from "../abi/load-errors.ts";
import { STATUS, STATUS_DESCRIPTIONS, type StatusName } from "../abi/status.ts";
import { WIRE_ERROR_CODES, WIRE_ERROR_MEANINGS, WIRE_METHODS, type JsonSchema, type WireMethod } from "../abi/wire-methods.ts";
import { DEFAULT_LIMITS, LIMIT_DESCRIPTIONS } from "../host/limits.ts";
import { DEFAULT_PERMISSIONS } from "../host/permissions.ts";

/**
 * The specification's documents (docs/ABI.md, conformance/PROTOCOL.md) are prose written by hand around regions
 * generated from the data in harness/abi: the clauses section by section, the tables of imports, exports, status
 * codes, limits and load errors, and the wire catalogue. A region is
 *
 *   <!-- BEGIN GENERATED: <name> -->
 *   ...
 *   <!-- END GENERATED: <name> -->
 *
 * and `npm run docs` rewrites every region in place; a test keeps the committed documents equal to that.
 */

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function clauseItem(clause: Clause): string[] {
  const lines = [`- <a id="${clause.id}"></a>**${code(clause.id)}** (${clause.level}) ${clause.text}`];
  if (clause.why !== undefined) lines.push(`  *Why:* ${clause.why}`);
  return lines;
}

function clausesOf(sectionId: string): string[] {
  const clauses = CLAUSES.filter((clause) => clause.id.startsWith(`${sectionId}.`));
  if (clauses.length === 0) throw new Error(`internal: no clauses in section ${sectionId}`);
  return clauses.flatMap(clauseItem);
}

function importsTable(): string[] {
  return [
    "| import | wasm type | parameters | answers | refusals | capabilities | since | origin |",
    "|---|---|---|---|---|---|---|---|",
    ...IMPORTS.map(
      (spec) =>
        `| ${code(spec.name)} | ${code(cell(importSignature(spec)))} | ${spec.params.map((p) => code(p.name)).join(", ") || "—"} | ${spec.result} | ${spec.statuses.join(", ")} | ${spec.capabilities.join(", ") || "—"} | ${spec.since} | ${spec.origin} |`,
    ),
    "",
    ...IMPORTS.map((spec) => `- ${code(spec.name)}: ${spec.meaning}.`),
  ];
}

function exportsTable(): string[] {
  return [
    "| export | kind | type | required | meaning |",
    "|---|---|---|---|---|",
    ...GUEST_EXPORTS.map(
      (spec) =>
        `| ${code(spec.name)} | ${spec.kind} | ${spec.kind === "function" ? code(formatSignature(spec.params ?? [], spec.results ?? [])) : "—"} | ${spec.required ? "yes" : "no"} | ${spec.meaning} |`,
    ),
    `| job exports (named by register_job) | function | ${code(formatSignature(JOB_EXPORT_SIGNATURE.params, JOB_EXPORT_SIGNATURE.results))} | — | ${JOB_EXPORT_SIGNATURE.meaning} |`,
    "| `spacedrive_abi_version_<major>_<minor>` | any | — | no | the ABI version the guest is built for (version.marker); none means 1.0 |",
    "",
    `Job return codes: ${Object.entries(JOB_RETURN).map(([name, value]) => `${value} ${name}`).join(", ")}. Interrupt answers: ${Object.entries(INTERRUPT).map(([name, value]) => `${value} ${name}`).join(", ")}.`,
  ];
}

function statusTable(): string[] {
  return ["| code | name | meaning |", "|---|---|---|", ...(Object.entries(STATUS) as [StatusName, number][]).map(([name, value]) => `| ${value} | ${name} | ${STATUS_DESCRIPTIONS[name]} |`)];
}

function capabilitiesTable(): string[] {
  return [
    "| capability | core API | reached through | what the ABI does, and how core differs |",
    "|---|---|---|---|",
    ...CAPABILITIES.map(
      (c) =>
        `| ${c.id} | ${code(c.core)} | ${IMPORTS.filter((i) => (i.capabilities as readonly string[]).includes(c.id)).map((i) => code(i.name)).join(", ")} | ${cell(c.summary)} |`,
    ),
  ];
}

/** How a row of the core surface is reached under one version, for the document. */
function reachCell(reach: CoreReach): string {
  switch (reach.via) {
    case "none":
      return `not reachable: ${cell(reach.why)}`;
    case "context":
      return `context JSON ${code(reach.field)}${reach.partial ? `; partial: ${cell(reach.partial)}` : ""}`;
    case "import":
      return `${reach.imports.map(code).join(", ")}${reach.partial ? `; partial: ${cell(reach.partial)}` : ""}`;
    case "wire":
      return `wire ${reach.methods.map(code).join(", ")}${reach.partial ? `; partial: ${cell(reach.partial)}` : ""}`;
  }
}

function coreSurfaceTable(): string[] {
  return [
    `| core (Spacedrive ${CORE_COMMIT}) | defined at | what core does | role | ${CORE_SURFACE_VERSIONS.map((v) => `ABI ${v}`).join(" | ")} |`,
    `|---|---|---|---|${CORE_SURFACE_VERSIONS.map(() => "---|").join("")}`,
    ...CORE_SURFACE.map(
      (row) =>
        `| ${code(row.kind === "method" ? `ctx.${row.name}()` : `Progress::${row.name}`)} | ${code(row.source)} | ${cell(row.semantics)} | ${row.role} | ${CORE_SURFACE_VERSIONS.map((v) => reachCell(row.abi[v])).join(" | ")} |`,
    ),
  ];
}

function progressKindsTable(): string[] {
  return ["| kind | `data` |", "|---|---|", ...PROGRESS_KINDS.map((kind) => `| ${code(kind)} | ${cell(PROGRESS_DATA[kind])} |`)];
}

function coreDecisionsTable(): string[] {
  return [
    `| topic | what core does (Spacedrive ${CORE_COMMIT}) | the ABI's rule | why |`,
    "|---|---|---|---|",
    ...CORE_DECISIONS.map(
      (d) => `| ${d.topic} | ${cell(d.core)} (${code(d.source)}) | ${d.clauses.map((id) => `[${id}](#${id})`).join(", ")} | ${cell(d.why)} |`,
    ),
  ];
}

function limitsTable(): string[] {
  return [
    "| limit | meaning | reference host's default |",
    "|---|---|---|",
    ...(Object.keys(DEFAULT_LIMITS) as (keyof typeof DEFAULT_LIMITS)[]).map((name) => `| ${code(name)} | ${LIMIT_DESCRIPTIONS[name]} | ${DEFAULT_LIMITS[name]} |`),
    `| permissions (no manifest) | the extension manifest's permissions when the scenario gives none (scenario.permissions) | methods ${DEFAULT_PERMISSIONS.methods.map(code).join(", ")}; libraries ${DEFAULT_PERMISSIONS.libraries.map(code).join(", ")}; ${DEFAULT_PERMISSIONS.rateLimit.calls} calls per ${DEFAULT_PERMISSIONS.rateLimit.windowMs} ms |`,
  ];
}

function loadErrorsTable(): string[] {
  return [
    "| code | when | clause |",
    "|---|---|---|",
    ...LOAD_ERROR_CODES.map((e) => `| ${code(e.code)} | ${e.meaning} | [${e.clause}](../docs/ABI.md#${e.clause}) |`),
    "",
    `A host may answer a code of its own for a guest it cannot run for its own reason (the reference host's: ${HOST_SPECIFIC_LOAD_ERRORS.map(code).join(", ")}); a case that expects another code then fails.`,
  ];
}

/** A JSON value as the catalogue's schemas describe it, in words. */
function schemaText(schema: JsonSchema): string {
  const s = schema as Record<string, unknown>;
  const described = (text: string) => (typeof s.description === "string" ? `${text} (${s.description})` : text);
  if ("const" in s) return described(JSON.stringify(s.const));
  if (Array.isArray(s.anyOf)) return described((s.anyOf as JsonSchema[]).map(schemaText).join(" or "));
  if (Array.isArray(s.enum)) return described(`one of ${(s.enum as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`);
  switch (s.type) {
    case "string":
      return described(typeof s.pattern === "string" && s.pattern.includes("[0-9a-f]{8}") ? "a UUID string" : "a string");
    case "integer":
      return described(s.maximum === 4294967295 ? "an integer from 0 to 4294967295" : "an integer");
    case "null":
      return "null";
    case "array":
      return described(`an array of ${schemaText(s.items as JsonSchema)}`);
    case "object":
      return described(objectText(schema));
    default:
      return described("any JSON value");
  }
}

function objectText(schema: JsonSchema): string {
  const properties = (schema as { properties: Record<string, JsonSchema> }).properties;
  const required = new Set((schema as { required?: string[] }).required ?? []);
  const fields = Object.entries(properties).map(([name, value]) => `${code(name)}: ${schemaText(value)}${required.has(name) ? "" : " (optional)"}`);
  return `{${fields.join(", ")}}`;
}

function methodSection(method: WireMethod): string[] {
  const origin = method.origin === "spacedrive" ? "Spacedrive registers it" : `only the reference host serves it: ${method.why}`;
  const request =
    method.request === null
      ? "none: the method reads no request (any JSON payload is accepted)"
      : `${objectText(method.request)}; fields it does not name are ignored`;
  const checks = method.checks.length === 0 ? "none" : method.checks.map((c) => `${c.code} when ${c.when}`).join("; then ");
  return [
    `#### ${code(method.method)}`,
    "",
    `${method.meaning} Capability ${method.capability}; ${origin}.`,
    "",
    `- Library: ${method.library ? "the call's library (library_id_ptr), which must exist" : "none (a library id, if given, is only checked against the manifest)"}.`,
    `- Request: ${request}.`,
    `- Answer, its fields in this order: ${objectText(method.answer)}.`,
    `- Its own checks, in order, after those of wire.order: ${checks}.`,
    "",
  ];
}

function wireErrorsTable(): string[] {
  return ["| code | when |", "|---|---|", ...WIRE_ERROR_CODES.map((c) => `| ${code(c)} | ${WIRE_ERROR_MEANINGS[c]} |`)];
}

/** Every region a document may hold, by name. */
const REGIONS: Record<string, () => string[]> = {
  imports: importsTable,
  exports: exportsTable,
  "status-codes": statusTable,
  capabilities: capabilitiesTable,
  "core-surface": coreSurfaceTable,
  "core-decisions": coreDecisionsTable,
  "progress-kinds": progressKindsTable,
  limits: limitsTable,
  "load-errors": loadErrorsTable,
  "wire-errors": wireErrorsTable,
  "wire-methods": () => WIRE_METHODS.flatMap(methodSection),
  ...Object.fromEntries(SECTIONS.map((section) => [`clauses:${section.id}`, () => clausesOf(section.id)])),
};

export const REGION_NAMES: readonly string[] = Object.keys(REGIONS);

const REGION = /<!-- BEGIN GENERATED: ([a-z:.-]+) -->\n[\s\S]*?<!-- END GENERATED: \1 -->/g;

export class DocumentRegionError extends Error {
  readonly code = "JP_DOCUMENT";
}

/** The names of the regions a document holds, in order. */
export function regionsIn(text: string): string[] {
  return [...text.matchAll(REGION)].map((match) => match[1]!);
}

const MARKER = /<!-- (BEGIN|END) GENERATED: (\S+) -->/;

/** Refuses a BEGIN marker without its END, or an END without its BEGIN: the region would be left as it is, silently. */
function checkMarkers(text: string, name: string): void {
  let open: { region: string; line: number } | null = null;
  for (const [index, line] of text.split("\n").entries()) {
    const marker = MARKER.exec(line);
    if (marker === null) continue;
    const [, kind, region] = marker as unknown as [string, "BEGIN" | "END", string];
    const at = `${name}:${index + 1}`;
    if (kind === "BEGIN") {
      if (open !== null) throw new DocumentRegionError(`${name}:${open.line}: BEGIN GENERATED: ${open.region} has no END before the next BEGIN (${at}): add <!-- END GENERATED: ${open.region} --> on its own line`);
      open = { region, line: index + 1 };
    } else if (open === null || open.region !== region) {
      throw new DocumentRegionError(`${at}: END GENERATED: ${region} has no BEGIN GENERATED: ${region} before it: add one, or remove this line`);
    } else {
      open = null;
    }
  }
  if (open !== null) throw new DocumentRegionError(`${name}:${open.line}: BEGIN GENERATED: ${open.region} has no END: add <!-- END GENERATED: ${open.region} --> on its own line`);
}

/** The document with every generated region written anew from the data. */
export function fillDocument(text: string, name = "the document"): string {
  checkMarkers(text, name);
  const unknown = regionsIn(text).filter((region) => !(region in REGIONS));
  if (unknown.length > 0) throw new DocumentRegionError(`${name} has regions nothing generates: ${unknown.join(", ")} (known: ${REGION_NAMES.join(", ")})`);
  return text.replace(REGION, (_whole, region: string) => {
    const body = REGIONS[region]!();
    return [`<!-- BEGIN GENERATED: ${region} -->`, ...body, `<!-- END GENERATED: ${region} -->`].join("\n");
  });
}
