// Shared by the deliberately broken hosts in this folder: a protocol loop (conformance/PROTOCOL.md) with the valid
// parts done right, so each host breaks exactly one rule. Plain Node, no TypeScript, no harness imports.
import { createInterface } from "node:readline";

export const HANDSHAKE = {
  type: "handshake",
  protocol: 2,
  name: "broken test host",
  version: "0.0.0",
  abiVersions: ["1.0"],
  capabilities: ["progress", "logging"],
  methods: [],
};

const JOB_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

/** A small result that validates: one job that completed in one run. */
export function cannedResult(id) {
  return {
    type: "result",
    id,
    result: {
      extension: [{ kind: "job_registered", job: null, name: "canned", export: "execute_canned", resumable: false }],
      jobs: [
        {
          id: JOB_ID,
          type: "canned",
          parent: null,
          status: "Completed",
          runs: 1,
          exitCodes: [0],
          metrics: { bytes: "0", items: "0", warnings: 0, nonCriticalErrors: 0 },
          savedState: null,
          droppedLogLines: 0,
          droppedWarnings: 0,
          trace: [
            { kind: "status", job: JOB_ID, status: "Queued" },
            { kind: "status", job: JOB_ID, status: "Running" },
            { kind: "status", job: JOB_ID, status: "Completed", end: { cause: "returned", code: 0 } },
          ],
        },
      ],
      library: { libraries: [] },
      errors: [null],
    },
  };
}

export function send(message) {
  process.stdout.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);
}

/**
 * Serves the protocol: `hello` answers the handshake (or calls onHello), `run` calls onRun, shutdown and the end of
 * stdin exit 0.
 */
export function serve({ onHello = () => send(HANDSHAKE), onRun }) {
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    const message = JSON.parse(line);
    if (message.type === "hello") onHello(message);
    else if (message.type === "run") onRun(message);
    else if (message.type === "shutdown") process.exit(0);
  });
  lines.on("close", () => process.exit(0));
}
