import { closeSync, openSync, readSync } from "node:fs";
import { DEFAULT_LIMITS } from "../host/limits.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import type { Scenario } from "../suite/scenario.ts";
import { parseCommand, positiveInt, UsageError } from "./args.ts";
import { DURABLE_FLAGS, durableOptions, runDurableCommand, traceWindowOption } from "./durable.ts";
import { examplePath, exampleScenario, shippedPath } from "./examples.ts";
import { printable } from "../trace/printable.ts";

export const EXEC_USAGE = `usage: job-parity exec <guest.wat|guest.wasm|extension.ts> --job <name> [options]
       job-parity exec --example <name> [--job <name>] [options]

Runs one job of a guest (or of a native extension module, whose default export is a NativeExtensionDefinition) on
the reference host and prints its trace and outcome. A relative path under sdk-guest/, wat-fixtures/ or conformance/
that does not exist here names that file of job-parity itself.

  --example <name>        a guest job-parity ships: counter (sdk-guest/counter.wasm, its job counter), or a fixture's
                          case id (lifecycle/counter: wat-fixtures/lifecycle/counter.wat), run with the case's own
                          scenario (its job, state, interrupts, limits, ...; --job and the flags below replace parts;
                          with --db only its job, state, interrupts, resume and networking, which a durable job keeps)
  --job <name>            the job name registered in plugin_init, or a job export name (an example has its own)
  --state <json|text>     initial state: valid JSON is passed as the text JSON.stringify writes for its value
                          (scenario.state: numbers as doubles, so an integer past 2^53 is rounded; a name given twice
                          keeps its last value), anything else, invalid JSON included, as UTF-8 text without a word;
                          --state-json passes JSON text exactly. An argument is limited by the shell (about 128 KiB);
                          states may be far larger: use --state-file
  --state-json <json>     initial state that must be valid JSON (refused with the parse error if not), passed as
                          the text given
  --state-file <path>     initial state: the file's bytes, as they are (any size the host accepts)
  --pause-at-check <N>    request a pause at the Nth interrupt check of the first run
  --cancel-at-check <N>   request a cancel at the Nth interrupt check of the first run
  --resume                resume a paused job from its last checkpoint until it ends (paused by --pause-at-check
                          or by the job itself: alone, it resumes a job that pauses itself)
  --networking <peers>    enable networking with comma-separated loopback peers; "" enables it with none
  --json                  print one JSON document (outcome, runs, trace, metrics, children)
  --quiet                 print each job's outcome, not its trace
  --trace-window <n>      keep the first and the last n events of each trace (default 1000), and count the
                          events between per kind; only the newest checkpoint keeps its state. 0: keep every event

Durable jobs (the job and its checkpoints live in a SQLite file; see "job-parity resume" and "job-parity jobs"):
  --db <file>             keep jobs and checkpoints in this SQLite database (created if missing)
  --durability <mode>     full (default: every checkpoint fsynced before job_checkpoint answers) or normal
  --print-checkpoints     announce each checkpoint on stderr: "checkpoint writing <job> <bytes>" before the
                          transaction, "checkpoint saved <job> <sha256>" after it commits
  --lock-wait <ms>        how long one database operation waits in all for other processes' locks (default 30000);
                          a checkpoint the database still cannot take pauses the job at its last stored checkpoint
  --run-timeout <ms>      wall-clock limit of each run; default 0: none (a durable job runs as long as it needs)
  --stall-timeout <ms>    stop a run that goes this long without calling the host (a guest spinning in a loop);
                          default 10000; 0: none. A native extension's jobs have no stall limit (only --run-timeout)
  --on-timeout <policy>   pause (default): a job a limit stopped ends Paused at its last checkpoint, resumable with
                          "job-parity resume"; fail: it ends Failed. resume takes these three flags too
  With --db, Ctrl-C (SIGINT) or SIGTERM pauses running jobs at their next interrupt check; a second one stops at once.
  Without --db, a job runs under the reference host's conformance limits (runTimeoutMs 10000, a stopped job Fails).

Exit codes: 0 the job ended Completed, Paused or Cancelled; 1 it Failed; 2 the guest could not be run.`;

/**
 * The initial state from --state, --state-json or --state-file (at most one): a string is passed as its UTF-8 bytes,
 * bytes as they are, any other value as its JSON text.
 */
function initialState(values: { state?: string; "state-json"?: string; "state-file"?: string }): unknown {
  const given = (["state", "state-json", "state-file"] as const).filter((flag) => values[flag] !== undefined);
  if (given.length > 1) throw new UsageError(`exec: give one of --state, --state-json and --state-file (got ${given.map((flag) => `--${flag}`).join(" and ")})`);
  const json = values["state-json"];
  if (json !== undefined) {
    try {
      JSON.parse(json);
    } catch (error) {
      throw new UsageError(`exec: --state-json is not valid JSON: ${(error as Error).message}`);
    }
    return json; // the text as given: parsing and printing again could change it (a large integer, spacing)
  }
  const file = values["state-file"];
  if (file !== undefined) {
    let bytes: Uint8Array | null;
    try {
      bytes = readAtMost(file, DEFAULT_LIMITS.maxTreeStateBytes);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`exec: --state-file ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder: give the file that holds the state" : (error as Error).message}`);
    }
    if (bytes === null) throw new UsageError(`exec: --state-file ${file}: larger than the ${DEFAULT_LIMITS.maxTreeStateBytes} bytes a job tree may hold (maxTreeStateBytes)`);
    return bytes;
  }
  return parseState(values.state);
}

