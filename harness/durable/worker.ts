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
/** What a write that the pipe refused waits on (nothing ever wakes it: Atomics.wait is a synchronous sleep). */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** The descriptors whose reader went away (EPIPE): what is written to them after is dropped, and the job goes on. */
const closed = new Set<number>();

/**
 * Writes all of a line to a file descriptor synchronously: a line announcing a saved checkpoint must be out before
 * the next instruction, kill or not. A pipe may take part of it (its buffer is full) or none (EAGAIN, when the
 * reader made it non-blocking): the rest is written after a short wait, never dropped. A reader that went away
 * (`| head`) is not the job's failure: the job runs to its end, its store is written, and the command exits as it
 * would have.
 */
function writeLine(fd: number, line: string): void {
  if (closed.has(fd)) return;
  const bytes = Buffer.from(`${line}\n`);
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return void closed.add(fd);
      if (code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
const notes = (line: string) => writeLine(2, line);
const out = (line: string) => writeLine(1, line);
const post = (message: FromDurableWorker) => parentPort!.postMessage(message);

try {
  const run = command.kind === "exec" ? await execDurable(command.request, notes, shutdownSignal) : await resumeDurable(command.request, notes, shutdownSignal);
  const exitCode = printRun(run.result, output.source, output, out);
  const hint = resumeHint(run.result, run.db, run.extension);
  if (hint !== null) notes(hint);
  post({ kind: "done", exitCode });
} catch (error) {
  const input = error instanceof StoreError || error instanceof DurableRunError || error instanceof GuestLoadError || error instanceof UnknownJobError;
  const e = error as Error & { code?: string };
  post({ kind: "failed", input, code: e.code ?? null, message: input ? e.message : (e.stack ?? String(error)) });
}
