import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** The state fields; an initial state may leave any of them out. */
interface Header {
  step: number;
  target: number;
  size: number;
  every: number;
}

const DEFAULTS: Header = { step: 0, target: 400, size: 65536, every: 4 };

/** The value of `"key":<digits>` in the state's first 128 bytes (the header; the padding is not text), if any. */
function field(header: string, key: keyof Header): number {
  const match = new RegExp(`"${key}":(\\d*)`).exec(header);
  if (match === null) return DEFAULTS[key];
  return Number(match[1] || "0") >>> 0;
}

/** The checkpoint for a step: the header, then byte i = (step*31 + i) & 0x7f up to `size` bytes. */
function stateOf({ step, target, size, every }: Header): Uint8Array {
  const header = new TextEncoder().encode(`{"step":${step},"target":${target},"size":${size},"every":${every}}`);
  const state = new Uint8Array(Math.max(size, header.length));
  state.set(header);
  for (let i = header.length; i < state.length; i++) state[i] = (step * 31 + i) & 0x7f;
  return state;
}

/**
 * Native twin of checkpointer.wat (see there for the state layout): the same calls in the same order, with the same
 * bytes.
 */
const definition: NativeExtensionDefinition = {
  init: (api) => api.registerJob("checkpointer", "execute_checkpointer", true),
  jobs: {
    execute_checkpointer(ctx, state) {
      const header = new TextDecoder().decode(state.subarray(0, 128));
      const job: Header = { step: field(header, "step"), target: field(header, "target"), size: field(header, "size"), every: field(header, "every") };
      if (job.every === 0) job.every = 1;
      while (job.step < job.target) {
        if (ctx.checkInterrupt() !== 0) {
          ctx.checkpoint(stateOf(job));
          return 1;
        }
        ctx.incrementItems(1);
        job.step++;
        if (job.step % job.every === 0 && ctx.checkpoint(stateOf(job)) !== 0) return 2;
      }
      return 0;
    },
  },
};

export default definition;
