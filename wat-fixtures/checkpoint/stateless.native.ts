import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Native twin of stateless.wat: core's checkpoint() without state. */
const stateless: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => api.registerJob("restart", "execute_restart", true),
  jobs: {
    execute_restart(ctx, state) {
      ctx.log("info", `state=${text(state)}`);
      if (ctx.checkInterrupt() === 0) return 0;
      if (ctx.checkpoint("step-1") !== 0) return 2;
      ctx.log("info", `stateless=${ctx.checkpoint()}`);
      ctx.log("info", ctx.loadState() === null ? "loaded: none" : "loaded: some");
      return 1;
    },
  },
};

export default stateless;
