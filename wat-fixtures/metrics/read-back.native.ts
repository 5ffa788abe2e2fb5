import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";
import type { NativeJobContext } from "../../harness/jobs/native-context.ts";

/** Logs the metrics as read-back.wat does; false when the read was refused. */
function logMetrics(ctx: NativeJobContext): boolean {
  const metrics = ctx.metrics();
  if (metrics === null) return false;
  ctx.log("info", `bytes=${metrics.bytes_processed} items=${metrics.items_processed} warnings=${metrics.warnings_count} errors=${metrics.non_critical_errors_count}`);
  return true;
}

/** Native twin of read-back.wat: core's ctx.metrics(). */
const readBack: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => api.registerJob("metrics", "execute_metrics", true),
  jobs: {
    execute_metrics(ctx) {
      ctx.incrementBytes(5_000_000_000);
      ctx.incrementItems(3);
      ctx.addWarning("careful");
      ctx.addWarning("careful");
      ctx.addNonCriticalError("skipped one");
      if (!logMetrics(ctx)) return 2;
      ctx.incrementBytes(-1);
      if (!logMetrics(ctx)) return 2;
      return 0;
    },
  },
};

export default readBack;
