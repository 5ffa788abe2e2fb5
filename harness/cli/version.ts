import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ABI_VERSIONS, SUPPORTED_ABI_VERSIONS } from "../abi/version.ts";
import { PROJECT_ROOT } from "../engine/modules.ts";

/** The ABI versions the reference host serves: every version up to the newest it implements (version.marker). */
export function servedAbiVersions(): string[] {
  const newest = Math.max(...SUPPORTED_ABI_VERSIONS.map((v) => ABI_VERSIONS.indexOf(v as (typeof ABI_VERSIONS)[number])));
  return ABI_VERSIONS.slice(0, newest + 1);
}

/** `job-parity --version`: the package's version, then the ABI versions served and the host protocol's version. */
export function versionText(): string {
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
  // The protocol's version is a constant of harness/adapters/protocol.ts, which loads the schemas: not worth it here.
  return `job-parity ${version}\nABI versions: ${servedAbiVersions().join(", ")}\nhost protocol: ${HOST_PROTOCOL}`;
}

/** Kept equal to PROTOCOL_VERSION by conformance/self/package.test.ts. */
export const HOST_PROTOCOL = 2;
