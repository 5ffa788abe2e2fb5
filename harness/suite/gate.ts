import { CAPABILITY_IDS, type CapabilityId } from "../abi/capabilities.ts";
import { BASE_ABI_VERSION } from "../abi/exports.ts";
import { supportsAbi } from "../abi/version.ts";
import { WIRE_METHOD_FORM } from "../abi/wire-methods.ts";
import { HostFailure, type CaseRequest, type CaseResponse, type Handshake, type HostAdapter, type HostFailureCode } from "../adapters/types.ts";
import { canonicalJson } from "../trace/diff.ts";
import { derivedCapabilities, guestAbiNeed, methodsOf } from "./case-needs.ts";
import { resultDifferences } from "./compare.ts";
import { checkExpectations, loadErrorFailures } from "./expectations.ts";
import type { Fixture } from "./fixtures.ts";
import { expectedFrom, readGolden, type Expected } from "./goldens.ts";
import { fixtureGuestBytes } from "./guest-bytes.ts";
import type { CaseExpectation, ResolvedExpectations } from "./host-expectations.ts";
import type { Scenario } from "./scenario.ts";
import { stoppedBy, type StopSignal } from "./signals.ts";

export { methodsOf };

/**
 * `job-parity run`: the CI gate for a host. Every selected case is sent to the host under test (its guest as wasm
 * bytes and its scenario) and the answer is judged against the case's golden and its expectations: a fixture's
 * committed golden and sidecar, or, for a case derived at run time (a regression, a generated case), the reference
 * host's answer computed now and the invariants. Orchestration and judging only: nothing here prints.
 */
