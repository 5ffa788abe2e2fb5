import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of child-bomb.wat. */
const bomb: NativeExtensionDefinition = {
  init: (api) => api.registerJob("bomb", "execute_bomb", true),
  jobs: {
    execute_bomb(ctx) {
      let spawned = 0;
      for (let i = 0; i < 10; i++) if (ctx.spawnChild("bomb") !== null) spawned++;
      ctx.log(1, `spawned=${spawned}`);
      return 0;
    },
  },
};

export default bomb;
