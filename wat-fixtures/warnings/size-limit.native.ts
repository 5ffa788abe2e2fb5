import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of size-limit.wat: the warnings as JS strings ("ééé" is 3 UTF-16 units but 6 UTF-8 bytes). */
const sizeLimit: NativeExtensionDefinition = {
  init: (api) => api.registerJob("size_limit", "execute_size_limit", true),
  jobs: {
    execute_size_limit(ctx) {
      ctx.addWarning("éé"); // 4 bytes: recorded
      ctx.addWarning("ééé"); // 6 bytes: LIMIT_EXCEEDED
      return 0;
    },
  },
};

export default sizeLimit;
