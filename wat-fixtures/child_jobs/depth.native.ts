import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of depth.wat. */
const depth: NativeExtensionDefinition = {
  init: (api) => api.registerJob("nest", "execute_nest", true),
  jobs: {
    execute_nest(ctx, state) {
      if (state.length === 0) return ctx.spawnChild("nest", "child") === null ? 2 : 0;
      if (ctx.spawnChild("nest", "grandchild") !== null) return 2;
      ctx.log(1, "grandchild refused");
      return 0;
    },
  },
};

export default depth;
