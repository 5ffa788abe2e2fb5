import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import {
  encodeMessage,
  handshakeFromMessage,
  helloMessage,
  parseLine,
  PROTOCOL_VERSION,
  quoteLine,
  responseFromMessage,
  runMessage,
  type ProtocolMessage,
} from "./protocol.ts";
import { HostFailure, type CaseRequest, type CaseResponse, type CloseProblem, type Handshake, type HostAdapter, type HostFailureCode } from "./types.ts";

export interface ProcessAdapterOptions {
  /** Working directory of the host command (default: this process's). */
  readonly cwd?: string;
  /** How long the host may take to answer hello (default 10 s): startup included, so generous. */
  readonly handshakeTimeoutMs?: number;
  /** The host's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** How long close() waits for the host to exit after shutdown before killing it (default 2 s). */
  readonly shutdownTimeoutMs?: number;
}

/** How a host process ended. */
export interface HostExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2_000;
/** After the process exits, how long its stdout may still deliver lines (a grandchild can hold it open). */
const DRAIN_AFTER_EXIT_MS = 200;
/** After stdout closes, how long to wait for the exit status before reporting without it. */
const EXIT_AFTER_EOF_MS = 500;
const STDERR_TAIL_LINES = 20;
const STDERR_LINE_CHARS = 300;
/** A line this long is not an answer (it would not fit a JS string much longer anyway). */
const MAX_LINE_CHARS = 256 * 1024 * 1024;
/** A line the protocol ignores: spaces and tabs only (transport). A byte order mark or any other character is not blank. */
const BLANK_LINE = /^[ \t]*$/;

type NextLine =
  | { readonly kind: "line"; readonly line: string }
  | { readonly kind: "too_long" }
  | { readonly kind: "closed" }
  | { readonly kind: "timeout" };

// Hosts run in their own process group (so a timeout kills the host's children too); a harness that exits must not
// leave them behind, whatever state they are in.
const live = new Set<HostProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const host of live) host.killNow();
  });
}

/** "exited with code 3", "was killed by signal SIGKILL"; a shell reports a child's signal N as code 128 + N. */
export function describeExit(exit: HostExit | null): string {
  if (exit === null) return "closed its stdout (it did not exit)";
  if (exit.signal !== null) return `was killed by signal ${exit.signal}`;
  const signal = exit.code !== null && exit.code > 128 ? Object.entries(constants.signals).find(([, n]) => n === exit.code! - 128)?.[0] : undefined;
  return signal === undefined ? `exited with code ${exit.code}` : `exited with code ${exit.code} (128 + ${signal}: killed by that signal)`;
}

/** ", leaving a line it never ended with `\n`: <the line>", for a host whose stdout ended mid-line; else nothing. */
function unfinishedLine(host: HostProcess): string {
  return host.unfinished === null ? "" : `, leaving a line it never ended with \\n: ${quoteLine(host.unfinished)}`;
}

