import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";

/** The native twin of the hello guests, built for the ABI version a guest's marker asks for. */
export function helloTwin(abiVersion?: string): NativeExtensionDefinition {
  return {
    ...(abiVersion === undefined ? {} : { abiVersion }),
    init: (api) => api.registerJob("hello", "execute_hello", true),
    jobs: {
      execute_hello(ctx) {
        ctx.log("info", "hello from ABI");
        return 0;
      },
    },
  };
}

/** missing-marker.wat: no marker, so no abiVersion. */
export default helloTwin();
