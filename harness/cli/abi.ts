import { renderAbiDocument } from "../report/abi-document.ts";
import { parseCommand } from "./args.ts";

export const ABI_USAGE = "usage: job-parity abi\n\nPrints the ABI v1 document (docs/ABI.md) as Markdown, generated from the ABI table.";

export async function abiCommand(argv: string[], out: (line: string) => void): Promise<number> {
  parseCommand("abi", argv, {}, false);
  out(renderAbiDocument().trimEnd());
  return 0;
}
