import { setFlagsFromString } from "node:v8";

/**
 * How much bytecode a function runs before V8 considers optimising it (V8's default is about 132 KB worth). A
 * job-parity process runs a great deal of different code (the generator, the renderers, the host, the recorder, the
 * comparisons) over a short time, and with the default V8 spends about as much CPU optimising it as running it: in a
 * 3,000-run fuzz session each worker optimises some 550 functions, on background threads that take the cores the
 * workers need. Waiting longer lets V8 optimise the code that stays hot: that session checks about 770 programs/s
 * instead of 550 on 2 workers; 20,000 runs check as many per second either way; `npm test` takes 9% less CPU.
 */
const INTERRUPT_BUDGET = 1_000_000;

/**
 * Makes V8 wait longer before optimising (INTERRUPT_BUDGET). V8's flags are the process's: this holds for every
 * thread and every worker started after it, and changes how fast code runs, never what it does.
 */
export function tierUpLater(): void {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}

/**
 * Makes V8 compile a WebAssembly module's functions when the module is compiled, instead of each at its first call
 * (V8's default, lazy compilation). A fuzzing session's guests run nearly every function they hold: a batch module
 * holds 50 programs and runs each of them once (harness/programs/batch.ts). Compiling its functions one at a time,
 * at first call, costs each worker more than compiling them together, which V8 also spreads over its background
 * threads: a 3,000-run session takes about 3% less CPU. Elsewhere lazy compilation is the better default (a guest
 * may hold many functions a job never calls), and V8's flags are the process's: so the entry points that run sessions
 * ask for it (`job-parity fuzz`, the fuzz benchmark), not the session API, which a test process shares with others.
 * It changes how fast code runs, never what it does.
 */
export function compileWasmEagerly(): void {
  setFlagsFromString("--no-wasm-lazy-compilation");
}
