import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of bad-return.wat. */
const badReturn: NativeExtensionDefinition = {
  init: (api) => api.registerJob("bad-return", "execute_bad_return", true),
  jobs: {
    execute_bad_return: () => 7,
  },
};

export default badReturn;
