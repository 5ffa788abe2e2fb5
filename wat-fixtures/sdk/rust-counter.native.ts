import { counterTwin } from "../lifecycle/counter.native.ts";

/** Native twin of sdk-guest/counter.wasm, the Rust-built guest. */
export default counterTwin({
  start: (current, target) => `Counter starting at ${current}/${target}`,
  end: (current) => `Counter completed: ${current}`,
});
