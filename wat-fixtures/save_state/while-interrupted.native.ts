import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of while-interrupted.wat: core's save_state, which v1 lets through while a pause is pending. */
const whileInterrupted: NativeExtensionDefinition = {
  init: (api) => api.registerJob("save-while-interrupted", "execute_save_while_interrupted", true),
  jobs: {
    execute_save_while_interrupted(ctx) {
      if (ctx.checkInterrupt() === 0) return 2;
      if (ctx.saveState("saved-while-paused") !== 0) return 2;
      return 1;
    },
  },
};

export default whileInterrupted;
