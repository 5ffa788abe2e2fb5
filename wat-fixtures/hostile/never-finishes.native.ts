import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of never-finishes.wat. */
const forever: NativeExtensionDefinition = {
  init: (api) => api.registerJob("forever", "execute_forever", true),
  jobs: {
    execute_forever(ctx) {
      ctx.incrementItems(1);
      return 1;
    },
  },
};

export default forever;
