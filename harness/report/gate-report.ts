import { CAPABILITIES } from "../abi/capabilities.ts";
import { CLAUSES, type ClauseLevel } from "../abi/clauses.ts";
import { ABI_VERSION } from "../abi/exports.ts";
import type { Handshake } from "../adapters/types.ts";
import { formatSchemaErrors, schemaValidator } from "../schemas/validate.ts";
import { DEFAULT_CASE_TIMEOUT_MS, DEFAULT_MAX_TIMEOUTS, OUTCOMES, type EventDivergence, type GateErrorCode, type GateResult, type Outcome } from "../suite/gate.ts";
import type { ExpectationKind, ResolvedExpectations } from "../suite/host-expectations.ts";
import { coreCoverage, type CoreCoverage } from "../suite/core-coverage.ts";
import { harnessVersion } from "../suite/version.ts";
import { shellQuote } from "../trace/shell.ts";

/**
 * gate.json: the one source of truth of a `job-parity run`. gate.md, gate.html and the JUnit XML are all written from
 * it; schema harness/schemas/gate-report.schema.json (checked before anything is written).
 */
export const GATE_REPORT_SCHEMA_VERSION = 1;

export type OutcomeCounts = Record<Outcome, number>;

/** A capability's (or a clause's) state on this host, for the matrix. */
export type CapabilityVerdict = "pass" | "xfail" | "fail" | "error" | "unsupported" | "skipped" | "none";

/** How the host was reached: what the reproduce commands repeat. */
export interface GateInvocation {
  readonly hostCmd?: string | null;
  readonly hostModule?: string | null;
  readonly expectations?: string | null;
  readonly filter?: string | null;
  readonly timeoutMs?: number;
  /** The --corpus folders given: the regression cases' reproduce commands repeat them. */
  readonly corpora?: readonly string[];
  /** --generated N --seed S: the generated cases' reproduce commands repeat them. */
  readonly generated?: { readonly count: number; readonly seed: number } | null;
  /** --max-timeouts. */
  readonly maxTimeouts?: number;
}

export interface GateReportCase {
  id: string;
  description: string;
  spec: string[];
  capabilities: string[];
  outcome: Outcome;
  durationMs: number;
  failures: string[];
  /** `also`: the differences after the first, as text (every other trace's first divergent event, fields, the library). */
  divergence: { text: string; event: EventDivergence | null; also: string[] } | null;
  error: { code: GateErrorCode; message: string } | null;
  expectation: { kind: ExpectationKind; reason: string; entry: string } | null;
  missingCapabilities: string[];
  missingMethods: string[];
  /** The ABI version the case's guest asks for, when the host does not serve it (UNSUPPORTED); else null. */
  missingAbi: string | null;
  /** A shell command that runs this case alone on the same host. */
  reproduce: string;
}

export interface GateReport {
  schemaVersion: typeof GATE_REPORT_SCHEMA_VERSION;
  tool: { name: "job-parity"; version: string };
  abiVersion: string;
  generatedAt: string;
  host: {
    adapter: "in-process" | "process" | "module";
    command: string | null;
    module: string | null;
    handshake: Handshake | null;
    hostError: { code: GateErrorCode; message: string } | null;
  };
  options: {
    filter: string | null;
    timeoutMs: number;
    expectations: string | null;
    corpora: string[];
    generated: { count: number; seed: number } | null;
    maxTimeouts: number;
  };
  verdict: "pass" | "fail" | "error";
  exitCode: 0 | 1 | 2;
  summary: { cases: number; durationMs: number; outcomes: OutcomeCounts };
  problems: { code: string; message: string; severity: 1 | 2 }[];
  expectations: {
    file: string | null;
    host: string | null;
    entries: { entry: string; kind: ExpectationKind; case: string; reason: string; matches: string[] }[];
    waivers: { entry: string; capability: string; reason: string; claimed: boolean }[];
  };
  capabilities: { id: string; core: string; claimed: boolean; verdict: CapabilityVerdict; outcomes: OutcomeCounts; cases: { id: string; outcome: Outcome }[] }[];
  clauses: { id: string; level: ClauseLevel; verdict: CapabilityVerdict; outcomes: OutcomeCounts; cases: { id: string; outcome: Outcome }[] }[];
  /**
   * Per public JobContext method and Progress variant of core: whether an extension job reaches it under each ABI
   * version and which cases cover it. A property of the specification and the suite (every fixture, whatever the
   * filter), not of the host: the host's verdicts are in `capabilities`, `clauses` and `cases`.
   */
  coreSurface: CoreCoverage;
  cases: GateReportCase[];
}

export const emptyCounts = (): OutcomeCounts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;

