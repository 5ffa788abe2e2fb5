import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of not-resumable.wat: a job registered as not resumable pauses at an interrupt, is resumed, completes. */
const notResumable: NativeExtensionDefinition = {
  init: (api) => api.registerJob("once", "execute_once", false),
  jobs: {
    execute_once(ctx) {
      if (ctx.checkInterrupt() !== 0) return 1;
      ctx.log("info", "ran once");
      return 0;
    },
  },
};

export default notResumable;
