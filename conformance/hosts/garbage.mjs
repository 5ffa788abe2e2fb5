// Answers cases with something that is not a valid answer. argv[2]:
//   not-json    a long line of text
//   bad-result  a result whose first job has no status and whose trace has an event without a kind
//   twice       a valid result and the same line again, in one write (under PIPE_BUF: they arrive together, so the
//               second is waiting before the next case is sent)
//   late        a valid result, and the same line again when the next case comes, before that case's answer
import { cannedResult, send, serve } from "./common.mjs";

const mode = process.argv[2] ?? "not-json";
let previous = null;
serve({
  onRun(message) {
    if (mode === "not-json") return send(`garbage.mjs says hello instead of ${message.id}: ${"x".repeat(400)}`);
    const answer = cannedResult(message.id);
    if (mode === "late") {
      if (previous !== null) send(previous);
      previous = answer;
      return send(answer);
    }
    if (mode === "bad-result") {
      delete answer.result.jobs[0].status;
      delete answer.result.jobs[0].trace[1].kind;
      return send(answer);
    }
    const line = JSON.stringify(answer);
    send(`${line}\n${line}`);
  },
});
