import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

const MANIFEST_LIBRARY = "00000000-0000-4000-8000-000000000000";

/** Native twin of call-abuse.wat. */
const callAbuse: NativeExtensionDefinition = {
  init: (api) => api.registerJob("call_abuse", "execute_call_abuse", true),
  jobs: {
    execute_call_abuse(ctx) {
      const answers = [
        ctx.call("action:entries.create.input", { name: "x.txt", path: "/x.txt", entry_type: "file" }, ctx.libraryId),
        ctx.call("query:entries.list", {}, ctx.libraryId),
        ctx.call("query:entries.list", {}, MANIFEST_LIBRARY),
        ctx.call("Query:libraries.list", {}),
      ];
      for (let i = 0; i < 6; i++) answers.push(ctx.call("query:libraries.list", {}));
      ctx.log(1, `answers=${answers.filter((answer) => answer !== undefined).length}`);
      return 0;
    },
  },
};

export default callAbuse;
