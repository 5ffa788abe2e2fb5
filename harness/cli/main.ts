import { GuestLoadError } from "../engine/errors.ts";
import { FixtureError } from "../suite/fixtures.ts";
import { UsageError } from "./args.ts";
import { EXEC_USAGE, execCommand } from "./exec.ts";
import { PARITY_USAGE, parityCommand } from "./parity.ts";
import { abiCommand } from "./abi.ts";

const USAGE = `job-parity: the conformance harness for the Spacedrive extension job ABI

commands:
  parity    run the fixtures natively and as WASM on the reference host; print the matrix; write reports
  exec      run one job of a guest (.wat or .wasm) on the reference host and print its trace
  abi       print the ABI v1 document (generated from the ABI table)

run "job-parity <command> --help" for a command's options.`;

const COMMANDS: Record<string, { usage: string; run: (argv: string[], out: (line: string) => void) => Promise<number> }> = {
  parity: { usage: PARITY_USAGE, run: parityCommand },
  exec: { usage: EXEC_USAGE, run: execCommand },
  abi: { usage: "usage: job-parity abi\n\nPrints the ABI v1 document as Markdown.", run: abiCommand },
};

/** Exit codes: 0 ok, 1 a case failed, 2 the harness could not do its job (bad usage, bad input, a crash). */
export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`job-parity: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, out);
  } catch (error) {
    if (error instanceof UsageError || error instanceof GuestLoadError || error instanceof FixtureError) {
      process.stderr.write(`job-parity ${name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`job-parity ${name}: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
