import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";
import { Progress } from "../../harness/jobs/native-progress.ts";

const U64_MAX = 18446744073709551615n;

/** Native twin of structured-kinds.wat: core's Progress, made by core's constructors. */
const kinds: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => api.registerJob("kinds", "execute_kinds", true),
  jobs: {
    execute_kinds(ctx) {
      const reports = [
        Progress.count(3, 10),
        Progress.percentage(0.25),
        Progress.indeterminate("scanning été"),
        Progress.bytes(U64_MAX, U64_MAX),
        Progress.structured({ files: [1, 2.5, -3], note: "free form", nested: { ok: true, none: null } }),
        Progress.generic({
          percentage: 0.5,
          phase: "Processing",
          current_path: null,
          message: "halfway",
          completion: { completed: 50, total: 100, bytes_completed: 5_000_000_000, total_bytes: null },
          performance: { rate: 10.5, estimated_remaining: { secs: 30, nanos: 500 }, elapsed: null, error_count: 0, warning_count: 2 },
          metadata: { thumbnails: 7 },
        }),
      ];
      for (const progress of reports) if (ctx.progress(progress) !== 0) return 2;
      return 0;
    },
  },
};

export default kinds;
