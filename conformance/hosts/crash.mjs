// Exits with code 3 on its first case, after a line on stderr. With CRASH_MARKER=<file>, only when that file does not
// exist yet (it creates it first): the next process then answers its cases, so a harness can show it recovers.
import { existsSync, writeFileSync } from "node:fs";
import { cannedResult, send, serve } from "./common.mjs";

const marker = process.env.CRASH_MARKER;
serve({
  onRun(message) {
    if (marker && existsSync(marker)) return send(cannedResult(message.id));
    if (marker) writeFileSync(marker, `${process.pid}\n`);
    process.stderr.write(`crash.mjs: simulated crash in case ${message.id}\n`);
    process.exit(3);
  },
});
