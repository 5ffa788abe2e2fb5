import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of stateless-first.wat. */
const statelessFirst: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => api.registerJob("first", "execute_first", true),
  jobs: {
    execute_first(ctx) {
      ctx.log("info", `stateless=${ctx.checkpoint()}`);
      ctx.log("info", `checkpoint=${ctx.checkpoint("kept")}`);
      return 0;
    },
  },
};

export default statelessFirst;
