import { ABI_VERSION } from "./exports.ts";
import type { AbiVersionName } from "./imports.ts";

/** `spacedrive_abi_version_<major>_<minor>`: an export whose presence says which ABI the guest was built for. */
export const ABI_MARKER = /^spacedrive_abi_version_(\d+)_(\d+)$/;

/** What a guest without a marker is taken to ask for. */
export const DEFAULT_GUEST_ABI = "1.0";

/** The ABI versions the reference host implements: 1.1, and so 1.0 (version.marker). */
export const SUPPORTED_ABI_VERSIONS: readonly string[] = [ABI_VERSION];

/** Every version the ABI has, oldest first. */
export const ABI_VERSIONS: readonly AbiVersionName[] = ["1.0", "1.1"];

/** Whether a guest asking for `guest` sees an import that ABI `since` added (link.imports). */
export function importVisible(since: AbiVersionName, guest: string): boolean {
  return ABI_VERSIONS.indexOf(since) <= ABI_VERSIONS.indexOf(guest as AbiVersionName) || !ABI_VERSIONS.includes(guest as AbiVersionName);
}

/** The version a guest asks for, or the default when its markers cannot be read (they fail the version check first). */
export function guestAbi(exportNames: readonly string[]): string {
  try {
    return requestedAbi(exportNames).version;
  } catch {
    return DEFAULT_GUEST_ABI;
  }
}

export interface AbiRequest {
  readonly version: string;
  /** The export that asked for it, or null when the guest has no marker. */
  readonly marker: string | null;
}

/** The ABI version a guest asks for, from its export names; several different markers are an error (thrown). */
export function requestedAbi(exportNames: readonly string[]): AbiRequest {
  const markers = exportNames.filter((name) => ABI_MARKER.test(name));
  if (markers.length === 0) return { version: DEFAULT_GUEST_ABI, marker: null };
  // Read as numbers (version.marker): `_1_01` is 1.1, the same version as `_1_1`.
  const versions = new Set(markers.map((name) => name.replace(ABI_MARKER, (_marker, major: string, minor: string) => `${BigInt(major)}.${BigInt(minor)}`)));
  if (versions.size > 1) throw new RangeError(`the guest exports several ABI markers (${markers.join(", ")}); keep exactly one`);
  return { version: [...versions][0]!, marker: markers[0]! };
}

/** A host version serves a guest of the same major whose minor is not newer. */
export function supportsAbi(hostVersions: readonly string[], guest: string): boolean {
  const [major, minor] = guest.split(".").map(Number);
  return hostVersions.some((version) => {
    const [hostMajor, hostMinor] = version.split(".").map(Number);
    return hostMajor === major && hostMinor! >= minor!;
  });
}
