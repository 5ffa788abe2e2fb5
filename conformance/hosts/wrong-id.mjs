// Answers a case with the wrong message. argv[2]:
//   id         a valid result for another case id
//   handshake  another handshake
import { cannedResult, HANDSHAKE, send, serve } from "./common.mjs";

const mode = process.argv[2] ?? "id";
serve({
  onRun(message) {
    send(mode === "handshake" ? HANDSHAKE : cannedResult(`not-${message.id}`));
  },
});
