import { GUEST_EXPORTS } from "../abi/exports.ts";
import { IMPORT_MODULE, IMPORTS, formatSignature, importSignature, importSpec, type ValType } from "../abi/imports.ts";
import { guestAbi, importVisible } from "../abi/version.ts";
import type { LinkProblem } from "./errors.ts";
import type { FuncType, ModuleInterface } from "./sections.ts";

const show = (type: FuncType | undefined) => (type ? formatSignature(type.params, type.results) : "(no signature)");

/** Whether a function type has exactly these params and results (compared by value; text is made only for a problem). */
function hasSignature(type: FuncType | undefined, params: readonly ValType[], results: readonly ValType[]): boolean {
  return type !== undefined && sameTypes(type.params, params) && sameTypes(type.results, results);
}

const sameTypes = (a: readonly ValType[], b: readonly ValType[]) => a.length === b.length && a.every((type, i) => type === b[i]);

/** An import's parameter types as the ABI table lists them (its params also name them). */
const IMPORT_PARAMS = new Map(IMPORTS.map((spec) => [spec.name, spec.params.map((param) => param.type)]));

/**
 * Checks a guest's imports and exports against the ABI table and lists every mismatch, so an author fixes them
 * all in one go. An empty list means the guest links.
 */
export function checkLink(iface: ModuleInterface): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const version = guestAbi(iface.exports.map((e) => e.name));
  for (const imp of iface.imports) {
    const where = `import ${imp.module}.${imp.name}`;
    const spec = imp.module === IMPORT_MODULE ? importSpec(imp.name) : undefined;
    if (spec === undefined) {
      problems.push({
        name: where,
        expected: `an import from module "${IMPORT_MODULE}" in the ABI v1 table`,
        actual: imp.kind === "function" ? `an unknown function ${show(imp.type)}` : `an unknown ${imp.kind}`,
      });
    } else if (!importVisible(spec.since, version)) {
      // A guest sees exactly the imports of the version it asks for (link.imports): 1.1's are unknown to a 1.0 guest.
      problems.push({
        name: where,
        expected: `an import of ABI ${version} (${imp.name} is ABI ${spec.since}: export spacedrive_abi_version_${spec.since.replace(".", "_")} to ask for it)`,
        actual: `an ABI ${spec.since} import`,
      });
    } else if (imp.kind !== "function") {
      problems.push({ name: where, expected: `function ${importSignature(spec)}`, actual: `a ${imp.kind}` });
    } else if (!hasSignature(imp.type, IMPORT_PARAMS.get(spec.name)!, spec.results)) {
      problems.push({ name: where, expected: importSignature(spec), actual: show(imp.type) });
    }
  }
  for (const spec of GUEST_EXPORTS) {
    const exp = iface.exports.find((e) => e.name === spec.name);
    const where = `export ${spec.name}`;
    const expected = () => (spec.kind === "memory" ? "a memory" : formatSignature(spec.params ?? [], spec.results ?? []));
    if (exp === undefined) {
      if (spec.required) problems.push({ name: where, expected: expected(), actual: "no such export" });
    } else if (exp.kind !== spec.kind) {
      problems.push({ name: where, expected: expected(), actual: `a ${exp.kind}` });
    } else if (spec.kind === "function" && !hasSignature(exp.type, spec.params ?? [], spec.results ?? [])) {
      problems.push({ name: where, expected: expected(), actual: show(exp.type) });
    }
  }
  if (iface.hasStart) {
    // A start function runs inside instantiation: before the host can give it a memory view, outside any time limit,
    // and before plugin_init, the ABI's one initializer.
    problems.push({ name: "start function", expected: "none (plugin_init initializes a guest)", actual: "a start function" });
  }
  return problems;
}
