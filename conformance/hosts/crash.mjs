// Exits with code 3 on its first case, after a line on stderr. With CRASH_MARKER=<file>, only when that file does not
// exist yet (it creates it first): the next process then answers its cases, so a harness can show it recovers.
// `crash.mjs claims-all` claims every capability and ABI 1.1 (no wire method), so that fuzzing sends it every generated
// case that calls none: each one crashes it. `crash.mjs mid-answer` dies while writing its answer: it writes the first
// 100 characters of a valid result, without the `\n` that would end it, then exits with code 3. `crash.mjs escapes`
// claims as claims-all does, and names itself and writes its stderr with terminal escape sequences (a title, a
// colour, a bell).
import { existsSync, writeFileSync } from "node:fs";
import { cannedResult, HANDSHAKE, send, serve } from "./common.mjs";

const ALL_CAPABILITIES = ["progress", "checkpoint", "save_state", "load_state", "interrupt", "metrics", "warnings", "non_critical_errors", "logging", "child_jobs", "library", "networking"];

const ESCAPES = "\u001b]0;pwned\u0007\u001b[31m";
const CLAIMS_ALL = { ...HANDSHAKE, abiVersions: ["1.1"], capabilities: ALL_CAPABILITIES };
const HANDSHAKES = { "claims-all": CLAIMS_ALL, escapes: { ...CLAIMS_ALL, name: `crash ${ESCAPES}host` } };
const marker = process.env.CRASH_MARKER;
const mode = process.argv[2];
serve({
  onHello: () => send(HANDSHAKES[mode] ?? HANDSHAKE),
  onRun(message) {
    if (marker && existsSync(marker)) return send(cannedResult(message.id));
    if (marker) writeFileSync(marker, `${process.pid}\n`);
    process.stderr.write(`crash.mjs: simulated crash in case ${message.id}${mode === "escapes" ? ESCAPES : ""}\n`);
    if (mode === "mid-answer") return process.stdout.write(JSON.stringify(cannedResult(message.id)).slice(0, 100), () => process.exit(3));
    process.exit(3);
  },
});
