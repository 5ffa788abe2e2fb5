import { readFile } from "node:fs/promises";
import { compileWat } from "../engine/wat.ts";
import type { Fixture } from "./fixtures.ts";

/** A fixture's guest as wasm bytes, what a host under test receives (WAT is compiled here, once per process). */
export async function fixtureGuestBytes(fixture: Fixture): Promise<Uint8Array> {
  const raw = await readFile(fixture.guestPath);
  return fixture.guestPath.endsWith(".wat") ? compileWat(fixture.guestPath, raw.toString("utf8")) : new Uint8Array(raw);
}
