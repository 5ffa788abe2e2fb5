import { runReferenceCase } from "../adapters/in-process.ts";
import { createHostAdapter, type HostTarget } from "../adapters/host-target.ts";
import { HostFailure, type CaseResponse, type Handshake, type HostAdapter } from "../adapters/types.ts";
import { derivedNeeds, missingNeeds, nothingMissing, servesEverything, type MissingNeeds } from "../suite/case-needs.ts";
import { askHost, checkHandshake, clockBound, comparableAnswer, goldenDivergence, hostError, type GateErrorCode, type GoldenDivergence } from "../suite/gate.ts";
import { expectedFrom, type Expected } from "../suite/goldens.ts";
import type { Scenario } from "../suite/scenario.ts";
import { checkInvariants } from "./differential.ts";
import { replayable } from "./invariants.ts";
import type { JobProgram } from "./ir.ts";
import { renderGuest } from "./module-twists.ts";

/**
 * The oracle for fuzzing a host: one generated case sent to the host under test exactly as `job-parity run` sends a
 * case (the same adapters, the same protocol, askHost), and judged as the gate judges it, against the reference
 * host's own answer for the same request (goldenDivergence: behaviour, never words), plus the invariants on the
 * host's answer. A case needing what the host's handshake does not offer is not sent (skipped), as the gate would.
 */

