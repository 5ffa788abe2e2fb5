import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of empty-resume.wat: the run that resumes from an empty checkpoint is given no state. */
const emptyResume: NativeExtensionDefinition = {
  init: (api) => api.registerJob("empty-resume", "execute_empty_resume", true),
  jobs: {
    execute_empty_resume(ctx, state) {
      if (state === null || state.length === 0) {
        ctx.log("info", "resumed: none");
        return 0;
      }
      ctx.log("info", new TextDecoder().decode(state));
      if (ctx.checkpoint(new Uint8Array()) !== 0) return 2;
      return 1;
    },
  },
};

export default emptyResume;
