import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of infinite-loop.wat: the same loop, which the host's run time limit stops. */
const spin: NativeExtensionDefinition = {
  init: (api) => api.registerJob("spin", "execute_spin", true),
  jobs: {
    execute_spin(ctx) {
      ctx.checkpoint("before-loop");
      for (;;) {
        // spins until the host stops the run
      }
    },
  },
};

export default spin;
