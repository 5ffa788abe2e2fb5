import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadGuest } from "../engine/load.ts";
import { importNativeExtension, isNativeModulePath } from "../jobs/native-extension.ts";
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
  const subject: Subject = isNativeModulePath(absolute)
    ? { kind: "native", definition: await importNativeExtension(absolute, path), file: path }
    : { kind: "wasm", guest: await loadGuest(absolute) };
  return { path: absolute, subject, sha256: createHash("sha256").update(readFileSync(absolute)).digest("hex") };
}
