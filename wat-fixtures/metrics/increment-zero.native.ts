import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of increment-zero.wat. */
const zero: NativeExtensionDefinition = {
  init: (api) => api.registerJob("zero", "execute_zero", true),
  jobs: {
    execute_zero(ctx) {
      ctx.incrementBytes(7n);
      ctx.incrementBytes(0n);
      ctx.incrementItems(0n);
      return 0;
    },
  },
};

export default zero;
