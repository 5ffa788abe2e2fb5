import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

/**
 * Writes a `--host-module` file for a test and returns its path: `body` is the body of its default export, which runs
 * with `reference` (the reference host in process, an InProcessAdapter) and `referenceHandshake` in scope and returns
 * the host adapter. job-parity's modules are imported by absolute path, so the file may live in any folder.
 */
export function writeHostModule(path: string, body: string): string {
  const imports = `import { InProcessAdapter, referenceHandshake } from ${JSON.stringify(join(PROJECT_ROOT, "harness/adapters/in-process.ts"))};`;
  writeFileSync(path, `${imports}\nexport default () => {\n  const reference = new InProcessAdapter();\n${body}\n};\n`);
  return path;
}
