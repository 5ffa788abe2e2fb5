import { fileURLToPath } from "node:url";
import { guestFromSource, type GuestModule } from "../harness/engine/load.ts";

const guests = new Map<string, Promise<GuestModule>>();

/**
 * A benchmark's WAT guest, compiled once per process. `file` names where the WAT "lives" in bench/ (it resolves the
 * guest's `;; @include`s and names it in errors); one file may hold several guests, told apart by their text.
 */
export function benchGuest(file: string, wat: string): Promise<GuestModule> {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const key = `${path}\n${wat}`;
  let guest = guests.get(key);
  if (guest === undefined) {
    guest = guestFromSource(path, wat);
    guests.set(key, guest);
  }
  return guest;
}
