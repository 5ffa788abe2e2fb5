import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of bad-returns.wat: the i32 values as a guest's export returns them (signed). */
const badReturns: NativeExtensionDefinition = {
  init(api) {
    for (const [name, exportName] of [
      ["parent", "execute_parent"],
      ["ret_3", "execute_ret_3"],
      ["ret_minus_1", "execute_ret_minus_1"],
      ["ret_max", "execute_ret_max"],
    ] as const) {
      api.registerJob(name, exportName, true);
    }
    return api.registerJob("ret_min", "execute_ret_min", true);
  },
  jobs: {
    execute_parent(ctx) {
      for (const type of ["ret_3", "ret_minus_1", "ret_max", "ret_min"]) if (ctx.spawnChild(type) === null) return 2;
      return 0;
    },
    execute_ret_3: () => 3,
    execute_ret_minus_1: () => -1,
    execute_ret_max: () => 2147483647,
    execute_ret_min: () => -2147483648,
  },
};

export default badReturns;
