// Reads everything and never writes a line: no handshake ever comes. With SILENT_PID=<file>, writes its pid there
// once the hello arrived, so that a test knows the harness is waiting for the handshake.
import { writeFileSync } from "node:fs";
import { serve } from "./common.mjs";

serve({
  onHello() {
    if (process.env.SILENT_PID) writeFileSync(process.env.SILENT_PID, `${process.pid}\n`);
  },
  onRun() {},
});
