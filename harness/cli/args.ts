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

/** A positive integer flag, or undefined when absent. */
export function positiveInt(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${command}: --${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** An integer flag of 0 or more, or undefined when absent. */
export function nonNegativeInt(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new UsageError(`${command}: --${flag} must be an integer of 0 or more, got ${JSON.stringify(value)}`);
  return n;
}
