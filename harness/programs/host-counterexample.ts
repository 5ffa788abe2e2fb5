import { targetFlag, type HostTarget } from "../adapters/host-target.ts";
import { DEFAULT_CASE_TIMEOUT_MS } from "../suite/gate.ts";
import type { Expected } from "../suite/goldens.ts";
import type { Scenario } from "../suite/scenario.ts";
import { caseLines, jobTraceLines, regressionId, type RegressionCase, type ShowOptions } from "./counterexample.ts";
import type { HostCheck } from "./host-fuzz.ts";
import type { JobProgram } from "./ir.ts";

/** A case on which a host under test diverged from the reference host (or broke), shrunk: plain data. */
export interface HostCounterexample {
  readonly seed: number;
  readonly path: string;
  readonly program: JobProgram;
  readonly scenario: Scenario;
  /** The host it was found on, as a regression names it (targetLabel: `host-cmd:<cmd>`, `mutant:<name>`, ...). */
  readonly host: string;
  /** The options that name the host again (replayFlags: `--host-cmd '<cmd>'`, ..., and the case timeout if not the default). */
  readonly hostFlag: string;
  readonly check: HostCheck;
}

/**
 * The options that judge a case on the same host again: the host's (targetFlag), and `--timeout` when the session's
 * case timeout is not the default, without which a case found as a timeout would pass when replayed.
 */
export function replayFlags(target: HostTarget, timeoutMs: number): string {
  return timeoutMs === DEFAULT_CASE_TIMEOUT_MS ? targetFlag(target) : `${targetFlag(target)} --timeout ${timeoutMs}`;
}

/** The command that runs exactly this case on the same host again. */
export function hostReplayCommand(seed: number, path: string, hostFlag: string): string {
  return `npx job-parity fuzz --seed ${seed} --path '${path}' ${hostFlag}`;
}

/** What differs, one line each: the first difference, the broken invariants, the host's failure. */
export function hostFindingLines(check: HostCheck): string[] {
  return [
    ...(check.divergence ? check.divergence.text.split("\n") : []),
    ...(check.divergence?.also ?? []).map((text) => `also differs: ${text}`),
    ...check.invariants.map((line) => `invariant: ${line}`),
    ...(check.error ? [`the host broke: ${check.error.code}: ${check.error.message}`] : []),
  ];
}

function traceLines(answer: Expected | null): string[] {
  if (answer === null) return ["  (no answer)"];
  if ("loadError" in answer) return [`  load error ${answer.loadError.code}`];
  return jobTraceLines(answer.result.jobs);
}

/** A host counterexample for people: what differs (the first divergent event), the case, both traces, the replay. */
export function formatHostCounterexample(found: HostCounterexample, show: ShowOptions = { wat: true }): string {
  const { seed, path, program, scenario, check } = found;
  return [
    `counterexample on ${found.host} (seed ${seed}, path ${path})`,
    "",
    "what differs (the reference host's answer, then the host's):",
    ...hostFindingLines(check).map((line) => `  ${line}`),
    "",
    ...caseLines(program, scenario, show),
    "reference trace:",
    ...traceLines(check.reference),
    "",
    "host trace:",
    ...traceLines(check.actual),
    "",
    `replay: ${hostReplayCommand(seed, path, found.hostFlag)}`,
  ].join("\n");
}

/** The regression case a host counterexample becomes: `host` names the host it was found on. */
export function hostRegression(found: HostCounterexample): RegressionCase {
  const { seed, path, program, scenario } = found;
  return {
    version: 1,
    id: regressionId(program, scenario),
    program,
    scenario,
    seed,
    path,
    divergence: hostFindingLines(found.check).join("\n"),
    replay: hostReplayCommand(seed, path, found.hostFlag),
    host: found.host,
  };
}
