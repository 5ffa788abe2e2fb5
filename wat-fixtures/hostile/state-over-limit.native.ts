import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of state-over-limit.wat; the 65536-byte state is refused for its size, whatever its bytes. */
const bigState: NativeExtensionDefinition = {
  init: (api) => api.registerJob("big_state", "execute_big_state", true),
  jobs: {
    execute_big_state(ctx) {
      const statuses = [ctx.checkpoint("a".repeat(64)), ctx.checkpoint("a".repeat(65)), ctx.checkpoint(new Uint8Array(65536))];
      ctx.log(1, `checkpoint: ${statuses.join(" ")}`);
      ctx.loadState();
      return 2;
    },
  },
};

export default bigState;
