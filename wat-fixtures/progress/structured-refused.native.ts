import type { NativeExtensionDefinition } from "../../harness/jobs/native-extension.ts";
import { Progress } from "../../harness/jobs/native-progress.ts";

/** What a job could hand core's progress() only by building it wrongly: here, as structured-refused.wat writes it. */
const wrong = (value: unknown) => value as Progress;

/** Native twin of structured-refused.wat. */
const refused: NativeExtensionDefinition = {
  abiVersion: "1.1",
  init: (api) => api.registerJob("refused11", "execute_refused11", true),
  jobs: {
    execute_refused11(ctx) {
      const reports = [
        wrong({ type: "Fraction", data: 0.5 }),
        wrong({ type: "Count", data: { current: -1, total: 10 } }),
        wrong({ type: "Percentage", data: 1.5 }),
        Progress.bytes(0, 18446744073709551616n),
        wrong({ type: "Generic", data: { percentage: 0.5, message: "no phase", completion: { completed: 0, total: 0 }, performance: { rate: 0, error_count: 0, warning_count: 0 } } }),
        wrong({ type: "Generic", data: { percentage: 0.5, phase: "p", message: "m", completion: { completed: 0, total: 0 }, performance: { rate: 1e39, error_count: 0, warning_count: 0 } } }),
        Progress.count(1, 2),
      ];
      for (const progress of reports) ctx.log("info", `status=${ctx.progress(progress)}`);
      return 0;
    },
  },
};

export default refused;
