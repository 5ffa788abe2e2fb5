import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of trap.wat: a throw stands for the trap. */
const trap: NativeExtensionDefinition = {
  init: (api) => api.registerJob("trap", "execute_trap", true),
  jobs: {
    execute_trap(ctx) {
      ctx.checkpoint("last-good");
      throw new Error("unreachable");
    },
  },
};

export default trap;
