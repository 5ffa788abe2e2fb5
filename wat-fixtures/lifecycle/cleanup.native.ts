import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of cleanup.wat: a parent and its child run; cleanup logs one line for the extension, returns 3. */
const cleanup: NativeExtensionDefinition = {
  init(api) {
    api.registerJob("parent", "execute_parent", true);
    api.registerJob("child", "execute_child", true);
    api.log("info", "init");
    return 0;
  },
  cleanup(api) {
    api.log("info", "cleanup");
    return 3;
  },
  jobs: {
    execute_parent(ctx) {
      ctx.spawnChild("child");
      ctx.log("info", "parent ran");
      return 0;
    },
    execute_child(ctx) {
      ctx.log("info", "child ran");
      return 0;
    },
  },
};

export default cleanup;
