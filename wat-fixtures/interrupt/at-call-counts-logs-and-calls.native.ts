import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of at-call-counts-logs-and-calls.wat: log, wire call, then the interrupt check (the 3rd host call). */
const atCall: NativeExtensionDefinition = {
  init: (api) => api.registerJob("at_call", "execute_at_call", true),
  jobs: {
    execute_at_call(ctx) {
      ctx.log("info", "before the call");
      ctx.call("query:libraries.list", {});
      if (ctx.checkInterrupt() !== 0) return 1;
      return 0;
    },
  },
};

export default atCall;
