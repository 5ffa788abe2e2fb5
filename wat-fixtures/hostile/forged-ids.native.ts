import type { NativeJobContext } from "../../harness/jobs/native-context.ts";
import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Contexts and ids kept past their runs, as the guest keeps id bytes in its memory. */
let victim: NativeJobContext | null = null;
let early: NativeJobContext | null = null;
let bystanderId: string | null = null;

/**
 * A context naming `id`, made from a real one: the native analogue of a guest passing 16 bytes it did not get from
 * its own context. A native job has no other way to name a job it holds no context for.
 */
function forge(ctx: NativeJobContext, id: string): NativeJobContext {
  return Object.assign(Object.create(Object.getPrototypeOf(ctx) as object) as NativeJobContext, ctx, { id });
}

/** Every job call with the forged context, then one line with what the status calls answered. */
function forgeCalls(own: NativeJobContext, forged: NativeJobContext, name: string): void {
  const checkpoint = forged.checkpoint("forged");
  const load = forged.loadState() === null ? 0 : 1;
  const interrupt = forged.checkInterrupt();
  forged.progress(1, "forged");
  forged.incrementItems(5);
  forged.incrementBytes(7);
  forged.addWarning("forged");
  forged.addNonCriticalError("forged");
  forged.log(1, "forged");
  const spawned = forged.spawnChild("early") === null ? 0 : 1;
  own.log(1, `${name}: checkpoint=${checkpoint} load=${load} interrupt=${interrupt} spawn=${spawned}`);
}

/** Native twin of forged-ids.wat. */
const forgedIds: NativeExtensionDefinition = {
  init(api) {
    api.registerJob("victim", "execute_victim", true);
    api.registerJob("early", "execute_early", true);
    api.registerJob("forger", "execute_forger", true);
    return api.registerJob("bystander", "execute_bystander", true);
  },
  jobs: {
    execute_victim(ctx, state) {
      if (state.length > 0) {
        ctx.loadState();
        return 0;
      }
      victim = ctx;
      early = null;
      bystanderId = null;
      ctx.checkInterrupt();
      ctx.checkpoint("victim-state");
      ctx.incrementItems(1);
      ctx.progress(0.5, "victim");
      if (ctx.spawnChild("early") === null || ctx.spawnChild("forger") === null) return 2;
      bystanderId = ctx.spawnChild("bystander");
      return bystanderId === null ? 2 : 1;
    },
    execute_early(ctx) {
      early = ctx;
      ctx.checkpoint("early-state");
      ctx.incrementItems(2);
      return 0;
    },
    execute_forger(ctx) {
      if (victim === null || early === null || bystanderId === null) return 2;
      forgeCalls(ctx, victim, "victim");
      forgeCalls(ctx, early, "early");
      forgeCalls(ctx, forge(ctx, bystanderId), "bystander");
      forgeCalls(ctx, forge(ctx, "00000000-0000-0000-0000-000000000000"), "zero");
      forgeCalls(ctx, forge(ctx, "c0ffee00-1234-4abc-8def-0123456789ab"), "random");
      return 0;
    },
    execute_bystander(ctx) {
      ctx.log(1, `bystander: load=${ctx.loadState() === null ? 0 : 1}`);
      return 0;
    },
  },
};

export default forgedIds;
