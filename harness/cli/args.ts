import { parseArgs, type ParseArgsConfig } from "node:util";
import { printableLines } from "../trace/printable.ts";
import { shellQuote } from "../trace/shell.ts";
import { INSTALLED, PROJECT_ROOT } from "../engine/modules.ts";

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  readonly code = "JP_USAGE";

  /** `usage`: the command's usage, printed after the error's line (which ends with the code). */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/**
 * For the commands that rewrite job-parity's own files (its goldens, its documents): they belong to a checkout of its
 * repository, and nothing is written into an installed package.
 */
export function refuseInstalled(command: string, what: string): void {
  if (INSTALLED) throw new UsageError(`${command}: rewrites ${what} of a checkout of job-parity; this one is installed (${PROJECT_ROOT}), and nothing is written into it: run it in a clone of the repository`);
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The code of a report folder or file a command cannot write (`--report-dir`, `--junit`). */
export const REPORT_WRITE = "JP_REPORT_WRITE";

/**
 * The line a command prints for an error in the user's input: the message, then the error's stable code when it has
 * one (`[JP_STORE_DRIVER]`), the name the documents give each such error and a script can look for. The message
 * is printableLines: it may quote what a guest wrote.
 */
export function inputErrorLine(command: string, message: string, code: unknown): string {
  const named = typeof code === "string" && code.startsWith("JP_") ? ` [${code}]` : "";
  return `job-parity ${command}: ${printableLines(message)}${named}`;
}

/**
 * parseArgs with errors that name the command and say what to do: an unknown option names the known one it is
 * closest to, and every error points at the command's --help.
 */
export function parseCommand<T extends Options>(command: string, argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: negativeValuesJoined(argv, options), options, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "");
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const near = unknown === undefined ? undefined : nearestOption(unknown, Object.keys(options));
    const hint = near === undefined ? (hostCommandHint(argv, unknown ?? /^Unexpected argument '([^']+)'/.exec(message)?.[1]) ?? "") : `; did you mean --${near}?`;
    throw new UsageError(`${command}: ${message.replace(/\. To specify a positional argument.*$/s, "")}${hint} (job-parity ${command} --help lists its options)`);
  }
}

/**
 * A word that follows `--host-cmd <command>` and the command does not know is most likely the host's own argument,
 * left outside the quotes: the hint shows the command quoted whole.
 */
function hostCommandHint(argv: readonly string[], stray: string | undefined): string | undefined {
  const at = argv.indexOf("--host-cmd");
  const command = argv[at + 1];
  if (stray === undefined || at < 0 || command === undefined || argv.indexOf(stray, at + 2) < 0) return undefined;
  return `; if ${stray} is the host's, quote the whole host command: --host-cmd ${shellQuote(`${command} ${stray}`)}`;
}

/**
 * `--seed -1` as `--seed=-1`: parseArgs takes a value that starts with a dash for another option, and says so in
 * words about its own syntax; joined, the value reaches the flag's own check, which says what the flag accepts.
 */
function negativeValuesJoined(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const option = arg.startsWith("--") ? options[arg.slice(2)] : undefined;
    if (option?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The known option a mistyped one most likely meant: the same letters without dashes, or one edit away. */
function nearestOption(typed: string, known: readonly string[]): string | undefined {
  const bare = (name: string) => name.replace(/^-+/, "").replace(/[-_]/g, "").toLowerCase();
  const want = bare(typed);
  return known.find((name) => bare(name) === want) ?? known.find((name) => editDistance(bare(name), want) <= Math.min(2, Math.floor(want.length / 3)));
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** The longest a timer waits (2^31 - 1 ms, about 24.8 days): a longer time limit would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * An integer flag written in decimal digits (not `1e3` or `0x10`), from `min` to `max`, or undefined when absent.
 * `what` says what the flag is when it is refused: "a positive integer".
 */
function integerFlag(command: string, flag: string, value: string | undefined, min: number, max: number, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${command}: --${flag} must be ${what}, got ${JSON.stringify(value)}`);
  if (n > max) throw new UsageError(`${command}: --${flag} must be at most ${max.toLocaleString("en-US")}, got ${value}`);
  return n;
}

/** A positive integer flag (at most `max`), or undefined when absent. */
export function positiveInt(command: string, flag: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return integerFlag(command, flag, value, 1, max, "a positive integer");
}

/** An integer flag of 0 or more (at most `max`), or undefined when absent; `what` names it in the refusal. */
export function nonNegativeInt(command: string, flag: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER, what = "an integer of 0 or more"): number | undefined {
  return integerFlag(command, flag, value, 0, max, what);
}
