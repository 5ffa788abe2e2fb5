import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIsUpToDate } from "../../bin/compiled.mjs";
import { PROTOCOL_VERSION } from "../../harness/adapters/protocol.ts";
import { defaultCorpusDir, defaultMutantCorpusDir, defaultReportDir } from "../../harness/cli/defaults.ts";
import { examplePath, shippedPath } from "../../harness/cli/examples.ts";
import { HOST_PROTOCOL, servedAbiVersions } from "../../harness/cli/version.ts";
import { PROJECT_ROOT } from "../../harness/engine/modules.ts";
import { consumerLock } from "../support/consumer.ts";
import { IN_CI } from "../support/not-run.ts";

// job-parity as a host's repository uses it: packed, installed into another project as a devDependency, and run
// with npx there. The install is offline (from the npm cache, through a lockfile made from this repository's) and
// leaves out optional dependencies: better-sqlite3, which only job databases need. Every command must run the compiled
// JavaScript the package ships.

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { name: string; version: string; [field: string]: unknown };
const dir = mkdtempSync(join(tmpdir(), "job-parity-package-"));
const consumer = join(dir, "consumer");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in the consumer project, without blocking this worker (the commands run side by side). */
function inConsumer(command: string, args: readonly string[]): Promise<Ran> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.JOB_PARITY_TYPESCRIPT; // which would run the TypeScript
    const child = spawn(command, args, { cwd: consumer, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}

function npm(args: readonly string[], cwd: string): string {
  const run = spawnSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", timeout: 120_000 });
  if (run.status !== 0) throw new Error(`npm ${args.join(" ")} (in ${cwd}) exited ${run.status}: ${run.stderr}${run.error ?? ""}`);
  return run.stdout;
}

/** Files of the installed package changed after `since`: what a command wrote into node_modules/job-parity. */
function writtenSince(root: string, since: number): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => statSync(path).mtimeMs > since)
    .map((path) => relative(root, path));
}

let installed = "";
let builtFresh = true;
let installedAt = 0;
const timings: Record<string, number> = {};

beforeAll(() => {
  // The package ships what build/ holds beside the sources: npm test builds them just before. A source edited since
  // (in a working tree someone is editing while the suite runs) ships newer than its build, so the package runs it
  // through tsx: in CI that is a failure, elsewhere the check that bin/ runs the compiled copy is left out, saying so.
  builtFresh = buildIsUpToDate(PROJECT_ROOT, ["harness", "wat-fixtures"]);
  if (!builtFresh) {
    const message = "sources under harness/ or wat-fixtures/ changed since the last build: `npm run compile`, then this test";
    if (IN_CI) throw new Error(message);
    console.warn(`package test: the check that the installed package runs its compiled copy is not made: ${message}`);
  }
  let start = performance.now();
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], PROJECT_ROOT)) as { filename: string }[];
  timings.pack = performance.now() - start;
  const tarball = join(dir, packed!.filename);
  mkdirSync(consumer);
  rmSync(join(consumer, packed!.filename), { force: true });
  writeFileSync(join(consumer, packed!.filename), readFileSync(tarball));
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, devDependencies: { [manifest.name]: `file:${packed!.filename}` } }, null, 2));
  const projectLock = JSON.parse(readFileSync(join(PROJECT_ROOT, "package-lock.json"), "utf8")) as Parameters<typeof consumerLock>[0];
  writeFileSync(join(consumer, "package-lock.json"), JSON.stringify(consumerLock(projectLock, manifest, tarball), null, 2));
  start = performance.now();
  // Dependencies' install scripts are not run: with optional dependencies left out, esbuild's (tsx's) would try to
  // fetch its platform binary, which nothing here needs (no command below runs TypeScript).
  npm(["ci", "--offline", "--omit=optional", "--ignore-scripts"], consumer);
  timings.install = performance.now() - start;
  installed = join(consumer, "node_modules", manifest.name);
  installedAt = Date.now();
}, 180_000);

