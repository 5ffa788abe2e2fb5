import { InProcessAdapter, referenceHandshake } from "../../harness/adapters/in-process.ts";
import type { CaseRequest, CaseResponse, Handshake, HostAdapter } from "../../harness/adapters/types.ts";

/**
 * A test double for `job-parity run --host-module`: the reference host with two deliberate shortcomings, so the
 * gate has something to report. It does not claim networking (its expectations waive it, so those cases are
 * UNSUPPORTED), and it rounds every progress value to one decimal before answering (cases whose progress is finer
 * than that FAIL). Its expectations file is lossy-host.json, beside it.
 */
class LossyHost implements HostAdapter {
  private readonly reference = new InProcessAdapter();

  async handshake(): Promise<Handshake> {
    const reference = referenceHandshake();
    return { ...reference, name: "lossy test host", capabilities: reference.capabilities.filter((c) => c !== "networking") };
  }

  async runCase(request: CaseRequest, timeoutMs: number): Promise<CaseResponse> {
    const response = await this.reference.runCase(request);
    void timeoutMs;
    if (response.kind !== "result") return response;
    const jobs = response.result.jobs.map((job) => ({
      ...job,
      trace: job.trace.map((event) => (event.kind === "progress" ? { ...event, value: Math.round(event.value * 10) / 10 } : event)),
    }));
    return { kind: "result", result: { ...response.result, jobs } };
  }

  async close(): Promise<void> {
    await this.reference.close();
  }
}

export default (): HostAdapter => new LossyHost();
