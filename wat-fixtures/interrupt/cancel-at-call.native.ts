import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of cancel-at-call.wat: checkpoints "s" (its first host call) and returns 1 without checking. */
const unchecked: NativeExtensionDefinition = {
  init: (api) => api.registerJob("unchecked", "execute_unchecked", true),
  jobs: {
    execute_unchecked(ctx) {
      ctx.checkpoint("s");
      return 1;
    },
  },
};

export default unchecked;
