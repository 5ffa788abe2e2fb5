import { programAbi, type JobProgram, type ModuleTwist, type TwistKind } from "./ir.ts";

/**
 * When a case with a twisted guest (ir.ts, ModuleTwist) exercises a loading, linking or plugin_init clause: from its
 * twists and the load error the reference host answered (null: the guest loaded). A twist alone is not enough: the
 * check it aims at must be the one that answered (a guest that is not a module never reaches its link check).
 */
export interface TwistView {
  readonly program: JobProgram;
  /** The load error's code, or null when the guest loaded. */
  readonly loadError: string | null;
}

const twists = (v: TwistView): readonly ModuleTwist[] => v.program.twists ?? [];
const has = (v: TwistView, kind: TwistKind, test: (twist: ModuleTwist) => boolean = () => true) => twists(v).some((t) => t.kind === kind && test(t));
const linkRefused = (v: TwistView) => v.loadError === "JP_LINK";

/** The loading check a twist fails at, in link.order's order (none: it does not fail loading by itself). */
const STAGE: Partial<Record<TwistKind, number>> = {
  not_wasm: 0,
  abi_markers: 1,
  unknown_import: 2,
  import_type: 2,
  no_wasm_alloc: 2,
  export_type: 2,
  initial_memory: 3,
  data_out_of_bounds: 4,
  init_result: 4,
  init_end: 4,
};
const STAGE_CODE = ["JP_WASM_INVALID", "JP_ABI_VERSION", "JP_LINK", "JP_MEMORY_LIMIT", "JP_INIT_FAILED"];

/** The markers the guest exports: the twist's, which replace its own (a 1.1 program's). */
function markers(v: TwistView): Set<string> {
  const twist = twists(v).find((t) => t.kind === "abi_markers");
  if (twist?.kind === "abi_markers") return new Set(twist.versions);
  return new Set(programAbi(v.program) === "1.1" ? ["1.1"] : []);
}

export const TWIST_CLAUSE_RULES: readonly { readonly clause: string; readonly how: string; readonly test: (v: TwistView) => boolean }[] = [
  { clause: "link.valid-module", how: "bytes that are not a module, refused as JP_WASM_INVALID", test: (v) => v.loadError === "JP_WASM_INVALID" },
  { clause: "link.imports", how: "an unknown import, refused as JP_LINK", test: (v) => linkRefused(v) && has(v, "unknown_import") },
  { clause: "link.signature", how: "an import of another type, refused as JP_LINK", test: (v) => linkRefused(v) && has(v, "import_type") },
  {
    clause: "link.required-exports",
    how: "no wasm_alloc, or one of another type, refused as JP_LINK",
    test: (v) => linkRefused(v) && (has(v, "no_wasm_alloc") || has(v, "export_type", (t) => t.kind === "export_type" && t.export === "wasm_alloc")),
  },
  { clause: "link.optional-exports", how: "wasm_free, plugin_init or plugin_cleanup of another type, refused as JP_LINK", test: (v) => linkRefused(v) && has(v, "export_type", (t) => t.kind === "export_type" && t.export !== "wasm_alloc") },
  { clause: "link.memory-limit", how: "an initial memory over maxMemoryPages, refused as JP_MEMORY_LIMIT", test: (v) => v.loadError === "JP_MEMORY_LIMIT" },
  { clause: "link.instantiation-trap", how: "a data segment out of bounds, refused as JP_INIT_FAILED", test: (v) => v.loadError === "JP_INIT_FAILED" && has(v, "data_out_of_bounds") },
  {
    clause: "link.order",
    how: "problems for two loading checks, answered with the earlier check's code",
    test: (v) => {
      const stages = new Set(twists(v).flatMap((t) => (STAGE[t.kind] === undefined ? [] : [STAGE[t.kind]!])));
      return stages.size >= 2 && v.loadError === STAGE_CODE[Math.min(...stages)];
    },
  },
  { clause: "version.marker", how: "a marker no host serves refused as JP_ABI_VERSION, or a marker exported by a twist", test: (v) => v.loadError === "JP_ABI_VERSION" || (v.loadError === null && has(v, "abi_markers")) },
  { clause: "version.several-markers", how: "several markers, refused as JP_ABI_VERSION", test: (v) => v.loadError === "JP_ABI_VERSION" && markers(v).size >= 2 },
  { clause: "init.result", how: "plugin_init returning non-zero, refused as JP_INIT_FAILED", test: (v) => v.loadError === "JP_INIT_FAILED" && has(v, "init_result") && !has(v, "data_out_of_bounds") },
  { clause: "init.trap", how: "plugin_init trapping, refused as JP_INIT_FAILED", test: (v) => v.loadError === "JP_INIT_FAILED" && has(v, "init_end", (t) => t.kind === "init_end" && t.how === "trap") && !has(v, "data_out_of_bounds") },
  { clause: "init.time-limit", how: "plugin_init spinning past its time limit, refused as JP_INIT_FAILED", test: (v) => v.loadError === "JP_INIT_FAILED" && has(v, "init_end", (t) => t.kind === "init_end" && t.how === "spin") && !has(v, "data_out_of_bounds") },
  { clause: "memory.no-free", how: "a wasm_free that logs what it is given, on a guest that loaded", test: (v) => v.loadError === null && has(v, "logging_free") },
  { clause: "report.log", how: "messages beginning with a byte order mark, on a guest that loaded", test: (v) => v.loadError === null && has(v, "bom_messages") },
];

/** The clauses a twisted case exercises. */
export function twistClauses(view: TwistView): string[] {
  if (twists(view).length === 0) return [];
  return TWIST_CLAUSE_RULES.filter((rule) => rule.test(view)).map((rule) => rule.clause);
}
