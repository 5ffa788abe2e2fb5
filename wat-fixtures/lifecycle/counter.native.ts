import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

interface CounterMessages {
  start(current: number, target: number): string;
  end(current: number): string;
}

/**
 * The counter job of Spacedrive's test extension as a native job. Guests built differently log different lines,
 * so the log messages are parameters; every other call is the same.
 */
export function counterTwin(messages: CounterMessages): NativeExtensionDefinition {
  return {
    init: (api) => api.registerJob("counter", "execute_counter", true),
    jobs: {
      execute_counter(ctx, state) {
        let current = 0;
        let target = 25;
        if (state.length > 0) {
          ({ current, target } = JSON.parse(new TextDecoder().decode(state)) as { current: number; target: number });
        }
        const snapshot = () => JSON.stringify({ current, target });
        ctx.instanceLog("info", messages.start(current, target));
        while (current < target) {
          if (ctx.checkInterrupt() !== 0) {
            ctx.checkpoint(snapshot()); // the job's own checkpoint...
            ctx.checkpoint(snapshot()); // ...and the SDK macro's second one
            return 1;
          }
          current++;
          ctx.incrementItems(1);
          ctx.progress(Math.fround(current) / Math.fround(target), `Counted ${current}/${target}`);
          if (current % 10 === 0 && ctx.checkpoint(snapshot()) !== 0) return 2;
        }
        ctx.instanceLog("info", messages.end(current));
        return 0;
      },
    },
  };
}

/** Native twin of counter.wat. */
export default counterTwin({ start: () => "Counter starting", end: () => "Counter completed" });
