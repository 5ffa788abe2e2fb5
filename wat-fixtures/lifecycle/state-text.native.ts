import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of state-text.wat: logs the initial state it was started with, as text. */
const stateText: NativeExtensionDefinition = {
  init: (api) => api.registerJob("echo", "execute_echo", false),
  jobs: {
    execute_echo(ctx, state) {
      ctx.log("info", new TextDecoder().decode(state));
      return 0;
    },
  },
};

export default stateText;