/** One spawned host: its line reader, stderr tail and exit state. */
class HostProcess {
  readonly child: ChildProcess;
  exit: HostExit | null = null;
  spawnError: Error | null = null;
  /** No more lines can come: stdout ended or the process is gone. */
  closed = false;
  /** A line that came while nothing was awaited. */
  readonly pending: NextLine[] = [];
  /** The id of the last case this host answered: a second answer to it is a line nobody asked for, whenever it comes. */
  lastAnswered: string | null = null;
  private partial = "";
  /** What the host wrote after its last `\n` before its stdout ended: a line it never finished (transport.lines). */
  unfinished: string | null = null;
  private stdoutEnded = false;
  private waiter: ((next: NextLine) => void) | null = null;
  private readonly stderrLines: string[] = [];
  private stderrPartial = "";
  private readonly exited: Promise<void>;
  private readonly stderrDone: Promise<unknown>;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(command: string, options: ProcessAdapterOptions) {
    installExitHook();
    this.child = spawn("/bin/sh", ["-c", command], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        resolve();
        if (this.stdoutEnded) this.markClosed();
        else this.closeSoon(DRAIN_AFTER_EXIT_MS);
      });
      this.child.on("error", (error) => {
        // Only a failed spawn matters (no exit event follows it); a failed kill or write still ends in an exit.
        if (this.child.pid !== undefined && !isSpawnError(error)) return;
        this.spawnError = error;
        live.delete(this);
        resolve();
        this.markClosed();
      });
    });
    this.stderrDone = new Promise((resolve) => this.child.stderr!.once("close", resolve));
    this.child.stdin!.on("error", () => {}); // EPIPE when the host is gone: the exit is what gets reported
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (chunk: string) => this.onStdout(chunk));
    this.child.stdout!.on("end", () => {
      // A message ends with its `\n`: one cut short by the end of stdout was never written, whatever it holds. The
      // host closed its output (it exited or crashed), which is what gets reported, with this line beside it.
      if (!BLANK_LINE.test(this.partial)) this.unfinished = this.partial;
      this.partial = "";
      this.stdoutEnded = true;
      if (this.exit !== null) this.markClosed();
      else this.closeSoon(EXIT_AFTER_EOF_MS);
    });
    this.child.stderr!.setEncoding("utf8");
    this.child.stderr!.on("data", (chunk: string) => this.onStderr(chunk));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private onStdout(chunk: string): void {
    let start = 0;
    for (let end = chunk.indexOf("\n"); end !== -1; end = chunk.indexOf("\n", start)) {
      const line = (this.partial + chunk.slice(start, end)).replace(/\r$/, "");
      this.partial = "";
      start = end + 1;
      if (!BLANK_LINE.test(line)) this.deliver({ kind: "line", line });
    }
    this.partial += chunk.slice(start);
    if (this.partial.length > MAX_LINE_CHARS) {
      this.partial = "";
      this.deliver({ kind: "too_long" });
    }
  }

  private onStderr(chunk: string): void {
    const lines = (this.stderrPartial + chunk).split("\n");
    this.stderrPartial = lines.pop()!.slice(-STDERR_LINE_CHARS * 4);
    for (const line of lines) {
      this.stderrLines.push(line.length > STDERR_LINE_CHARS ? `${line.slice(0, STDERR_LINE_CHARS)}...` : line);
      if (this.stderrLines.length > STDERR_TAIL_LINES) this.stderrLines.shift();
    }
  }

  private deliver(next: NextLine): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter(next);
    } else this.pending.push(next);
  }

  private closeSoon(ms: number): void {
    if (this.closed || this.closeTimer !== null) return;
    this.closeTimer = setTimeout(() => this.markClosed(), ms);
  }

  private markClosed(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    if (this.closed) return;
    this.closed = true;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.({ kind: "closed" });
  }

  /** The next line, or why there is none: the host closed its output, or `timeoutMs` passed. */
  nextLine(timeoutMs: number): Promise<NextLine> {
    const queued = this.pending.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve({ kind: "closed" });
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.waiter = null;
            resolve({ kind: "timeout" });
          }, Math.max(0, timeoutMs))
        : null;
      this.waiter = (next) => {
        if (timer !== null) clearTimeout(timer);
        resolve(next);
      };
    });
  }

  send(message: ProtocolMessage): void {
    if (!this.child.stdin!.writable) return;
    this.child.stdin!.write(encodeMessage(message));
  }

  endInput(): void {
    if (this.child.stdin!.writable) this.child.stdin!.end();
  }

  /** The last lines of the host's stderr, for failure messages. */
  stderrTail(): string[] {
    const lines = this.stderrPartial === "" ? this.stderrLines : [...this.stderrLines, this.stderrPartial];
    return lines.slice(-STDERR_TAIL_LINES);
  }

  /** SIGKILL to the host's whole process group, synchronously; the host and any children it started. */
  killNow(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: the group is gone already. Fall back to the direct child in case the group could not be made.
      if (this.exit === null) this.child.kill("SIGKILL");
    }
  }

  /** Kills the group and waits for the host to be gone (bounded: a process that survives SIGKILL is the kernel's). */
  async kill(): Promise<void> {
    this.killNow();
    await this.settle(2_000);
    this.markClosed();
  }

  /** Resolves true when the process exited within `ms`. */
  async waitForExit(ms: number): Promise<boolean> {
    if (this.exit !== null || this.spawnError !== null) return true;
    return await within(ms, this.exited);
  }

  /**
   * Waits (at most `ms`) until the host has exited and its stderr is read to the end, so a failure message can say
   * how the host ended and quote what it wrote last.
   */
  async settle(ms = EXIT_AFTER_EOF_MS): Promise<void> {
    if (this.spawnError !== null) return;
    await within(ms, Promise.all([this.exited, this.stderrDone]));
  }
}

function isSpawnError(error: Error): boolean {
  return (error as NodeJS.ErrnoException).syscall?.startsWith("spawn") ?? false;
}

/** Whether `promise` settled within `ms`. */
async function within(ms: number, promise: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([promise.then(() => true as const), timedOut]);
  clearTimeout(timer);
  return done;
}

/**
 * A host in another process, driven over the JSON-lines protocol (conformance/PROTOCOL.md). The command runs through
 * `/bin/sh -c` in its own process group. Cases run one at a time (concurrent calls queue). Any failure kills the host
 * and leaves the adapter without a process; the next call starts a fresh one (hello and handshake again), so the
 * remaining cases still run. A host's answers are validated against harness/schemas/protocol.schema.json, never
 * trusted.
 */
