import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";
import type { NativeJobContext } from "../../harness/jobs/native-context.ts";

/** Checkpoints `text`, loads it back, logs what came back and checks it: 0 if all held, else 2 (as $roundtrip). */
function roundtrip(ctx: NativeJobContext, text: string): number {
  if (ctx.checkpoint(text) !== 0) return 2;
  const loaded = ctx.loadState();
  if (loaded === null) return 2;
  ctx.log("info", loaded);
  return new TextDecoder().decode(loaded) === text && loaded.byteLength === text.length ? 0 : 2;
}

/** Native twin of roundtrip.wat. */
const definition: NativeExtensionDefinition = {
  init: (api) => api.registerJob("roundtrip", "execute_roundtrip", true),
  jobs: {
    execute_roundtrip(ctx) {
      if (ctx.loadState() !== null) return 2;
      ctx.log("info", "none");
      if (roundtrip(ctx, "alpha") !== 0) return 2;
      if (roundtrip(ctx, "beta") !== 0) return 2;
      return 0;
    },
  },
};

export default definition;
