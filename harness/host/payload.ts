import { WireFailure } from "./wire-errors.ts";

/** Reads typed fields out of a wire payload, answering BadPayload with the field and the fix. */
export class PayloadReader {
  private readonly object: Record<string, unknown>;

  constructor(
    private readonly method: string,
    payload: unknown,
  ) {
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
      throw new WireFailure("BadPayload", `${method}: the payload must be a JSON object`);
    }
    this.object = payload as Record<string, unknown>;
  }

  string(field: string): string {
    const value = this.object[field];
    if (typeof value !== "string") {
      throw new WireFailure("BadPayload", `${this.method}: field "${field}" must be a string`);
    }
    return value;
  }

  optionalInteger(field: string): number | null {
    const value = this.object[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new WireFailure("BadPayload", `${this.method}: field "${field}" must be a u32 integer`);
    }
    return value;
  }
}
