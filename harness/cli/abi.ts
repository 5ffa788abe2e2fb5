import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../engine/modules.ts";
import { fillDocument } from "../report/spec-document.ts";
import { parseCommand, refuseInstalled } from "./args.ts";

export const ABI_USAGE = `usage: job-parity abi [--write]

Prints the ABI v1 document (docs/ABI.md) as Markdown: its prose with every generated region (clauses, tables, the wire
catalogue) written from harness/abi.

  --write  rewrite the generated regions of docs/ABI.md and conformance/PROTOCOL.md in place (npm run docs)`;

/** The documents that hold generated regions, relative to the project's root. */
export const SPEC_DOCUMENTS = ["docs/ABI.md", "conformance/PROTOCOL.md"] as const;

export async function abiCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommand("abi", argv, { write: { type: "boolean", default: false } }, false);
  if (!values.write) {
    out(fillDocument(readFileSync(join(PROJECT_ROOT, "docs/ABI.md"), "utf8"), "docs/ABI.md").trimEnd());
    return 0;
  }
  refuseInstalled("abi --write", "the generated regions of docs/ABI.md and conformance/PROTOCOL.md");
  for (const document of SPEC_DOCUMENTS) {
    const path = join(PROJECT_ROOT, document);
    const text = readFileSync(path, "utf8");
    const filled = fillDocument(text, document);
    if (filled !== text) writeFileSync(path, filled);
    out(`${document}: ${filled === text ? "up to date" : "regenerated"}`);
  }
  return 0;
}
