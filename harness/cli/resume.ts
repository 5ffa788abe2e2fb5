import { parseCommand, UsageError } from "./args.ts";
import { DURABLE_FLAGS, durableOptions, runDurableCommand, traceWindowOption } from "./durable.ts";

export const RESUME_USAGE = `usage: job-parity resume <job-id> --db <file> [options]

Resumes a job kept in a job database (by "job-parity exec --db") in this new process: its extension is loaded again
from the same file (refused if the file changed since), and the job runs from its last checkpoint until it ends,
with its unfinished children. Jobs left Running by a process that died are recovered as Paused when the database is
opened, so an orphaned job is resumed the same way. Ctrl-C (SIGINT) or SIGTERM pauses it again.

  --db <file>             the job database (required)
  --durability <mode>     full (default) or normal: see "job-parity exec --help"
  --print-checkpoints     announce each checkpoint on stderr (see exec)
  --json                  print one JSON document (outcome, runs, trace, metrics, children)
  --quiet                 print each job's outcome, not its trace
  --trace-window <n>      keep the first and the last n events of each trace (default 1000; 0: every event)

Exit codes: 0 the job ended Completed, Paused or Cancelled; 1 it Failed; 2 it could not be resumed (no such job, a
finished job, a changed or missing extension file, an unreadable database).`;

export async function resumeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand("resume", argv, { json: { type: "boolean", default: false }, ...DURABLE_FLAGS });
  if (positionals.length !== 1) throw new UsageError(`resume: give exactly one job id (got ${positionals.length}); "job-parity jobs --db <file>" lists them\n\n${RESUME_USAGE}`);
  const traceWindow = traceWindowOption("resume", values["trace-window"]);
  const durable = durableOptions("resume", values);
  if (durable === null) throw new UsageError(`resume: --db <file> is required\n\n${RESUME_USAGE}`);
  return runDurableCommand("resume", { kind: "resume", request: { ...durable, traceWindow, jobId: positionals[0]! } }, { source: durable.db, json: values.json, quiet: values.quiet });
}
