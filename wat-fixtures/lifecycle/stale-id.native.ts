import type { NativeJobContext } from "../../harness/jobs/native-context.ts";
import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** The parent's context, kept past its run as the guest keeps the parent's id in memory. */
let parent: NativeJobContext | null = null;

/** Native twin of stale-id.wat: the child calls the finished parent's context. */
const staleId: NativeExtensionDefinition = {
  init: (api) => {
    if (api.registerJob("first", "execute_first", true) !== 0) return 1;
    return api.registerJob("second", "execute_second", true);
  },
  jobs: {
    execute_first(ctx) {
      parent = ctx;
      ctx.incrementItems(1);
      return ctx.spawnChild("second") === null ? 2 : 0;
    },
    execute_second(ctx) {
      if (parent === null) return 2;
      parent.progress(0.5, "stale");
      const status = parent.checkpoint("stale-state");
      parent.incrementItems(5);
      ctx.log("info", `checkpoint=${status}`);
      return 0;
    },
  },
};

export default staleId;
