import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of failure.wat. */
const failure: NativeExtensionDefinition = {
  init: (api) => api.registerJob("failure", "execute_failure", true),
  jobs: {
    execute_failure(ctx) {
      ctx.checkpoint("before-failure");
      return 2;
    },
  },
};

export default failure;
