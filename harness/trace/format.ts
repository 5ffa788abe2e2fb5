import { canonicalJson } from "./diff.ts";
import { printable } from "./printable.ts";

/** One line for a (normalized) trace event, for people: `kind` column, then what happened; printable (a guest wrote its texts). */
export function formatEvent(event: { kind: string } & Record<string, unknown>): string {
  const e = event as Record<string, unknown>;
  const text = (value: unknown) => JSON.stringify(value);
  let detail: string;
  switch (event.kind) {
    case "status": {
      const end = e.end as { cause: string; code?: number } | undefined;
      detail = `${String(e.status)}${end ? (end.cause === "trap" ? " (trapped)" : end.cause === "timeout" ? " (stopped by a time limit)" : ` (returned ${end.code})`) : ""}`;
      break;
    }
    case "progress":
      detail = `${(Number(e.value) * 100).toFixed(1)}%  ${text(e.message)}`;
      break;
    case "checkpoint":
      detail = `${String(e.bytes)} bytes  ${e.state === null && e.sha256 ? `(not kept) sha256 ${String(e.sha256)}` : text(e.state)}`;
      break;
    case "load_state":
      // A windowed trace keeps only the newest state loaded: an older one has its size and sha256.
      detail = e.state === null ? (e.sha256 ? `${String(e.bytes)} bytes  (not kept) sha256 ${String(e.sha256)}` : "(none)") : text(e.state);
      break;
    case "interrupt_check":
      detail = ["continue", "pause", "cancel"][Number(e.answer)] ?? String(e.answer);
      break;
    case "warning":
    case "non_critical_error":
      detail = text(e.message);
      break;
    case "log":
      detail = `${String(e.level).padEnd(5)} ${text(e.message)}`;
      break;
    case "metrics":
      detail = `${String(e.field)} +${String(e.delta)} = ${String(e.total)}`;
      break;
    case "child_spawned":
      detail = `${String(e.child)} ${String(e.type)} params ${text(e.params)}`;
      break;
    case "call":
      detail = `${String(e.method)}${e.library ? ` @${String(e.library)}` : ""} ${canonicalJson(e.request)} -> ${canonicalJson(e.response)}`;
      break;
    case "abi_violation": {
      // A compared trace has no words (suite/compare.ts, comparable): then what it keeps, the argument or the limit.
      const about = [e.arg, e.limit].filter((part) => typeof part === "string").join(", ");
      detail = `${String(e.import)} ${String(e.code)}${typeof e.detail === "string" ? `: ${e.detail}` : about === "" ? "" : ` (${about})`}`;
      break;
    }
    case "job_registered":
      detail = `${String(e.name)} -> ${String(e.export)}${e.resumable ? " (resumable)" : ""}`;
      break;
    default:
      detail = canonicalJson(event);
  }
  return printable(`${event.kind.padEnd(18)} ${detail}`);
}