/** A host under test, started, with its handshake. */
export interface FuzzHost {
  readonly adapter: HostAdapter;
  readonly handshake: Handshake;
  /** The handshake offers everything, so no case is skipped and each case's needs are not worked out. */
  readonly servesAll: boolean;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;

/** Starts the target and shakes hands; a host that cannot start or shake hands is a HostFailure saying so. */
export async function openFuzzHost(target: HostTarget): Promise<FuzzHost> {
  const adapter = await createHostAdapter(target);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HostFailure("JP_HOST_HANDSHAKE", `no handshake within ${HANDSHAKE_TIMEOUT_MS} ms`)), HANDSHAKE_TIMEOUT_MS);
    });
    const handshake = checkHandshake(await Promise.race([adapter.handshake(), timeout]));
    return { adapter, handshake, servesAll: servesEverything(handshake) };
  } catch (error) {
    await adapter.close().catch(() => {});
    if (error instanceof HostFailure) throw error;
    throw new HostFailure("JP_HOST_HANDSHAKE", `the handshake threw: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  finally {
    clearTimeout(timer);
  }
}

/** Where the time of a host check goes, in ms summed over calls. */
export interface HostTimings {
  render: number;
  /** The reference host's answer (compiling included). */
  reference: number;
  /** Waiting for the host under test, after the reference answered (the two run at the same time for a host process). */
  host: number;
  compare: number;
}

export const HOST_TIMING_PHASES = ["render", "reference", "host", "compare"] as const satisfies readonly (keyof HostTimings)[];

export const emptyHostTimings = (): HostTimings => ({ render: 0, reference: 0, host: 0, compare: 0 });

/** How one case went on the host: plain data (it crosses from a worker thread). */
export interface HostCheck {
  /** Sent, answered, equal to the reference's answer and the invariants hold; also true for a skipped case. */
  readonly ok: boolean;
  /** What the case needs that the handshake does not offer: it was not sent. Null when it was. */
  readonly missing: MissingNeeds | null;
  /** How the host's answer differs from the reference host's. */
  readonly divergence: GoldenDivergence | null;
  /** Invariants the host's answer breaks. */
  readonly invariants: readonly string[];
  /** The host broke on the case (crashed, timed out, broke the protocol, threw): itself a finding. */
  readonly error: { readonly code: GateErrorCode; readonly message: string } | null;
  readonly reference: Expected;
  /** The host's answer in the comparable form; null when it broke. */
  readonly actual: Expected | null;
}

export interface HostCheckOptions {
  /** Per case (the gate's --timeout). */
  readonly timeoutMs: number;
  readonly timings?: HostTimings;
}

/** A host's answer to a case, or why there is none. */
type Answer = { readonly response: CaseResponse } | { readonly failure: unknown };

/** A host timeout on a case is asked again when the reference host took more than this share of the timeout itself. */
const SLOW_CASE_SHARE = 4;

const isTimeout = (settled: { failure: unknown } | { response: unknown }): boolean =>
  "failure" in settled && settled.failure instanceof HostFailure && settled.failure.code === "JP_HOST_TIMEOUT";

/** Lets queued microtasks and I/O callbacks run: the request is written to the host before the reference runs. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs one program and scenario on the host and on the reference host, and judges the host's answer. */
export async function checkOnHost(host: FuzzHost, id: string, program: JobProgram, scenario: Scenario, options: HostCheckOptions): Promise<HostCheck> {
  const timings = options.timings;
  let t = performance.now();
  const lap = (phase: keyof HostTimings) => {
    if (timings) {
      const now = performance.now();
      timings[phase] += now - t;
      t = now;
    }
  };
  const request = { id, guest: renderGuest(program), scenario };
  lap("render");
  const ask = (): Promise<Answer> => askHost(host.adapter, request, options.timeoutMs).then((response) => ({ response }), (failure: unknown) => ({ failure }));
  // A host that serves everything gets the case at once and works on it while the reference host does.
  let answer: Promise<Answer> | null = null;
  if (host.servesAll) {
    answer = ask();
    await yieldToLoop();
    lap("host"); // a host in this process (a module, a mutant) answered during the yield
  }
  const referenceStarted = performance.now();
  const reference = expectedFrom(runReferenceCase(request));
  const referenceMs = performance.now() - referenceStarted;
  lap("reference");
  let missing: MissingNeeds | null = null;
  if (answer === null) {
    missing = missingNeeds(host.handshake, derivedNeeds(request.guest, reference));
    if (!nothingMissing(missing)) return { ok: true, missing, divergence: null, invariants: [], error: null, reference, actual: null };
    missing = null;
    answer = ask();
  }
  let settled = await answer;
  if (isTimeout(settled) && referenceMs * SLOW_CASE_SHARE > options.timeoutMs) {
    // A case the reference host itself takes seconds over (a deep tree, memory grown page by page) ran on the host
    // while the reference ran beside it on the same cores: one timeout says little. It is asked again, alone, with
    // room for ten times the reference's time; a host that still does not answer has broken on it.
    settled = await askHost(host.adapter, request, Math.max(options.timeoutMs, Math.ceil(referenceMs * 10))).then(
      (response): Answer => ({ response }),
      (failure: unknown): Answer => ({ failure }),
    );
  }
  lap("host");
  const judge = (answer: Answer): Judged => {
    try {
      if ("failure" in answer) throw answer.failure;
      const actual = comparableAnswer(id, answer.response);
      const invariants = "result" in actual ? checkInvariants("host", actual.result, replayable(program), scenario) : [];
      return { actual, divergence: goldenDivergence(reference, actual, "reference"), invariants, error: null };
    } catch (failure) {
      // A result whose insides are not what a result holds is garbage, as the gate says (JP_HOST_MALFORMED).
      const error: HostCheck["error"] = failure instanceof HostFailure || "failure" in answer ? hostError(failure) : { code: "JP_HOST_MALFORMED", message: `the answer for case ${id} is not a valid result: ${(failure as Error).message}` };
      return { actual: null, divergence: null, invariants: [], error };
    }
  };
  let judged = judge(settled);
  lap("compare");
  if (judged.error === null && (judged.divergence !== null || judged.invariants.length > 0) && clockBound(scenario)) {
    // As the gate does (clockBound), and here the more so: the host ran the case while the reference host ran beside
    // it on the same cores. It is asked again, alone.
    judged = judge(await ask());
    lap("host");
  }
  const { actual, divergence, invariants, error } = judged;
  return { ok: error === null && divergence === null && invariants.length === 0, missing, divergence, invariants, error, reference, actual };
}

/** A host's answer, judged against the reference host's. */
interface Judged {
  readonly actual: Expected | null;
  readonly divergence: GoldenDivergence | null;
  readonly invariants: string[];
  readonly error: HostCheck["error"];
}

