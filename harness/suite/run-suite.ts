import { discoverFixtures, type Fixture } from "./fixtures.ts";
import { runFixture, type CaseResult } from "./run-case.ts";

export interface SuiteRun {
  readonly cases: CaseResult[];
  readonly durationMs: number;
}

/**
 * The fixtures a filter selects: a filter equal to a case id selects that case alone (so a reproduce command runs
 * exactly one case); otherwise every id containing it (a plain substring, or a /regex/).
 */
export function selectFixtures(filter?: string, fixtures: Fixture[] = discoverFixtures()): Fixture[] {
  if (filter === undefined || filter === "") return fixtures;
  const exact = fixtures.filter((fixture) => fixture.id === filter);
  if (exact.length > 0) return exact;
  const regex = /^\/(.*)\/$/.exec(filter);
  const matches = regex ? (id: string) => new RegExp(regex[1]!).test(id) : (id: string) => id.includes(filter);
  return fixtures.filter((fixture) => matches(fixture.id));
}

/** Runs fixtures one after another, reporting each as it finishes. */
export async function runSuite(fixtures: readonly Fixture[], onCase?: (result: CaseResult, index: number) => void): Promise<SuiteRun> {
  const started = performance.now();
  const cases: CaseResult[] = [];
  for (const fixture of fixtures) {
    const result = await runFixture(fixture);
    cases.push(result);
    onCase?.(result, cases.length - 1);
  }
  return { cases, durationMs: performance.now() - started };
}
