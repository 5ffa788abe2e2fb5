// Speaks the protocol correctly but claims two capabilities of twelve (handshake.capabilities): the gate must fail the
// run for the capabilities it neither claims nor waives.
import { cannedResult, send, serve } from "./common.mjs";

serve({ onRun: (message) => send(cannedResult(message.id)) });
