import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule, { type FormatsPlugin } from "ajv-formats";
import { sourceDir } from "../engine/modules.ts";

// ajv-formats ships CommonJS; under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as FormatsPlugin;

export const SCHEMAS_DIR = sourceDir(import.meta.url);

/** The project's schemas, by file name. They refer to each other by file name ($ref "scenario.schema.json"). */
export type SchemaName = "fixture" | "scenario" | "parity-report" | "program" | "regression" | "host-expectations" | "gate-report" | "protocol" | "bench";

let ajv: Ajv | null = null;
const compiled = new Map<SchemaName, ValidateFunction>();

function registry(): Ajv {
  if (ajv === null) {
    ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const file of readdirSync(SCHEMAS_DIR).filter((name) => name.endsWith(".schema.json"))) {
      ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS_DIR, file), "utf8")) as object);
    }
  }
  return ajv;
}

/** A validator for one of the project's schemas (harness/schemas/<name>.schema.json), compiled once per process. */
export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = registry().getSchema(`https://job-parity.dev/schemas/${name}.schema.json`);
    if (!validate) throw new Error(`internal: no schema ${name} in ${SCHEMAS_DIR}`);
    compiled.set(name, validate);
  }
  return validate;
}

export const schemaPath = (name: SchemaName) => join(SCHEMAS_DIR, `${name}.schema.json`);

/** ajv errors as lines people can act on: where, what. */
export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const where = error.instancePath === "" ? "(top level)" : error.instancePath;
    const extra = error.keyword === "additionalProperties" ? ` "${(error.params as { additionalProperty: string }).additionalProperty}"` : "";
    const allowed = error.keyword === "enum" ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
    return `${where}: ${error.message ?? error.keyword}${extra}${allowed}`;
  });
}
