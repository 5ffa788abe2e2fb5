import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of flood.wat: six info lines under a limit of three. */
const flood: NativeExtensionDefinition = {
  init: (api) => api.registerJob("flood", "execute_flood", true),
  jobs: {
    execute_flood(ctx) {
      for (let line = 1; line <= 6; line++) ctx.log(1, `line ${line}`);
      return 0;
    },
  },
};

export default flood;
