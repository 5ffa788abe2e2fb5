import { PayloadReader } from "./payload.ts";
import { WireFailure } from "./wire-errors.ts";
import type { WireHandler } from "./wire.ts";

export interface NetworkingOptions {
  /** Loopback peers: in-process peers that answer every message; no socket is opened. */
  readonly peers: readonly string[];
}

/**
 * Networking as core exposes it: absent unless enabled. When off, every networking method answers
 * NetworkingDisabled (core's `networking_service()` returns None); when on, loopback peers answer deterministically.
 */
export class Networking {
  readonly sent: { peer: string; message: string }[] = [];

  constructor(private readonly options: NetworkingOptions | null) {}

  get enabled(): boolean {
    return this.options !== null;
  }

  private require(method: string): NetworkingOptions {
    if (this.options === null) {
      throw new WireFailure("NetworkingDisabled", `${method}: networking is disabled on this host (enable it in the scenario)`);
    }
    return this.options;
  }

  handlers(): Record<string, WireHandler> {
    return {
      "query:network.peers": (_payload, _library, method) => ({ peers: this.require(method).peers.map((name) => ({ name })) }),
      "action:network.send.input": (payload, _library, method) => {
        const options = this.require(method);
        const input = new PayloadReader(method, payload);
        const peer = input.string("peer");
        const message = input.string("message");
        if (!options.peers.includes(peer)) throw new WireFailure("UnknownPeer", `${method}: no peer named ${peer}`);
        this.sent.push({ peer, message });
        return { peer, reply: `ack from ${peer}: ${message}`, bytes: new TextEncoder().encode(message).length };
      },
    };
  }
}
