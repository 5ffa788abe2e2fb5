import { InProcessAdapter } from "../../harness/adapters/in-process.ts";
import type { CaseRequest, CaseResponse, Handshake, HostAdapter, WireResult } from "../../harness/adapters/types.ts";

/**
 * A test double for `job-parity run --host-module`: the reference host with every word it writes for people replaced
 * (each abi_violation's detail, each job's error, each error answer's text, each load error's message). The gate
 * compares behaviour, never words, so this host passes every case.
 */
const REWORDED = "(reworded by the test host)";

function reword(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reword);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object.kind === "abi_violation") return { ...object, detail: `${REWORDED} ${String(object.code)}` };
  if (object.kind === "call") {
    const response = object.response as Record<string, unknown> | null;
    const isError = response !== null && typeof response === "object" && typeof response.error === "string" && typeof response.code === "string";
    return isError ? { ...object, response: { error: REWORDED, code: response.code } } : object;
  }
  return object;
}

class RewordedHost implements HostAdapter {
  private readonly reference = new InProcessAdapter();

  async handshake(): Promise<Handshake> {
    return { ...(await this.reference.handshake()), name: "reworded test host" };
  }

  async runCase(request: CaseRequest): Promise<CaseResponse> {
    const response = await this.reference.runCase(request);
    if (response.kind === "load_error") return { ...response, message: REWORDED };
    const result = response.result;
    const reworded: WireResult = {
      ...result,
      extension: reword(result.extension) as WireResult["extension"],
      jobs: result.jobs.map((job) => ({ ...job, trace: reword(job.trace) as typeof job.trace })),
      errors: result.errors.map((error) => (error === null ? null : REWORDED)),
    };
    return { kind: "result", result: reworded };
  }

  async close(): Promise<void> {
    await this.reference.close();
  }
}

export default (): HostAdapter => new RewordedHost();