export class ProcessAdapter implements HostAdapter {
  private host: HostProcess | null = null;
  private handshakeResult: Handshake | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private lastExitValue: HostExit | null = null;

  constructor(
    readonly command: string,
    private readonly options: ProcessAdapterOptions = {},
  ) {}

  /** The running host's pid (the shell's, or the host's when the shell execs it); undefined when none runs. */
  get pid(): number | undefined {
    return this.host?.pid;
  }

  /** How the last host process that ended ended (after a failure or close()). */
  get lastExit(): HostExit | null {
    return this.lastExitValue;
  }

  handshake(): Promise<Handshake> {
    return this.serial(async () => (await this.ensureHost()).handshake);
  }

  runCase(request: CaseRequest, timeoutMs: number): Promise<CaseResponse> {
    return this.serial(async () => {
      const { host } = await this.ensureHost();
      return await this.exchange(host, request, timeoutMs);
    });
  }

  close(): Promise<CloseProblem | void> {
    return this.serial(async (): Promise<CloseProblem | void> => {
      this.closed = true;
      const host = this.host;
      if (host === null) return;
      this.host = null;
      host.send({ type: "shutdown" });
      host.endInput();
      const waitMs = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
      const exited = await host.waitForExit(waitMs);
      const exit = host.exit;
      await host.kill(); // whatever it left running in its group, and a host that ignored shutdown
      this.lastExitValue = host.exit;
      if (!exited) return { code: "JP_HOST_SHUTDOWN", message: `the host did not exit within ${waitMs} ms of shutdown (it must exit with code 0); it was killed` };
      if (exit !== null && (exit.code !== 0 || exit.signal !== null)) {
        return { code: "JP_HOST_SHUTDOWN", message: `after shutdown the host ${describeExit(exit)}; it must exit with code 0` };
      }
    });
  }

  /** Not queued behind the case in flight, unlike close: killing the process group ends that case as a crash. */
  async abort(): Promise<void> {
    this.closed = true;
    const host = this.host;
    this.host = null;
    if (host !== null) await host.kill();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }

  private async ensureHost(): Promise<{ host: HostProcess; handshake: Handshake }> {
    if (this.closed) throw new Error(`the host adapter for \`${this.command}\` is closed`);
    if (this.host !== null && this.handshakeResult !== null) return { host: this.host, handshake: this.handshakeResult };
    const host = new HostProcess(this.command, this.options);
    this.host = host;
    try {
      this.handshakeResult = await this.startHandshake(host);
    } catch (error) {
      await this.discard(host);
      throw error;
    }
    return { host, handshake: this.handshakeResult };
  }

  private async startHandshake(host: HostProcess): Promise<Handshake> {
    const timeoutMs = this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    host.send(helloMessage());
    const next = await host.nextLine(timeoutMs);
    const fail = async (code: HostFailureCode, what: string) => {
      if (host.closed) await host.settle();
      else await host.kill(); // first, so the stderr tail is complete
      return this.failure(host, code, what);
    };
    switch (next.kind) {
      case "timeout":
        throw await fail("JP_HOST_HANDSHAKE", `no handshake from the host within ${timeoutMs} ms`);
      case "too_long":
        throw await fail("JP_HOST_HANDSHAKE", `the host's handshake is a line longer than ${MAX_LINE_CHARS} characters`);
      case "closed": {
        if (host.spawnError !== null) {
          const where = this.options.cwd === undefined ? "" : ` in ${this.options.cwd}`;
          throw await fail("JP_HOST_SPAWN", `could not start \`/bin/sh -c ${this.command}\`${where}: ${host.spawnError.message}`);
        }
        await host.settle(); // the exit status
        // The shell's own "not found" / "not executable" before the host said anything.
        if (host.exit?.code === 127 || host.exit?.code === 126) {
          throw await fail("JP_HOST_SPAWN", `could not start the host: /bin/sh ${describeExit(host.exit)} (${host.exit.code === 127 ? "command not found" : "not executable"})`);
        }
        throw await fail("JP_HOST_HANDSHAKE", `the host ${describeExit(host.exit)} before its handshake${unfinishedLine(host)}`);
      }
      case "line": {
        const parsed = parseLine(next.line);
        if (!parsed.ok) {
          if (parsed.notJson) throw await fail("JP_HOST_HANDSHAKE", `the host's handshake is not JSON (${parsed.problems[0]}): ${quoteLine(next.line)}`);
          const value = JSON.parse(next.line) as { type?: unknown; protocol?: unknown };
          if (value?.type === "handshake" && value.protocol !== PROTOCOL_VERSION) {
            throw await fail(
              "JP_HOST_HANDSHAKE",
              `the host speaks protocol ${JSON.stringify(value.protocol)}; this harness speaks protocol ${PROTOCOL_VERSION}: ${quoteLine(next.line)}`,
            );
          }
          throw await fail("JP_HOST_HANDSHAKE", `the host's handshake is not valid:\n${bullets(parsed.problems)}\n  line: ${quoteLine(next.line)}`);
        }
        if (parsed.message.type !== "handshake") {
          throw await fail("JP_HOST_HANDSHAKE", `the host answered hello with a "${parsed.message.type}" message instead of a handshake: ${quoteLine(next.line)}`);
        }
        return handshakeFromMessage(parsed.message);
      }
    }
  }

