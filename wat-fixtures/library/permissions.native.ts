import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of permissions.wat. */
const permissions: NativeExtensionDefinition = {
  init: (api) => api.registerJob("permissions", "execute_permissions", true),
  jobs: {
    execute_permissions(ctx) {
      ctx.call("action:test.ping.input", { message: "hi" });
      ctx.library().createEntry({ name: "denied.txt", path: "/denied.txt", entry_type: "file" });
      ctx.library().listEntries();
      ctx.call("query:libraries.list", {});
      return 0;
    },
  },
};

export default permissions;
