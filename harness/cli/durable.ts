import type { Durability } from "../host/sqlite-store.ts";
import { runDurable, type DurableCommand, type DurableOutput } from "../durable/runner.ts";
import type { DurableOptions } from "../durable/session.ts";
import { UsageError } from "./args.ts";

/** The flags every command that runs jobs on a job database takes. */
export const DURABLE_FLAGS = {
  db: { type: "string" },
  durability: { type: "string" },
  "print-checkpoints": { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
} as const;

const DURABILITIES: readonly Durability[] = ["full", "normal"];

/** The durable options from parsed flags; null when there is no --db (the job then lives in memory). */
export function durableOptions(command: string, values: { db?: string; durability?: string; "print-checkpoints"?: boolean }): DurableOptions | null {
  const durability = values.durability;
  if (durability !== undefined && !DURABILITIES.includes(durability as Durability)) {
    throw new UsageError(`${command}: --durability must be one of ${DURABILITIES.join(", ")}, got ${JSON.stringify(durability)}`);
  }
  if (values.db === undefined) {
    if (durability !== undefined || values["print-checkpoints"]) throw new UsageError(`${command}: --durability and --print-checkpoints need --db <file>`);
    return null;
  }
  if (values.db.trim() === "") throw new UsageError(`${command}: --db needs a file name`);
  return { db: values.db, durability: durability as Durability | undefined, printCheckpoints: values["print-checkpoints"] ?? false };
}

/** Runs a durable command on its worker thread (which prints the run); errors are printed here. Returns the exit code. */
export async function runDurableCommand(name: string, command: DurableCommand, output: DurableOutput): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const outcome = await runDurable(command, output, say);
  if (outcome.kind === "done") return outcome.exitCode;
  say(outcome.input ? `job-parity ${name}: ${outcome.message}` : `job-parity ${name}: internal error: ${outcome.message}`);
  return 2;
}
