/**
 * The only module that touches the engine. Node's built-in WebAssembly is the engine; another engine plugs in by
 * implementing this interface.
 */
export interface WasmEngine {
  readonly name: string;
  compile(bytes: Uint8Array): WebAssembly.Module;
  instantiate(module: WebAssembly.Module, imports: WebAssembly.Imports): WebAssembly.Instance;
  /** Whether an exception thrown out of guest code is a trap of the guest (as opposed to a harness bug). */
  isTrap(error: unknown): boolean;
}

export const nodeEngine: WasmEngine = {
  name: `node-webassembly (V8 ${process.versions.v8})`,
  compile: (bytes) => new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  instantiate: (module, imports) => new WebAssembly.Instance(module, imports),
  // Unbounded recursion surfaces as a RangeError from V8, not a RuntimeError; both are the guest's trap.
  isTrap: (error) => error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message)),
};
