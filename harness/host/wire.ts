import { WIRE_METHOD_FORM } from "../abi/wire-methods.ts";
import type { PermissionGate } from "./permissions.ts";
import { PayloadReader } from "./payload.ts";
import { WireFailure, type WireError } from "./wire-errors.ts";

/** Serves one wire method. Throws WireFailure for an error answer. */
export type WireHandler = (payload: unknown, libraryId: string | null, method: string) => unknown;

/** Routes `query:<name>` / `action:<name>.input` calls to handlers, after the caller's permission gate. */
export class WireRouter {
  private readonly handlers = new Map<string, WireHandler>();

  add(handlers: Record<string, WireHandler>): void {
    for (const [method, handler] of Object.entries(handlers)) this.handlers.set(method, handler);
  }

  methods(): string[] {
    return [...this.handlers.keys()];
  }

  call(method: string, libraryId: string | null, payload: unknown, gate: PermissionGate | null): unknown {
    try {
      if (!WIRE_METHOD_FORM.test(method)) {
        throw new WireFailure("UnknownMethod", `method "${method}" is not of the form query:<name> or action:<name>.input`);
      }
      gate?.authorize(method, libraryId);
      const handler = this.handlers.get(method);
      if (!handler) throw new WireFailure("UnknownMethod", `no method ${method} on this host (known: ${this.methods().join(", ")})`);
      return handler(payload, libraryId, method);
    } catch (error) {
      if (error instanceof WireFailure) return error.toAnswer() satisfies WireError;
      throw error;
    }
  }
}

/** An action twin of Spacedrive's `query:test.ping` (library.ts) that needs no library (wire-methods.ts says why). */
export const pingHandlers: Record<string, WireHandler> = {
  "action:test.ping.input": (payload, _library, method) => {
    const input = new PayloadReader(method, payload);
    return { echo: `Pong: ${input.string("message")}`, count: input.optionalInteger("count"), extension_works: true };
  },
};
