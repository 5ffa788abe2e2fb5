import { availableParallelism } from "node:os";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { ProcessGroup } from "../support/killable.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

// `job-parity fuzz` as a user runs it, a real process: what Ctrl-C and an oversized --workers do.

const dir = mkdtempSync(join(tmpdir(), "job-parity-fuzz-cli-"));
const processes = new ProcessGroup();
afterAll(() => {
  processes.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("job-parity fuzz, stopped and sized by the user", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s: the session stops, prints its summary and exits %i, not 0 (it did not run its budget)", async (signal, code) => {
    let checking!: () => void;
    const firstProgress = new Promise<void>((resolve) => (checking = resolve));
    const run = processes.start(["fuzz", "--time", "60s", "--seed", "1", "--workers", "1", "--corpus", dir], (line) => {
      if (/\d+ runs?\b/.test(line)) checking(); // the first progress line: cases are being checked
    });
    try {
      await Promise.race([firstProgress, run.exited]); // a process that ends first fails below, with its output
      run.signal(signal);
      const exit = await run.exited;
      expect(exit.code, `${run.stdout}\n${run.stderr}`).toBe(code);
    } finally {
      run.kill();
    }
    expect(run.stdout).toMatch(/\d+ runs? in [\d.]+ s/);
    expect(run.stdout).toMatch(signal === "SIGINT" ? /interrupted \(Ctrl-C\)/ : /interrupted \(SIGTERM\)/);
  }, 60_000);

  it("a host that breaks on a case and then cannot be started again: exit 2 naming the case to replay, and no case saved for it", () => {
    const marker = join(dir, "lost-marker");
    const corpus = join(dir, "lost-corpus");
    const hosts = join(PROJECT_ROOT, "conformance/hosts");
    const command = `if [ -e ${marker} ]; then node ${hosts}/bad-handshake.mjs missing-field; else touch ${marker}; node ${hosts}/crash.mjs claims-all; fi`;
    const run = runCli(["fuzz", "--host-cmd", command, "--runs", "50", "--seed", "1", "--workers", "1", "--corpus", corpus], 60_000);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/could not be brought back after a case broke it \(npx job-parity fuzz --seed \d+ --path '0' --host-cmd .*\): JP_HOST_HANDSHAKE/);
    expect(existsSync(corpus)).toBe(false);
  });

  it("a session's counterexample leaves its guest's WAT to the saved case and the replay (hundreds of lines each)", () => {
    const corpus = join(dir, "wat-corpus");
    const run = runCli(["fuzz", "--mutant", "progress-f64", "--runs", "200", "--seed", "1", "--max-divergences", "1", "--corpus", corpus], 60_000);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain("program (WAT): printed by the replay command below (and in guest.wat, where the case is saved)");
    expect(run.stdout).not.toContain("(module");
    expect(run.stdout).toMatch(/^replay: npx job-parity fuzz --seed \d+ --path \S+ --mutant progress-f64/m);
  });

  it("a host's stderr quoted in a counterexample reaches the terminal with its escape sequences made visible", () => {
    const host = `node ${join(PROJECT_ROOT, "conformance/hosts/crash.mjs")} escapes`;
    const run = runCli(["fuzz", "--host-cmd", host, "--runs", "5", "--seed", "1", "--workers", "1", "--max-divergences", "1", "--corpus", join(dir, "escapes-corpus")], 60_000);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain("simulated crash in case fuzz/");
    expect(run.stdout).toContain("\\u001b]0;pwned\\u0007\\u001b[31m");
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
  });

  it("a host that cannot start: exit 2, the error's line ending with its code as run's does, the host's stderr quoted after", () => {
    const run = runCli(["fuzz", "--host-cmd", "./no-such-host", "--runs", "5", "--seed", "1", "--workers", "1", "--corpus", dir], 60_000);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^job-parity fuzz: the host under test \(host-cmd:\.\/no-such-host\) could not be started: [^\n]*\(command not found\) \[JP_HOST_SPAWN\]\n {2}last lines of its stderr:/m);
  });

  it("a --time that runs out before any case is checked is no pass: exit 1, saying so", () => {
    const run = runCli(["fuzz", "--time", "1ms", "--seed", "1", "--corpus", dir], 60_000);
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toContain("no case was checked: the budget ran out while the workers (and the host) started");
  });

  it("--workers beyond the machine's parallelism: a note, and the session runs on as many workers as there are", () => {
    const run = runCli(["fuzz", "--runs", "20", "--seed", "1", "--workers", "64", "--corpus", dir], 60_000);
    const cores = availableParallelism();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`--workers 64 is more than this machine runs at once (${cores}); using ${cores}`);
    expect(run.stdout).toContain(`${cores} worker`);
  });
});
