// Never answers a case, ignores SIGTERM and starts a child process that would outlive it: a harness must kill the
// whole process group. With HANG_PIDS=<file>, writes {"host": pid, "child": pid} there once the case arrived.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { serve } from "./common.mjs";

process.on("SIGTERM", () => {});
serve({
  onRun(message) {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    process.stderr.write(`hang.mjs: thinking very hard about case ${message.id}\n`);
    if (process.env.HANG_PIDS) writeFileSync(process.env.HANG_PIDS, JSON.stringify({ host: process.pid, child: child.pid }));
    setInterval(() => {}, 1000);
  },
});
