import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  readonly code = "JP_USAGE";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * The line a command prints for an error in the user's input: the message, then the error's stable code when it has
 * one (`[JP_STORE_DRIVER]`), the name the documents give each such error and a script can look for.
 */
export function inputErrorLine(command: string, message: string, code: unknown): string {
  const named = typeof code === "string" && code.startsWith("JP_") ? ` [${code}]` : "";
  return `job-parity ${command}: ${message}${named}`;
}

/** parseArgs with errors that name the command and say what to do. */
export function parseCommand<T extends Options>(command: string, argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "")}`);
  }
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
