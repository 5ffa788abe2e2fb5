// Writes a debug line to stdout before each answer, where only protocol messages may go (transport.stdout): the
// harness must take the line as garbage.
import { cannedResult, send, serve } from "./common.mjs";

serve({
  onRun(message) {
    process.stdout.write(`debug: running ${message.id}\n`);
    send(cannedResult(message.id));
  },
});
