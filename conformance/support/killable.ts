import { spawn, type ChildProcess } from "node:child_process";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

/** How a CLI process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A `job-parity` process that can be SIGKILLed at any moment: it leads its own process group (so a kill takes every
 * process it started), its stderr arrives line by line as it is written, and its stdout is collected (or, with
 * `stdout: "ignore"`, goes to /dev/null: a job's printed trace can be large). `env` is added to this process's
 * environment.
 */
export class KillableRun {
  readonly stderrLines: string[] = [];
  stdout = "";
  /** When the process was started (performance.now()). */
  readonly startedAt = performance.now();
  /** When the kill was sent (performance.now()), if it was. */
  killedAt: number | null = null;
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private partial = "";
  private alive = true;

  constructor(
    readonly args: readonly string[],
    onLine: (line: string, run: KillableRun) => void = () => {},
    stdout: "pipe" | "ignore" = "pipe",
    env: Readonly<Record<string, string>> = {},
  ) {
    this.child = spawn(process.execPath, ["bin/job-parity.mjs", ...args], { cwd: PROJECT_ROOT, detached: true, stdio: ["ignore", stdout, "pipe"], env: { ...process.env, ...env } });
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (this.partial + chunk).split("\n");
      this.partial = lines.pop()!;
      for (const line of lines) {
        this.stderrLines.push(line);
        onLine(line, this);
      }
    });
    // 'close' comes after both pipes are drained: every line the process wrote before it died has been seen.
    this.exited = new Promise((resolve, reject) => {
      this.child.on("error", reject);
      this.child.on("close", (code, signal) => {
        this.alive = false;
        if (this.partial !== "") this.stderrLines.push(this.partial);
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stderr(): string {
    return this.stderrLines.join("\n");
  }

  /** `signal` to the process alone, as a user's Ctrl-C or `kill` would send it; a no-op once the process has exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGKILL to the whole process group, at once; a no-op once the process has exited. */
  kill(): void {
    if (!this.alive) return;
    this.killedAt ??= performance.now();
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
}

/**
 * Every process a suite started, so none outlives it: `killAll` in a finally or afterAll (and when the thread exits).
 * After killAll the group starts nothing more: a test that timed out but is still looping cannot leave processes.
 */
export class ProcessGroup {
  private readonly runs = new Set<KillableRun>();
  private closed = false;

  constructor() {
    process.once("exit", () => this.killAll());
  }

  start(
    args: readonly string[],
    onLine?: (line: string, run: KillableRun) => void,
    stdout: "pipe" | "ignore" = "pipe",
    env: Readonly<Record<string, string>> = {},
  ): KillableRun {
    if (this.closed) throw new Error(`not starting job-parity ${args.join(" ")}: its process group was closed (the test ended)`);
    const run = new KillableRun(args, onLine, stdout, env);
    this.runs.add(run);
    void run.exited.then(
      () => this.runs.delete(run),
      () => this.runs.delete(run),
    );
    return run;
  }

  /** Starts a process and waits for it, killing it (and failing) past `timeoutMs`. */
  async run(args: readonly string[], timeoutMs: number, stdout: "pipe" | "ignore" = "pipe"): Promise<{ exit: Exit; run: KillableRun }> {
    const run = this.start(args, undefined, stdout);
    const timer = setTimeout(() => run.kill(), timeoutMs);
    try {
      const exit = await run.exited;
      if (run.killedAt !== null) throw new Error(`job-parity ${args.join(" ")} did not end within ${timeoutMs} ms; stderr:\n${run.stderr}`);
      return { exit, run };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills every process still running (SIGKILL to each process group) and starts no more. */
  killAll(): void {
    this.closed = true;
    for (const run of this.runs) run.kill();
  }
}
