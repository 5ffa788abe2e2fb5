/**
 * The twelve capabilities a native ("core") job has, from core's JobContext, and the ABI imports that make each one
 * reachable from a WASM job. The coverage gate and the capability matrix are derived from this list.
 */
export const CAPABILITIES = [
  { id: "progress", core: "ctx.progress(Progress::percent(..))", summary: "report 0..1 progress with a message" },
  { id: "checkpoint", core: "ctx.checkpoint_with_state(&s)", summary: "save state at safe points for resumability" },
  { id: "save_state", core: "ctx.save_state(&s)", summary: "persist state without an interrupt check" },
  { id: "load_state", core: "ctx.load_state::<S>()", summary: "read the last saved state" },
  { id: "interrupt", core: "ctx.check_interrupt()", summary: "observe pause and cancel requests" },
  { id: "metrics", core: "ctx.increment_bytes / increment_items", summary: "u64 bytes and items counters" },
  { id: "warnings", core: "ctx.add_warning(msg)", summary: "non-fatal issues, counted in metrics" },
  { id: "non_critical_errors", core: "ctx.add_non_critical_error(err)", summary: "recoverable errors, counted" },
  { id: "logging", core: "ctx.log(msg)", summary: "leveled log lines attributed to the job" },
  { id: "child_jobs", core: "ctx.spawn_child(job)", summary: "queue sub-jobs that run after the parent's run" },
  { id: "library", core: "ctx.library()", summary: "library database access through wire methods" },
  { id: "networking", core: "ctx.networking_service()", summary: "P2P operations, absent when networking is off" },
] as const;

export type CapabilityId = (typeof CAPABILITIES)[number]["id"];

export const CAPABILITY_IDS: readonly CapabilityId[] = CAPABILITIES.map((c) => c.id);

export function isCapabilityId(value: string): value is CapabilityId {
  return (CAPABILITY_IDS as readonly string[]).includes(value);
}
