import fc from "fast-check";
import { HOST_LOST_FAILURES } from "../suite/gate.ts";
import { hostCaseArb, type ProgramCase } from "./arbitraries.ts";
import type { HostCounterexample } from "./host-counterexample.ts";
import { checkOnHost, type FuzzHost, type HostCheck, type HostTimings } from "./host-fuzz.ts";

export interface HostPropertyOptions {
  readonly seed: number;
  readonly numRuns: number;
  /** Replays one case: the fast-check path printed with it. */
  readonly path?: string;
  /** Stop after this many ms (fast-check's interruptAfterTimeLimit); runs so far still count. */
  readonly timeLimitMs?: number;
  /** Per case. */
  readonly timeoutMs: number;
  readonly timings?: HostTimings;
  /** Called after every generated case with the case (not for the shrinking that follows a failure). */
  readonly onRun?: (check: HostCheck, value: ProgramCase) => void;
  /** When it answers true, the remaining cases pass unchecked (the session needs no more): the chunk ends quickly. */
  readonly stopped?: () => boolean;
  /** false: the first failing case is the counterexample, unshrunk (a test that only needs to know it is caught). */
  readonly shrink?: boolean;
  /** Called once, at the first failing case, before shrinking starts. */
  readonly onFirstFailure?: () => void;
  /** How a counterexample names the host (targetLabel) and the option that names it again (targetFlag). */
  readonly host: string;
  readonly hostFlag: string;
}

export interface HostPropertyOutcome {
  /** Generated cases checked, skipped ones included (shrinking attempts are not counted). */
  readonly runs: number;
  /** Cases not sent: they need what the host's handshake does not offer. */
  readonly skipped: number;
  readonly counterexample: HostCounterexample | null;
  /**
   * The host could not be brought back (a process started again after a case could not be started or failed its
   * handshake): the cases after it were not checked, and no case is blamed for it. `path` is the generated case
   * after which it happened (the one that broke the host, or whose shrinking was under way), `error` what the
   * restart met.
   */
  readonly lost?: { readonly path: string; readonly error: string };
}


/**
 * The host property: for every program and scenario the host is sent, its answer equals the reference host's and
 * satisfies the invariants. Async (each case is a round trip to the host), so fast-check shrinks a failure against
 * the host under test itself. Cases come from hostCaseArb: the oracle is the reference host's answer, so WASM-only
 * cases (hostile pointers, a memory cap) are judged too, where the parity property needs a native twin.
 */
export async function checkHostProperty(host: FuzzHost, options: HostPropertyOptions): Promise<HostPropertyOutcome> {
  let runs = 0;
  let skipped = 0;
  let sent = 0;
  let shrinking = false; // fast-check generates until the first failure, then only shrinks
  let last: { value: ProgramCase; check: HostCheck } | null = null;
  let lost: HostPropertyOutcome["lost"];
  let firstFailure: string | null = null;
  const check = (value: ProgramCase) => checkOnHost(host, `fuzz/${sent++}`, value.program, value.scenario, options);
  const property = fc.asyncProperty(hostCaseArb, async (value: ProgramCase) => {
    if (options.stopped?.() || lost !== undefined) return true;
    const result = await check(value);
    if (result.error !== null && HOST_LOST_FAILURES.includes(result.error.code)) {
      // The case found the host gone: the one that broke it came before (or is being shrunk), this one is not to blame.
      lost = { path: firstFailure ?? String(Math.max(0, runs - 1)), error: `${result.error.code}: ${result.error.message}` };
      return true;
    }
    if (!shrinking) {
      runs++;
      if (result.missing !== null) skipped++;
      options.onRun?.(result, value);
    }
    if (!result.ok) {
      if (!shrinking) {
        firstFailure = String(runs - 1);
        options.onFirstFailure?.();
      }
      shrinking = true;
      last = { value, check: result };
    }
    return result.ok;
  });
  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: options.numRuns,
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
    ...(options.shrink === false ? { endOnFailure: true } : {}),
  });
  if (lost !== undefined) return { runs, skipped, counterexample: null, lost };
  if (!details.failed || details.counterexample === null || options.stopped?.()) return { runs, skipped, counterexample: null };
  const [value] = details.counterexample;
  // The smallest failing case is the last one that failed; a property that threw instead is run once more, to throw.
  const found = last as { value: ProgramCase; check: HostCheck } | null;
  const result = found !== null && found.value === value ? found.check : await check(value);
  if (result.ok) throw new Error(`checking a case on the host failed: ${String(details.errorInstance)}`);
  const { program, scenario } = value;
  return { runs, skipped, counterexample: { seed: details.seed, path: details.counterexamplePath ?? "", program, scenario, host: options.host, hostFlag: options.hostFlag, check: result } };
}