/** The bytes of a file of at most `limit` bytes, read up to one past it (a device such as /dev/zero never ends); null when longer. */
function readAtMost(path: string, limit: number): Uint8Array | null {
  const fd = openSync(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return new Uint8Array(Buffer.concat(chunks, total));
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return null;
    }
  } finally {
    closeSync(fd);
  }
}

function parseState(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // not JSON: passed as UTF-8 text
  }
}

/**
 * The peers of --networking: null (networking off) when the flag is not given; given, networking is on, with the
 * peers listed (none for "" or ","), so an empty list means the same however it is written.
 */
export function networkingPeers(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  return value
    .split(",")
    .map((peer) => peer.trim())
    .filter(Boolean);
}

/** At most `max` names, then how many more: a guest may export 100,000 functions. */
export function someNames(names: readonly string[], max = 20): string {
  if (names.length === 0) return "none";
  const shown = names.slice(0, max).join(", ");
  return names.length <= max ? shown : `${shown}, ... and ${names.length - max} more (${names.length} in all)`;
}

export async function execCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCommand("exec", argv, {
    example: { type: "string" },
    job: { type: "string" },
    state: { type: "string" },
    "state-json": { type: "string" },
    "state-file": { type: "string" },
    "pause-at-check": { type: "string" },
    "cancel-at-check": { type: "string" },
    resume: { type: "boolean", default: false },
    networking: { type: "string" },
    json: { type: "boolean", default: false },
    ...DURABLE_FLAGS,
  });
  const given = positionals.length + (values.example === undefined ? 0 : 1);
  if (given !== 1) throw new UsageError(`exec: give exactly one guest file or --example (got ${given})`, EXEC_USAGE);
  if (values.example === undefined && positionals[0]!.trim() === "") throw new UsageError("exec: the guest file is an empty path (give a .wat, .wasm or extension module)", EXEC_USAGE);
  const source = values.example === undefined ? shippedPath(positionals[0]!) : examplePath(values.example);
  // A fixture's case runs with its sidecar's scenario (what the gate sends), each flag given replacing its part.
  const base = values.example === undefined ? null : exampleScenario(values.example);
  if (values.job === undefined && base === null) throw new UsageError(`exec: --job is required`, EXEC_USAGE);
  const interrupts: InterruptPlan[] = [];
  const pauseAt = positiveInt("exec", "pause-at-check", values["pause-at-check"]);
  const cancelAt = positiveInt("exec", "cancel-at-check", values["cancel-at-check"]);
  if (pauseAt !== undefined && cancelAt !== undefined) {
    throw new UsageError(
      "exec: give --pause-at-check or --cancel-at-check, not both: a run's first interrupt request stays pending until the run returns, so the other would never be seen",
    );
  }
  if (pauseAt !== undefined) interrupts.push({ action: "pause", atCheck: pauseAt });
  if (cancelAt !== undefined) interrupts.push({ action: "cancel", atCheck: cancelAt });
  const peers = networkingPeers(values.networking);
  const stateGiven = values.state !== undefined || values["state-json"] !== undefined || values["state-file"] !== undefined;
  const scenario: Scenario = {
    ...base,
    job: values.job ?? base!.job,
    ...(base === null || stateGiven ? { state: initialState(values) } : {}),
    ...(base === null || interrupts.length > 0 ? { interrupts } : {}),
    ...(base === null || values.resume ? { resume: values.resume } : {}),
    ...(base === null || values.networking !== undefined ? { networking: peers ? { peers } : null } : {}),
  };

  const traceWindow = traceWindowOption("exec", values["trace-window"]);
  const durable = durableOptions("exec", values);
  if (durable !== null) {
    // The durable store keeps the job, its state, its interrupts, resume and networking; a case's other parts (limits,
    // permissions, ...) are not kept with a job, so a durable run is the job alone.
    const request = { ...durable, traceWindow, source, job: scenario.job, state: scenario.state, interrupts: scenario.interrupts ?? [], resume: scenario.resume ?? false, networking: scenario.networking?.peers ?? null };
    return runDurableCommand("exec", { kind: "exec", request }, { source, json: values.json, quiet: values.quiet });
  }
  // Loaded here, not at the top: a durable run loads them on its worker thread only.
  const [{ UnknownJobError }, { runScenario }, { loadSubjectFile }, { printRun }] = await Promise.all([
    import("../host/host.ts"),
    import("../suite/scenario.ts"),
    import("../suite/subject-file.ts"),
    import("../report/run-text.ts"),
  ]);
  const { subject } = await loadSubjectFile(source);
  try {
    return printRun(runScenario(subject, scenario, { traceWindow }), source, { json: values.json, quiet: values.quiet }, out);
  } catch (error) {
    // A job named by --job that the guest does not have is a mistake on the command line; one named by an example's
    // own scenario is the case's outcome (a load error, JP_UNKNOWN_JOB, as the gate reports it).
    if (error instanceof UnknownJobError && subject.kind === "wasm" && values.job !== undefined) {
      const exported = subject.guest.iface.exports.filter((e) => e.kind === "function").map((e) => printable(e.name));
      throw new UsageError(`exec: ${(error as Error).message}; the guest exports: ${someNames(exported)}`);
    }
    throw error;
  }
}
