import { existsSync, statSync } from "node:fs";
import type { Durability } from "../host/sqlite-store.ts";
import type { OnTimeout } from "../host/host.ts";
import { DURABLE_POLICY_DEFAULTS, runDurable, type DurableCommand, type DurableOutput, type DurablePolicy } from "../durable/runner.ts";
import type { DurableOptions } from "../durable/session.ts";
import { DEFAULT_TRACE_WINDOW } from "../trace/window.ts";
import { inputErrorLine, MAX_TIMEOUT_MS, nonNegativeInt, UsageError } from "./args.ts";

/** The flags every command that runs jobs on a job database takes. */
export const DURABLE_FLAGS = {
  db: { type: "string" },
  durability: { type: "string" },
  "print-checkpoints": { type: "boolean", default: false },
  "lock-wait": { type: "string" },
  quiet: { type: "boolean", default: false },
  "trace-window": { type: "string" },
  "run-timeout": { type: "string" },
  "stall-timeout": { type: "string" },
  "on-timeout": { type: "string" },
} as const;

const DURABILITIES: readonly Durability[] = ["full", "normal"];

/** --trace-window: how many of the first and of the last events of each trace are kept; 0 keeps every event. */
export function traceWindowOption(command: string, value: string | undefined): number {
  // Decimal digits, as every integer flag is read (not 0x10 or 1e20).
  return nonNegativeInt(command, "trace-window", value, Number.MAX_SAFE_INTEGER, "a whole number of events (0: keep every event)") ?? DEFAULT_TRACE_WINDOW;
}
const ON_TIMEOUT: readonly OnTimeout[] = ["pause", "fail"];

/** A flag of milliseconds: a non-negative integer (0: no limit), or the default when absent. */
function milliseconds(command: string, flag: string, value: string | undefined, fallback: number): number {
  return nonNegativeInt(command, flag, value, MAX_TIMEOUT_MS, "a whole number of milliseconds (0: no limit)") ?? fallback;
}

/** --run-timeout, --stall-timeout and --on-timeout, with the durable defaults (DURABLE_POLICY_DEFAULTS). */
function durablePolicy(command: string, values: { "run-timeout"?: string; "stall-timeout"?: string; "on-timeout"?: string }): Required<DurablePolicy> {
  const onTimeout = values["on-timeout"] ?? DURABLE_POLICY_DEFAULTS.onTimeout;
  if (!ON_TIMEOUT.includes(onTimeout as OnTimeout)) throw new UsageError(`${command}: --on-timeout must be one of ${ON_TIMEOUT.join(", ")}, got ${JSON.stringify(onTimeout)}`);
  return {
    runTimeoutMs: milliseconds(command, "run-timeout", values["run-timeout"], DURABLE_POLICY_DEFAULTS.runTimeoutMs),
    stallTimeoutMs: milliseconds(command, "stall-timeout", values["stall-timeout"], DURABLE_POLICY_DEFAULTS.stallTimeoutMs),
    onTimeout: onTimeout as OnTimeout,
  };
}

/** --lock-wait: milliseconds one database operation may wait in all for other processes' locks (default 30000). */
function lockWait(command: string, value: string | undefined): number | undefined {
  return nonNegativeInt(command, "lock-wait", value, MAX_TIMEOUT_MS, "a whole number of milliseconds");
}

/** The durable options from parsed flags; null when there is no --db (the job then lives in memory). */
export function durableOptions(
  command: string,
  values: { db?: string; durability?: string; "print-checkpoints"?: boolean; "lock-wait"?: string; "run-timeout"?: string; "stall-timeout"?: string; "on-timeout"?: string },
): (DurableOptions & Required<DurablePolicy>) | null {
  const durability = values.durability;
  if (durability !== undefined && !DURABILITIES.includes(durability as Durability)) {
    throw new UsageError(`${command}: --durability must be one of ${DURABILITIES.join(", ")}, got ${JSON.stringify(durability)}`);
  }
  if (values.db === undefined) {
    if (durability !== undefined || values["print-checkpoints"]) throw new UsageError(`${command}: --durability and --print-checkpoints need --db <file>`);
    if (values["lock-wait"] !== undefined) throw new UsageError(`${command}: --lock-wait needs --db <file>`);
    const limits = ["run-timeout", "stall-timeout", "on-timeout"] as const;
    const given = limits.find((flag) => values[flag] !== undefined);
    if (given !== undefined) throw new UsageError(`${command}: --${given} needs --db <file> (without it a job runs under the reference host's conformance limits)`);
    return null;
  }
  if (values.db.trim() === "") throw new UsageError(`${command}: --db needs a file name`);
  if (existsSync(values.db) && statSync(values.db).isDirectory()) {
    throw new UsageError(`${command}: --db ${values.db} is a folder; give ${command === "resume" ? "the job database in it" : "a file in it (made if missing)"}`);
  }
  return { db: values.db, durability: durability as Durability | undefined, printCheckpoints: values["print-checkpoints"] ?? false, lockWaitMs: lockWait(command, values["lock-wait"]), ...durablePolicy(command, values) };
}

/** Runs a durable command on its worker thread (which prints the run); errors are printed here. Returns the exit code. */
export async function runDurableCommand(name: string, command: DurableCommand, output: DurableOutput): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const outcome = await runDurable(command, output, say);
  if (outcome.kind === "done") return outcome.exitCode;
  say(outcome.input ? inputErrorLine(name, outcome.message, outcome.code) : `job-parity ${name}: internal error: ${outcome.message}`);
  return 2;
}
