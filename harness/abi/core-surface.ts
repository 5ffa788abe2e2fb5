import type { ImportName } from "./imports.ts";
import { WIRE_METHODS } from "./wire-methods.ts";

/**
 * The core surface: everything a core job can do, as Spacedrive's `JobContext` (its public methods) and `Progress`
 * (its variants) define it at commit be454a0b4, with how an extension job reaches each one under every ABI version.
 * "Can an extension job do everything a core job can?" is answered row by row from this table: the reports compute
 * each row's coverage from the conformance cases (harness/suite/core-coverage.ts); none is stored here.
 *
 * `harness/abi/core-surface.list` is the list of methods and variants extracted from the Spacedrive sources, and a test
 * keeps the rows equal to it (names, order and lines). Facts only are taken from Spacedrive (AGPL-3.0); the sentences
 * below are this project's.
 */

/** The Spacedrive commit the rows describe. */
export const CORE_COMMIT = "be454a0b4";

/** The ABI versions the table answers for, oldest first. */
export const CORE_SURFACE_VERSIONS = ["1.0", "1.1"] as const;
export type CoreSurfaceVersion = (typeof CORE_SURFACE_VERSIONS)[number];

/**
 * The imports ABI 1.1 adds. A guest may import them only when it exports the marker `spacedrive_abi_version_1_1`;
 * a 1.0 row never names them.
 */
export const ABI_1_1_IMPORTS = ["job_progress", "job_metrics", "job_checkpoint_stateless", "job_wait_for_children"] as const;
export type Abi11ImportName = (typeof ABI_1_1_IMPORTS)[number];

/** An import a row may name: one of ABI 1.0's, or one ABI 1.1 adds. */
export type CoreSurfaceImport = ImportName | Abi11ImportName;

/**
 * How an extension job reaches a row under one ABI version:
 * - `import`: by calling one of these imports;
 * - `wire`: through `spacedrive_call` with one of these methods of the wire catalogue;
 * - `context`: it arrives in the context JSON the job export receives (`{"job_id", "library_id"}`);
 * - `none`: it cannot, and `why` says why.
 * `partial` (import, wire, context) says what of core's behaviour stays out of reach.
 */
export type CoreReach =
  | { readonly via: "import"; readonly imports: readonly CoreSurfaceImport[]; readonly partial?: string }
  | { readonly via: "wire"; readonly methods: readonly string[]; readonly partial?: string }
  | { readonly via: "context"; readonly field: "job_id" | "library_id"; readonly partial?: string }
  | { readonly via: "none"; readonly why: string };

export type CoreSurfaceKind = "method" | "progress variant";

export interface CoreSurfaceRow {
  readonly kind: CoreSurfaceKind;
  /** The method's name (`check_interrupt`) or the variant's (`Count`). */
  readonly name: string;
  /** Where Spacedrive defines it at CORE_COMMIT: `<path>:<line>` of the `pub fn` or of the variant. */
  readonly source: string;
  /** What core does, quirks included, in one line. */
  readonly semantics: string;
  /**
   * `job-facing`: part of the job's own life (progress, state, metrics, interrupts, children, logs); `service handle`:
   * hands the job one of core's services (the library, its database, networking, volumes), which an extension can at
   * most reach through wire methods.
   */
  readonly role: "job-facing" | "service handle";
  /** How an extension job reaches it, by ABI version. */
  readonly abi: Readonly<Record<CoreSurfaceVersion, CoreReach>>;
}

const CONTEXT_RS = "core/src/infra/job/context.rs";
const PROGRESS_RS = "core/src/infra/job/progress.rs";

const both = (reach: CoreReach): Readonly<Record<CoreSurfaceVersion, CoreReach>> => ({ "1.0": reach, "1.1": reach });
const imports = (names: readonly CoreSurfaceImport[], partial?: string): CoreReach =>
  partial === undefined ? { via: "import", imports: names } : { via: "import", imports: names, partial };
const wire = (capability: "library" | "networking", partial: string): CoreReach => ({
  via: "wire",
  methods: WIRE_METHODS.filter((m) => m.capability === capability).map((m) => m.method),
  partial,
});
const none = (why: string): CoreReach => ({ via: "none", why });

const REPORT_PROGRESS_ONLY = "job_report_progress carries only an f32 fraction and a message";
const VIA_JOB_PROGRESS = imports(["job_progress"]);
const LIBRARY_PARTIAL =
  "only the wire catalogue's library methods, on the library_id of the job's context; no Library handle, so nothing the catalogue does not name";

