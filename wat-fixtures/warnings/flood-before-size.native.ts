import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of flood-before-size.wat: a warning, then one past the count that is also too big. */
const flood: NativeExtensionDefinition = {
  init: (api) => api.registerJob("flood", "execute_flood", true),
  jobs: {
    execute_flood(ctx) {
      ctx.addWarning("first");
      ctx.addWarning("a warning far too big");
      return 0;
    },
  },
};

export default flood;
