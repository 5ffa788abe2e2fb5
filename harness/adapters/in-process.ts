import { CAPABILITY_IDS } from "../abi/capabilities.ts";
import { WIRE_METHOD_NAMES } from "../abi/wire-methods.ts";
import { GuestLoadError } from "../engine/errors.ts";
import { guestFromBytes, memoryCapFor, type GuestOptions } from "../engine/load.ts";
import { UnknownJobError } from "../host/host.ts";
import { DEFAULT_LIMITS } from "../host/limits.ts";
import { SUPPORTED_ABI_VERSIONS } from "../abi/version.ts";
import { runScenario, type RunOptions } from "../suite/scenario.ts";
import { harnessVersion } from "../suite/version.ts";
import type { CaseRequest, CaseResponse, Handshake, HostAdapter } from "./types.ts";
import { toWireResult } from "./wire-result.ts";

export const REFERENCE_HOST_NAME = "job-parity reference host";

/** The reference host's handshake: every capability, its ABI versions and all its limits. */
export function referenceHandshake(): Handshake {
  return {
    name: REFERENCE_HOST_NAME,
    version: harnessVersion(),
    abiVersions: SUPPORTED_ABI_VERSIONS,
    capabilities: CAPABILITY_IDS,
    methods: WIRE_METHOD_NAMES,
    limits: DEFAULT_LIMITS,
  };
}

/** How a reference case runs: the host's run options, and how it compiles the guest (mutant hosts change both). */
export interface ReferenceCaseOptions extends RunOptions {
  readonly load?: Pick<GuestOptions, "engine" | "abiVersions" | "linkCheck">;
}

/** Runs one case on a fresh reference host; a guest that cannot load is an answer, not a failure. */
export function runReferenceCase(request: CaseRequest, options: ReferenceCaseOptions = {}): CaseResponse {
  try {
    // Compiled under the case's memory cap (memory.cap), which may be larger than the host's default.
    const guest = guestFromBytes(`${request.id}.wasm`, request.guest, { ...options.load, memoryCapPages: memoryCapFor(request.scenario) });
    return { kind: "result", result: toWireResult(runScenario({ kind: "wasm", guest }, request.scenario, options)) };
  } catch (error) {
    // A guest that cannot load, or a scenario naming a job it does not have: the host answers, it does not crash.
    if (error instanceof GuestLoadError || error instanceof UnknownJobError) return { kind: "load_error", code: error.code, message: error.message };
    throw error;
  }
}

/** The reference host, in this process. Synchronous underneath, so a hang cannot be timed out here. */
export class InProcessAdapter implements HostAdapter {
  async handshake(): Promise<Handshake> {
    return referenceHandshake();
  }

  async runCase(request: CaseRequest): Promise<CaseResponse> {
    return runReferenceCase(request);
  }

  async close(): Promise<void> {}
}
