import { discoverFixtures, type Fixture } from "./fixtures.ts";
import { runFixture, type CaseResult } from "./run-case.ts";

export interface SuiteRun {
  readonly cases: CaseResult[];
  readonly durationMs: number;
}

/** Fixtures whose id contains the filter (a plain substring, or a /regex/). */
export function selectFixtures(filter?: string, fixtures: Fixture[] = discoverFixtures()): Fixture[] {
  if (filter === undefined || filter === "") return fixtures;
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
