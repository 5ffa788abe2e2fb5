import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { GuestLoadError } from "../engine/errors.ts";
import { UnknownJobError } from "../host/host.ts";
import { StoreError } from "../host/sqlite-store.ts";
import { printRun, resumeHint } from "../report/run-text.ts";
import { DurableRunError, execDurable, resumeDurable } from "./session.ts";
import type { FromDurableWorker, DurableWorkerData } from "./runner.ts";

// The job runs here, off the main thread, so the main thread stays free to take SIGINT/SIGTERM and ask it to pause.
const { command, output, shutdownSignal } = workerData as DurableWorkerData;
// Synchronous writes: a line announcing a saved checkpoint must be out before the next instruction, kill or not.
const notes = (line: string) => void writeSync(2, `${line}\n`);
const out = (line: string) => void writeSync(1, `${line}\n`);
const post = (message: FromDurableWorker) => parentPort!.postMessage(message);

try {
  const run = command.kind === "exec" ? await execDurable(command.request, notes, shutdownSignal) : await resumeDurable(command.request, notes, shutdownSignal);
  const exitCode = printRun(run.result, output.source, output, out);
  const hint = resumeHint(run.result, run.db);
  if (hint !== null) notes(hint);
  post({ kind: "done", exitCode });
} catch (error) {
  const input = error instanceof StoreError || error instanceof DurableRunError || error instanceof GuestLoadError || error instanceof UnknownJobError;
  const e = error as Error & { code?: string };
  post({ kind: "failed", input, code: e.code ?? null, message: input ? e.message : (e.stack ?? String(error)) });
}
