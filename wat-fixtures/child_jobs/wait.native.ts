import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of wait.wat: core's wait_for_children, answered with every child's status. */
const wait: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => {
    api.registerJob("parent", "execute_parent", true);
    api.registerJob("ok", "execute_ok", true);
    return api.registerJob("trap", "execute_trap", true);
  },
  jobs: {
    execute_parent(ctx) {
      if (ctx.spawnChild("trap") === null || ctx.spawnChild("ok") === null) return 2;
      const children = ctx.waitForChildren();
      if (children === null) return 2;
      ctx.log("info", JSON.stringify(children.map((child) => ({ job_id: child.id, status: child.status }))));
      ctx.log("info", "after wait");
      return ctx.spawnChild("ok") === null ? 2 : 0;
    },
    execute_ok(ctx) {
      ctx.log("info", "ok ran");
      return 0;
    },
    execute_trap(ctx) {
      ctx.log("info", "trap ran");
      throw new Error("unreachable");
    },
  },
};

export default wait;
