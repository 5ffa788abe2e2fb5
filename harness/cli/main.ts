import { tierUpLater } from "../engine/tiering.ts";
import { inputErrorLine, UsageError } from "./args.ts";
import { isInputError } from "./input-errors.ts";
import { printable, printableLines } from "../trace/printable.ts";

const USAGE = `job-parity: the conformance harness for the Spacedrive extension job ABI

commands:
  parity    run the fixtures natively and as WASM on the reference host; print the matrix; write reports
  run       the CI gate for a host (--host-cmd, --host-module; default the reference host): every fixture vs its golden,
            then the regression corpus and any generated cases vs the reference host's answers
  exec      run one job of a guest (.wat, .wasm or a native extension module) on the reference host; print its trace
  resume    resume a job kept in a job database (exec --db) from its last checkpoint, in this new process
  jobs      list the jobs in a job database: status, progress, metrics, last checkpoint
  fuzz      generate job programs and check native vs WASM parity on worker threads, or a host under test (--host-cmd,
            --host-module, --mutant) against the reference host; shrink and save counterexamples
  mutants   run the gate against mutant hosts (the reference host with one bug each); print the kill and clause matrices
  spec      list the specification's clauses with the cases that cite them and the mutants that break them
  goldens   regenerate every fixture's golden result from the reference host
  abi       print the ABI v1 document (generated from the ABI table)

run "job-parity <command> --help" for a command's options; "job-parity --version" prints the version and the ABI
versions served.`;

interface Command {
  readonly usage: string;
  run(argv: string[], out: (line: string) => void): Promise<number>;
}

// Commands load on demand, so `--help` and one command do not pay for the others' dependencies.
const COMMANDS: Record<string, () => Promise<Command>> = {
  parity: async () => {
    const m = await import("./parity.ts");
    return { usage: m.PARITY_USAGE, run: m.parityCommand };
  },
  run: async () => {
    const m = await import("./run.ts");
    return { usage: m.RUN_USAGE, run: (argv, out) => m.runCommand(argv, out) };
  },
  exec: async () => {
    const m = await import("./exec.ts");
    return { usage: m.EXEC_USAGE, run: m.execCommand };
  },
  resume: async () => {
    const m = await import("./resume.ts");
    return { usage: m.RESUME_USAGE, run: (argv) => m.resumeCommand(argv) };
  },
  jobs: async () => {
    const m = await import("./jobs.ts");
    return { usage: m.JOBS_USAGE, run: m.jobsCommand };
  },
  fuzz: async () => {
    const m = await import("./fuzz.ts");
    return { usage: m.FUZZ_USAGE, run: m.fuzzCommand };
  },
  mutants: async () => {
    const m = await import("./mutants.ts");
    return { usage: m.MUTANTS_USAGE, run: (argv, out) => m.mutantsCommand(argv, out) };
  },
  spec: async () => {
    const m = await import("./spec.ts");
    return { usage: m.SPEC_USAGE, run: m.specCommand };
  },
  goldens: async () => {
    const m = await import("./goldens.ts");
    return { usage: m.GOLDENS_USAGE, run: m.goldensCommand };
  },
  abi: async () => {
    const m = await import("./abi.ts");
    return { usage: m.ABI_USAGE, run: m.abiCommand };
  },
};

/** Whether stdout's reader has gone away: what is printed after is dropped. */
let stdoutClosed = false;

/** Exit codes: 0 ok, 1 a case (or the job) failed, 2 the harness could not do its job (usage, bad input, a crash). */
export async function main(argv: string[]): Promise<number> {
  tierUpLater();
  // A reader that goes away (`| head`) is not an error of the harness, nor the end of its work: the command goes on
  // without printing, and ends as it would have (a gate still writes its reports and exits with its verdict, which a
  // CI step piping it through `head` under pipefail must see).
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    stdoutClosed = true;
  });
  const out = (line: string) => {
    if (!stdoutClosed) process.stdout.write(`${line}\n`);
  };
  const [name, ...rest] = argv;
  if (name === "help" || name === "--help" || name === "-h") {
    out(USAGE);
    return 0;
  }
  if (name === undefined) {
    // A missing command is a usage error: the usage goes to stderr, so a pipe reading stdout gets nothing by mistake.
    process.stderr.write(`job-parity: give a command [JP_USAGE]\n\n${USAGE}\n`);
    return 2;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    out((await import("./version.ts")).versionText());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`job-parity: unknown command "${printable(name)}" [JP_USAGE]\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const command = await load();
    if (rest.includes("--help") || rest.includes("-h")) {
      out(command.usage);
      return 0;
    }
    return await command.run(rest, out);
  } catch (error) {
    // Usage errors already name their command. Messages quote the guest (its job names and exports, a WAT line):
    // printable, so they cannot write escape sequences to the terminal.
    if (error instanceof UsageError) process.stderr.write(`job-parity ${printableLines(error.message)} [${error.code}]\n${error.usage === undefined ? "" : `\n${error.usage}\n`}`);
    else if (await isInputError(error)) process.stderr.write(`${inputErrorLine(name, (error as Error).message, (error as { code?: unknown }).code)}\n`);
    else process.stderr.write(`job-parity ${name}: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

/** How long a finished command lets the process end by itself before it ends it. */
const EXIT_GRACE_MS = 2000;

process.exitCode = await main(process.argv.slice(2));
// The command is done. A timer or socket left open by a user's module (a host module's interval) must not keep the
// process from exiting: unref'd, this fires only if something else still holds the process, and it exits once all
// output is written (a reader slower than the grace loses nothing).
setTimeout(function exitOnceWritten() {
  if ((!stdoutClosed && process.stdout.writableLength > 0) || process.stderr.writableLength > 0) setTimeout(exitOnceWritten, 100).unref();
  else process.exit();
}, EXIT_GRACE_MS).unref();
