// Never flushes its answers (transport.flush): it keeps each answer until the next message arrives, as a host whose
// stdout is block-buffered would. The harness must time out on the case, not wait forever.
import { cannedResult, send, serve } from "./common.mjs";

let held = null;
serve({
  onRun(message) {
    if (held !== null) send(held);
    held = cannedResult(message.id);
  },
});
