/**
 * The twelve capabilities a native ("core") job has, from core's JobContext, and the ABI imports that make each one
 * reachable from a WASM job. The coverage gate and the capability matrix are derived from this list. `core` is how a
 * core job does it at Spacedrive be454a0b4; `summary` says what the ABI does, and where it differs from core, how
 * (lines of core/src/infra/job/; the method-by-method account is core-surface.ts).
 */
export const CAPABILITIES = [
  {
    id: "progress",
    core: "ctx.progress(Progress::percentage(..))",
    summary:
      "report 0..1 progress with a message; core's Percentage is the fraction alone, clamped by Progress::percentage (progress.rs:17, 40-42), sent by ctx.progress (context.rs:63)",
  },
  {
    id: "checkpoint",
    core: "ctx.checkpoint_with_state(&s)",
    summary:
      "save state at safe points for resumability; the ABI saves even while an interrupt is pending, where core checks for one first and saves nothing (context.rs:148-154)",
  },
  { id: "save_state", core: "ctx.save_state(&s)", summary: "persist state without an interrupt check" },
  { id: "load_state", core: "ctx.load_state::<S>()", summary: "read the last saved state" },
  { id: "interrupt", core: "ctx.check_interrupt()", summary: "observe pause and cancel requests" },
  {
    id: "metrics",
    core: "ctx.increment_bytes / increment_items",
    summary: "u64 bytes and items counters; core adds with += (context.rs:124, 129), the ABI saturates at 2^64-1",
  },
  {
    id: "warnings",
    core: "ctx.add_warning(msg)",
    summary:
      "non-fatal issues; the ABI counts them, core does not: add_warning sends Progress::Indeterminate(msg) and never increments warnings_count (context.rs:86-96)",
  },
  {
    id: "non_critical_errors",
    core: "ctx.add_non_critical_error(err)",
    summary: "recoverable errors, counted; core counts one only when try_lock gets the metrics lock at once (context.rs:111-114)",
  },
  {
    id: "logging",
    core: "ctx.log(msg)",
    summary: "leveled log lines attributed to the job; core has log at info and log_debug (context.rs:197, 208), the ABI adds warn and error",
  },
  {
    id: "child_jobs",
    core: "ctx.spawn_child(job)",
    summary: "queue sub-jobs that run after the parent's run; core's spawn_child is todo!() at this commit (context.rs:176-183)",
  },
  { id: "library", core: "ctx.library()", summary: "library database access through wire methods" },
  { id: "networking", core: "ctx.networking_service()", summary: "P2P operations, absent when networking is off" },
] as const;

export type CapabilityId = (typeof CAPABILITIES)[number]["id"];

export const CAPABILITY_IDS: readonly CapabilityId[] = CAPABILITIES.map((c) => c.id);

export function isCapabilityId(value: string): value is CapabilityId {
  return (CAPABILITY_IDS as readonly string[]).includes(value);
}
