import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of init-fails.wat: init logs, registers and returns 7. */
const initFails: NativeExtensionDefinition = {
  init(api) {
    api.log(1, "init fails");
    api.registerJob("never", "execute_never", true);
    return 7;
  },
  jobs: {
    execute_never: () => 0,
  },
};

export default initFails;
