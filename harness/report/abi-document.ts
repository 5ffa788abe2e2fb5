import { CAPABILITIES } from "../abi/capabilities.ts";
import { ABI_VERSION, GUEST_EXPORTS, INTERRUPT, JOB_EXPORT_SIGNATURE, JOB_RETURN } from "../abi/exports.ts";
import { formatSignature, IMPORT_MODULE, IMPORTS, importSignature } from "../abi/imports.ts";
import { STATUS, STATUS_DESCRIPTIONS, type StatusName } from "../abi/status.ts";
import { DEFAULT_LIMITS } from "../host/limits.ts";
import { DEFAULT_PERMISSIONS } from "../host/permissions.ts";

/** Decisions the table cannot express, written once here so the document and the reference host agree. */
const SEMANTICS = [
  ["Context", "The host writes `{\"job_id\":\"<uuid>\",\"library_id\":\"<uuid>\"}` (compact JSON, lowercase UUIDs, this key order: what serde_json writes for core's `json!`) and the state bytes into guest memory obtained from `wasm_alloc`, and passes (ctx_ptr, ctx_len, state_ptr, state_len). The design's sketch passes host pointers, which a guest cannot read. State length 0 (pointer 0) means \"start from the default state\". The host never frees what it wrote; the guest owns it."],
  ["Host-to-guest bytes", "`spacedrive_call`, `job_load_state` and `job_spawn_child` answer with a pointer from `wasm_alloc` to a u32 little-endian length followed by the bytes; 0 means nothing was written. A `wasm_alloc` that returns 0 or a pointer that cannot hold the answer is refused with ALLOCATION_FAILED; a trap inside `wasm_alloc` is a trap of the job. The call takes effect before its answer is written: when the answer cannot be written, the effect stands (a child is queued, a wire action is done, the load is traced) and the refusal records that the guest did not receive it."],
  ["Refusals", "A call the host refuses has no effect. i32-status calls return the status code; void calls cannot, so every refusal (status calls included) is recorded as an `abi_violation` event naming the import and the status."],
  ["Job ids", "A job id is a pointer to 16 raw UUID bytes. It is accepted only when it names the job running on that instance; the id of another live job (a paused job, a sibling, the parent), a finished job, or an unknown id is refused with NOT_RUNNING_JOB and touches nothing of that job. The refusal is recorded on the job that made the call."],
  ["Progress", "An f32 fraction on both sides (the native API rounds with Math.fround, because that is what crosses the boundary), clamped to 0..1 (+Infinity to 1, -Infinity to 0); NaN is refused with BAD_ARGUMENT."],
  ["Interrupts", "A pause or cancel request stays pending until the run returns: every `job_check_interrupt` after it answers it again. Core consumes a request on first observation (edge-triggered); v1 does not, because the SDK's job macro checks again after the job's own check, and a guest must see the request both times."],
  ["Checkpoints", "`job_checkpoint` saves even while an interrupt is pending. Core's `checkpoint_with_state` checks for an interrupt first and does not save then; a guest that checkpoints *because* it was interrupted needs the save to happen. `save_state` and `checkpoint` reach the same host part in v1."],
  ["Run outcomes", "0 Completed (the checkpoint is discarded); 1 Interrupted: Cancelled if a cancel is pending (the checkpoint is discarded), otherwise Paused (the checkpoint is kept, and a resume calls the export again with it as the state); 2 Failed (the checkpoint is kept); any other value fails the job with a BAD_RETURN abi_violation. A trap fails the job, keeps the last checkpoint, and the instance is never reused: the next run gets a fresh instance, on which plugin_init runs again."],
  ["Metrics", "`job_increment_bytes` / `job_increment_items` take an i64 whose meaning is u64 (so -1 is 2^64-1); totals saturate at 2^64-1. Warnings count in metrics.warnings (core's add_warning does not: a quirk v1 does not copy) and non-critical errors in metrics.nonCriticalErrors."],
  ["Logging", "Levels: 0 debug, 1 info, 2 warn, 3 error, anything else info. `spacedrive_log` is attributed to the job running on the instance, if any (from plugin_init it is the extension's). `job_log` is job-scoped."],
  ["Child jobs", "The child type names a job the same guest registered, or a native job type of the host; the params are the child's initial state. Children are queued with their parent's id and run after the parent's run returns, in spawn order, each with its own trace."],
  ["Wire calls", "Methods are `query:<name>` and `action:<name>.input`. Errors answer `{\"error\": \"<what>\", \"code\": \"<code>\"}` with codes MethodNotAllowed, LibraryAccessDenied, RateLimitExceeded, UnknownMethod, BadPayload, LibraryRequired, LibraryNotFound, EntryNotFound, NetworkingDisabled, UnknownPeer. The manifest's permissions apply in Spacedrive's order: method prefix, library, then the rate limit, which counts only calls that passed the first two, over a sliding window. Requests and answers cross as JSON on both sides: a native job's payload is serialized and its answer is parsed, as a guest's are."],
  ["Linking", "A guest whose imports are not in the table, or whose types differ, fails to load with an error naming each import, the expected type and the guest's type. `memory` and `wasm_alloc` are required exports."],
] as const;

