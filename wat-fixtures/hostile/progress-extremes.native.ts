import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

const F32_MAX = 3.4028234663852886e38;

/** Native twin of progress-extremes.wat. JS has one NaN; the guest's payload NaN arrives as it. */
const extremes: NativeExtensionDefinition = {
  init: (api) => api.registerJob("extremes", "execute_extremes", true),
  jobs: {
    execute_extremes(ctx) {
      ctx.progress(Infinity, "+inf");
      ctx.progress(-Infinity, "-inf");
      ctx.progress(-0.5, "-0.5");
      ctx.progress(1.5, "1.5");
      ctx.progress(-0, "-0");
      ctx.progress(F32_MAX, "f32 max");
      ctx.progress(-F32_MAX, "-f32 max");
      ctx.progress(NaN, "nan payload");
      ctx.progress(0.5, "half");
      return 0;
    },
  },
};

export default extremes;
