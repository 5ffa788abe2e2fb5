import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of disabled.wat. */
const disabled: NativeExtensionDefinition = {
  init: (api) => api.registerJob("offline", "execute_offline", true),
  jobs: {
    execute_offline(ctx) {
      const networking = ctx.networking();
      networking.peers();
      networking.send("beta", "hello");
      return 0;
    },
  },
};

export default disabled;
