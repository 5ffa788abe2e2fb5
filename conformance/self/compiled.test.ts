import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { BUILD_STAMP, buildIsUpToDate, SOURCE_DIRS, stampText } from "../../bin/compiled.mjs";
import { COMPILED, PROJECT_ROOT, siblingModule, sourceDir } from "../../harness/engine/modules.ts";

const dir = mkdtempSync(join(tmpdir(), "job-parity-compiled-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(path: string, text = "", mtimeSeconds?: number): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  if (mtimeSeconds !== undefined) utimesSync(path, mtimeSeconds, mtimeSeconds);
  return path;
}

describe("bin/compiled.mjs: when bin/ runs the compiled copy", () => {
  const root = join(dir, "tree");
  const T0 = 1_800_000_000;
  file(join(root, "harness/a/one.ts"), "", T0);
  file(join(root, "harness/b/two.ts"), "", T0);
  file(join(root, "harness/b/two.test.ts"), "", T0 + 100); // tests are not part of the harness bin/ runs

  it("no build: the TypeScript", () => {
    expect(buildIsUpToDate(root)).toBe(false);
  });

  it("compiled files but no stamp (the build did not finish): the TypeScript", () => {
    file(join(root, "build/harness/a/one.js"), "", T0 + 1);
    file(join(root, "build/harness/b/two.js"), "", T0 - 50); // an incremental build left an unchanged file as it was
    expect(buildIsUpToDate(root)).toBe(false);
  });

  it("a compiled file for every source and a build started after every edit: the build", () => {
    file(join(root, "build", BUILD_STAMP), "", T0 + 1);
    expect(buildIsUpToDate(root)).toBe(true);
  });

  it("a source edited after the build started, even if unchanged: the TypeScript, until the next build", () => {
    utimesSync(join(root, "harness/b/two.ts"), T0 + 5, T0 + 5);
    expect(buildIsUpToDate(root)).toBe(false);
    utimesSync(join(root, "build", BUILD_STAMP), T0 + 6, T0 + 6);
    expect(buildIsUpToDate(root)).toBe(true);
  });

  it("a source added since the build: the TypeScript", () => {
    file(join(root, "harness/a/three.ts"), "", T0);
    expect(buildIsUpToDate(root)).toBe(false);
  });

});

describe("bin/compiled.mjs: by content, where file times cannot tell (an installed package, a checkout)", () => {
  const root = join(dir, "content");
  const T0 = 1_800_000_000;
  file(join(root, "harness/a/one.ts"), "export const one = 1;\n", T0);
  file(join(root, "wat-fixtures/x/twin.native.ts"), "export default {};\n", T0);
  file(join(root, "build/harness/a/one.js"), "", T0);
  file(join(root, "build/wat-fixtures/x/twin.native.js"), "", T0);
  file(join(root, "build", BUILD_STAMP), stampText(root), T0 - 100); // extracted before the sources, as npm may

  it("sources newer than the stamp with the content it lists: the build", () => {
    expect(buildIsUpToDate(root, SOURCE_DIRS)).toBe(true);
  });

  it("a source whose content differs from the stamp's, even at the same size: the TypeScript", () => {
    file(join(root, "wat-fixtures/x/twin.native.ts"), "export default {  };\n", T0 + 1);
    expect(buildIsUpToDate(root, SOURCE_DIRS)).toBe(false);
    expect(buildIsUpToDate(root, ["harness"])).toBe(true); // bin/ asks about harness/ only
  });

  it("an installed package (under node_modules/) trusts its own stamp for sources of the size listed, unread", () => {
    const installed = join(dir, "node_modules", "job-parity");
    file(join(installed, "harness/a/one.ts"), "export const one = 1;\n", T0);
    file(join(installed, "build/harness/a/one.js"), "", T0);
    file(join(installed, "build", BUILD_STAMP), stampText(installed), T0 - 100);
    file(join(installed, "harness/a/one.ts"), "export const one = 2;\n", T0); // what no install does: same size
    expect(buildIsUpToDate(installed)).toBe(true);
    file(join(installed, "harness/a/one.ts"), "export const one = 22;\n", T0);
    expect(buildIsUpToDate(installed)).toBe(false);
  });

  it("no TypeScript beside the compiled harness (the package ships none): the build", () => {
    rmSync(join(root, "harness"), { recursive: true });
    expect(buildIsUpToDate(root, ["harness"])).toBe(true);
  });
});

describe("bin/compiled.mjs: the folders the build compiles", () => {
  it("SOURCE_DIRS are tsconfig.json's folders of TypeScript (bin/ and configs aside)", () => {
    const config = ts.readConfigFile(join(PROJECT_ROOT, "tsconfig.json"), ts.sys.readFile).config as { include: string[] };
    expect([...SOURCE_DIRS].sort()).toEqual(config.include.filter((entry) => entry !== "bin" && !entry.includes(".")).sort());
  });
});

describe("harness/engine/modules.ts: paths in both forms", () => {
  it("from the TypeScript (as vitest runs it): the root above harness/, .ts siblings, a module's own directory", () => {
    expect(COMPILED).toBe(false);
    expect(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).toContain('"name": "job-parity"');
    expect(siblingModule(import.meta.url, "worker").pathname).toMatch(/\/conformance\/self\/worker\.ts$/);
    expect(sourceDir(pathToFileURL(join(PROJECT_ROOT, "harness/schemas/validate.ts")).href)).toBe(join(PROJECT_ROOT, "harness/schemas"));
  });

  it("from the compiled copy: the same root, .js siblings, and a compiled module's source directory", async () => {
    // The module as tsc emits it into build/, in a tree of its own (so this runs without a build of the checkout).
    const root = join(dir, "project");
    const source = readFileSync(join(PROJECT_ROOT, "harness/engine/modules.ts"), "utf8");
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const compiled = file(join(root, "build/harness/engine/modules.js"), outputText);
    const m = (await import(pathToFileURL(compiled).href)) as typeof import("../../harness/engine/modules.ts");
    expect(m.COMPILED).toBe(true);
    expect(m.PROJECT_ROOT).toBe(root);
    expect(m.BUILD_DIR).toBe(join(root, "build"));
    const compiledModule = pathToFileURL(join(root, "build/harness/durable/runner.js")).href;
    expect(m.siblingModule(compiledModule, "worker").pathname).toBe(join(root, "build/harness/durable/worker.js"));
    expect(m.sourceDir(pathToFileURL(join(root, "build/harness/schemas/validate.js")).href)).toBe(join(root, "harness/schemas"));
  });

  it("from the compiled copy: a TypeScript module of the project is imported from its compiled twin while that is fresh", async () => {
    const root = join(dir, "twins");
    const T0 = 1_800_000_000;
    const source = readFileSync(join(PROJECT_ROOT, "harness/engine/modules.ts"), "utf8");
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    file(join(root, "harness/engine/modules.ts"), source, T0);
    const compiled = file(join(root, "build/harness/engine/modules.js"), outputText, T0 + 1);
    file(join(root, "bin/compiled.mjs"), readFileSync(join(PROJECT_ROOT, "bin/compiled.mjs"), "utf8"));
    for (const folder of SOURCE_DIRS) mkdirSync(join(root, folder), { recursive: true });
    const extension = file(join(root, "wat-fixtures/ext.ts"), `export const form = "typescript";\n`, T0);
    file(join(root, "build/wat-fixtures/ext.js"), `export const form = "compiled";\n`, T0 + 1);
    file(join(root, "build", BUILD_STAMP), "", T0 + 1);
    const m = (await import(pathToFileURL(compiled).href)) as typeof import("../../harness/engine/modules.ts");
    expect(await m.compiledTwin(extension)).toBe(join(root, "build/wat-fixtures/ext.js"));
    expect(await m.importModule(extension)).toMatchObject({ form: "compiled" });
    expect(await m.compiledTwin(join(dir, "elsewhere.ts"))).toBeNull(); // not in the project
    file(join(root, "bench/other.ts"), "", T0 + 5); // a source it could import, edited after the build started
    expect(await m.compiledTwin(extension)).toBeNull();
  });
});
