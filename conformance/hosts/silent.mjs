// Reads everything and never writes a line: no handshake ever comes.
import { serve } from "./common.mjs";

serve({ onHello() {}, onRun() {} });
