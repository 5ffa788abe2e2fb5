import { discoverFixtures, type Fixture } from "./fixtures.ts";
import { runFixture, type CaseResult } from "./run-case.ts";

export interface SuiteRun {
  readonly cases: CaseResult[];
  readonly durationMs: number;
}

/**
 * The cases a filter selects: a filter equal to a case id selects that case alone (so a reproduce command runs
 * exactly one case); otherwise every id containing it (a plain substring, or a /regex/).
 */
export function selectCases<T extends { readonly id: string }>(filter: string | undefined, cases: readonly T[], flag = "--filter"): T[] {
  if (filter === undefined || filter === "") return [...cases];
  const exact = cases.filter((c) => c.id === filter);
  if (exact.length > 0) return exact;
  const regex = /^\/(.*)\/$/.exec(filter);
  if (regex === null) return cases.filter((c) => c.id.includes(filter));
  let pattern: RegExp;
  try {
    pattern = new RegExp(regex[1]!);
  } catch (error) {
    throw new CaseFilterError(`${flag} ${filter}: not a regular expression (${(error as Error).message}); write /<regex>/, or plain text to select the cases whose id contains it`);
  }
  return cases.filter((c) => pattern.test(c.id));
}

/** A --filter that cannot select anything because it is not a regular expression. */
export class CaseFilterError extends Error {
  readonly code = "JP_FILTER";
}

/** The fixtures a filter selects (selectCases). */
export function selectFixtures(filter?: string, fixtures: Fixture[] = discoverFixtures(), flag = "--filter"): Fixture[] {
  return selectCases(filter, fixtures, flag);
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
