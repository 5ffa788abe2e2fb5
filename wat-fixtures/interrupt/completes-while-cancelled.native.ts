import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of completes-while-cancelled.wat: sees the cancel, returns 0 anyway. */
const stubborn: NativeExtensionDefinition = {
  init: (api) => api.registerJob("stubborn", "execute_stubborn", true),
  jobs: {
    execute_stubborn(ctx) {
      ctx.checkInterrupt();
      ctx.checkInterrupt();
      ctx.log("info", "finishing anyway");
      return 0;
    },
  },
};

export default stubborn;
