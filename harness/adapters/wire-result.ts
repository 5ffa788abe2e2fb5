import type { ScenarioResult } from "../suite/scenario.ts";
import type { WireResult } from "./types.ts";

/** A result as JSON carries it: u64 values as decimal strings; ids untouched. */
export function toWireResult(result: ScenarioResult): WireResult {
  const { extension, jobs, library, errors } = result;
  return JSON.parse(
    JSON.stringify({ extension, jobs, library, errors }, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
  ) as WireResult;
}
