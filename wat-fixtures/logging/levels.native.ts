import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of levels.wat: levels by Spacedrive's numbers, as the guest passes them. */
const levels: NativeExtensionDefinition = {
  init: (api) => {
    api.log(0, "extension loaded");
    return api.registerJob("levels", "execute_levels", true);
  },
  jobs: {
    execute_levels(ctx) {
      ctx.log(0, "level 0");
      ctx.log(1, "level 1");
      ctx.log(2, "level 2");
      ctx.log(3, "level 3");
      ctx.log(9, "level 9");
      ctx.log(-1, "level -1");
      ctx.instanceLog(3, "instance log in the job");
      return 0;
    },
  },
};

export default levels;
