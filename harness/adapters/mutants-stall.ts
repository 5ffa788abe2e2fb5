import type { OnTimeout } from "../host/host.ts";
import { WasmExtension } from "../jobs/wasm-extension.ts";
import type { Mutant } from "./mutant-kit.ts";

/** Mutants for the stall limit (run.stall): a run's progress measured, and a stopped job ended, the ways a host author could get wrong. */

/** WasmExtension's count of a guest's host calls, which the watchdog reads for the stall limit (TypeScript-private). */
interface CountingExtension {
  hostCalls(): number;
}
const extensionProto = WasmExtension.prototype as unknown as CountingExtension;

/** Replaces the count the stall limit watches while a case runs; the function returned puts the real one back. */
function countHostCallsAs(count: (original: () => number) => number): () => () => void {
  return () => {
    const original = extensionProto.hostCalls;
    extensionProto.hostCalls = function (this: CountingExtension) {
      return count(() => original.call(this));
    };
    return () => {
      extensionProto.hostCalls = original;
    };
  };
}

export const STALL_MUTANTS: readonly Mutant[] = [
  {
    name: "stall-as-wall-clock",
    clause: "run.stall",
    description: "the stall limit counts from the run's start and never looks at host calls: a long run that keeps calling the host is stopped",
    plant: () => ({ patchProcess: countHostCallsAs(() => 0) }),
  },
  {
    name: "stalled-job-paused",
    clause: "run.stall",
    description: "a job a time limit stopped is kept Paused at its last checkpoint (as a durable host may do outside the gate) instead of Failed",
    plant: () => ({
      patchHost: (host) => {
        (host as unknown as { onTimeout: OnTimeout }).onTimeout = "pause";
      },
    }),
  },
];
