import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of fails-while-cancelled.wat: sees the cancel, checkpoints "s", returns 2 (Failed). */
const failsCancelled: NativeExtensionDefinition = {
  init: (api) => api.registerJob("fails_cancelled", "execute_fails_cancelled", true),
  jobs: {
    execute_fails_cancelled(ctx) {
      ctx.checkInterrupt();
      ctx.checkpoint("s");
      return 2;
    },
  },
};

export default failsCancelled;
