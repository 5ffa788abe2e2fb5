import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, type CliRun } from "../support/cli.ts";
import { UsageError } from "../../harness/cli/args.ts";
import { execCommand, networkingPeers } from "../../harness/cli/exec.ts";
import { GuestLinkError, GuestLoadError } from "../../harness/engine/errors.ts";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

// The CLI as users run it: a real process, `node bin/job-parity.mjs ...` from the project root. Each process costs
// a few tenths of a second of CPU here, so the real processes are limited to eight: the three exec runs, a native
// extension outside job-parity, --help, an unknown command, and one error of each class main() turns into exit 2 (UsageError: missing --job;
// GuestLoadError: malformed WAT). The remaining error messages are checked in-process on execCommand, asserting the
// error classes whose exit code and stderr routing the real processes cover.

type Run = CliRun;

const cli = (...args: string[]): Run => runCli(args, 30_000);

const dir = mkdtempSync(join(tmpdir(), "job-parity-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type TraceEntry = { kind: string } & Record<string, unknown>;
interface ExecJson {
  outcome: string;
  runs: number;
  exitCodes: number[];
  metrics: { items: string; bytes: string; warnings: number; nonCriticalErrors: number };
  savedState: string | null;
  trace: TraceEntry[];
  children: unknown[];
}

const COUNTER = "sdk-guest/counter.wasm";
const PAUSED_STATE = '{"current":12,"target":25}';
const PAUSED_SHA256 = createHash("sha256").update(PAUSED_STATE).digest("hex");

describe("job-parity exec on the Rust-built counter guest", () => {
  it("--pause-at-check 13 --resume --json: paused once, resumed from its checkpoint, completed", () => {
    const run = cli("exec", COUNTER, "--job", "counter", "--pause-at-check", "13", "--resume", "--json");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as ExecJson;
    expect(result.outcome).toBe("Completed");
    expect(result.runs).toBe(2);
    expect(result.exitCodes).toEqual([1, 0]);
    expect(result.metrics.items).toBe("25");
    expect(result.savedState).toBeNull();
    expect(result.children).toEqual([]);

    const trace = result.trace;
    const firstCheckpoint = trace.findIndex((e) => e.kind === "checkpoint" && e.sha256 === PAUSED_SHA256);
    expect(firstCheckpoint).toBeGreaterThan(0);
    // Two identical checkpoints (the job's, then the SDK macro's), then the Paused status. exec's trace window keeps
    // only the newest checkpoint's state (the second run checkpoints again): these two have their size and sha256.
    expect(trace.slice(firstCheckpoint, firstCheckpoint + 3)).toEqual([
      { kind: "checkpoint", job: "job:0", state: null, bytes: PAUSED_STATE.length, sha256: PAUSED_SHA256 },
      { kind: "checkpoint", job: "job:0", state: null, bytes: PAUSED_STATE.length, sha256: PAUSED_SHA256 },
      { kind: "status", job: "job:0", status: "Paused", end: { cause: "returned", code: 1 } },
    ]);
    expect(trace[firstCheckpoint - 1]).toEqual({ kind: "interrupt_check", job: "job:0", answer: 1 });
    const last = trace.filter((e) => e.kind === "progress").at(-1);
    expect(last).toEqual({ kind: "progress", job: "job:0", value: 1, message: "Counted 25/25" });
    expect(trace.at(-1)).toEqual({ kind: "status", job: "job:0", status: "Completed", end: { cause: "returned", code: 0 } });
    expect(trace.filter((e) => e.kind === "status").map((e) => e.status)).toEqual(["Queued", "Running", "Paused", "Running", "Completed"]);
  });

  it("without --resume: Paused after one run, with the checkpoint as its saved state", () => {
    const run = cli("exec", COUNTER, "--job", "counter", "--pause-at-check", "13", "--json");
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as ExecJson;
    expect(result.outcome).toBe("Paused");
    expect(result.runs).toBe(1);
    expect(result.exitCodes).toEqual([1]);
    expect(result.metrics.items).toBe("12");
    expect(result.savedState).toBe(PAUSED_STATE);
    expect(result.trace.at(-1)).toEqual({ kind: "status", job: "job:0", status: "Paused", end: { cause: "returned", code: 1 } });
  });

  it("human output: the trace, one event a line, and an outcome line", () => {
    const run = cli("exec", COUNTER, "--job", "counter", "--pause-at-check", "13", "--resume");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^extension\s+job_registered\s+counter -> execute_counter/));
    expect(lines).toContainEqual(expect.stringMatching(/^job:0\s+counter$/));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\s+#\\d+\\s+checkpoint\\s+26 bytes\\s+\\(not kept\\) sha256 ${PAUSED_SHA256}$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+#\d+\s+checkpoint\s+26 bytes\s+"\{\\"current\\":20,\\"target\\":25\}"$/)); // the newest keeps its state
    expect(lines).toContainEqual(expect.stringMatching(/^\s+#\d+\s+status\s+Paused \(returned 1\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+#\d+\s+progress\s+100\.0%\s+"Counted 25\/25"$/));
    const outcome = lines.find((line) => line.trim().startsWith("=>"));
    expect(outcome).toMatch(/=> Completed after 2 runs \(exit codes 1, 0\)/);
    expect(outcome).toContain("items 25");
  });
});

describe("job-parity exec on a native extension of the user's", () => {
  it("a .ts module in a folder with no package.json loads, and its console.log goes to stderr: --json stays one JSON document", () => {
    const file = join(dir, "noisy.native.ts");
    writeFileSync(
      file,
      `console.log("loading");
export default {
  init: (api: { registerJob(name: string, exportName: string): number }): number => { console.info("init"); return api.registerJob("noisy", "run_noisy"); },
  jobs: { run_noisy: (): number => { console.log("running"); console.debug("debugging"); return 0; } },
};
`,
    );
    const run = cli("exec", file, "--job", "noisy", "--json");
    expect(run.stderr.split("\n").filter(Boolean)).toEqual(["loading", "init", "running", "debugging"]);
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as ExecJson).outcome).toBe("Completed");
  });
});

