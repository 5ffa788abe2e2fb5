import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

const CHECKPOINT = "resume-here";
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Native twin of resume-from-checkpoint.wat. */
const definition: NativeExtensionDefinition = {
  init: (api) => api.registerJob("resume-from-checkpoint", "execute_resume_from_checkpoint", true),
  jobs: {
    execute_resume_from_checkpoint(ctx, state) {
      if (state.length === 0) {
        if (ctx.checkpoint(CHECKPOINT) !== 0) return 2;
        return ctx.checkInterrupt() !== 0 ? 1 : 2;
      }
      ctx.log("info", `arg=${text(state)}`);
      const loaded = ctx.loadState();
      if (loaded === null) return 2;
      ctx.log("info", `loaded=${text(loaded)}`);
      if (text(state) !== CHECKPOINT || text(loaded) !== CHECKPOINT) return 2;
      return 0;
    },
  },
};

export default definition;