function count(outcomes: readonly Outcome[]): OutcomeCounts {
  const counts = emptyCounts();
  for (const outcome of outcomes) counts[outcome]++;
  return counts;
}

function capabilityVerdict(counts: OutcomeCounts, claimed: boolean): CapabilityVerdict {
  const total = OUTCOMES.reduce((sum, o) => sum + counts[o], 0);
  if (counts.ERROR + counts.TIMEOUT > 0) return "error";
  if (counts.FAIL + counts.XPASS > 0) return "fail";
  if (total === 0) return "none";
  if (counts.XFAIL > 0) return "xfail";
  if (counts.PASS > 0) return "pass";
  return !claimed || counts.UNSUPPORTED > 0 ? "unsupported" : "skipped";
}

/**
 * `npx job-parity run --host-cmd '<cmd>' --filter '<case id>'`: the same host, that case alone (with the corpus or
 * the generated cases' options when the case is one of those, or when the run had an expectations file: its entries
 * may name those cases, and an entry that matches no case makes the file unusable).
 */
export function reproduceCommand(invocation: GateInvocation, caseId: string): string {
  const parts = ["npx job-parity run"];
  if (invocation.hostCmd) parts.push(`--host-cmd ${shellQuote(invocation.hostCmd)}`);
  else if (invocation.hostModule) parts.push(`--host-module ${shellQuote(invocation.hostModule)}`);
  if (invocation.expectations) parts.push(`--expectations ${shellQuote(invocation.expectations)}`);
  if (invocation.timeoutMs !== undefined && invocation.timeoutMs !== DEFAULT_CASE_TIMEOUT_MS) parts.push(`--timeout ${invocation.timeoutMs}`);
  const all = Boolean(invocation.expectations);
  if (all || caseId.startsWith("regressions/")) for (const dir of invocation.corpora ?? []) parts.push(`--corpus ${shellQuote(dir)}`);
  if (invocation.generated && (all || caseId.startsWith("generated/"))) parts.push(`--generated ${invocation.generated.count} --seed ${invocation.generated.seed}`);
  parts.push(`--filter ${shellQuote(caseId)}`);
  return parts.join(" ");
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Per clause cited by a case of the run, in the specification's order: its cases and their verdict. */
function clauseRows(cases: GateResult["cases"]): GateReport["clauses"] {
  return CLAUSES.flatMap((clause) => {
    const citing = cases.filter((c) => c.spec.includes(clause.id));
    if (citing.length === 0) return [];
    const outcomes = count(citing.map((c) => c.outcome));
    return [{ id: clause.id, level: clause.level, verdict: capabilityVerdict(outcomes, true), outcomes, cases: citing.map((c) => ({ id: c.id, outcome: c.outcome })) }];
  });
}

export function buildGateReport(
  result: GateResult,
  invocation: GateInvocation,
  expectations: ResolvedExpectations | null,
  coreSurface: CoreCoverage = coreCoverage(),
): GateReport {
  const claimed = new Set<string>(result.handshake?.capabilities ?? []);
  const verdict = result.exitCode === 0 ? "pass" : result.exitCode === 1 ? "fail" : "error";
  return {
    schemaVersion: GATE_REPORT_SCHEMA_VERSION,
    tool: { name: "job-parity", version: harnessVersion() },
    abiVersion: ABI_VERSION,
    generatedAt: new Date().toISOString(),
    host: {
      adapter: invocation.hostCmd ? "process" : invocation.hostModule ? "module" : "in-process",
      command: invocation.hostCmd ?? null,
      module: invocation.hostModule ?? null,
      handshake: result.handshake === null ? null : handshakeCopy(result.handshake),
      hostError: result.hostError === null ? null : { ...result.hostError },
    },
    options: {
      filter: invocation.filter ?? null,
      timeoutMs: invocation.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS,
      expectations: invocation.expectations ?? null,
      corpora: [...(invocation.corpora ?? [])],
      generated: invocation.generated ?? null,
      maxTimeouts: invocation.maxTimeouts ?? DEFAULT_MAX_TIMEOUTS,
    },
    verdict,
    exitCode: result.exitCode,
    summary: { cases: result.cases.length, durationMs: round(result.durationMs), outcomes: count(result.cases.map((c) => c.outcome)) },
    problems: result.problems.map((p) => ({ code: p.code, message: p.message, severity: p.severity })),
    expectations: {
      file: expectations?.file ?? null,
      host: expectations?.host ?? null,
      entries: (expectations?.entries ?? []).map(({ entry, name, cases }) => ({
        entry: name,
        kind: entry.kind,
        case: entry.case,
        reason: entry.reason,
        matches: [...cases],
      })),
      waivers: (expectations?.waivers ?? []).map((w) => ({ entry: `waive[${w.index}]`, capability: w.capability, reason: w.reason, claimed: claimed.has(w.capability) })),
    },
    capabilities: CAPABILITIES.map((capability) => {
      const covering = result.cases.filter((c) => (c.capabilities as readonly string[]).includes(capability.id));
      const outcomes = count(covering.map((c) => c.outcome));
      return {
        id: capability.id,
        core: capability.core,
        claimed: claimed.has(capability.id),
        verdict: capabilityVerdict(outcomes, claimed.has(capability.id)),
        outcomes,
        cases: covering.map((c) => ({ id: c.id, outcome: c.outcome })),
      };
    }),
    clauses: clauseRows(result.cases),
    coreSurface,
    cases: result.cases.map((c) => ({
      id: c.id,
      description: c.description,
      spec: [...c.spec],
      capabilities: [...c.capabilities],
      outcome: c.outcome,
      durationMs: round(c.durationMs),
      failures: [...c.failures],
      divergence: c.divergence === null ? null : { text: c.divergence.text, event: c.divergence.event === null ? null : plainEvent(c.divergence.event), also: [...c.divergence.also] },
      error: c.error === null ? null : { ...c.error },
      expectation: c.expectation === null ? null : { ...c.expectation },
      missingCapabilities: [...c.missingCapabilities],
      missingMethods: [...c.missingMethods],
      missingAbi: c.missingAbi,
      reproduce: reproduceCommand(invocation, c.id),
    })),
  };
}

/** The handshake's known fields as plain JSON (a host may say more; the report keeps what the schema names). */
function handshakeCopy(handshake: Handshake): Handshake {
  const { name, version, abiVersions, capabilities, methods, limits } = handshake;
  const copy = { name, version, abiVersions: [...abiVersions], capabilities: [...capabilities], methods: [...methods] };
  return limits === undefined ? copy : { ...copy, limits: JSON.parse(JSON.stringify(limits)) as Handshake["limits"] };
}

/** JSON has no `undefined`: an event past the end of a trace is null in the report. */
function plainEvent(event: EventDivergence): EventDivergence {
  return {
    trace: event.trace,
    index: event.index,
    expected: event.expected === undefined ? null : event.expected,
    actual: event.actual === undefined ? null : event.actual,
    before: [...event.before],
  };
}

export class GateReportSchemaError extends Error {}

/** Checks a report against its schema; throws with every problem when it does not match (a harness bug). */
export function validateGateReport(report: unknown): GateReport {
  const validate = schemaValidator("gate-report");
  if (!validate(report)) {
    throw new GateReportSchemaError(`internal: the gate report does not match harness/schemas/gate-report.schema.json:\n  ${formatSchemaErrors(validate.errors).join("\n  ")}`);
  }
  return report as GateReport;
}

/** The host as reports name it: its handshake's name and version, or how it was started when it never shook hands. */
export function hostTitle(report: Pick<GateReport, "host">): string {
  const { handshake, command, module } = report.host;
  if (handshake !== null) return `${handshake.name} ${handshake.version}`;
  return command !== null ? `the host \`${command}\`` : module !== null ? `the host module ${module}` : "the host";
}

/** Problems of the run as lines: each with its code, the worst first. */
export function problemLines(report: Pick<GateReport, "problems">): string[] {
  return [...report.problems].sort((a, b) => b.severity - a.severity).map((p) => `${p.code}: ${p.message}`);
}

/** Cases that matter to a reader first: what broke, what failed, then the rest in suite order. */
export const ATTENTION: readonly Outcome[] = ["ERROR", "TIMEOUT", "FAIL", "XPASS"];

export const OUTCOME_MEANING: Record<Outcome, string> = {
  PASS: "equal to the golden and every expectation held",
  FAIL: "differs from the golden or an expectation did not hold, or was not sent: it needs a capability the host neither claims nor waives",
  XFAIL: "failed, as the expectations file says it does",
  XPASS: "passed, but the expectations file says it fails: a stale entry",
  SKIP: "not run: the expectations file skips it",
  UNSUPPORTED: "not run: it needs a capability the expectations file waives, a wire method the host does not serve, or an ABI version it does not serve",
  ERROR: "the host failed: crashed, broke the protocol, or returned no result; or the gate did not send or judge it (JP_NOT_RUN: a run problem says why)",
  TIMEOUT: "the host did not answer in time",
};

/**
 * One line on why a case has its outcome: the expectation's reason, the missing capabilities (with their waivers'
 * reasons, when given), the error.
 */
export function outcomeNote(c: {
  readonly outcome: Outcome;
  readonly expectation: GateReportCase["expectation"];
  readonly missingCapabilities: readonly string[];
  readonly missingMethods: readonly string[];
  readonly missingAbi: string | null;
  readonly error: GateReportCase["error"];
}, waivers: readonly { readonly capability: string; readonly reason: string }[] = []): string {
  switch (c.outcome) {
    case "SKIP":
      return `skipped by ${c.expectation?.entry}: ${c.expectation?.reason}`;
    case "XFAIL":
      return `expected to fail by ${c.expectation?.entry}: ${c.expectation?.reason}`;
    case "XPASS":
      return `stale entry ${c.expectation?.entry}: the case passes now; remove the entry (its reason: ${c.expectation?.reason})`;
    case "UNSUPPORTED": {
      const why = [
        ...c.missingCapabilities.map((capability) => {
          const reason = waivers.find((w) => w.capability === capability)?.reason;
          return `the host does not claim ${capability} (waived${reason === undefined ? "" : `: ${reason}`})`;
        }),
        ...(c.missingAbi !== null ? [`the guest asks for ABI ${c.missingAbi}, which the host does not serve`] : []),
        ...(c.missingMethods.length > 0 ? [`the host does not serve ${c.missingMethods.join(", ")}`] : []),
      ];
      return `${why.join("; ")}${c.expectation ? ` (${c.expectation.entry}: ${c.expectation.reason})` : ""}`;
    }
    case "ERROR":
    case "TIMEOUT":
      return `${c.error?.code}: ${c.error?.message}`;
    default:
      return "";
  }
}

/** `text` cut to about `max` characters, saying how many were cut (gate.json keeps every text whole). */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  // Not between the two halves of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/**
 * How much of a case's detail gate.html and junit.xml show: a host's words (its events, its errors, its stderr) have
 * no bound, and a report someone opens must stay readable; gate.json keeps them whole. gate.md has tighter limits of
 * its own (GitHub's step summary).
 */
export const DETAIL_LIMITS = { eventChars: 1_000, lineChars: 2_000, caseChars: 32_768 } as const;

/**
 * Cuts one case's detail, given in parts (its error, its failures, its divergence): each line at `lineChars`, and the
 * whole once `caseChars` are shown, with a line saying so. One cutter per case.
 */
export function detailCutter(limits: { readonly lineChars: number; readonly caseChars: number } = DETAIL_LIMITS): (lines: readonly string[]) => string[] {
  let left = limits.caseChars;
  let cut = false;
  return (lines) => {
    const kept: string[] = [];
    for (const line of lines.flatMap((text) => text.split("\n"))) {
      if (cut) break;
      const shown = shorten(line, limits.lineChars);
      if (shown.length > left) {
        // Said once, where the first line that does not fit would have been.
        cut = true;
        kept.push(`… the rest of this case's detail is not shown here (${limits.caseChars.toLocaleString("en-US")} characters are; gate.json has it all)`);
        break;
      }
      left -= shown.length;
      kept.push(shown);
    }
    return kept;
  };
}

/** A trace event as the reports show it: its JSON (up to `max` characters), or that the trace had ended. */
export const eventText = (value: unknown, max = Infinity): string => (value === null || value === undefined ? "(trace ended)" : shorten(JSON.stringify(value), max));

/** How many of a case's further differences the text reports show; gate.json holds them all. */
const SHOWN_ALSO = 8;

/**
 * How the answer differs from the golden, as lines: the first divergent event (the events before it, then golden and
 * host side by side) when the difference is an event, otherwise compareResults' account; then the differences after
 * it, a line each (up to SHOWN_ALSO), so that one run shows every part of the result a host got wrong. Each event's
 * JSON is cut at `eventChars` (gate.md's size limit).
 */
export function divergenceLines(
  c: { readonly divergence: (Omit<NonNullable<GateReportCase["divergence"]>, "also"> & { readonly also: readonly string[] }) | null },
  eventChars = Infinity,
): string[] {
  if (c.divergence === null) return [];
  const { also } = c.divergence;
  const more = [
    // A difference of several lines (another trace's divergence) keeps them under its own first line.
    ...also.slice(0, SHOWN_ALSO).map((text) => `  also differs: ${text.split("\n").join("\n    ")}`),
    ...(also.length > SHOWN_ALSO ? [`  ... and ${also.length - SHOWN_ALSO} more differences (gate.json lists them all)`] : []),
  ];
  const event = c.divergence.event;
  if (!event) return [`differs from the golden: ${c.divergence.text}`, ...more];
  const show = (value: unknown) => eventText(value, eventChars);
  return [
    `differs from the golden: first divergent event: ${event.trace === "extension" ? "extension trace" : `${event.trace} trace`} #${event.index}`,
    ...event.before.map((e, i) => `    #${event.index - event.before.length + i} ${show(e)}`),
    `  golden #${event.index} ${show(event.expected)}`,
    `  host   #${event.index} ${show(event.actual)}`,
    ...more,
  ];
}
