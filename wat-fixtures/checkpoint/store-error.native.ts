import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of store-error.wat. */
const storeError: NativeExtensionDefinition = {
  init: (api) => api.registerJob("flaky", "execute_flaky", true),
  jobs: {
    execute_flaky(ctx) {
      ctx.checkpoint("seventeen-bytes!!");
      if (ctx.checkpoint("first") !== 0) return 2;
      ctx.log("info", `status=${ctx.checkpoint("second")}`);
      ctx.loadState();
      if (ctx.checkpoint("third") !== 0) return 2;
      return 1;
    },
  },
};

export default storeError;
