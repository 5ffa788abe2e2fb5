import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Five bytes that are not UTF-8. */
const NOT_UTF8 = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]);

/** Native twin of message-size.wat: the same messages, the invalid one as raw bytes. */
const sizes: NativeExtensionDefinition = {
  init(api) {
    api.log(1, "12345");
    return api.registerJob("sizes", "execute_sizes", true);
  },
  jobs: {
    execute_sizes(ctx) {
      ctx.addNonCriticalError("éé");
      ctx.addNonCriticalError("ééé");
      ctx.addNonCriticalError(NOT_UTF8);
      ctx.instanceLog(1, "12345");
      ctx.log(1, "ok");
      ctx.instanceLog(1, "ok");
      return 0;
    },
  },
};

export default sizes;
