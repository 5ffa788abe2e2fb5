import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of refused.wat. JS has one NaN, so both NaN calls pass NaN; the bad message is raw bytes. */
const refused: NativeExtensionDefinition = {
  init: (api) => api.registerJob("refused", "execute_refused", true),
  jobs: {
    execute_refused(ctx) {
      ctx.progress(NaN, "nan");
      ctx.progress(NaN, "negative-nan");
      ctx.progress(0.5, new Uint8Array([0xff, 0xfe]));
      ctx.progress(0.75, "after");
      return 0;
    },
  },
};

export default refused;
