import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

const bytes = (text: string, ...tail: number[]) => new Uint8Array([...new TextEncoder().encode(text), ...tail]);

/** Native twin of bad-utf8.wat: the same invalid byte sequences, passed as raw bytes through the native API. */
const badUtf8: NativeExtensionDefinition = {
  init: (api) => api.registerJob("bad_utf8", "execute_bad_utf8", true),
  jobs: {
    execute_bad_utf8(ctx) {
      ctx.instanceLog(1, bytes("", 0xff));
      ctx.log(1, bytes("", 0xc0, 0x80));
      ctx.addWarning(bytes("", 0xed, 0xa0, 0x80));
      ctx.addNonCriticalError(bytes("cut ", 0xe2, 0x82));
      ctx.progress(0.5, bytes("", 0xf4, 0x90, 0x80, 0x80));
      const child = ctx.spawnChild(bytes("ok", 0x80));
      ctx.log(1, `spawn=${child === null ? 0 : child}`);
      return 0;
    },
  },
};

export default badUtf8;