const code = (text: string) => `\`${text}\``;

/** The ABI v1 document, generated from the ABI table; docs/ABI.md is this text, kept in step by a test. */
export function renderAbiDocument(): string {
  const lines: string[] = [
    `# Spacedrive extension job ABI v${ABI_VERSION}`,
    "",
    "<!-- Generated from harness/abi by `npm run docs`. Do not edit by hand. -->",
    "",
    `Guests import host functions from module ${code(IMPORT_MODULE)}. Pointers and lengths are i32 with u32 meaning; u64 is i64.`,
    "The first nine imports are exactly what Spacedrive's SDK imports today (origin `spacedrive`); the rest are added by v1.",
    "",
    "## Imports",
    "",
    "| import | wasm type | answers | capabilities | origin | meaning |",
    "|---|---|---|---|---|---|",
    ...IMPORTS.map(
      (spec) =>
        `| ${code(spec.name)} | ${code(importSignature(spec).replace(/\|/g, "\\|"))} | ${spec.result} | ${spec.capabilities.join(", ") || "—"} | ${spec.origin} | ${spec.meaning.replace(/\|/g, "\\|")} |`,
    ),
    "",
    "Parameters:",
    "",
    ...IMPORTS.map((spec) => `- ${code(spec.name)}(${spec.params.map((p) => `${p.name}: ${p.type}`).join(", ")}); refusals: ${spec.statuses.join(", ")}`),
    "",
    "## Guest exports",
    "",
    "| export | kind | type | required | meaning |",
    "|---|---|---|---|---|",
    ...GUEST_EXPORTS.map(
      (spec) =>
        `| ${code(spec.name)} | ${spec.kind} | ${spec.kind === "function" ? code(formatSignature(spec.params ?? [], spec.results ?? [])) : "—"} | ${spec.required ? "yes" : "no"} | ${spec.meaning} |`,
    ),
    `| job exports (named by register_job) | function | ${code(formatSignature(JOB_EXPORT_SIGNATURE.params, JOB_EXPORT_SIGNATURE.results))} | — | ${JOB_EXPORT_SIGNATURE.meaning} |`,
    "",
    `Job return codes: ${Object.entries(JOB_RETURN).map(([name, value]) => `${value} ${name}`).join(", ")}. Interrupt answers: ${Object.entries(INTERRUPT).map(([name, value]) => `${value} ${name}`).join(", ")}.`,
    "",
    "## Status codes",
    "",
    "| code | name | meaning |",
    "|---|---|---|",
    ...(Object.entries(STATUS) as [StatusName, number][]).map(([name, value]) => `| ${value} | ${name} | ${STATUS_DESCRIPTIONS[name]} |`),
    "",
    "## Capabilities",
    "",
    "| capability | core API | reached through |",
    "|---|---|---|",
    ...CAPABILITIES.map(
      (c) => `| ${c.id} | ${code(c.core)} | ${IMPORTS.filter((i) => (i.capabilities as readonly string[]).includes(c.id)).map((i) => code(i.name)).join(", ")} |`,
    ),
    "",
    "## Semantics",
    "",
    ...SEMANTICS.flatMap(([title, text]) => [`- **${title}.** ${text}`]),
    "",
    "## Reference host limits (defaults)",
    "",
    "| limit | default |",
    "|---|---|",
    ...Object.entries(DEFAULT_LIMITS).map(([name, value]) => `| ${name} | ${value} |`),
    `| permissions (no manifest) | methods ${DEFAULT_PERMISSIONS.methods.join(" ")}; libraries ${DEFAULT_PERMISSIONS.libraries.join(" ")}; ${DEFAULT_PERMISSIONS.rateLimit.calls} calls per ${DEFAULT_PERMISSIONS.rateLimit.windowMs} ms |`,
    "",
  ];
  return lines.join("\n");
}
