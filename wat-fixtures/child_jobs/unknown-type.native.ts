import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of unknown-type.wat. */
const unknownType: NativeExtensionDefinition = {
  init: (api) => api.registerJob("spawner", "execute_spawner", true),
  jobs: {
    execute_spawner(ctx) {
      if (ctx.spawnChild("nope", "{}") !== null) return 2;
      ctx.log(1, "spawn nope refused");
      if (ctx.spawnChild("execute_orphan", "{}") !== null) return 2;
      ctx.log(1, "spawn execute_orphan refused");
      return 0;
    },
    /** Not registered, like the guest's export. */
    execute_orphan: () => 0,
  },
};

export default unknownType;
