#!/usr/bin/env node
// The reference host as an out-of-process host (conformance/PROTOCOL.md): JSON lines on stdin and stdout, started
// like bin/job-parity.mjs. `job-parity` drives it (or any other host) through harness/adapters/process-adapter.ts.
import { importHarness } from "./compiled.mjs";

const USAGE = `usage: job-parity-reference-host

The reference host behind the host protocol (conformance/PROTOCOL.md): it reads JSON lines on stdin (hello, run,
shutdown) and answers on stdout; job-parity starts it, as it starts any host:

  npx job-parity run --host-cmd "npx job-parity-reference-host"

It takes no options. Exit codes: 0 after shutdown or the end of its input; 1 when the harness broke the protocol;
2 when it was given arguments.`;

const args = process.argv.slice(2);
if (args.length > 0) {
  const help = args.every((arg) => arg === "--help" || arg === "-h");
  (help ? process.stdout : process.stderr).write(`${help ? "" : `job-parity-reference-host: takes no arguments (got ${args.join(" ")}) [JP_USAGE]\n\n`}${USAGE}\n`);
  process.exit(help ? 0 : 2);
}
// A person who started it by hand: it waits for the protocol's lines, which people do not type.
if (process.stdin.isTTY) process.stderr.write("job-parity-reference-host: waiting for the host protocol's JSON lines on stdin (--help says more; Ctrl-D ends it)\n");
const { serveReferenceHost } = await importHarness("harness/adapters/reference-driver");
process.exit(await serveReferenceHost(process.stdin, process.stdout, process.stderr));
