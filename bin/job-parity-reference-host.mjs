#!/usr/bin/env node
// The reference host as an out-of-process host (conformance/PROTOCOL.md): JSON lines on stdin and stdout, run through
// tsx like bin/job-parity.mjs. `job-parity` drives it (or any other host) through harness/adapters/process-adapter.ts.
import { register } from "tsx/esm/api";

register();
const { serveReferenceHost } = await import("../harness/adapters/reference-driver.ts");
process.exit(await serveReferenceHost(process.stdin, process.stdout, process.stderr));
