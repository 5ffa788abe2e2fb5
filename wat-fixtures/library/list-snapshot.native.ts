import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

type EntryList = { entries?: { name?: unknown }[] };

/**
 * Native twin of list-snapshot.wat: keeps both list answers and checks them after "b" exists, as the guest does;
 * an answer that is the host's live list would show "b" in the first one and fail the job.
 */
const listSnapshot: NativeExtensionDefinition = {
  init: (api) => api.registerJob("list_snapshot", "execute_list_snapshot", true),
  jobs: {
    execute_list_snapshot(ctx) {
      const library = ctx.library();
      library.createEntry({ name: "a", path: "/a", entry_type: "file" });
      const first = library.listEntries() as EntryList;
      library.createEntry({ name: "b", path: "/b", entry_type: "file" });
      const second = library.listEntries() as EntryList;
      if (first.entries?.length !== 1 || first.entries[0]?.name !== "a") return 2;
      if (second.entries?.length !== 2 || second.entries[1]?.name !== "b") return 2;
      return 0;
    },
  },
};

export default listSnapshot;
