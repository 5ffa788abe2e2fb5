#!/usr/bin/env node
// An independent job-parity host, written from the documents alone (docs/ABI.md, conformance/PROTOCOL.md, docs/).
//
// The process speaks protocol 2: JSON lines on stdin and stdout (transport.lines), nothing but protocol messages on
// stdout (transport.stdout), one answer per message. Each `run` is a fresh case (conversation.fresh-state): nothing
// but the process outlives it.

import { createInterface } from 'node:readline';
import { CAPABILITIES, DEFAULT_LIMITS, LoadError } from './abi.mjs';
import { SERVED_METHODS } from './wire.mjs';
import { loadGuest } from './loader.mjs';
import { CaseRun } from './case.mjs';

/** transport.lines, transport.flush: one compact JSON line; writes to a pipe are synchronous in Node on Linux. */
function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** handshake.fields, handshake.capabilities, handshake.methods. */
function handshake() {
  return {
    type: 'handshake', protocol: 2, name: 'independent-host', version: '0.1.0', abiVersions: ['1.1'],
    capabilities: CAPABILITIES, methods: SERVED_METHODS, limits: DEFAULT_LIMITS,
  };
}

/** One case: load (link.order), run (case.mjs), answer a result or a load_error (conversation.one-answer). */
function runCase(message) {
  const bytes = new Uint8Array(Buffer.from(message.guest, 'base64'));
  const scenario = message.scenario ?? {};
  try {
    const limits = { ...DEFAULT_LIMITS, ...(scenario.limits ?? {}) };
    const loaded = loadGuest(bytes, limits, `${message.id}.wasm`);
    return { type: 'result', id: message.id, result: new CaseRun(loaded, scenario).execute() };
  } catch (error) {
    if (error instanceof LoadError) return { type: 'load_error', id: message.id, code: error.code, message: error.message };
    throw error;
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (raw) => {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw; // a \r before the \n is ignored
  if (line.trim() === '') return; // blank lines are ignored
  const message = JSON.parse(line);
  switch (message.type) {
    case 'hello':
      send(handshake());
      break;
    case 'run':
      send(runCase(message));
      break;
    case 'shutdown':
      process.exit(0); // conversation.shutdown
      break;
    default:
      process.stderr.write(`independent-host: unknown message type ${message.type}\n`);
  }
});
lines.on('close', () => process.exit(0)); // stdin ended: exit 0
