import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of trap-mid-job.wat: a throw with the engine's message stands for the out-of-bounds load. */
const midTrap: NativeExtensionDefinition = {
  init: (api) => api.registerJob("mid_trap", "execute_mid_trap", true),
  jobs: {
    execute_mid_trap(ctx) {
      ctx.checkpoint("one");
      ctx.checkpoint("two");
      ctx.incrementItems(3);
      ctx.progress(0.5, "halfway");
      throw new Error("memory access out of bounds");
    },
  },
};

export default midTrap;
