import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of over-limit.wat. */
const overLimit: NativeExtensionDefinition = {
  init: (api) => api.registerJob("over-limit", "execute_over_limit", true),
  jobs: {
    execute_over_limit(ctx) {
      if (ctx.checkpoint("exactly-16-bytes") !== 0) return 2;
      const status = ctx.checkpoint("seventeen-bytes!!");
      ctx.log("info", `status=${status}`);
      if (ctx.loadState() === null) return 2;
      return 0;
    },
  },
};

export default overLimit;
