import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of limit.wat. */
const limit: NativeExtensionDefinition = {
  init: (api) => {
    api.registerJob("parent", "execute_parent", true);
    return api.registerJob("child", "execute_child", true);
  },
  jobs: {
    execute_parent(ctx) {
      if (ctx.spawnChild("child", "first") === null) return 2;
      if (ctx.spawnChild("child", "second") !== null) return 2;
      ctx.log(1, "second spawn refused");
      return 0;
    },
    execute_child(ctx, state) {
      ctx.log(1, state);
      return 0;
    },
  },
};

export default limit;
