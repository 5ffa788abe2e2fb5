import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of entries.wat: the same calls, through ctx.call and ctx.library(), with the same answer checks. */
const entries: NativeExtensionDefinition = {
  init: (api) => api.registerJob("entries", "execute_entries", true),
  jobs: {
    execute_entries(ctx) {
      const ping = ctx.call("action:test.ping.input", { message: "hi", count: 2 }) as { echo?: unknown };
      if (ping.echo !== "Pong: hi") return 2;
      const library = ctx.library();
      const entry = library.createEntry({ name: "photo.jpg", path: "/photos/photo.jpg", entry_type: "file" }) as { id?: unknown };
      if (typeof entry.id !== "string") return 2;
      const list = library.listEntries() as { entries?: { id: string }[] };
      if (list.entries?.[0]?.id === undefined) return 2;
      const sidecar = library.writeSidecar({ entry_id: entry.id, name: "thumb.webp", content: "tiny" }) as { entry_id?: unknown; bytes?: unknown };
      if (typeof sidecar.entry_id !== "string" || sidecar.bytes !== 4) return 2;
      return 0;
    },
  },
};

export default entries;
