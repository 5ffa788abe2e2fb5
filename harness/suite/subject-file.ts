import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { GuestLoadError } from "../engine/errors.ts";
import { loadGuest } from "../engine/load.ts";
import { importNativeExtension, isNativeModulePath, NATIVE_MODULE_EXTENSIONS } from "../jobs/native-extension.ts";
import type { Subject } from "./scenario.ts";

/** A subject loaded from a file, with the file's sha256 (so a later process can tell whether it changed). */
export interface SubjectFile {
  readonly path: string;
  readonly subject: Subject;
  readonly sha256: string;
}

/** Loads what a job runs from: a WASM guest (.wat, .wasm), or a native extension module (.ts, .mjs, ...). */
export async function loadSubjectFile(path: string): Promise<SubjectFile> {
  const absolute = resolve(path);
  checkSubjectPath(path, absolute);
  const subject: Subject = isNativeModulePath(absolute)
    ? { kind: "native", definition: await importNativeExtension(absolute, path), file: path }
    : { kind: "wasm", guest: await loadGuest(absolute) };
  return { path: absolute, subject, sha256: createHash("sha256").update(readFileSync(absolute)).digest("hex") };
}

const KINDS = `a guest (.wat, .wasm) or a native extension module (${NATIVE_MODULE_EXTENSIONS.join(", ")})`;

/** Refuses a path that is no file, or of a kind nothing runs, with every kind that is accepted. */
function checkSubjectPath(path: string, absolute: string): void {
  let folder: boolean;
  try {
    folder = statSync(absolute).isDirectory();
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `cannot read it: ${(error as Error).message}`;
    throw new GuestLoadError("JP_GUEST_NOT_FOUND", `${path}: ${why}`, { cause: error });
  }
  if (folder) throw new GuestLoadError("JP_GUEST_NOT_FOUND", `${path}: is a folder: give ${KINDS}`);
  const extension = extname(absolute);
  if (extension !== ".wat" && extension !== ".wasm" && !isNativeModulePath(absolute)) {
    throw new GuestLoadError("JP_GUEST_NOT_FOUND", `${path}: not a kind of file job-parity runs: give ${KINDS}`);
  }
}
