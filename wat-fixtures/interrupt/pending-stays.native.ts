import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of pending-stays.wat. */
const pendingStays: NativeExtensionDefinition = {
  init: (api) => api.registerJob("pending-stays", "execute_pending_stays", true),
  jobs: {
    execute_pending_stays(ctx) {
      if (ctx.checkInterrupt() !== 0) return 2;
      ctx.incrementItems(1);
      let pauses = 0;
      for (let i = 0; i < 3; i++) if (ctx.checkInterrupt() === 1) pauses++;
      return pauses === 3 ? 1 : 2;
    },
  },
};

export default pendingStays;
