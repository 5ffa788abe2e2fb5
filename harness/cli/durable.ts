import type { Durability } from "../host/sqlite-store.ts";
import { runDurable, type DurableCommand } from "../durable/runner.ts";
import type { DurableOptions } from "../durable/session.ts";
import { UsageError } from "./args.ts";
import { printRun } from "./print-run.ts";

/** The flags every command on a job database takes. */
export const DURABLE_FLAGS = {
  db: { type: "string" },
  durability: { type: "string" },
  "print-checkpoints": { type: "boolean", default: false },
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

/** Runs a durable command (on its worker thread), prints its run, and says how to resume a job left Paused. */
export async function runDurableCommand(name: string, command: DurableCommand, source: string, json: boolean, out: (line: string) => void): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const outcome = await runDurable(command, say);
  if (outcome.kind === "failed") {
    say(outcome.input ? `job-parity ${name}: ${outcome.message}` : `job-parity ${name}: internal error: ${outcome.message}`);
    return 2;
  }
  const code = printRun(outcome.result, source, json, out);
  const root = outcome.result.jobs[0]!;
  const unfinished = outcome.result.jobs.filter((job) => job.status === "Paused" || job.status === "Queued");
  if (unfinished.length > 0) {
    say(`job-parity: ${unfinished.length === 1 ? "1 job is" : `${unfinished.length} jobs are`} unfinished; resume with: job-parity resume ${root.status === "Paused" || root.status === "Queued" ? root.id : unfinished[0]!.id} --db ${command.request.db}`);
  }
  return code;
}
