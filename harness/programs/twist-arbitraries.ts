import fc from "fast-check";
import { IMPORT_NAMES } from "../abi/imports.ts";
import type { Scenario } from "../suite/scenario.ts";
import type { JobProgram, MarkerVersion, ModuleTwist } from "./ir.ts";

/**
 * The draws of a twisted case (ir.ts, ModuleTwist): one to three twists of different kinds, so that loading meets
 * two problems at once now and then (a marker no host serves beside a link problem: link.order). Kept apart from
 * the program generator: twists change the guest, never the program's ops.
 */
const MARKER_VERSIONS: readonly MarkerVersion[] = ["1.0", "1.1", "1.9", "2.0"];

export const twistArb: fc.Arbitrary<ModuleTwist> = fc.oneof(
  fc.constantFrom("truncated", "bad_magic", "bad_version").map((how): ModuleTwist => ({ kind: "not_wasm", how })),
  fc.constantFrom("unknown_name", "other_module").map((which): ModuleTwist => ({ kind: "unknown_import", which })),
  fc.constantFrom(...IMPORT_NAMES).map((name): ModuleTwist => ({ kind: "import_type", import: name })),
  fc.constant<ModuleTwist>({ kind: "no_wasm_alloc" }),
  fc.constantFrom("wasm_alloc", "wasm_free", "plugin_init", "plugin_cleanup").map((name): ModuleTwist => ({ kind: "export_type", export: name })),
  fc.integer({ min: 2, max: 4 }).map((pages): ModuleTwist => ({ kind: "initial_memory", pages })),
  fc.constant<ModuleTwist>({ kind: "data_out_of_bounds" }),
  // One marker (the guest asks for that version) as often as several (it asks for none: refused).
  fc.oneof(fc.constantFrom(...MARKER_VERSIONS).map((version) => [version]), fc.subarray([...MARKER_VERSIONS], { minLength: 2 })).map((versions): ModuleTwist => ({ kind: "abi_markers", versions })),
  fc.constantFrom(1, 2, -1).map((code): ModuleTwist => ({ kind: "init_result", code })),
  fc.constant<ModuleTwist>({ kind: "bom_messages" }),
  fc.constant<ModuleTwist>({ kind: "logging_free" }),
);

export const twistsArb: fc.Arbitrary<ModuleTwist[]> = fc.uniqueArray(twistArb, { minLength: 1, maxLength: 3, selector: (twist) => twist.kind });

/**
 * A case with its guest twisted. A memory starting at more pages than the host allows needs the host's allowance
 * under it: the scenario's maxMemoryPages is set one page below the twist's (the program's own pool fits in one).
 */
export function twistCase(program: JobProgram, scenario: Scenario, twists: readonly ModuleTwist[]): { program: JobProgram; scenario: Scenario } {
  const memory = twists.find((twist) => twist.kind === "initial_memory");
  const limits = memory === undefined ? scenario.limits : { ...scenario.limits, maxMemoryPages: memory.pages - 1 };
  return { program: { ...program, twists }, scenario: { ...scenario, ...(limits !== undefined ? { limits } : {}) } };
}
