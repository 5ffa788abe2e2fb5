import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of rate-limit.wat. */
const rateLimit: NativeExtensionDefinition = {
  init: (api) => api.registerJob("rate_limit", "execute_rate_limit", true),
  jobs: {
    execute_rate_limit(ctx) {
      ctx.call("query:libraries.list", {});
      ctx.call("query:libraries.list", {});
      ctx.call("query:libraries.list", {});
      return 0;
    },
  },
};

export default rateLimit;
