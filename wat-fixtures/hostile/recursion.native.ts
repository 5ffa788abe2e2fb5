import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

function dive(n: number): number {
  return dive(n + 1) + 1;
}

/** Native twin of recursion.wat: the same unbounded recursion, which overflows the JS stack. */
const recursion: NativeExtensionDefinition = {
  init: (api) => api.registerJob("recursion", "execute_recursion", true),
  jobs: {
    execute_recursion(ctx) {
      ctx.checkpoint("deep");
      return dive(0);
    },
  },
};

export default recursion;
