import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./fixtures.ts";

/** job-parity's version, from package.json. */
export function harnessVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;
}
