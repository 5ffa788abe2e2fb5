import { CAPABILITY_IDS, type CapabilityId } from "../abi/capabilities.ts";
import { BASE_ABI_VERSION } from "../abi/exports.ts";
import { IMPORT_MODULE, IMPORTS } from "../abi/imports.ts";
import { ABI_VERSIONS, guestAbi, supportsAbi } from "../abi/version.ts";
import { WIRE_METHOD_NAMES, wireMethod } from "../abi/wire-methods.ts";
import type { Handshake } from "../adapters/types.ts";
import { readModuleInterface } from "../engine/sections.ts";
import type { Expected } from "./goldens.ts";

/**
 * What a case needs of a host before it is sent (handshake.capabilities, handshake.methods, version.marker): its
 * capabilities, the catalogue's wire methods it calls and the ABI version its guest asks for. A fixture's sidecar
 * lists its capabilities; a case without a sidecar (a regression, a generated case) gets them from its guest's imports
 * and from the wire methods its reference answer calls. The gate and fuzzing a host both read them here.
 */
export interface CaseNeeds {
  readonly capabilities: readonly CapabilityId[];
  readonly methods: readonly string[];
  /** The ABI version the guest asks for when it is not the base version (null: 1.0, or nothing a host must serve). */
  readonly abi: string | null;
}

/** What a case needs that the handshake does not offer; all empty (and abi null) when the host serves the case. */
export interface MissingNeeds {
  readonly capabilities: readonly CapabilityId[];
  readonly methods: readonly string[];
  readonly abi: string | null;
}

/** The catalogue's wire methods a golden calls: what a host must serve for the case to be sent (handshake.methods). */
export function methodsOf(golden: Expected): string[] {
  if (!("result" in golden)) return [];
  const events = [...golden.result.extension, ...golden.result.jobs.flatMap((job) => job.trace)];
  const methods = new Set(events.flatMap((event) => (event.kind === "call" && wireMethod(event.method) !== undefined ? [event.method] : [])));
  return [...methods];
}

/**
 * The ABI version a guest asks for, when it is one the ABI has (a host that does not serve it gets the case as
 * UNSUPPORTED); null for a guest that asks for 1.0, for an unknown version or for several (every host must refuse
 * those: version.marker), and for bytes that are not a module.
 */
export function guestAbiNeed(guest: Uint8Array): string | null {
  let exports: string[];
  try {
    exports = readModuleInterface(guest).exports.map((e) => e.name);
  } catch {
    return null;
  }
  const version = guestAbi(exports);
  return version !== BASE_ABI_VERSION && (ABI_VERSIONS as readonly string[]).includes(version) ? version : null;
}

const IMPORT_CAPABILITIES = new Map(IMPORTS.map((spec) => [spec.name, spec.capabilities]));

/**
 * The capabilities a case without a sidecar needs: those of each import its guest has, but `spacedrive_call`, whose
 * capability is each called wire method's (a call of a method outside the catalogue needs none). In the order of
 * CAPABILITY_IDS.
 */
export function derivedCapabilities(guest: Uint8Array, golden: Expected): CapabilityId[] {
  const needed = new Set<CapabilityId>();
  let imports;
  try {
    imports = readModuleInterface(guest).imports;
  } catch {
    imports = [];
  }
  for (const i of imports) {
    if (i.module !== IMPORT_MODULE || i.name === "spacedrive_call") continue;
    for (const capability of IMPORT_CAPABILITIES.get(i.name) ?? []) needed.add(capability);
  }
  for (const method of methodsOf(golden)) needed.add(wireMethod(method)!.capability);
  return CAPABILITY_IDS.filter((id) => needed.has(id));
}

/** What a case without a sidecar needs: from its guest and its reference answer. */
export function derivedNeeds(guest: Uint8Array, golden: Expected): CaseNeeds {
  return { capabilities: derivedCapabilities(guest, golden), methods: methodsOf(golden), abi: guestAbiNeed(guest) };
}

/** What the handshake does not offer of `needs`. */
export function missingNeeds(handshake: Handshake, needs: CaseNeeds): MissingNeeds {
  const claimed = new Set<string>(handshake.capabilities);
  const served = new Set(handshake.methods);
  return {
    capabilities: needs.capabilities.filter((c) => !claimed.has(c)),
    methods: needs.methods.filter((m) => !served.has(m)),
    abi: needs.abi !== null && !supportsAbi(handshake.abiVersions, needs.abi) ? needs.abi : null,
  };
}

export const nothingMissing = (missing: MissingNeeds) => missing.capabilities.length === 0 && missing.methods.length === 0 && missing.abi === null;

/** Whether the handshake offers every capability, every wire method of the catalogue and every ABI version: any case can be sent. */
export function servesEverything(handshake: Handshake): boolean {
  const claimed = new Set<string>(handshake.capabilities);
  const served = new Set(handshake.methods);
  return (
    CAPABILITY_IDS.every((c) => claimed.has(c)) && WIRE_METHOD_NAMES.every((m) => served.has(m)) && ABI_VERSIONS.every((v) => supportsAbi(handshake.abiVersions, v))
  );
}

/** "needs networking, query:network.peers and ABI 1.1, which the host does not offer". */
export function describeMissing(missing: MissingNeeds): string {
  const parts = [...missing.capabilities, ...missing.methods, ...(missing.abi === null ? [] : [`ABI ${missing.abi}`])];
  return `needs ${parts.join(", ")}, which the host's handshake does not offer`;
}
