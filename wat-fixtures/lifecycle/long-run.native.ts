import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/**
 * Native twin of long-run.wat: the same 20,000 spacedrive_log lines. A native run has no stall limit (only
 * runTimeoutMs bounds it, and the scenario sets none), so the twin has nothing to spin for.
 */
const longRun: NativeExtensionDefinition = {
  init: (api) => api.registerJob("long_run", "execute_long_run", true),
  jobs: {
    execute_long_run(ctx) {
      for (let step = 0; step < 20_000; step++) ctx.instanceLog(0, "step");
      return 0;
    },
  },
};

export default longRun;
