import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of counter.wat. */
const counter: NativeExtensionDefinition = {
  init: (api) => api.registerJob("counter", "execute_counter", true),
  jobs: {
    execute_counter(ctx, state) {
      let current = 0;
      let target = 25;
      if (state.length > 0) {
        const parsed = JSON.parse(new TextDecoder().decode(state)) as { current: number; target: number };
        current = parsed.current;
        target = parsed.target;
      }
      const snapshot = () => JSON.stringify({ current, target });
      ctx.instanceLog("info", "Counter starting");
      while (current < target) {
        if (ctx.checkInterrupt() !== 0) {
          ctx.checkpoint(snapshot());
          ctx.checkpoint(snapshot());
          return 1;
        }
        current++;
        ctx.incrementItems(1);
        ctx.progress(Math.fround(current) / Math.fround(target), `Counted ${current}/${target}`);
        if (current % 10 === 0 && ctx.checkpoint(snapshot()) !== 0) return 2;
      }
      ctx.instanceLog("info", "Counter completed");
      return 0;
    },
  },
};

export default counter;
