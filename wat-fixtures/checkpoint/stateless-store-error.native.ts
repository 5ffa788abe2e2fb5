import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of stateless-store-error.wat. */
const statelessStoreError: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => api.registerJob("flaky", "execute_flaky", true),
  jobs: {
    execute_flaky(ctx) {
      if (ctx.checkpoint("kept") !== 0) return 2;
      ctx.log("info", `stateless=${ctx.checkpoint()}`);
      ctx.loadState();
      ctx.log("info", `stateless=${ctx.checkpoint()}`);
      ctx.loadState();
      return 0;
    },
  },
};

export default statelessStoreError;
