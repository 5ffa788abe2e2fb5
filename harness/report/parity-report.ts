import { CAPABILITIES } from "../abi/capabilities.ts";
import { CLAUSES } from "../abi/clauses.ts";
import { ABI_VERSION } from "../abi/exports.ts";
import { IMPORTS, type ImportOrigin } from "../abi/imports.ts";
import { nodeEngine } from "../engine/engine.ts";
import { coreCoverage, type CoreCoverage } from "../suite/core-coverage.ts";
import { harnessVersion } from "../suite/version.ts";
import type { CaseResult } from "../suite/run-case.ts";
import type { SpacedriveToday } from "../suite/spacedrive-today.ts";


interface Tally {
  passed: number;
  failed: number;
}

export interface ParityReport {
  schemaVersion: 1;
  abiVersion: string;
  host: { name: string; version: string; engine: string };
  /** `filter`: the run's --filter, when it ran only the cases it selects (null: every case). */
  summary: { passed: number; failed: number; skipped: number; cases: number; checks: number; durationMs: number; filter: string | null };
  /** `parity` null: no case of this run exercises the capability (a --filter left them out). */
  capabilities: { id: string; core: string; native: Tally; wasm: Tally; parity: boolean | null; cases: string[] }[];
  /** Per clause of the specification that a case cites, in the specification's order: its cases and whether all passed. */
  clauses: { id: string; level: "MUST" | "SHOULD"; passed: number; failed: number; cases: string[] }[];
  imports: { name: string; origin: ImportOrigin; positive: number; negative: number }[];
  /**
   * Per public JobContext method and Progress variant of core: whether an extension job reaches it under each ABI
   * version, and which cases cover it (from every fixture of the suite, whatever the run's filter).
   */
  coreSurface: CoreCoverage;
  /** The question asked of Spacedrive as it stands (suite/spacedrive-today.ts); null when the run did not ask it. */
  spacedriveToday: SpacedriveToday | null;
  cases: {
    id: string;
    description: string;
    spec: string[];
    capabilities: string[];
    passed: boolean;
    /** null: a WASM-only case. */
    native: { passed: boolean; failures: string[] } | null;
    wasm: { passed: boolean; failures: string[] };
    /** null: a WASM-only case (no parity to check). */
    parity: { identical: boolean; divergence: string | null } | null;
    claims: string[];
    checks: number;
    durationMs: number;
  }[];
}

/** Cases of one side; WASM-only cases have no native side and are not counted there. */
const tally = (cases: readonly CaseResult[], side: "native" | "wasm"): Tally => ({
  passed: cases.filter((c) => c[side]?.passed === true).length,
  failed: cases.filter((c) => c[side]?.passed === false).length,
});

/** The one source of truth every report format is written from; `coreSurface` defaults to the suite's fixtures. */
export function buildParityReport(
  cases: readonly CaseResult[],
  durationMs: number,
  coreSurface: CoreCoverage = coreCoverage(),
  spacedriveToday: SpacedriveToday | null = null,
  /** The run's --filter, when it ran only some cases. */
  filter: string | null = null,
): ParityReport {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    schemaVersion: 1,
    abiVersion: ABI_VERSION,
    host: { name: "job-parity reference host", version: harnessVersion(), engine: nodeEngine.name },
    summary: {
      passed: cases.filter((c) => c.passed).length,
      failed: cases.filter((c) => !c.passed).length,
      skipped: 0,
      cases: cases.length,
      checks: cases.reduce((sum, c) => sum + c.checks, 0),
      durationMs: round(durationMs),
      filter,
    },
    capabilities: CAPABILITIES.map((capability) => {
      const covering = cases.filter((c) => c.capabilities.includes(capability.id));
      return {
        id: capability.id,
        core: capability.core,
        native: tally(covering, "native"),
        wasm: tally(covering, "wasm"),
        // Parity needs a case with a native twin; WASM-only cases must pass too. No case run: not a verdict.
        parity: covering.length === 0 ? null : covering.some((c) => c.parity !== null) && covering.every((c) => c.passed),
        cases: covering.map((c) => c.id),
      };
    }),
    clauses: CLAUSES.flatMap((clause) => {
      const citing = cases.filter((c) => c.spec.includes(clause.id));
      if (citing.length === 0) return [];
      return [{ id: clause.id, level: clause.level, passed: citing.filter((c) => c.passed).length, failed: citing.filter((c) => !c.passed).length, cases: citing.map((c) => c.id) }];
    }),
    imports: IMPORTS.map((spec) => ({
      name: spec.name,
      origin: spec.origin,
      positive: cases.filter((c) => c.imports.includes(spec.name as never)).length,
      negative: cases.filter((c) => c.negative.includes(spec.name as never)).length,
    })),
    coreSurface,
    spacedriveToday,
    cases: cases.map((c) => ({
      id: c.id,
      description: c.description,
      spec: [...c.spec],
      capabilities: [...c.capabilities],
      passed: c.passed,
      native: c.native === null ? null : { passed: c.native.passed, failures: [...c.native.failures] },
      wasm: { passed: c.wasm.passed, failures: [...c.wasm.failures] },
      parity: c.parity === null ? null : { ...c.parity },
      claims: [...c.claims],
      checks: c.checks,
      durationMs: round(c.durationMs),
    })),
  };
}