const method = (name: string, line: number, role: CoreSurfaceRow["role"], semantics: string, abi: CoreSurfaceRow["abi"]): CoreSurfaceRow => ({
  kind: "method",
  name,
  source: `${CONTEXT_RS}:${line}`,
  semantics,
  role,
  abi,
});
const variant = (name: string, line: number, semantics: string, abi: CoreSurfaceRow["abi"]): CoreSurfaceRow => ({
  kind: "progress variant",
  name,
  source: `${PROGRESS_RS}:${line}`,
  semantics,
  role: "job-facing",
  abi,
});

/** Every public method of JobContext, then every variant of Progress, in source order. */
export const CORE_SURFACE: readonly CoreSurfaceRow[] = [
  method("id", 33, "job-facing", "Returns the job's id (a UUID).", both({ via: "context", field: "job_id" })),
  method(
    "library",
    38,
    "service handle",
    "Borrows the Library the job runs in: its database, configuration, locations and the other library services.",
    both(wire("library", LIBRARY_PARTIAL)),
  ),
  method(
    "library_arc",
    43,
    "service handle",
    "The same Library as a cloned Arc, for processors and tasks that need to own it.",
    both(wire("library", LIBRARY_PARTIAL)),
  ),
  method(
    "library_db",
    48,
    "service handle",
    "The library's SeaORM DatabaseConnection (library.db().conn()): any query or write on the library database.",
    both(none("a raw database connection cannot cross the boundary; an extension reaches library data only through wire methods (see library)")),
  ),
  method(
    "networking_service",
    53,
    "service handle",
    "The P2P NetworkingService, or None when networking is not running.",
    both(
      wire(
        "networking",
        "only the catalogue's network methods (peers and send, which only the reference host serves); not the service, and NetworkingDisabled where core gives None",
      ),
    ),
  ),
  method(
    "volume_manager",
    58,
    "service handle",
    "The VolumeManager, or None when the job was built without one.",
    both(
      none(
        "no import and no method of the wire catalogue reaches volumes (Spacedrive registers volumes.* wire operations, such as query:volumes.list, that a catalogue could add)",
      ),
    ),
  ),
  method(
    "progress",
    63,
    "job-facing",
    "Sends a Progress value on the job's progress channel and writes it to the job's log file when there is one; Generic progress is also logged at info; a failed send is only a warning.",
    {
      "1.0": imports(["job_report_progress"], `${REPORT_PROGRESS_ONLY}: Percentage only, no Count, Bytes, Structured or Generic, and never Indeterminate`),
      "1.1": VIA_JOB_PROGRESS,
    },
  ),
  method(
    "add_warning",
    87,
    "job-facing",
    "Writes the warning to the job's log file and sends it as Progress::Indeterminate(msg); it never increments warnings_count (the ABI counts warnings; core does not).",
    both(imports(["job_add_warning"])),
  ),
  method(
    "add_non_critical_error",
    99,
    "job-facing",
    "Logs the error at warn and increments non_critical_errors_count only when try_lock gets the metrics lock at once (otherwise the count is lost); sends no progress.",
    both(imports(["job_add_non_critical_error"])),
  ),
  method(
    "metrics",
    118,
    "job-facing",
    "Returns a copy of the job's JobMetrics: bytes_processed, items_processed, warnings_count, non_critical_errors_count, duration_ms.",
    {
      "1.0": none("no import reads the metrics back: a guest can only add to bytes and items, and must keep its own counts"),
      // duration_ms is None for a running job: JobMetrics derives Default and nothing in JobContext sets it (types.rs:95-102).
      "1.1": imports(["job_metrics"]),
    },
  ),
  method(
    "increment_bytes",
    123,
    "job-facing",
    "Adds to bytes_processed with += on a u64 under the metrics lock (overflow panics in a debug build and wraps in release; the ABI saturates).",
    both(imports(["job_increment_bytes"])),
  ),
  method(
    "increment_items",
    128,
    "job-facing",
    "Adds to items_processed with += on a u64, as increment_bytes (the ABI saturates).",
    both(imports(["job_increment_items"])),
  ),
  method(
    "check_interrupt",
    133,
    "job-facing",
    "Err(JobError::Interrupted) while a pause or cancel is pending, without saying which (the ABI answers 1 pause or 2 cancel); Ok otherwise.",
    both(imports(["job_check_interrupt"])),
  ),
  method(
    "checkpoint",
    142,
    "job-facing",
    "Checks for an interrupt first (Interrupted, nothing saved), then saves a checkpoint with no state (None).",
    {
      "1.0": imports(["job_checkpoint"], "no stateless checkpoint: job_checkpoint always saves a state (empty at best), and saves even while interrupted"),
      "1.1": imports(["job_checkpoint_stateless"]),
    },
  ),
  method(
    "checkpoint_with_state",
    148,
    "job-facing",
    "Checks for an interrupt first (Interrupted, nothing saved), then saves the state serialized as MessagePack (rmp_serde); the ABI's job_checkpoint saves opaque bytes, even while interrupted.",
    both(imports(["job_checkpoint"])),
  ),
  method(
    "load_state",
    157,
    "job-facing",
    "Loads the job's checkpoint and decodes it from MessagePack; Ok(None) when there is none.",
    both(imports(["job_load_state"])),
  ),
  method(
    "save_state",
    168,
    "job-facing",
    "Saves the state as MessagePack through the same checkpoint handler, without an interrupt check.",
    both(imports(["job_checkpoint"])),
  ),
  method(
    "spawn_child",
    176,
    "job-facing",
    "Not implemented at this commit: its body is todo!(), so a core job that calls it panics.",
    both(imports(["job_spawn_child"])),
  ),
  method(
    "wait_for_children",
    186,
    "job-facing",
    "Waits for each handle in child_handles in turn and returns the first failure (a cancelled child is Interrupted); nothing in JobContext adds a handle.",
    {
      "1.0": none("no import waits: a 1.0 job's children run after its run returns"),
      "1.1": imports(["job_wait_for_children"]),
    },
  ),
  method(
    "log",
    197,
    "job-facing",
    "Logs the message at info with the job's id, and to the job's log file when there is one.",
    both(imports(["job_log", "spacedrive_log"])),
  ),
  method(
    "log_debug",
    208,
    "job-facing",
    "Logs the message at debug with the job's id, and to the job's log file when there is one.",
    both(imports(["job_log", "spacedrive_log"])),
  ),

  variant("Count", 14, "{current, total} as usize; as a percentage current/total when total > 0, none otherwise.", {
    "1.0": none(REPORT_PROGRESS_ONLY),
    "1.1": VIA_JOB_PROGRESS,
  }),
  variant(
    "Percentage",
    17,
    "An f32 meant as 0.0 to 1.0: Progress::percentage() clamps it (NaN stays NaN), the variant built directly does not.",
    { "1.0": imports(["job_report_progress"]), "1.1": imports(["job_progress", "job_report_progress"]) },
  ),
  variant("Indeterminate", 20, "A message with no fraction (is_determinate() is false); core's add_warning sends its warnings as this.", {
    "1.0": imports(["job_report_progress"], "a message always comes with a fraction, so the host cannot tell the progress is indeterminate"),
    "1.1": VIA_JOB_PROGRESS,
  }),
  variant("Bytes", 23, "{current, total} as u64 bytes; as a percentage like Count; displayed in binary units (KB = 1024 B).", {
    "1.0": none(REPORT_PROGRESS_ONLY),
    "1.1": VIA_JOB_PROGRESS,
  }),
  variant(
    "Structured",
    27,
    "Any serde_json::Value (JobProgress::to_progress's default; a value that fails to serialize becomes null); no percentage; left out of the specta types.",
    { "1.0": none(REPORT_PROGRESS_ONLY), "1.1": VIA_JOB_PROGRESS },
  ),
  variant(
    "Generic",
    30,
    "GenericProgress (percentage, phase, current_path, message, completion, performance, metadata), which core recommends for every job; progress() logs it at info.",
    { "1.0": none(REPORT_PROGRESS_ONLY), "1.1": VIA_JOB_PROGRESS },
  ),
];

/** The imports a reach names (none for wire, context and none). */
export function reachImports(reach: CoreReach): readonly CoreSurfaceImport[] {
  return reach.via === "import" ? reach.imports : [];
}

/** A reach in a few words: `import job_log, spacedrive_log`, `wire query:test.ping, ...`, `context job_id`, `none`. */
export function reachText(reach: CoreReach): string {
  switch (reach.via) {
    case "import":
      return `import ${reach.imports.join(", ")}`;
    case "wire":
      return `wire ${reach.methods.join(", ")}`;
    case "context":
      return `context ${reach.field}`;
    case "none":
      return "none";
  }
}
