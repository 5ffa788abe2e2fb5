import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** Native twin of bom.wat: a log line and a warning that start with U+FEFF. */
const bom: NativeExtensionDefinition = {
  init: (api) => api.registerJob("bom", "execute_bom", true),
  jobs: {
    execute_bom(ctx) {
      ctx.log("info", "\uFEFFmarked");
      ctx.addWarning(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("marked")]));
      return 0;
    },
  },
};

export default bom;