describe("job-parity errors: exit 2 with a specific message on stderr", () => {
  it("exec without --job", () => {
    const run = cli("exec", COUNTER);
    expect(run.status).toBe(2);
    // The error's line ends with its code; the usage follows.
    expect(run.stderr.split("\n")[0]).toBe("job-parity exec: --job is required [JP_USAGE]");
    expect(run.stderr).toContain("usage: job-parity exec");
    expect(run.stdout).toBe("");
  });

  it("an example whose case expects an unknown job ends as the gate reports it (JP_UNKNOWN_JOB); a wrong --job is a usage error", () => {
    const example = cli("exec", "--example", "wasm-only/dispatch-wrong-signature");
    expect(example.status).toBe(2);
    expect(example.stderr.trim()).toMatch(/has no job "wrong_sig_export" \(it has: dup\) \[JP_UNKNOWN_JOB\]$/);
    const typo = cli("exec", COUNTER, "--job", "nope");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/has no job "nope" .*the guest exports: .* \[JP_USAGE\]/);
  });

  it("a marker of thousands of digits: the refusal shows its first ones and how long it is, on a line of its own length", () => {
    const run = cli("exec", "--example", "wasm-only/marker-long-minor");
    expect(run.status).toBe(2);
    const line = run.stderr.trim();
    expect(line).toMatch(/the guest asks for ABI 1\.10+… \(5002 characters\) \(export spacedrive_abi_version_1_10+… \(5025 characters\)\).* \[JP_ABI_VERSION\]$/);
    expect(line.length).toBeLessThan(600);
  });

  it("exec with an empty path for its guest: JP_USAGE saying so", () => {
    const run = cli("exec", "", "--job", "x");
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("job-parity exec: the guest file is an empty path (give a .wat, .wasm or extension module) [JP_USAGE]");
  });

  it("exec on a malformed WAT file: the message has file:line:col", () => {
    const file = join(dir, "broken.wat");
    writeFileSync(file, '(module\n  (memory (export "memory") 1)\n  (func (result i32)\n    (i32.cnst 1)))\n');
    const run = cli("exec", file, "--job", "x");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}:4:6`);
    expect(run.stderr).toContain("i32.cnst");
    expect(run.stderr).not.toContain("internal error");
  });

  it("an unknown command: exit 2, named, with the usage", () => {
    const run = cli("teleport");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "teleport" [JP_USAGE]');
    expect(run.stderr).toContain("commands:");
  });
  it("a --filter that is not a regular expression: exit 2 saying so, never a stack trace (run, parity and mutants select cases alike)", () => {
    const run = cli("parity", "--filter", "/(/");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--filter /(/: not a regular expression");
    expect(run.stderr).not.toContain("internal error");
  });
});

describe("exec errors, in-process (same classes as above: exit 2, message on stderr)", () => {
  it("a native extension module that is not one: each mistake a load error with its code, never a TypeError", async () => {
    const modules: [string, string, string][] = [
      ["init-throws.mjs", 'export default { init() { throw new Error("init boom"); }, jobs: { x: () => 0 } };', "JP_INIT_FAILED"],
      ["abi-number.mjs", "export default { abiVersion: 3, jobs: { x: () => 0 } };", "JP_NATIVE_MODULE"],
      ["job-number.mjs", "export default { jobs: { x: 5 } };", "JP_NATIVE_MODULE"],
      ["init-not-function.mjs", "export default { init: 1, jobs: { x: () => 0 } };", "JP_NATIVE_MODULE"],
    ];
    for (const [name, source, code] of modules) {
      const file = join(dir, name);
      writeFileSync(file, source);
      const error = await execCommand([file, "--job", "x"], () => {}).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(GuestLoadError);
      expect((error as GuestLoadError).code, name).toBe(code);
      expect((error as GuestLoadError).message, name).toContain(file); // the module, not the extension's id
    }
    // An async job returns a promise: its run fails saying so, not "returned [object Object]".
    const file = join(dir, "async-job.mjs");
    writeFileSync(file, "export default { jobs: { x: async () => 0 } };");
    const out: string[] = [];
    expect(await execCommand([file, "--job", "x"], (line) => out.push(line))).toBe(1);
    expect(out.join("\n")).toContain("it returned a promise (an async function: runs end synchronously)");
  });

  it("what a guest wrote reaches the terminal printable: controls, DEL and C1 as \\uXXXX, in the trace and in errors", async () => {
    const file = join(dir, "escapes.wat");
    writeFileSync(
      file,
      `(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "a\\1b]0;title\\07b")
  (data (i32.const 80) "run")
  (data (i32.const 100) "x\\7f\\c2\\9by")
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 12) (i32.const 80) (i32.const 3) (i32.const 1)))
  (func (export "run") (param i32 i32 i32 i32) (result i32)
    (call $log (i32.const 1) (i32.const 100) (i32.const 5))
    (i32.const 0)))
