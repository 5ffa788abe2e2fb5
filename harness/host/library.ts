import type { IdSource } from "./ids.ts";
import { PayloadReader } from "./payload.ts";
import { WireFailure } from "./wire-errors.ts";
import type { WireHandler } from "./wire.ts";

export interface LibraryEntry {
  id: string;
  name: string;
  path: string;
  entry_type: string;
}

export interface Sidecar {
  entry_id: string;
  name: string;
  content: string;
}

interface Library {
  id: string;
  name: string;
  entries: LibraryEntry[];
  sidecars: Sidecar[];
}

/** What a library holds after a run: the library effects two runs are compared on. */
export interface LibrarySnapshot {
  libraries: { id: string; name: string; entries: LibraryEntry[]; sidecars: Sidecar[] }[];
}

/**
 * A small library store standing in for a library database: entries and sidecars, enough for jobs to have
 * library effects that can be compared between a native and a WASM run.
 */
export class LibraryStore {
  private readonly libraries = new Map<string, Library>();

  constructor(private readonly ids: IdSource) {}

  create(name: string, id = this.ids.next("library")): string {
    this.libraries.set(id, { id, name, entries: [], sidecars: [] });
    return id;
  }

  /** A copy (entries and sidecars are flat records of strings; structuredClone took 40 times as long). */
  snapshot(): LibrarySnapshot {
    return {
      libraries: [...this.libraries.values()].map(({ id, name, entries, sidecars }) => ({
        id,
        name,
        entries: entries.map((entry) => ({ ...entry })),
        sidecars: sidecars.map((sidecar) => ({ ...sidecar })),
      })),
    };
  }

  private library(method: string, libraryId: string | null): Library {
    if (libraryId === null) throw new WireFailure("LibraryRequired", `${method} needs a library id (library_id_ptr was 0)`);
    const library = this.libraries.get(libraryId);
    if (!library) throw new WireFailure("LibraryNotFound", `${method}: no library ${libraryId} on this host`);
    return library;
  }

  handlers(): Record<string, WireHandler> {
    return {
      "query:test.ping": (payload, libraryId, method) => {
        this.library(method, libraryId);
        const input = new PayloadReader(method, payload);
        return { echo: `Pong: ${input.string("message")}`, count: input.optionalInteger("count") ?? 1, extension_works: true };
      },
      "query:libraries.list": () => ({
        libraries: [...this.libraries.values()].map(({ id, name }) => ({ id, name })),
      }),
      "action:entries.create.input": (payload, libraryId, method) => {
        const library = this.library(method, libraryId);
        const input = new PayloadReader(method, payload);
        const entry = {
          id: this.ids.next("entry"),
          name: input.string("name"),
          path: input.string("path"),
          entry_type: input.string("entry_type"),
        };
        library.entries.push(entry);
        return entry;
      },
      "query:entries.list": (_payload, libraryId, method) => ({ entries: this.library(method, libraryId).entries }),
      "action:sidecars.write.input": (payload, libraryId, method) => {
        const library = this.library(method, libraryId);
        const input = new PayloadReader(method, payload);
        const entryId = input.string("entry_id");
        if (!library.entries.some((entry) => entry.id === entryId)) {
          throw new WireFailure("EntryNotFound", `${method}: no entry ${entryId} in library ${library.id}`);
        }
        const sidecar = { entry_id: entryId, name: input.string("name"), content: input.string("content") };
        library.sidecars.push(sidecar);
        return { entry_id: entryId, name: sidecar.name, bytes: new TextEncoder().encode(sidecar.content).length };
      },
    };
  }
}
