import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of extension-unlimited.wat: four lines from init, three from the job. */
const chatty: NativeExtensionDefinition = {
  init(api) {
    for (let i = 0; i < 4; i++) api.log("info", "init line");
    return api.registerJob("chatty", "execute_chatty", true);
  },
  jobs: {
    execute_chatty(ctx) {
      for (let i = 0; i < 3; i++) ctx.log("info", "job line");
      return 0;
    },
  },
};

export default chatty;
