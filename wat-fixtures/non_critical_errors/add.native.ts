import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** "\xc3\x28 invalid": 0xc3 0x28 is not UTF-8 (a lead byte without its continuation). */
const INVALID_UTF8 = new Uint8Array([0xc3, 0x28, 0x20, 0x69, 0x6e, 0x76, 0x61, 0x6c, 0x69, 0x64]);

/** Native twin of add.wat. */
const errors: NativeExtensionDefinition = {
  init: (api) => api.registerJob("errors", "execute_errors", true),
  jobs: {
    execute_errors(ctx) {
      ctx.addNonCriticalError("cannot read a.txt: EACCES");
      ctx.addWarning("slow disk");
      ctx.addNonCriticalError(INVALID_UTF8); // refused: BAD_ARGUMENT
      ctx.addNonCriticalError("cannot hash b.txt: EIO");
      return 0;
    },
  },
};

export default errors;
