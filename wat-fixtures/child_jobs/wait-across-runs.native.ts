import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of wait-across-runs.wat. */
const waitAcrossRuns: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => {
    api.registerJob("parent", "execute_parent", true);
    return api.registerJob("child", "execute_child", true);
  },
  jobs: {
    execute_parent(ctx) {
      if (ctx.checkInterrupt() !== 0) return ctx.spawnChild("child", "a") === null ? 2 : 1;
      if (ctx.spawnChild("child", "b") === null) return 2;
      const children = ctx.waitForChildren();
      if (children === null) return 2;
      ctx.log("info", JSON.stringify(children.map((child) => ({ job_id: child.id, status: child.status }))));
      return 0;
    },
    execute_child(ctx, state) {
      ctx.log("info", new TextDecoder().decode(state));
      return 0;
    },
  },
};

export default waitAcrossRuns;
