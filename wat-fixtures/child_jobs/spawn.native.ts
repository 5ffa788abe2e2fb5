import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";
import type { NativeJobContext } from "../../harness/jobs/native-context.ts";

/** 0 while the parent runs, 1 once it is about to return; each child adds 1 (the guest's global). */
let step = 0;

function spawnChild(ctx: NativeJobContext, params: string): boolean {
  const id = ctx.spawnChild("child", params);
  if (id === null) return false;
  ctx.log(1, `spawned ${id}`);
  return true;
}

/** Native twin of spawn.wat. */
const spawn: NativeExtensionDefinition = {
  init: (api) => {
    api.registerJob("parent", "execute_parent", true);
    return api.registerJob("child", "execute_child", true);
  },
  jobs: {
    execute_parent(ctx) {
      step = 0;
      if (!spawnChild(ctx, "a")) return 2;
      if (!spawnChild(ctx, "b")) return 2;
      step = 1;
      return 0;
    },
    execute_child(ctx, state) {
      step++;
      ctx.log(1, `child ${new TextDecoder().decode(state)} at step ${step}`);
      ctx.incrementItems(1);
      return 0;
    },
  },
};

export default spawn;
