import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of ping.wat. */
const ping: NativeExtensionDefinition = {
  init: (api) => api.registerJob("ping", "execute_ping", true),
  jobs: {
    execute_ping(ctx) {
      ctx.call("query:test.ping", { message: "hi" }, ctx.libraryId);
      ctx.call("query:test.ping", { message: "again", count: 3 }, ctx.libraryId);
      ctx.call("query:test.ping", { message: "hi" });
      return 0;
    },
  },
};

export default ping;
