import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

const U64_MAX = (1n << 64n) - 1n;

/** Native twin of u64-edges.wat: a native job passes the u64 values the guest's i64 bit patterns stand for. */
const u64Edges: NativeExtensionDefinition = {
  init: (api) => api.registerJob("u64_edges", "execute_u64_edges", true),
  jobs: {
    execute_u64_edges(ctx) {
      ctx.incrementBytes(U64_MAX); // the guest's i64 -1
      ctx.incrementBytes(5n);
      ctx.incrementItems(1n << 63n); // the guest's i64 0x8000000000000000
      ctx.incrementItems((1n << 63n) - 1n);
      return 0;
    },
  },
};

export default u64Edges;
