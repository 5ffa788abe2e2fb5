import { join } from "node:path";
import { guestFromSource, type GuestModule } from "../harness/engine/load.ts";
import { sourceDir } from "../harness/engine/modules.ts";

const guests = new Map<string, Promise<GuestModule>>();

/**
 * A benchmark's WAT guest, compiled once per process. `file` names where the WAT "lives" in bench/ (it resolves the
 * guest's `;; @include`s and names it in errors); one file may hold several guests, told apart by their text.
 */
export function benchGuest(file: string, wat: string): Promise<GuestModule> {
  const path = join(sourceDir(import.meta.url), file); // bench/, also when the compiled copy runs
  const key = `${path}\n${wat}`;
  let guest = guests.get(key);
  if (guest === undefined) {
    guest = guestFromSource(path, wat);
    guests.set(key, guest);
  }
  return guest;
}
