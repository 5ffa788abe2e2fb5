import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of binary-state.wat: a checkpoint of bytes that are not UTF-8, loaded back; a child with such params. */
const binaryState: NativeExtensionDefinition = {
  init(api) {
    api.registerJob("binary", "execute_binary", true);
    return api.registerJob("leaf", "execute_leaf", true);
  },
  jobs: {
    execute_binary(ctx) {
      if (ctx.checkpoint(new Uint8Array([0xff, 0xfe, 0x00, 0x41])) !== 0) return 2;
      ctx.loadState();
      ctx.spawnChild("leaf", new Uint8Array([0x80]));
      return 1;
    },
    execute_leaf: () => 0,
  },
};

export default binaryState;
