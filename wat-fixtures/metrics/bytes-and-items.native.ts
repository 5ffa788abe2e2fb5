import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of bytes-and-items.wat. */
const bytesAndItems: NativeExtensionDefinition = {
  init: (api) => api.registerJob("bytes_and_items", "execute_bytes_and_items", true),
  jobs: {
    execute_bytes_and_items(ctx) {
      ctx.incrementBytes(1000n);
      ctx.incrementBytes(5_000_000_000n);
      ctx.incrementItems(1n);
      ctx.incrementItems(1n);
      ctx.incrementItems(3n);
      return 0;
    },
  },
};

export default bytesAndItems;
