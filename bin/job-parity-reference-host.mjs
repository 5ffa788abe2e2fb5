#!/usr/bin/env node
// The reference host as an out-of-process host (conformance/PROTOCOL.md): JSON lines on stdin and stdout, started
// like bin/job-parity.mjs. `job-parity` drives it (or any other host) through harness/adapters/process-adapter.ts.
import { importHarness } from "./compiled.mjs";

const { serveReferenceHost } = await importHarness("harness/adapters/reference-driver");
process.exit(await serveReferenceHost(process.stdin, process.stdout, process.stderr));
