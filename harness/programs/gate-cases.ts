import fc from "fast-check";
import { join, relative } from "node:path";
import { runReferenceCase } from "../adapters/in-process.ts";
import { GuestLoadError } from "../engine/errors.ts";
import { compileWat } from "../engine/wat.ts";
import { derivedCapabilities } from "../suite/case-needs.ts";
import { FixtureError } from "../suite/fixtures.ts";
import type { GateSubject } from "../suite/gate.ts";
import { expectedFrom } from "../suite/goldens.ts";
import type { Scenario } from "../suite/scenario.ts";
import { hostCaseArb, type ProgramCase } from "./arbitraries.ts";
import { replayable } from "./invariants.ts";
import type { JobProgram } from "./ir.ts";
import { loadRegressions } from "./counterexample.ts";
import { checkInvariants } from "./differential.ts";
import { renderGuest } from "./module-twists.ts";

/**
 * Gate cases without a committed golden, for `job-parity run`: the regression corpus (what fuzzing found, on any
 * host) and generated cases (`--generated N --seed S`). Each is judged like a fixture, against the reference host's
 * answer for the same request, computed at run time, with the invariants as its expectations. Listing is cheap (ids
 * only), so a filter can pick cases before any is prepared.
 */
export interface PendingCase {
  readonly id: string;
  /** A regression case's folder: two corpora may hold the same case (the same id), never two cases by one id. */
  readonly dir?: string;
  /** Compiles or renders the guest and runs it on the reference host: the case as the gate judges it. */
  prepare(): Promise<GateSubject>;
}

export const REGRESSIONS_PREFIX = "regressions/";
export const GENERATED_PREFIX = "generated/";

/**
 * `generated/<seed>/<index>`: the index is also the fast-check path, so `fuzz --seed S --path <index>` with a host
 * under test replays the same case (host fuzzing and the gate both draw from hostCaseArb).
 */
export const generatedId = (seed: number, index: number) => `${GENERATED_PREFIX}${seed}/${index}`;

/** A corpus file as its user finds it: relative to the current directory (a corpus may be anywhere). */
const where = (path: string) => relative(process.cwd(), path) || path;

/**
 * A case with a guest and a scenario, judged against the reference host's answer and the invariants. `program`, when
 * the guest is its rendering as it is now and carries no twist: the invariants then also replay what each job's
 * program says must have happened. A regression's saved guest is judged by the result-and-scenario ones.
 */
function derivedSubject(id: string, description: string, guest: Uint8Array, scenario: Scenario, program?: JobProgram): GateSubject {
  const golden = expectedFrom(runReferenceCase({ id, guest, scenario }));
  return {
    id,
    description,
    spec: [],
    capabilities: derivedCapabilities(guest, golden),
    scenario,
    guest: async () => guest,
    golden: () => golden,
    failures: (_response, actual) => ("result" in actual ? checkInvariants("host", actual.result, program, scenario).map((line) => `invariant: ${line}`) : []),
  };
}

/** The regression corpus under `dir` (counterexample.ts), one case per folder, sent as the guest.wat (or guest.wasm) saved with it. */
export function regressionCases(dir: string): PendingCase[] {
  return loadRegressions(dir).map((saved): PendingCase => {
    const name = saved.dir.split(/[\\/]/).pop()!;
    return {
      id: `${REGRESSIONS_PREFIX}${name}`,
      dir: saved.dir,
      async prepare() {
        if ("error" in saved) throw new FixtureError(`regression case ${where(saved.dir)} cannot be read (${saved.error}); fix the folder or delete it`);
        const { regression, wat } = saved;
        const watPath = join(saved.dir, "guest.wat");
        let guest: Uint8Array;
        try {
          guest = saved.wasm ?? (await compileWat(where(watPath), wat));
        } catch (error) {
          if (!(error instanceof GuestLoadError)) throw error;
          throw new FixtureError(`regression case ${where(saved.dir)}: its guest.wat does not compile (${error.message}); restore it, or delete the folder`, { cause: error });
        }
        const what = regression.divergence.split("\n")[0]!.slice(0, 160);
        return derivedSubject(`${REGRESSIONS_PREFIX}${name}`, `regression found on ${regression.host}: ${what}`, guest, regression.scenario);
      },
    };
  });
}

/**
 * The first `count` cases the generator makes from `seed`: case i is the one at fast-check path `i`. They come from
 * hostCaseArb, as a host fuzzing session's do: the oracle is the reference host's answer, so WASM-only cases count.
 */
export function generatedPrograms(seed: number, count: number): ProgramCase[] {
  return fc.sample(hostCaseArb, { seed, numRuns: count });
}

/** The reference host as a process: what a replay names when the gate runs on the reference host itself. */
const REFERENCE_HOST_FLAG = "--host-cmd 'node bin/job-parity-reference-host.mjs'";

/**
 * `count` generated cases from `seed`, each rendered as a wasm guest. `hostFlag` (host-target.ts, targetFlag; empty
 * for the reference host) names the host in the replay command each case's description gives.
 */
export function generatedCases(seed: number, count: number, hostFlag = ""): PendingCase[] {
  const replayOn = hostFlag === "" ? REFERENCE_HOST_FLAG : hostFlag;
  let programs: ProgramCase[] | null = null;
  return Array.from({ length: count }, (_, index): PendingCase => {
    const id = generatedId(seed, index);
    return {
      id,
      async prepare() {
        programs ??= generatedPrograms(seed, count);
        const { program, scenario } = programs[index]!;
        const description = `generated case ${index} of seed ${seed} (npx job-parity fuzz --seed ${seed} --path '${index}' ${replayOn} replays it)`;
        return derivedSubject(id, description, renderGuest(program), scenario, replayable(program));
      },
    };
  });
}