export const OUTCOMES = ["PASS", "FAIL", "XFAIL", "XPASS", "SKIP", "UNSUPPORTED", "ERROR", "TIMEOUT"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What each outcome means for the exit code: ok (0), a failure (1), or the harness or host broke (2). */
export const OUTCOME_SEVERITY: Record<Outcome, 0 | 1 | 2> = {
  PASS: 0,
  SKIP: 0,
  XFAIL: 0,
  UNSUPPORTED: 0,
  FAIL: 1,
  XPASS: 1,
  ERROR: 2,
  TIMEOUT: 2,
};

/** A HostFailure code, or an adapter that threw something other than a HostFailure. */
/** JP_NOT_RUN: the gate stopped before the case (Ctrl-C, or the host timing out case after case). */
export type GateErrorCode = HostFailureCode | "JP_HOST_EXCEPTION" | "JP_NOT_RUN";

export const DEFAULT_CASE_TIMEOUT_MS = 5000;
/** Cases in a row that time out before the gate stops sending any (GateOptions.maxTimeouts). */
export const DEFAULT_MAX_TIMEOUTS = 3;
/** How long past the case's timeout the gate waits for an adapter that does not time out on its own. */
const GUARD_MS = 5000;
/** The longest a timer waits (2^31 - 1 ms): Node fires a longer one at once, so the margin stops there. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const HANDSHAKE_GUARD_MS = 30_000;

/** The first trace event where the host's answer differs from the golden. */
export interface EventDivergence {
  /** `extension` or a job id (`job:1`). */
  readonly trace: string;
  readonly index: number;
  /** The golden's event (undefined: the golden's trace ended). */
  readonly expected: unknown;
  /** The host's event (undefined: the host's trace ended). */
  readonly actual: unknown;
  /** Up to three equal events before it. */
  readonly before: readonly unknown[];
}

export interface GoldenDivergence {
  /** resultDifferences' account of the first difference (golden vs host), or the load outcomes that differ. */
  readonly text: string;
  /** Set when the first difference is a trace event. */
  readonly event: EventDivergence | null;
  /** The differences after the first (resultDifferences): other traces' first divergent events, fields, the library. */
  readonly also: readonly string[];
}

export interface GateCase {
  readonly id: string;
  readonly description: string;
  /** The clauses the case checks (its sidecar's `spec`). */
  readonly spec: readonly string[];
  readonly capabilities: readonly CapabilityId[];
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** The sidecar's expectations that did not hold, one line each (FAIL, XFAIL). */
  readonly failures: readonly string[];
  /** The first difference from the golden (FAIL, XFAIL). */
  readonly divergence: GoldenDivergence | null;
  /** Why the host could not answer (ERROR, TIMEOUT). */
  readonly error: { readonly code: GateErrorCode; readonly message: string } | null;
  /** The expectations file's entry for this case, if any. */
  readonly expectation: CaseExpectation | null;
  /** Capabilities the case needs that the handshake does not claim (UNSUPPORTED when waived, else FAIL). */
  readonly missingCapabilities: readonly CapabilityId[];
  /** Wire methods of the catalogue the case calls that the handshake does not list (UNSUPPORTED). */
  readonly missingMethods: readonly string[];
  /** The ABI version the case's guest asks for when the handshake does not serve it (UNSUPPORTED); else null. */
  readonly missingAbi: string | null;
}

/** Something wrong with the run as a whole, besides its cases: its exit code is `severity` at least. */
export interface RunProblem {
  readonly code: "JP_CAPABILITY_MISSING" | "JP_WAIVER_STALE" | "JP_HOST_SHUTDOWN" | "JP_TIMEOUTS" | "JP_INTERRUPTED" | "JP_HOST_LOST" | GateErrorCode;
  readonly message: string;
  readonly severity: 1 | 2;
}

export interface GateResult {
  /** null when the host never shook hands (it could not start, or its handshake failed: see `hostError`). */
  readonly handshake: Handshake | null;
  /** Why no case could be sent, when the host could not start or shake hands; every case is then an ERROR. */
  readonly hostError: { readonly code: GateErrorCode; readonly message: string } | null;
  readonly problems: readonly RunProblem[];
  readonly cases: readonly GateCase[];
  readonly durationMs: number;
  readonly exitCode: 0 | 1 | 2;
}

/** What a report says of a case before anything about it is known but its sidecar's or generator's fields. */
export type CaseHeader = Pick<GateSubject, "id" | "description" | "spec" | "capabilities">;

/**
 * A case the gate sends to a host: a fixture (fixtureSubject), or a case derived at run time with no committed golden
 * (harness/programs/gate-cases.ts).
 */
export interface GateSubject {
  readonly id: string;
  readonly description: string;
  /** The clauses the case checks (a sidecar's `spec`; none for a derived case). */
  readonly spec: readonly string[];
  readonly capabilities: readonly CapabilityId[];
  readonly scenario: Scenario;
  /** The guest's wasm bytes, as the host receives them. */
  guest(): Promise<Uint8Array>;
  /** What a correct host answers, in the comparable form (compare.ts). Read before the host starts. */
  golden(): Expected;
  /** The case's expectations besides the golden that the host's answer does not meet, one line each. */
  failures(response: CaseResponse, actual: Expected): string[];
}

/** A fixture as a gate case: its committed golden and its sidecar's expectations. */
export function fixtureSubject(fixture: Fixture): GateSubject {
  return {
    id: fixture.id,
    description: fixture.sidecar.description,
    spec: fixture.sidecar.spec,
    capabilities: fixture.sidecar.capabilities,
    scenario: fixture.sidecar.scenario,
    guest: () => fixtureGuestBytes(fixture),
    golden: () => readGolden(fixture),
    failures: (response, actual) => sidecarFailures(fixture, response, actual),
  };
}

export interface GateOptions {
  readonly fixtures: readonly Fixture[];
  /** Cases without a committed golden, run after the fixtures: regressions and generated cases (harness/programs/gate-cases.ts). */
  readonly derived?: readonly GateSubject[];
  readonly expectations?: ResolvedExpectations | null;
  /** Per case (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Called as each case is judged (for progress lines). */
  readonly onCase?: (result: GateCase, index: number, total: number) => void;
  /**
   * After this many cases in a row end TIMEOUT, no further case is sent: a host that hangs on every case would
   * otherwise cost timeoutMs per case. Default DEFAULT_MAX_TIMEOUTS; 0 sends every case whatever happens.
   */
  readonly maxTimeouts?: number;
  /** Aborted (Ctrl-C): no further case is sent, and the case running then is not judged. */
  readonly signal?: AbortSignal;
}

/**
 * 0 when every case met its expectation, 1 when one failed (or an expected failure passed, or the run has a problem
 * of severity 1), 2 when a host broke.
 */
export function gateExitCode(cases: readonly Pick<GateCase, "outcome">[], problems: readonly Pick<RunProblem, "severity">[] = []): 0 | 1 | 2 {
  const worst = cases.reduce<0 | 1 | 2>((w, c) => (OUTCOME_SEVERITY[c.outcome] > w ? OUTCOME_SEVERITY[c.outcome] : w), 0);
  return problems.reduce<0 | 1 | 2>((w, p) => (p.severity > w ? p.severity : w), worst);
}

/** One sentence for a host that broke on a case, saying which way: what the CLI prints for exit code 2. */
export function describeHostError(caseId: string, outcome: Outcome, error: { code: GateErrorCode; message: string }): string {
  switch (error.code) {
    case "JP_HOST_TIMEOUT":
      return `the host timed out on case ${caseId}: ${error.message}`;
    case "JP_HOST_CRASH":
      return `the host crashed while running case ${caseId}: ${error.message}`;
    case "JP_HOST_MALFORMED":
      return `the host wrote what the protocol does not allow while running case ${caseId}: ${error.message}`;
    case "JP_HOST_MISSING_RESULT":
      return `the host returned no result for case ${caseId}: ${error.message}`;
    case "JP_HOST_HANDSHAKE":
      return `the host failed its handshake (started for case ${caseId}): ${error.message}`;
    case "JP_HOST_SPAWN":
      return `the host could not be started (for case ${caseId}): ${error.message}`;
    case "JP_HOST_EXCEPTION":
      return `the host threw while running case ${caseId}: ${error.message}`;
    case "JP_NOT_RUN":
      return `case ${caseId} ${error.message}`;
    default:
      return `${outcome} on case ${caseId}: ${error.message}`;
  }
}

/** Rejects with a HostFailure when `promise` has not settled after `ms`. */
async function guarded<T>(promise: Promise<T>, ms: number, failure: () => HostFailure): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Not unref'd: a host that never answers must still time out when nothing else keeps the process alive (an
    // in-process host module whose promise never settles); the timer is cleared as soon as the answer comes.
    timer = setTimeout(() => reject(failure()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/** The handshake's shape, checked for hosts that come in as modules (the process adapter validates its own). */
export function checkHandshake(value: unknown): Handshake {
  const problems: string[] = [];
  if (!isObject(value)) throw new HostFailure("JP_HOST_HANDSHAKE", `the handshake is not an object: ${canonicalJson(value) ?? String(value)}`);
  if (typeof value.name !== "string" || value.name === "") problems.push("name must be a non-empty string");
  if (typeof value.version !== "string") problems.push("version must be a string");
  if (!isStringArray(value.abiVersions)) problems.push("abiVersions must be an array of strings");
  else {
    const malformed = value.abiVersions.filter((version) => !/^[0-9]+\.[0-9]+$/.test(version));
    if (malformed.length > 0) problems.push(`abiVersions: ${malformed.join(", ")} not of the form <major>.<minor>`);
    if (new Set(value.abiVersions).size < value.abiVersions.length) problems.push("abiVersions: a version listed twice (handshake.fields)");
  }
  if (!isStringArray(value.methods)) problems.push("methods must be an array of strings (the wire methods the host serves)");
  else {
    const malformed = value.methods.filter((method) => !WIRE_METHOD_FORM.test(method));
    if (malformed.length > 0) problems.push(`methods: ${malformed.join(", ")} not of the form query:<name> or action:<name>.input (handshake.methods)`);
    if (new Set(value.methods).size < value.methods.length) problems.push("methods: a method listed twice (handshake.methods)");
  }
  if (!isStringArray(value.capabilities)) problems.push("capabilities must be an array of strings");
  else {
    const unknown = value.capabilities.filter((c) => !(CAPABILITY_IDS as readonly string[]).includes(c));
    if (unknown.length > 0) problems.push(`capabilities: unknown ${unknown.join(", ")} (known: ${CAPABILITY_IDS.join(", ")})`);
    if (new Set(value.capabilities).size < value.capabilities.length) problems.push("capabilities: a capability listed twice");
  }
  if (value.limits !== undefined && !isObject(value.limits)) problems.push("limits must be an object");
  if (isStringArray(value.abiVersions) && !supportsAbi(value.abiVersions, BASE_ABI_VERSION)) {
    problems.push(`the host serves ABI ${value.abiVersions.join(", ") || "(none)"}; every host must serve ABI ${BASE_ABI_VERSION}`);
  }
  if (problems.length > 0) throw new HostFailure("JP_HOST_HANDSHAKE", `the handshake does not validate: ${problems.join("; ")}`);
  return value as unknown as Handshake;
}

/** A case answer's shape: nothing at all is a missing result; anything else that is not an answer is garbage. */
export function checkResponse(caseId: string, value: unknown): CaseResponse {
  if (value === undefined || value === null) {
    throw new HostFailure("JP_HOST_MISSING_RESULT", `the host answered nothing for case ${caseId} (${String(value)})`);
  }
  const garbage = (why: string) => new HostFailure("JP_HOST_MALFORMED", `the answer for case ${caseId} ${why}`);
  if (!isObject(value)) throw garbage(`is not an object: ${canonicalJson(value)?.slice(0, 200)}`);
  if (value.kind === "load_error") {
    if (typeof value.code !== "string" || typeof value.message !== "string") throw garbage("is a load_error without a string code and message");
    return value as unknown as CaseResponse;
  }
  if (value.kind !== "result") throw garbage(`has kind ${canonicalJson(value.kind)?.slice(0, 80)}, not "result" or "load_error"`);
  const result = value.result;
  if (!isObject(result)) throw garbage("is a result without a result object");
  if (!Array.isArray(result.extension)) throw garbage("is a result without an extension trace array");
  if (!Array.isArray(result.jobs) || !result.jobs.every((job) => isObject(job) && Array.isArray(job.trace) && typeof job.id === "string")) {
    throw garbage("is a result whose jobs are not an array of jobs with an id and a trace");
  }
  if (!isObject(result.library)) throw garbage("is a result without a library snapshot");
  if (result.errors !== undefined && !Array.isArray(result.errors)) throw garbage("is a result whose errors are not an array");
  return value as unknown as CaseResponse;
}

/**
 * How the host's answer differs from the golden, or null when it is equal. `goldenName` is what the text calls the
 * golden (fuzzing a host calls it "reference": the reference host's answer for the same request).
 */
export function goldenDivergence(golden: Expected, actual: Expected, goldenName = "golden"): GoldenDivergence | null {
  if ("loadError" in golden || "loadError" in actual) {
    const code = (e: Expected) => ("loadError" in e ? `fails to load with ${e.loadError.code}` : "loads and runs the job");
    if (code(golden) === code(actual)) return null;
    return { text: `load: the ${goldenName} ${code(golden)}, the host's guest ${code(actual)}`, event: null, also: [] };
  }
  // Both sides are in their comparable form (compare.ts): a golden is stored so, and expectedFrom makes a host's so.
  const [difference, ...also] = resultDifferences(golden.result, actual.result, goldenName, "host");
  if (difference === undefined) return null;
  const { event } = difference;
  return {
    text: difference.text,
    event: event && { trace: event.trace, index: event.divergence.index, expected: event.divergence.left, actual: event.divergence.right, before: event.divergence.before },
    also: also.map((d) => d.text),
  };
}

/** The sidecar's expectations against the host's answer. */
function sidecarFailures(fixture: Fixture, response: CaseResponse, actual: Expected): string[] {
  const { expect } = fixture.sidecar;
  if ("loadError" in expect) return loadErrorFailures(expect.loadError, response.kind === "load_error" ? response : null);
  if (response.kind === "load_error") return [`the guest failed to load: ${response.code}: ${response.message}`];
  if (!("result" in actual)) return ["internal: a result without a normalized result"];
  return checkExpectations(expect, actual.result).failures;
}

export interface Judgement {
  readonly passed: boolean;
  readonly failures: string[];
  readonly divergence: GoldenDivergence | null;
}

/** A host's answer in the comparable form; an answer that cannot be put in it is garbage (JP_HOST_MALFORMED). */
export function comparableAnswer(caseId: string, response: CaseResponse): Expected {
  try {
    return expectedFrom(response);
  } catch (error) {
    throw new HostFailure("JP_HOST_MALFORMED", `the answer for case ${caseId} is not a valid result: ${(error as Error).message}`, { cause: error });
  }
}

/** A load error's message is the host's words: shown beside a divergence it explains, never compared. */
function withHostWords(divergence: GoldenDivergence | null, response: CaseResponse): GoldenDivergence | null {
  if (divergence === null || response.kind !== "load_error" || response.message === "") return divergence;
  return { ...divergence, text: `${divergence.text} (the host said: ${JSON.stringify(response.message.slice(0, 300))})` };
}

/** A host's answer for a case: equal to the golden, and the case's other expectations hold. Both, or it fails. */
export function judgeResponse(subject: GateSubject, golden: Expected, response: CaseResponse): Judgement {
  const actual = comparableAnswer(subject.id, response);
  let divergence: GoldenDivergence | null;
  let failures: string[];
  try {
    divergence = withHostWords(goldenDivergence(golden, actual), response);
    failures = subject.failures(response, actual);
  } catch (error) {
    // A result of the right outline whose insides are not what a result holds (a trace that is not a list, ...).
    throw new HostFailure("JP_HOST_MALFORMED", `the answer for case ${subject.id} is not a valid result: ${(error as Error).message}`, { cause: error });
  }
  return { passed: divergence === null && failures.length === 0, failures, divergence };
}

/** The adapter's handshake, or JP_HOST_HANDSHAKE when it does not come (an adapter without a limit of its own). */
function handshakeOf(adapter: HostAdapter): Promise<Handshake> {
  return guarded(adapter.handshake(), HANDSHAKE_GUARD_MS, () => new HostFailure("JP_HOST_HANDSHAKE", `no handshake within ${HANDSHAKE_GUARD_MS} ms`));
}

/**
 * Sends one case to the host and checks the answer's shape: what the gate does for every case, and fuzzing a host
 * for every generated one. The host is brought back first if a case broke it (a fresh process and its handshake),
 * under the handshake's own limit: no case's time counts a restart (PROTOCOL.md, "Timeouts"). Rejects with a HostFailure
 * when the host cannot come back, breaks, or does not answer in time (the adapter's own timeout, or `timeoutMs` plus
 * a margin for adapters without one).
 */
export async function askHost(adapter: HostAdapter, request: CaseRequest, timeoutMs: number): Promise<CaseResponse> {
  // A process started again answers its own handshake, which must be as valid as the first (it must serve 1.0, ...).
  checkHandshake(await handshakeOf(adapter));
  const answer = await guarded(
    Promise.resolve().then(() => adapter.runCase(request, timeoutMs)),
    Math.min(timeoutMs + GUARD_MS, MAX_TIMER_MS),
    () => new HostFailure("JP_HOST_TIMEOUT", `no answer within ${timeoutMs} ms`),
  );
  return checkResponse(request.id, answer);
}

/**
 * Whether a case's scenario sets a time or stall limit of its own (tens of milliseconds in the cases that do). Such a
 * case whose answer differs is sent again, once, and judged by the second answer (PROTOCOL.md, "What is compared, and
 * how"): a host whose wall clock counts the time its thread was descheduled may stop a run that kept calling it
 * (run.stall), which a loaded machine makes happen now and then; a host that differs again has.
 */
export function clockBound(scenario: Scenario): boolean {
  const limits = scenario.limits;
  return (limits?.runTimeoutMs ?? 0) > 0 || (limits?.stallTimeoutMs ?? 0) > 0;
}

/** A host failure as a case's `error`: a HostFailure's code, or JP_HOST_EXCEPTION for anything else an adapter threw. */
export function hostError(error: unknown): { code: GateErrorCode; message: string } {
  return error instanceof HostFailure
    ? { code: error.code as GateErrorCode, message: error.message }
    : { code: "JP_HOST_EXCEPTION", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/**
 * A host that could not start or shake hands, as the commands print it: `who` and what happened, then the error's first
 * line ending with its code (as every input error's line ends), then the host's stderr, quoted.
 */
export function hostStartFailureLines(who: string, code: string, message: string): string[] {
  const what = code === "JP_HOST_SPAWN" ? "could not be started" : "failed its handshake";
  const [first, ...quoted] = message.replace(/^could not start the host: /, "").split("\n");
  return [`${who} ${what}: ${first} [${code}]`, ...quoted];
}

/**
 * Host failures after which the host cannot come back (a process started again after a case could not start or shake
 * hands): the remaining cases are not run (JP_HOST_LOST), and host fuzzing ends.
 */
export const HOST_LOST_FAILURES: readonly string[] = ["JP_HOST_SPAWN", "JP_HOST_HANDSHAKE"];

/** A case's fields before it is judged. */
function caseBase(
  subject: CaseHeader,
  expectation: CaseExpectation | null,
  missingCapabilities: readonly CapabilityId[],
  missingMethods: readonly string[],
  missingAbi: string | null = null,
  /** What the case needs of a host (neededCapabilities); before its guest is read, what its sidecar lists. */
  capabilities: readonly CapabilityId[] = subject.capabilities,
): CaseBase {
  return {
    id: subject.id,
    description: subject.description,
    spec: subject.spec,
    capabilities,
    expectation,
    missingCapabilities,
    missingMethods,
    missingAbi,
    failures: [],
    divergence: null,
    error: null,
  };
}

/** The result with a problem found after the cases ran (the host's ending), its exit code raised to match. */
export function withProblem(result: GateResult, problem: RunProblem): GateResult {
  const problems = [...result.problems, problem];
  return { ...result, problems, exitCode: gateExitCode(result.cases, problems) };
}

/** A gate run in which no case could be sent: the host could not start or shake hands. Every case is an ERROR. */
export function unreachableHost(subjects: readonly CaseHeader[], failure: HostFailure, expectations: ResolvedExpectations | null, startedAt: number): GateResult {
  const hostError = { code: failure.code as GateErrorCode, message: failure.message };
  const notRun = (subject: CaseHeader) => ({ code: hostError.code, message: `not run: ${describeHostError(subject.id, "ERROR", hostError)}` });
  return noCaseSent(subjects, expectations, notRun, { ...hostError, severity: 2 }, hostError, startedAt);
}

/** A gate run that sent no case (before any handshake): every case ERROR with `error`, the run with `problem`. */
function noCaseSent(
  subjects: readonly CaseHeader[],
  expectations: ResolvedExpectations | null,
  error: (subject: CaseHeader) => { code: GateErrorCode; message: string },
  problem: RunProblem,
  hostError: GateResult["hostError"],
  startedAt: number,
): GateResult {
  const cases = subjects.map((subject): GateCase => ({ ...caseBase(subject, expectations?.forCase(subject.id) ?? null, [], []), outcome: "ERROR", durationMs: 0, error: error(subject) }));
  return { handshake: null, hostError, problems: [problem], cases, durationMs: performance.now() - startedAt, exitCode: 2 };
}

/** What interrupted the gate, as people say it: the abort's reason is the signal's name (cli/run.ts). */
const interruption = (signal: AbortSignal): string => stoppedBy(signal.reason as StopSignal);

/**
 * The gate interrupted before its host shook hands (while it prepared its cases, started the host or waited for the
 * handshake): no case was sent, and the host is not to blame.
 */
export function interruptedBeforeStart(subjects: readonly CaseHeader[], expectations: ResolvedExpectations | null, signal: AbortSignal, startedAt: number): GateResult {
  const by = interruption(signal);
  const notRun = () => ({ code: "JP_NOT_RUN" as const, message: `was not run: the gate was interrupted (${by}) before the host's handshake` });
  const problem: RunProblem = { code: "JP_INTERRUPTED", message: `interrupted (${by}) before the host's handshake: no case was run`, severity: 2 };
  return noCaseSent(subjects, expectations, notRun, problem, null, startedAt);
}

/** The capability rule (handshake.capabilities): every capability of ABI v1, unless the expectations waive it. */
function capabilityProblems(claimed: ReadonlySet<string>, waivers: ResolvedExpectations["waivers"]): RunProblem[] {
  const waived = new Set<string>(waivers.map((w) => w.capability));
  const problems: RunProblem[] = [];
  const missing = CAPABILITY_IDS.filter((id) => !claimed.has(id) && !waived.has(id));
  if (missing.length > 0) {
    problems.push({
      code: "JP_CAPABILITY_MISSING",
      message: `the host does not claim ${missing.join(", ")}: ABI v1 requires every capability; implement ${missing.length === 1 ? "it" : "them"}, or waive each in the expectations file ([[waive]] capability = "...", reason = "...")`,
      severity: 1,
    });
  }
  for (const waiver of waivers) {
    if (claimed.has(waiver.capability)) {
      problems.push({ code: "JP_WAIVER_STALE", message: `waive[${waiver.index}] waives ${waiver.capability}, which the host claims: remove the entry`, severity: 1 });
    }
  }
  return problems;
}

/**
 * Runs the gate: the handshake, then every fixture in order, each judged. A host that cannot start or shake hands
 * is a result too (every case ERROR, `hostError` set), never an exception, so that reports are written for every
 * run. The adapter stays open; the caller closes it.
 */
export async function runGate(adapter: HostAdapter, options: GateOptions): Promise<GateResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const subjects = [...options.fixtures.map(fixtureSubject), ...(options.derived ?? [])];
  // Goldens first: a missing or broken golden is the harness's problem and should stop the run before the host starts.
  const goldens = new Map(subjects.map((subject) => [subject.id, subject.golden()]));

  let handshake: Handshake;
  try {
    handshake = checkHandshake(await handshakeOf(adapter));
  } catch (error) {
    // Interrupted while the host shook hands: the host did nothing wrong, the gate stopped it.
    if (options.signal?.aborted === true) return interruptedBeforeStart(subjects, options.expectations ?? null, options.signal, started);
    const failure =
      error instanceof HostFailure
        ? error
        : new HostFailure("JP_HOST_HANDSHAKE", `the handshake threw: ${(error as Error).message ?? String(error)}`, { cause: error });
    return unreachableHost(subjects, failure, options.expectations ?? null, started);
  }
  const claimed = new Set<string>(handshake.capabilities);
  const served = new Set(handshake.methods);
  const waived = new Set<string>((options.expectations?.waivers ?? []).map((w) => w.capability));
  const problems = capabilityProblems(claimed, options.expectations?.waivers ?? []);

  const cases: GateCase[] = [];
  const maxTimeouts = options.maxTimeouts ?? DEFAULT_MAX_TIMEOUTS;
  let timeoutsInARow = 0;
  /** Why no further case is sent, once the gate stops. */
  let stopped: { problem: RunProblem; notRun: string } | null = null;
  /** The gate was interrupted `when` (before a case, or while one ran): no further case is sent. */
  const interruptedAt = (signal: AbortSignal, when: string, what: string) => {
    const by = interruption(signal);
    return { problem: { code: "JP_INTERRUPTED" as const, message: `interrupted (${by}) ${when}: ${what}`, severity: 2 as const }, notRun: `was not run: the gate was interrupted (${by})` };
  };
  for (const subject of subjects) {
    if (stopped === null && options.signal?.aborted === true) stopped = interruptedAt(options.signal, `before case ${subject.id}`, "it and the cases after it were not run");
    const caseStarted = performance.now();
    const expectation = options.expectations?.forCase(subject.id) ?? null;
    const golden = goldens.get(subject.id)!;
    const guest = await subject.guest();
    const needed = neededCapabilities(subject, guest, golden);
    const missing = needed.filter((c) => !claimed.has(c));
    const missingMethods = methodsOf(golden).filter((m) => !served.has(m));
    const abi = guestAbiNeed(guest);
    const missingAbi = abi !== null && !supportsAbi(handshake.abiVersions, abi) ? abi : null;
    const base = caseBase(subject, expectation, missing, missingMethods, missingAbi, needed);
    let result: GateCase;
    if (expectation?.kind === "skip") {
      result = { ...base, outcome: "SKIP", durationMs: 0 };
    } else if (missing.some((c) => !waived.has(c))) {
      const unwaived = missing.filter((c) => !waived.has(c));
      result = { ...base, outcome: "FAIL", durationMs: 0, failures: [`needs ${unwaived.join(", ")}, which the host does not claim; ABI v1 requires every capability (waive one in the expectations file to skip its cases)`] };
    } else if (missing.length > 0 || missingMethods.length > 0 || missingAbi !== null) {
      result = { ...base, outcome: "UNSUPPORTED", durationMs: 0 };
    } else if (stopped !== null) {
      result = { ...base, outcome: "ERROR", durationMs: 0, error: { code: "JP_NOT_RUN", message: stopped.notRun } };
    } else {
      result = await runOne(adapter, subject, guest, golden, timeoutMs, base, expectation);
      if (options.signal?.aborted === true) {
        result = { ...base, outcome: "ERROR", durationMs: 0, error: { code: "JP_NOT_RUN", message: `was not judged: the gate was interrupted (${interruption(options.signal)}) while it ran` } };
        // Said here, not before the next case: the case may be the last.
        stopped ??= interruptedAt(options.signal, `while case ${subject.id} ran`, "it was not judged, and the cases after it were not run");
      }
      result = { ...result, durationMs: Math.round((performance.now() - caseStarted) * 10) / 10 };
      if (result.error !== null && HOST_LOST_FAILURES.includes(result.error.code)) {
        const problem: RunProblem = {
          code: "JP_HOST_LOST",
          message: `the host could not be brought back after case ${subject.id} (${result.error.code}): the cases after it were not run`,
          severity: 2,
        };
        stopped = { problem, notRun: `was not run: the host could not be brought back after case ${subject.id} (${result.error.code})` };
      }
      timeoutsInARow = result.outcome === "TIMEOUT" ? timeoutsInARow + 1 : 0;
      if (maxTimeouts > 0 && timeoutsInARow >= maxTimeouts) {
        const problem: RunProblem = {
          code: "JP_TIMEOUTS",
          message: `the host timed out on ${timeoutsInARow} cases in a row (the last ${subject.id}): the cases after it were not run (--max-timeouts ${maxTimeouts}; 0 runs every case)`,
          severity: 2,
        };
        stopped = { problem, notRun: `was not run: the host timed out on ${timeoutsInARow} cases in a row before it (--max-timeouts ${maxTimeouts})` };
      }
    }
    cases.push(result);
    options.onCase?.(result, cases.length - 1, subjects.length);
  }
  if (stopped !== null) problems.push(stopped.problem);
  return { handshake, hostError: null, problems, cases, durationMs: performance.now() - started, exitCode: gateExitCode(cases, problems) };
}

type CaseBase = Omit<GateCase, "outcome" | "durationMs">;

/**
 * The capabilities a case needs of a host: those its sidecar lists (what it proves reachable) and those of the imports
 * its guest has and the catalogue methods its golden calls (derivedCapabilities), so that a host that waives a
 * capability is never sent a guest that imports it.
 */
function neededCapabilities(subject: GateSubject, guest: Uint8Array, golden: Expected): CapabilityId[] {
  const needed = new Set<CapabilityId>([...subject.capabilities, ...derivedCapabilities(guest, golden)]);
  return CAPABILITY_IDS.filter((id) => needed.has(id));
}

async function runOne(
  adapter: HostAdapter,
  subject: GateSubject,
  guest: Uint8Array,
  golden: Expected,
  timeoutMs: number,
  base: CaseBase,
  expectation: CaseExpectation | null,
): Promise<GateCase> {
  const request = { id: subject.id, guest, scenario: subject.scenario };
  try {
    let judgement = judgeResponse(subject, golden, await askHost(adapter, request, timeoutMs));
    if (!judgement.passed && clockBound(subject.scenario)) judgement = judgeResponse(subject, golden, await askHost(adapter, request, timeoutMs));
    const expectedFail = expectation?.kind === "expected-fail";
    const outcome: Outcome = judgement.passed ? (expectedFail ? "XPASS" : "PASS") : expectedFail ? "XFAIL" : "FAIL";
    return { ...base, outcome, durationMs: 0, failures: judgement.failures, divergence: judgement.divergence };
  } catch (error) {
    const failure = hostError(error);
    return { ...base, outcome: failure.code === "JP_HOST_TIMEOUT" ? "TIMEOUT" : "ERROR", durationMs: 0, error: failure };
  }
}
