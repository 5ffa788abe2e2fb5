import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of tree-limits.wat. */
const treeLimits: NativeExtensionDefinition = {
  init: (api) => {
    api.registerJob("root", "execute_root", true);
    api.registerJob("mid", "execute_mid", true);
    return api.registerJob("leaf", "execute_leaf", true);
  },
  jobs: {
    execute_root(ctx) {
      if (ctx.checkpoint("root-state-16byt") !== 0) return 2;
      if (ctx.spawnChild("mid", "12345678") === null || ctx.spawnChild("leaf", "12345678") === null) return 2;
      if (ctx.spawnChild("leaf") !== null) return 2;
      if (ctx.checkpoint("24-byte-state-0123456789") !== 0) return 2;
      return ctx.checkpoint("25-byte-state-01234567890") === 4 ? 0 : 2;
    },
    execute_mid(ctx) {
      if (ctx.spawnChild("leaf", "25-byte-state-01234567890") !== null) return 2;
      if (ctx.spawnChild("leaf", "123456789") === null) return 2;
      return ctx.spawnChild("leaf") === null ? 0 : 2;
    },
    execute_leaf: () => 0,
  },
};

export default treeLimits;
