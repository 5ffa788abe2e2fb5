import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** "bad \xff\xfe bytes": 0xff 0xfe is not UTF-8. */
const INVALID_UTF8 = new Uint8Array([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x20, 0x62, 0x79, 0x74, 0x65, 0x73]);

/** Native twin of add.wat. */
const warnings: NativeExtensionDefinition = {
  init: (api) => api.registerJob("warn", "execute_warn", true),
  jobs: {
    execute_warn(ctx) {
      ctx.addWarning("file a.txt skipped: locked");
      ctx.addWarning("file b.txt skipped: too big");
      ctx.addWarning(INVALID_UTF8); // refused: BAD_ARGUMENT
      ctx.addWarning("3 files skipped");
      return 0;
    },
  },
};

export default warnings;
