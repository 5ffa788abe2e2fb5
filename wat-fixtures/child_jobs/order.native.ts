import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of order.wat: every run logs its place in the order, from a counter init sets to 0. */
let order = 0;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const childOrder: NativeExtensionDefinition = {
  init(api) {
    order = 0;
    api.registerJob("parent", "execute_parent", true);
    return api.registerJob("node", "execute_node", true);
  },
  jobs: {
    execute_parent(ctx) {
      ctx.log("info", `parent ${++order}`);
      if (order === 1) {
        ctx.spawnChild("node", "a");
        ctx.spawnChild("node", "b");
        return 1;
      }
      ctx.spawnChild("node", "c");
      return 0;
    },
    execute_node(ctx, state) {
      ctx.log("info", `${text(state)} ${++order}`);
      if (text(state) === "a") ctx.spawnChild("node", "a1");
      return 0;
    },
  },
};

export default childOrder;
