import { renderAbiDocument } from "../report/abi-document.ts";
import { parseCommand } from "./args.ts";

export async function abiCommand(argv: string[], out: (line: string) => void): Promise<number> {
  parseCommand("abi", argv, {}, false);
  out(renderAbiDocument());
  return 0;
}
