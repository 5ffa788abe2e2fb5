import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of empty-and-initial.wat: no state to load before a checkpoint; an empty checkpoint loads as empty. */
const emptyAndInitial: NativeExtensionDefinition = {
  init: (api) => api.registerJob("empty", "execute_empty", true),
  jobs: {
    execute_empty(ctx) {
      ctx.log("info", ctx.loadState() === null ? "before: none" : "before: some");
      if (ctx.checkpoint(new Uint8Array()) !== 0) return 2;
      const loaded = ctx.loadState();
      ctx.log("info", loaded === null ? "after: none" : loaded.length === 0 ? "after: empty" : "after: some");
      return 0;
    },
  },
};

export default emptyAndInitial;
