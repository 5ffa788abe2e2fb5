import { resolve } from "node:path";
import { PROJECT_ROOT } from "../engine/modules.ts";
import { UsageError } from "./args.ts";

// Where commands write when no flag says: always under the current directory, never inside the installed package
// (a reinstall would delete it, and the package may not be writable).

/** `parity` and `run` reports: reports/ here. */
export function defaultReportDir(cwd = process.cwd()): string {
  return resolve(cwd, "reports");
}

/** The report folder of `parity` and `run`: --report-dir (an empty one is refused), else defaultReportDir(). */
export function reportDirOption(command: string, given: string | undefined): string {
  if (given?.trim() === "") throw new UsageError(`${command}: --report-dir needs a folder name (default: reports)`);
  return given === undefined ? defaultReportDir() : resolve(given);
}

/** job-parity's own regression corpus, which `run` sends to every host. */
export const OWN_CORPUS = resolve(PROJECT_ROOT, "wat-fixtures/regressions");

/**
 * Where `fuzz` saves counterexamples: in job-parity's own checkout (run from its root) the committed corpus the suite
 * replays, OWN_CORPUS; anywhere else job-parity-corpus/ here (give it to `run --corpus` to replay it).
 */
export function defaultCorpusDir(cwd = process.cwd()): string {
  return resolve(cwd) === PROJECT_ROOT ? OWN_CORPUS : resolve(cwd, "job-parity-corpus");
}

/**
 * Where `fuzz` saves what it finds against a deliberately wrong host (--mutant, --fault): reports/mutant-corpus/ here,
 * never the corpus `run` sends to a host (a mutant's catches are no regression of any real host).
 */
export function defaultMutantCorpusDir(cwd = process.cwd()): string {
  return resolve(defaultReportDir(cwd), "mutant-corpus");
}
