import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { referenceHandshake, runReferenceCase } from "./in-process.ts";
import type { CaseRequest, CaseResponse } from "./types.ts";
import { answerMessage, caseRequestFromMessage, encodeMessage, handshakeMessage, parseLine, quoteLine, type ProtocolMessage } from "./protocol.ts";

/**
 * The reference host behind the out-of-process protocol (conformance/PROTOCOL.md), as any host would speak it: reads
 * hello, answers the reference handshake, runs each case on a fresh reference host and answers its result (or
 * load_error), and stops on shutdown or at the end of its input. Returns the exit code: 0 after shutdown or end of
 * input; 1 when the harness broke the protocol or the host failed internally, after saying why on `log` and
 * answering nothing for that message.
 */
export async function serveReferenceHost(input: Readable, output: Writable, log: Writable, runCase: (request: CaseRequest) => CaseResponse = runReferenceCase): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let greeted = false;
  const stop = async (code: number, why?: string): Promise<number> => {
    lines.close();
    if (why !== undefined) await write(log, `job-parity reference host: ${why}\n`);
    await flush(output);
    return code;
  };
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const parsed = parseLine(line);
    if (!parsed.ok) {
      const what = parsed.notJson ? `not JSON (${parsed.problems[0]})` : `not a valid message: ${parsed.problems.join("; ")}`;
      return await stop(1, `protocol error: the harness wrote a line that is ${what}: ${quoteLine(line)}`);
    }
    const message: ProtocolMessage = parsed.message;
    if (!greeted && message.type !== "hello") return await stop(1, `protocol error: expected hello first, got a "${message.type}" message`);
    switch (message.type) {
      case "hello":
        if (greeted) return await stop(1, "protocol error: a second hello");
        greeted = true;
        output.write(encodeMessage(handshakeMessage(referenceHandshake())));
        break;
      case "run":
        try {
          output.write(encodeMessage(answerMessage(message.id, runCase(caseRequestFromMessage(message)))));
        } catch (error) {
          return await stop(1, `internal error in case ${JSON.stringify(message.id)}: ${(error as Error).stack ?? String(error)}`);
        }
        break;
      case "shutdown":
        return await stop(0);
      default:
        return await stop(1, `protocol error: the harness sent a "${message.type}" message, which only hosts send`);
    }
  }
  return await stop(0);
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

/** Resolves when everything written so far is handed to the operating system. */
function flush(stream: Writable): Promise<void> {
  return write(stream, "");
}
