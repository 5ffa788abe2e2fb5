import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of loopback.wat. */
const loopback: NativeExtensionDefinition = {
  init: (api) => api.registerJob("loopback", "execute_loopback", true),
  jobs: {
    execute_loopback(ctx) {
      const networking = ctx.networking();
      networking.peers();
      networking.send("beta", "hello");
      networking.send("gamma", "hello");
      return 0;
    },
  },
};

export default loopback;
