import { relative } from "node:path";
import { runReferenceCase } from "../adapters/in-process.ts";
import { discoverFixtures, PROJECT_ROOT } from "../suite/fixtures.ts";
import { expectedFrom, goldenPath, writeGolden } from "../suite/goldens.ts";
import { fixtureGuestBytes } from "../suite/guest-bytes.ts";
import { parseCommand, refuseInstalled } from "./args.ts";

export const GOLDENS_USAGE = `usage: job-parity goldens

Regenerates every fixture's <case>.golden.json from the reference host and lists the files that changed.
Review the diff before committing: goldens are what other hosts are judged against.`;

export async function goldensCommand(argv: string[], out: (line: string) => void): Promise<number> {
  parseCommand("goldens", argv, {}, false);
  refuseInstalled("goldens", "the fixtures' goldens");
  const fixtures = discoverFixtures();
  let changed = 0;
  for (const fixture of fixtures) {
    const response = runReferenceCase({ id: fixture.id, guest: await fixtureGuestBytes(fixture), scenario: fixture.sidecar.scenario });
    if (writeGolden(fixture, expectedFrom(response))) {
      changed++;
      out(`updated ${relative(PROJECT_ROOT, goldenPath(fixture))}`);
    }
  }
  out(`${fixtures.length} goldens, ${changed} changed`);
  return 0;
}
