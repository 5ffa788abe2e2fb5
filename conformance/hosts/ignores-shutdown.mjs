// Answers every case with a canned result, but ignores shutdown and the end of its input: it never exits on its own
// (conversation.shutdown). The harness must kill it after its shutdown timeout and say so.
import { cannedResult, HANDSHAKE, send } from "./common.mjs";
import { createInterface } from "node:readline";

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  const message = JSON.parse(line);
  if (message.type === "hello") send(HANDSHAKE);
  else if (message.type === "run") send(cannedResult(message.id));
});
setInterval(() => {}, 1000);
