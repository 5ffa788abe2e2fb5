import { parseCommand, UsageError } from "./args.ts";
import { DURABLE_FLAGS, durableOptions, runDurableCommand, traceWindowOption } from "./durable.ts";

export const RESUME_USAGE = `usage: job-parity resume <job-id> --db <file> [options]

Resumes a job kept in a job database (by "job-parity exec --db") in this new process: its extension is loaded again
from the same file (refused if the file changed since), and the job runs from its last checkpoint until it ends,
with its unfinished children. Jobs left Running by a process that died are recovered as Paused when the database is
opened, so an orphaned job is resumed the same way. Ctrl-C (SIGINT) or SIGTERM pauses it again.

  --db <file>             the job database (required; it must exist)
  --extension <path>      load the job's extension from this file (it must have the sha256 the job started with):
                          needed when the extension the database names is not under the directory the job was
                          started from, or resume runs elsewhere (see below)
  --lock-wait <ms>        how long one database operation waits in all for other processes' locks (default 30000)
  --run-timeout <ms>      wall-clock limit of each run; default 0: none
  --stall-timeout <ms>    stop a run that goes this long without calling the host; default 10000; 0: none
  --on-timeout <policy>   pause (default): a job a limit stopped ends Paused again at its last checkpoint; fail: Failed
  --durability <mode>     full (default) or normal: see "job-parity exec --help"
  --print-checkpoints     announce each checkpoint on stderr (see exec)
  --json                  print one JSON document (outcome, runs, trace, metrics, children)
  --quiet                 print each job's outcome, not its trace
  --trace-window <n>      keep the first and the last n events of each trace (default 1000; 0: every event)

Which extension it loads: the database names the extension's path and sha256, and a database can be crafted, so
resume prints the path and sha256 it loads, and loads the path the database names only when it lies under the
directory the job was started from and resume runs in that directory (or above it). Otherwise it refuses
(JP_EXTENSION_REFUSED) unless the path is given again with --extension. The file must match the stored sha256.

Exit codes: 0 the job ended Completed, Paused or Cancelled; 1 it Failed; 2 it could not be resumed (no such job or
database, a finished job, a job another process is running, a changed, missing or refused extension file, an
unreadable database).`;

export async function resumeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand("resume", argv, { json: { type: "boolean", default: false }, extension: { type: "string" }, ...DURABLE_FLAGS });
  if (positionals.length !== 1) throw new UsageError(`resume: give exactly one job id (got ${positionals.length}); "job-parity jobs --db <file>" lists them`, RESUME_USAGE);
  const traceWindow = traceWindowOption("resume", values["trace-window"]);
  const durable = durableOptions("resume", values);
  if (durable === null) throw new UsageError(`resume: --db <file> is required`, RESUME_USAGE);
  return runDurableCommand("resume", { kind: "resume", request: { ...durable, traceWindow, jobId: positionals[0]!, extension: values.extension } }, { source: durable.db, json: values.json, quiet: values.quiet });
}
