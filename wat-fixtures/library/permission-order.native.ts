import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of permission-order.wat. */
const permissionOrder: NativeExtensionDefinition = {
  init: (api) => api.registerJob("permission_order", "execute_permission_order", true),
  jobs: {
    execute_permission_order(ctx) {
      ctx.call("action:test.ping.input", { message: "hi" }); // MethodNotAllowed: does not count toward the rate
      ctx.call("query:libraries.list", {}); // answered
      ctx.call("query:libraries.list", {}); // RateLimitExceeded
      ctx.call("action:test.ping.input", { message: "hi" }); // MethodNotAllowed, not RateLimitExceeded: method first
      return 0;
    },
  },
};

export default permissionOrder;
