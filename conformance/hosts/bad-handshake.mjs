// Answers hello with something that is not a valid handshake. argv[2]:
//   missing-field  no capabilities
//   protocol-1     a handshake for protocol 1 (an older harness's)
//   not-json       a line of text
//   exit           nothing: writes to stderr and exits with code 4
//   bom-line       a line holding only a byte order mark, then the handshake (a BOM is not blank: transport)
import { HANDSHAKE, send, serve } from "./common.mjs";

const mode = process.argv[2] ?? "missing-field";
serve({
  onHello() {
    if (mode === "missing-field") {
      const { capabilities: _dropped, ...rest } = HANDSHAKE;
      return send(rest);
    }
    if (mode === "protocol-1") return send({ ...HANDSHAKE, protocol: 1 });
    if (mode === "not-json") return send("HELLO YOURSELF");
    if (mode === "bom-line") {
      process.stdout.write("\ufeff\n \t\n");
      return send(HANDSHAKE);
    }
    process.stderr.write("bad-handshake.mjs: not today\n");
    process.exit(4);
  },
  onRun() {},
});