describe("the packed package, installed in another project", () => {
  it("ships the compiled harness beside its TypeScript and data, not the tests or the tooling", async () => {
    expect(existsSync(join(installed, "build/harness/cli/main.js"))).toBe(true);
    expect(existsSync(join(installed, "build/.built"))).toBe(true);
    expect(existsSync(join(installed, "harness/schemas/fixture.schema.json"))).toBe(true);
    expect(existsSync(join(installed, "sdk-guest/counter.wasm"))).toBe(true);
    for (const absent of ["conformance/self", "bench", ".ci", "stryker.config.json", "build/.tsbuildinfo", "build/conformance/self"]) expect(existsSync(join(installed, absent)), absent).toBe(false);
    // The hosts written from the documents, which the README offers as starting points.
    for (const host of ["conformance/independent-host/host.mjs", "conformance/wasmtime-host/host.py"]) expect(existsSync(join(installed, host)), host).toBe(true);
    expect(existsSync(join(consumer, "node_modules/better-sqlite3"))).toBe(false);
    // bin/ runs the compiled copy, not the TypeScript through tsx, exactly when this says so (bin/compiled.mjs).
    const installedBin = (await import(pathToFileURL(join(installed, "bin/compiled.mjs")).href)) as typeof import("../../bin/compiled.mjs");
    if (builtFresh) expect(installedBin.buildIsUpToDate(installed)).toBe(true);
  });

  it("npx job-parity run and exec, and the installed bin's --version, usage and --db, run the compiled JavaScript and write only here", async () => {
    const start = performance.now();
    const [version, gate, exec, usage, durable, goldens, docs] = await Promise.all([
      inConsumer(join(consumer, "node_modules/.bin/job-parity"), ["--version"]),
      inConsumer("npx", ["job-parity", "run"]),
      inConsumer("npx", ["job-parity", "exec", "sdk-guest/counter.wasm", "--job", "counter", "--json"]),
      inConsumer(join(consumer, "node_modules/.bin/job-parity"), []),
      inConsumer(join(consumer, "node_modules/.bin/job-parity"), ["exec", "--example", "counter", "--job", "counter", "--db", "jobs.db"]),
      inConsumer(join(consumer, "node_modules/.bin/job-parity"), ["goldens"]),
      inConsumer(join(consumer, "node_modules/.bin/job-parity"), ["abi", "--write"]),
    ]);
    timings.commands = performance.now() - start;

    expect(version.stdout).toBe(`job-parity ${manifest.version}\nABI versions: 1.0, 1.1\nhost protocol: ${PROTOCOL_VERSION}\n`);
    expect(version.status).toBe(0);

    expect(gate.stderr).toBe("");
    expect(gate.stdout).toMatch(/verdict: pass \(exit 0\)/);
    expect(gate.status).toBe(0);
    expect(existsSync(join(consumer, "reports/gate.json"))).toBe(true);

    expect(exec.status, exec.stderr).toBe(0);
    expect((JSON.parse(exec.stdout) as { outcome: string }).outcome).toBe("Completed");

    expect(usage.status).toBe(2);
    expect(usage.stdout).toBe("");
    expect(usage.stderr).toContain("commands:");

    // better-sqlite3 was left out: a job database says how to install it, with the error's documented code.
    expect(durable.stderr).toContain("npm install better-sqlite3");
    expect(durable.stderr).toContain("[JP_STORE_DRIVER]");
    expect(durable.status).toBe(2);

    // The commands that rewrite job-parity's own files refuse in an installed copy.
    for (const refused of [goldens, docs]) {
      expect(refused.status, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/this one is installed \(.*node_modules\/job-parity\).*run it in a clone of the repository \[JP_USAGE\]/);
    }

    // Reports went here and the WAT cache to the user's cache folder (engine.test.ts): nothing into the package.
    expect(writtenSince(installed, installedAt)).toEqual([]);
    console.log(`package test: npm pack ${(timings.pack! / 1000).toFixed(1)} s, npm ci ${(timings.install! / 1000).toFixed(1)} s, commands ${(timings.commands / 1000).toFixed(1)} s`);
  }, 120_000);
});

describe("what the package answers, in process", () => {
  it("--version names the ABI versions served and the host protocol's version", () => {
    expect(servedAbiVersions()).toEqual(["1.0", "1.1"]);
    expect(HOST_PROTOCOL).toBe(PROTOCOL_VERSION);
  });

  it("commands write under the current directory: reports/, and outside job-parity's checkout job-parity-corpus/", () => {
    expect(defaultReportDir("/tmp/host")).toBe("/tmp/host/reports");
    expect(defaultCorpusDir("/tmp/host")).toBe("/tmp/host/job-parity-corpus");
    expect(defaultCorpusDir(PROJECT_ROOT)).toBe(join(PROJECT_ROOT, "wat-fixtures/regressions"));
    // What fuzzing finds against a mutant or a faulty boundary stays out of the corpus `run` sends to hosts.
    expect(defaultMutantCorpusDir("/tmp/host")).toBe("/tmp/host/reports/mutant-corpus");
    expect(defaultMutantCorpusDir(PROJECT_ROOT)).toBe(join(PROJECT_ROOT, "reports/mutant-corpus"));
  });

  it("example guests by name, and shipped guests, hosts and expectations by their relative path from any directory", () => {
    expect(examplePath("counter")).toBe(join(PROJECT_ROOT, "sdk-guest/counter.wasm"));
    expect(examplePath("lifecycle/counter")).toBe(join(PROJECT_ROOT, "wat-fixtures/lifecycle/counter.wat"));
    // A case whose sidecar names its guest elsewhere (a hostile guest) runs that guest.
    expect(examplePath("wasm-only/cleanup-after-retire")).toBe(join(PROJECT_ROOT, "conformance/hostile-guests/retired-then-live.wat"));
    expect(() => examplePath("nope")).toThrow(/no such example; give counter/);
    expect(shippedPath("sdk-guest/counter.wasm", dir)).toBe(join(PROJECT_ROOT, "sdk-guest/counter.wasm"));
    expect(shippedPath("./wat-fixtures/lifecycle/counter.wat", dir)).toBe(join(PROJECT_ROOT, "wat-fixtures/lifecycle/counter.wat"));
    expect(shippedPath("conformance/expectations/lossy-host.json", dir)).toBe(join(PROJECT_ROOT, "conformance/expectations/lossy-host.json"));
    expect(shippedPath("mine.wasm", dir)).toBe("mine.wasm");
    expect(shippedPath("sdk-guest/counter.wasm", PROJECT_ROOT)).toBe("sdk-guest/counter.wasm"); // there, it is that file
  });
});
