import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of loop.wat: five items, an interrupt check before each, "next=N" checkpointed on an interrupt. */
const loop: NativeExtensionDefinition = {
  init: (api) => api.registerJob("loop", "execute_loop", true),
  jobs: {
    execute_loop(ctx, state) {
      const match = /next=(\d+)/.exec(new TextDecoder().decode(state));
      let next = match ? Number(match[1]) : 0;
      while (next < 5) {
        if (ctx.checkInterrupt() !== 0) {
          if (ctx.checkpoint(`next=${next}`) !== 0) return 2;
          return 1;
        }
        ctx.incrementItems(1);
        next++;
      }
      return 0;
    },
  },
};

export default loop;
