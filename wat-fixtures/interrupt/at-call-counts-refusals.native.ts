import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of at-call-counts-refusals.wat: two refused calls, then the check that is the 3rd host call. */
const refusals: NativeExtensionDefinition = {
  init: (api) => api.registerJob("refusals", "execute_refusals", true),
  jobs: {
    execute_refusals(ctx) {
      ctx.progress(Number.NaN, "");
      ctx.log("info", new Uint8Array([0xff]));
      return ctx.checkInterrupt() !== 0 ? 1 : 0;
    },
  },
};

export default refusals;
