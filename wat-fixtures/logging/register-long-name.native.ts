import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of register-long-name.wat. */
const registerLongName: NativeExtensionDefinition = {
  init: (api) => api.registerJob("long_name_job", "execute_long_name_job", true),
  jobs: {
    execute_long_name_job(ctx) {
      ctx.log(1, "ran");
      ctx.log(1, "ran ok"); // 6 bytes: LIMIT_EXCEEDED
      return 0;
    },
  },
};

export default registerLongName;
