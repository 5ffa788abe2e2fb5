import type { NativeExtensionDefinition, NativeInitApi } from "../../harness/jobs/native-extension.ts";

/** The init API, kept past init as a guest keeps calling the register_job import after plugin_init. */
let initApi: NativeInitApi | null = null;

/**
 * Native twin of register-abuse.wat. The guest's exports that are not jobs (wrong_sig_export, memory, wasm_alloc,
 * plugin_init) are simply not in `jobs`: the host sees no job-shaped export by those names on either side.
 */
const registerAbuse: NativeExtensionDefinition = {
  init(api) {
    initApi = api;
    const statuses = [
      api.registerJob("dup", "execute_job", true),
      api.registerJob("dup", "execute_job", true),
      api.registerJob("dup", "execute_other", true),
      api.registerJob("nope", "no_such_export", true),
      api.registerJob("wrong_sig", "wrong_sig_export", true),
      api.registerJob("mem", "memory", true),
      api.registerJob("alloc", "wasm_alloc", true),
      api.registerJob("", "execute_job", true),
      api.registerJob("init", "plugin_init", true),
      api.registerJob("blank", "", true),
    ];
    api.log(1, `register: ${statuses.join(" ")}`);
    return 0;
  },
  jobs: {
    execute_job(ctx) {
      const status = initApi === null ? -1 : initApi.registerJob("late", "execute_job", true);
      ctx.log(1, `late=${status}`);
      return 0;
    },
  },
};

export default registerAbuse;
