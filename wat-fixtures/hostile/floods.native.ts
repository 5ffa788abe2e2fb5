import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of floods.wat. */
const floods: NativeExtensionDefinition = {
  init: (api) => api.registerJob("floods", "execute_floods", true),
  jobs: {
    execute_floods(ctx) {
      for (let i = 0; i < 500; i++) ctx.log(1, "line");
      for (let i = 0; i < 500; i++) ctx.instanceLog(1, "line");
      for (let i = 0; i < 1000; i++) ctx.addWarning("warn");
      ctx.progress(1, "done");
      return 0;
    },
  },
};

export default floods;
