import { referenceHandshake, runReferenceCase } from "../../harness/adapters/in-process.ts";
import type { CaseRequest, CaseResponse, Handshake, HostAdapter } from "../../harness/adapters/types.ts";

/**
 * A test double for `job-parity run --host-module`: the reference host serving ABI 1.0 only, as a host written before
 * 1.1 would. Its handshake lists 1.0, so the gate does not send it the cases of 1.1 guests (UNSUPPORTED); it would
 * refuse such a guest with JP_ABI_VERSION.
 */
const VERSIONS = ["1.0"];

class Abi10Host implements HostAdapter {
  async handshake(): Promise<Handshake> {
    return { ...referenceHandshake(), name: "ABI 1.0 test host", abiVersions: VERSIONS };
  }

  async runCase(request: CaseRequest): Promise<CaseResponse> {
    return runReferenceCase(request, { load: { abiVersions: VERSIONS } });
  }

  async close(): Promise<void> {}
}

export default (): HostAdapter => new Abi10Host();