`,
    );
    const controls = /[\u0000-\u001F\u007F-\u009F]/;
    const out: string[] = [];
    expect(await execCommand([file, "--job", "a\u001b]0;title\u0007b"], (line) => out.push(line))).toBe(0);
    expect(out.filter((line) => controls.test(line))).toEqual([]);
    expect(out).toContainEqual(expect.stringMatching(/^job:0 {2}a\\u001b\]0;title\\u0007b$/));
    expect(out.join("\n")).toContain("x\\u007f\\u009by");
    const error = await execCommand([file, "--job", "teleport"], () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain("(it has: a\\u001b]0;title\\u0007b)");
  });

  it("a guest path that is no guest: said in words, with every kind of file accepted", async () => {
    const folder = join(dir, "folder.wat");
    mkdirSync(folder, { recursive: true });
    const text = join(dir, "notes.txt");
    writeFileSync(text, "hello");
    const cases: [string, RegExp][] = [
      [join(dir, "missing.wat"), /missing\.wat: no such file$/],
      [folder, /folder\.wat: is a folder: give a guest \(\.wat, \.wasm\) or a native extension module \(\.ts, \.mts, \.js, \.mjs\)$/],
      [text, /notes\.txt: not a kind of file job-parity runs: give a guest \(\.wat, \.wasm\) or a native extension module/],
    ];
    for (const [file, message] of cases) {
      const error = await execCommand([file, "--job", "x"], () => {}).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(GuestLoadError);
      expect((error as GuestLoadError).code, file).toBe("JP_GUEST_NOT_FOUND");
      expect((error as Error).message, file).toMatch(message);
    }
    const error = await execCommand([join(PROJECT_ROOT, COUNTER), "--job", "counter", "--state-file", dir], () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`exec: --state-file ${dir}: is a folder: give the file that holds the state`);
  });

  it("--example <case id> runs the case with its sidecar's scenario, a flag given replacing its part", async () => {
    const run = async (...args: string[]) => {
      const lines: string[] = [];
      expect(await execCommand(["--example", "lifecycle/counter", "--json", ...args], (line) => lines.push(line))).toBe(0);
      return JSON.parse(lines.join("\n")) as { runs: number; exitCodes: number[] };
    };
    // The sidecar pauses the counter at its 13th check and resumes it, as the gate runs the case.
    expect(await run()).toMatchObject({ runs: 2, exitCodes: [1, 0] });
    // A named example runs its own job unless --job names another.
    const lines: string[] = [];
    expect(await execCommand(["--example", "counter", "--json"], (line) => lines.push(line))).toBe(0);
    expect(JSON.parse(lines.join("\n"))).toMatchObject({ outcome: "Completed" });
    await expect(execCommand(["--example", "counter", "--job", "nope"], () => {})).rejects.toThrow(/nope/);
  });

  it("--networking: given, networking is on, with no peers however an empty list is written", () => {
    expect(networkingPeers(undefined)).toBeNull();
    expect(networkingPeers("")).toEqual([]);
    expect(networkingPeers(",,")).toEqual([]);
    expect(networkingPeers(" a , b,")).toEqual(["a", "b"]);
  });

  it("a job name the guest does not have: UsageError whose message lists the guest's exports", async () => {
    const output: string[] = [];
    let error: unknown = null;
    try {
      await execCommand([join(PROJECT_ROOT, COUNTER), "--job", "teleport"], (line) => output.push(line));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain('"teleport"');
    expect(message).toMatch(/exports: .*execute_counter/);
    expect(message).toContain("plugin_init");
    expect(output).toEqual([]);
  });

  it("a guest with an import type mismatch: GuestLinkError whose message names the import and both types", async () => {
    const file = join(dir, "mismatch.wat");
    writeFileSync(
      file,
      `(module
  (import "spacedrive" "job_increment_items" (func (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 1024)))
`,
    );
    let error: unknown = null;
    try {
      await execCommand([file, "--job", "x"], () => {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GuestLinkError);
    expect(error).toBeInstanceOf(GuestLoadError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain("spacedrive.job_increment_items");
    expect(message).toContain("(i32, i64) -> ()");
    expect(message).toContain("(i32, i32) -> ()");
  });
});

describe("job-parity --help", () => {
  it("exits 0 and prints the usage with every command", () => {
    const run = cli("--help");
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    for (const command of ["parity", "exec", "abi"]) expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, "m"));
  });
});

describe("job-parity-reference-host, started by a person", () => {
  const host = (...args: string[]) => spawnSync(process.execPath, ["bin/job-parity-reference-host.mjs", ...args], { cwd: PROJECT_ROOT, encoding: "utf8", input: "" });

  it("--help: what it is and how job-parity starts it, exit 0; an argument: exit 2 with JP_USAGE; none: it serves", () => {
    const help = host("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('npx job-parity run --host-cmd "npx job-parity-reference-host"');
    const wrong = host("--port", "80");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr.split("\n")[0]).toBe("job-parity-reference-host: takes no arguments (got --port 80) [JP_USAGE]");
    expect(host().status).toBe(0); // the end of its input ends it
  });
});
