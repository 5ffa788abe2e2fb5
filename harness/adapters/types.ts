import type { CapabilityId } from "../abi/capabilities.ts";
import type { HostLimits } from "../host/limits.ts";
import type { Scenario, ScenarioResult } from "../suite/scenario.ts";
import type { Normalized } from "../trace/normalize.ts";

/** What a host under test says about itself before any case runs. */
export interface Handshake {
  readonly name: string;
  readonly version: string;
  /** ABI versions it serves, e.g. ["1.0"]. */
  readonly abiVersions: readonly string[];
  /** Capabilities it claims (handshake.capabilities): ABI v1 requires all twelve unless an expectations file waives some. */
  readonly capabilities: readonly CapabilityId[];
  /** The wire methods of the catalogue it serves (handshake.methods); cases calling others are unsupported. */
  readonly methods: readonly string[];
  /** Its limits, when it has them (the reference host reports all of its own). */
  readonly limits?: Partial<HostLimits>;
}

/** One case for a host: a guest (wasm bytes) and how to dispatch its job. */
export interface CaseRequest {
  readonly id: string;
  readonly guest: Uint8Array;
  readonly scenario: Scenario;
}

/**
 * A scenario result as it crosses a process boundary: JSON, u64 values as decimal strings, ids as the host made them
 * (the harness normalizes).
 */
export type WireResult = Normalized<Omit<ScenarioResult, "side" | "importCalls">>;

/** What a host answers for a case: the result, or that the guest failed to load (which some cases expect). */
export type CaseResponse =
  | { readonly kind: "result"; readonly result: WireResult }
  | { readonly kind: "load_error"; readonly code: string; readonly message: string };

/** Why a host could not answer: each is a harness-level error (exit code 2), never a pass or a plain failure. */
export type HostFailureCode =
  | "JP_HOST_SPAWN" // the command could not be started
  | "JP_HOST_CRASH" // the process exited or closed its output
  | "JP_HOST_TIMEOUT" // no answer within the case's time limit
  | "JP_HOST_MALFORMED" // an answer that is not a valid protocol message
  | "JP_HOST_HANDSHAKE" // no handshake, or one that does not validate
  | "JP_HOST_MISSING_RESULT"; // an answer for another case, or none at all

export class HostFailure extends Error {
  constructor(
    readonly code: HostFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HostFailure";
  }
}

/**
 * A host under test. The in-process adapter drives the reference host directly; the process adapter speaks the
 * JSON-lines protocol (conformance/PROTOCOL.md) to a host written in any language.
 */
export interface HostAdapter {
  /**
   * The host's handshake. Asked for before every case (askHost): an adapter whose host broke brings it back here,
   * outside the case's time, and answers the one it has at once while the host is up.
   */
  handshake(): Promise<Handshake>;
  /** Runs one case. Rejects with HostFailure when the host breaks; TIMEOUT after `timeoutMs`. */
  runCase(request: CaseRequest, timeoutMs: number): Promise<CaseResponse>;
  /** Ends the host. Resolves to what went wrong with the ending (conversation.shutdown), when something did. */
  close(): Promise<CloseProblem | void>;
  /** Stops the host now, whatever it is doing (Ctrl-C): a case in flight rejects, and no case follows. */
  abort?(): Promise<void>;
}

/** A host that did not end as the protocol says: it ignored shutdown, or exited with another code. */
export interface CloseProblem {
  readonly code: "JP_HOST_SHUTDOWN";
  readonly message: string;
}