  private async exchange(host: HostProcess, request: CaseRequest, timeoutMs: number): Promise<CaseResponse> {
    const id = JSON.stringify(request.id);
    const fail = async (code: HostFailureCode, what: string) => {
      // A host that ended: wait for its exit status and last stderr; one still running is broken: kill it first.
      if (code === "JP_HOST_CRASH") await host.settle();
      else await host.kill();
      const failure = this.failure(host, code, what);
      await this.discard(host);
      return failure;
    };
    // What the host did since its last answer: a line nobody asked for, or an exit.
    const stray = host.pending.shift();
    if (stray) {
      const what = stray.kind === "line" ? quoteLine(stray.line) : "a line too long to keep";
      throw await fail("JP_HOST_MALFORMED", `the host wrote a line when no answer was due (before case ${id} was sent): ${what}`);
    }
    if (host.closed || host.exit !== null) {
      throw await fail("JP_HOST_CRASH", `the host ${describeExit(host.exit)} before case ${id} was sent`);
    }
    host.send(runMessage(request));
    const next = await host.nextLine(timeoutMs);
    switch (next.kind) {
      case "timeout":
        throw await fail("JP_HOST_TIMEOUT", `no answer to case ${id} within ${timeoutMs} ms; the host was killed`);
      case "closed":
        throw await fail("JP_HOST_CRASH", `the host ${describeExit(host.exit)} while running case ${id}${unfinishedLine(host)}`);
      case "too_long":
        throw await fail("JP_HOST_MALFORMED", `the host's answer to case ${id} is a line longer than ${MAX_LINE_CHARS} characters`);
      case "line": {
        const parsed = parseLine(next.line);
        if (!parsed.ok) {
          const what = parsed.notJson ? `is not JSON (${parsed.problems[0]})` : `is not a valid protocol message:\n${bullets(parsed.problems)}\n  line`;
          throw await fail("JP_HOST_MALFORMED", `the host's answer to case ${id} ${what}: ${quoteLine(next.line)}`);
        }
        const message = parsed.message;
        if (message.type !== "result" && message.type !== "load_error") {
          throw await fail("JP_HOST_MISSING_RESULT", `the host answered case ${id} with a "${message.type}" message; a "result" or "load_error" was due`);
        }
        if (message.id !== request.id) {
          // A second answer to the case before may be read here or before this case was sent, as the pipe delivers
          // it: either way it is the same breach, reported the same way.
          if (message.id === host.lastAnswered) {
            throw await fail("JP_HOST_MALFORMED", `the host wrote a line when no answer was due (a second answer to case ${JSON.stringify(message.id)}, read while case ${id} was running): ${quoteLine(next.line)}`);
          }
          throw await fail("JP_HOST_MISSING_RESULT", `the host answered case ${JSON.stringify(message.id)} while case ${id} was running`);
        }
        host.lastAnswered = message.id;
        return responseFromMessage(message);
      }
    }
  }

  /** A HostFailure whose message ends with the host's stderr tail. */
  private failure(host: HostProcess, code: HostFailureCode, what: string): HostFailure {
    const tail = host.stderrTail();
    const stderr = tail.length === 0 ? "(its stderr was empty)" : `last lines of its stderr:\n${tail.map((line) => `    | ${line}`).join("\n")}`;
    return new HostFailure(code, `${what}\n  ${stderr}`);
  }

  /** Drops a broken host: killed (with its group) and forgotten; the next call starts a fresh one. */
  private async discard(host: HostProcess): Promise<void> {
    await host.kill();
    this.lastExitValue = host.exit;
    if (this.host === host) {
      this.host = null;
      this.handshakeResult = null;
    }
  }
}

function bullets(problems: readonly string[]): string {
  return problems.map((problem) => `  - ${problem}`).join("\n");
}
