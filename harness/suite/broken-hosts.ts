import { BROKEN_HOSTS, type BrokenHost } from "../adapters/broken-hosts.ts";
import { ProcessAdapter } from "../adapters/process-adapter.ts";
import { discoverFixtures, PROJECT_ROOT, type Fixture } from "./fixtures.ts";
import { runGate } from "./gate.ts";

/**
 * The protocol's clause mutants run through the gate (harness/adapters/broken-hosts.ts): each broken host against two
 * cases, as `job-parity run --host-cmd` would run it, with short timeouts. Orchestration only: nothing here prints.
 */

/** Two cases every broken host is sent (two, so that a line nobody asked for shows at the second; progress only, which the broken hosts claim). */
export const BROKEN_HOST_CASES = ["progress/refused", "progress/steps"] as const;

export interface BrokenHostVerdict {
  readonly clause: string;
  readonly command: string;
  readonly description: string;
  readonly expected: BrokenHost["reports"];
  /** Every code the gate reported for it: case errors and run problems, in order, once each. */
  readonly reported: readonly string[];
  readonly caught: boolean;
  readonly durationMs: number;
}

/** Every broken host at once (each is its own process, mostly waiting), verdicts in the table's order. */
export async function runBrokenHosts(hosts: readonly BrokenHost[] = BROKEN_HOSTS, fixtures?: readonly Fixture[]): Promise<BrokenHostVerdict[]> {
  const cases = fixtures ?? discoverFixtures().filter((fixture) => (BROKEN_HOST_CASES as readonly string[]).includes(fixture.id));
  return Promise.all(hosts.map((host) => runBrokenHost(host, cases)));
}

async function runBrokenHost(host: BrokenHost, cases: readonly Fixture[]): Promise<BrokenHostVerdict> {
  const started = performance.now();
  const adapter = new ProcessAdapter(host.command, { cwd: PROJECT_ROOT, handshakeTimeoutMs: 5_000, shutdownTimeoutMs: 300 });
  const codes: string[] = [];
  try {
    const result = await runGate(adapter, { fixtures: cases, timeoutMs: 500 });
    codes.push(...result.cases.flatMap((c) => (c.error === null ? [] : [c.error.code])), ...result.problems.map((p) => p.code));
  } finally {
    const closed = await adapter.close();
    if (closed) codes.push(closed.code);
  }
  const reported = [...new Set(codes)];
  return {
    clause: host.clause,
    command: host.command,
    description: host.description,
    expected: host.reports,
    reported,
    caught: reported.includes(host.reports),
    durationMs: performance.now() - started,
  };
}
