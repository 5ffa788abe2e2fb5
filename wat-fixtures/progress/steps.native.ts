import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of steps.wat: the same progress calls, 1/3 computed in f32 as the guest does. */
const steps: NativeExtensionDefinition = {
  init: (api) => api.registerJob("steps", "execute_steps", true),
  jobs: {
    execute_steps(ctx) {
      ctx.progress(0.25, "quarter");
      ctx.progress(Math.fround(Math.fround(1) / Math.fround(3)), "third");
      ctx.progress(0.5, "half");
      ctx.progress(1.5, "over");
      ctx.progress(-0.5, "under");
      ctx.progress(Infinity, "infinite");
      ctx.progress(-Infinity, "minus-infinite");
      ctx.progress(1, "done");
      return 0;
    },
  },
};

export default steps;
