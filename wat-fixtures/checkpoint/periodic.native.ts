import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of periodic.wat. */
const periodic: NativeExtensionDefinition = {
  init: (api) => api.registerJob("periodic", "execute_periodic", true),
  jobs: {
    execute_periodic(ctx) {
      for (let step = 1; step <= 7; step++) {
        ctx.incrementItems(1);
        if (step % 2 === 0 && ctx.checkpoint(`step=${step}`) !== 0) return 2;
      }
      if (ctx.loadState() === null) return 2;
      return 0;
    },
  },
};

export default periodic;
