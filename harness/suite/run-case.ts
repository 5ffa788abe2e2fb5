import { importSpec, type ImportName } from "../abi/imports.ts";
import { GuestLoadError } from "../engine/errors.ts";
import { loadGuest } from "../engine/load.ts";
import { comparable, compareResults } from "./compare.ts";
import { checkExpectations, loadErrorFailures } from "./expectations.ts";
import { loadTwin, type Fixture } from "./fixtures.ts";
import type { StateStore } from "../host/state-store.ts";
import { runScenario, type NormalizedResult, type ScenarioResult } from "./scenario.ts";

export interface SideOutcome {
  readonly passed: boolean;
  /** What did not hold, one line each; includes load errors. */
  readonly failures: readonly string[];
  /** Individual expectations checked on this side. */
  readonly checks: number;
}

export interface CaseResult {
  readonly id: string;
  readonly description: string;
  /** The clauses the case checks (its sidecar's `spec`). */
  readonly spec: readonly string[];
  readonly capabilities: readonly string[];
  readonly imports: readonly ImportName[];
  readonly negative: readonly ImportName[];
  /** null for a WASM-only case, which has no native twin. */
  readonly native: SideOutcome | null;
  readonly wasm: SideOutcome;
  /** Identical compared results on both sides, words dropped (null divergence); for a WASM-only case, not applicable (null). */
  readonly parity: { readonly identical: boolean; readonly divergence: string | null } | null;
  /** The sidecar's claims (imports exercised, refusals) checked against the WASM run. */
  readonly claims: readonly string[];
  readonly passed: boolean;
  /** Individual checks behind the verdict: expectations on both sides, the parity comparison, the claims. */
  readonly checks: number;
  /** Each side's result as the gate compares it (compare.ts: no words, ids renamed). */
  readonly traces: { readonly native: NormalizedResult | null; readonly wasm: NormalizedResult | null };
  readonly durationMs: number;
}

function violations(result: NormalizedResult): Set<string> {
  const names = new Set<string>();
  for (const event of [...result.extension, ...result.jobs.flatMap((job) => job.trace)]) {
    if (event.kind === "abi_violation") names.add(event.import);
  }
  return names;
}

/** The sidecar's claims must be true of the run: coverage counts only what really happened. */
function checkClaims(fixture: Fixture, wasm: ScenarioResult, normalized: NormalizedResult): string[] {
  const { imports, negative = [], capabilities } = fixture.sidecar;
  const problems: string[] = [];
  const called = new Set(Object.keys(wasm.importCalls ?? {}));
  for (const name of imports) if (!called.has(name)) problems.push(`claims to call ${name}, but the WASM guest never called it`);
  for (const name of called) if (!imports.includes(name as ImportName)) problems.push(`calls ${name} without listing it in "imports"`);
  const refused = violations(normalized);
  for (const name of negative) if (!refused.has(name)) problems.push(`claims a refused ${name} call, but no abi_violation names it`);
  for (const capability of capabilities) {
    if (!imports.some((name) => importSpec(name)?.capabilities.some((c) => c === capability))) {
      problems.push(`claims capability ${capability}, but none of its imports serves it`);
    }
  }
  return problems;
}

/** One check per listed import, refusal and capability, plus the check that nothing unlisted was called. */
function claimCount(fixture: Fixture): number {
  const { imports, negative = [], capabilities } = fixture.sidecar;
  return imports.length + negative.length + capabilities.length + 1;
}

/** One side's run: a result, a guest that failed to load (a possible expectation), or a harness error. */
type Side =
  | { result: ScenarioResult; comparable: NormalizedResult }
  | { loadError: { code: string; message: string } }
  | { error: string };

function run(fn: () => ScenarioResult): Side {
  try {
    const result = fn();
    return { result, comparable: comparable(result) };
  } catch (error) {
    if (error instanceof GuestLoadError) return { loadError: { code: error.code, message: error.message } };
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function outcome(fixture: Fixture, side: Side): SideOutcome {
  const { expect } = fixture.sidecar;
  if ("error" in side) return { passed: false, failures: [side.error], checks: 0 };
  if ("loadError" in expect) {
    const failures = loadErrorFailures(expect.loadError, "loadError" in side ? side.loadError : null);
    return { passed: failures.length === 0, failures, checks: 1 };
  }
  if ("loadError" in side) return { passed: false, failures: [`the guest failed to load: ${side.loadError.code}: ${side.loadError.message}`], checks: 0 };
  const { failures, checks } = checkExpectations(expect, side.comparable);
  return { passed: failures.length === 0, failures, checks };
}

/** Both sides' results, or their load errors, compared. */
function divergenceOf(native: Side, wasm: Side): string | null {
  if ("error" in native || "error" in wasm) return "one side did not run";
  if ("loadError" in native || "loadError" in wasm) {
    const code = (side: Side) => ("loadError" in side ? side.loadError.code : "loaded");
    return code(native) === code(wasm) ? null : `load: native ${code(native)}, wasm ${code(wasm)}`;
  }
  // As the gate compares a host with its golden: behaviour, not words (a refusal's detail may name the boundary).
  return compareResults(native.comparable, wasm.comparable, "native", "wasm");
}

export interface FixtureRunOptions {
  /** A fresh state store for each side (default: the host's in-memory store), e.g. a SQLite file per side. */
  readonly store?: (side: ScenarioResult["side"]) => StateStore;
}

/** Runs one fixture natively and as WASM on fresh reference hosts, and judges both sides and their parity. */
export async function runFixture(fixture: Fixture, options: FixtureRunOptions = {}): Promise<CaseResult> {
  const started = performance.now();
  const { scenario } = fixture.sidecar;
  let wasm: Side;
  let native: Side | null = null;
  try {
    const guest = await loadGuest(fixture.guestPath);
    wasm = run(() => runScenario({ kind: "wasm", guest }, scenario, { store: options.store?.("wasm") }));
  } catch (error) {
    wasm = error instanceof GuestLoadError ? { loadError: { code: error.code, message: error.message } } : { error: (error as Error).message };
  }
  if (fixture.twinPath !== null) {
    try {
      const definition = await loadTwin(fixture);
      native = run(() => runScenario({ kind: "native", definition }, scenario, { store: options.store?.("native") }));
    } catch (error) {
      native = { error: (error as Error).message };
    }
  }
  const nativeOutcome = native === null ? null : outcome(fixture, native);
  const wasmOutcome = outcome(fixture, wasm);
  const divergence = native === null ? null : divergenceOf(native, wasm);
  const claims = "result" in wasm ? checkClaims(fixture, wasm.result, wasm.comparable) : [];
  return {
    id: fixture.id,
    description: fixture.sidecar.description,
    spec: fixture.sidecar.spec,
    capabilities: fixture.sidecar.capabilities,
    imports: fixture.sidecar.imports,
    negative: fixture.sidecar.negative ?? [],
    native: nativeOutcome,
    wasm: wasmOutcome,
    parity: native === null ? null : { identical: divergence === null, divergence },
    claims,
    passed: (nativeOutcome?.passed ?? true) && wasmOutcome.passed && divergence === null && claims.length === 0,
    checks: (nativeOutcome?.checks ?? 0) + wasmOutcome.checks + (native === null ? 0 : 1) + claimCount(fixture),
    traces: { native: native !== null && "comparable" in native ? native.comparable : null, wasm: "comparable" in wasm ? wasm.comparable : null },
    durationMs: performance.now() - started,
  };
}
