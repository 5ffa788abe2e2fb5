import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of resume-counts.wat. */
const resumeCounts: NativeExtensionDefinition = {
  init: (api) => api.registerJob("tally", "execute_tally", true),
  jobs: {
    execute_tally(ctx, state) {
      ctx.incrementItems(5);
      ctx.addWarning("slow file");
      if (state.length > 0) return 0;
      if (ctx.checkpoint("half done") !== 0) return 2;
      ctx.incrementItems(3);
      return 1;
    },
  },
};

export default resumeCounts;
