import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../harness/suite/fixtures.ts";

const HARNESS = join(PROJECT_ROOT, "harness");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

/** The harness folders each harness folder imports from (relative imports only). */
function folderImports(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of sources(HARNESS)) {
    const from = relative(HARNESS, file).split("/")[0]!;
    for (const match of readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"(\.[^"]+)"/gms)) {
      const target = relative(HARNESS, resolve(dirname(file), match[1]!)).split("/")[0]!;
      if (target !== from) {
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(target);
      }
    }
  }
  return edges;
}

// The data flow runs one way (engine -> jobs -> host -> trace -> report); arrows backwards are a wrong cut.
describe("architecture: dependency direction between harness folders", () => {
  const edges = folderImports();
  const importsOf = (folder: string) => [...(edges.get(folder) ?? [])].sort();

  it("sees the folders and their imports", () => {
    for (const folder of ["abi", "engine", "trace", "host", "jobs", "suite", "report", "cli"]) {
      expect(statSync(join(HARNESS, folder)).isDirectory(), folder).toBe(true);
    }
    expect(importsOf("jobs")).toContain("host"); // the scan finds imports at all
  });

  it("abi imports nothing else from the harness", () => {
    expect(importsOf("abi")).toEqual([]);
  });

  it("trace imports at most abi", () => {
    expect(importsOf("trace").filter((f) => f !== "abi")).toEqual([]);
  });

  it("host never imports jobs, suite, report, programs, adapters, durable or cli", () => {
    const forbidden = ["jobs", "suite", "report", "programs", "adapters", "durable", "cli"];
    expect(importsOf("host").filter((f) => forbidden.includes(f))).toEqual([]);
  });

  it("only cli starts durable runs", () => {
    const importers = [...edges.entries()].filter(([, targets]) => targets.has("durable")).map(([from]) => from);
    expect(importers).toEqual(["cli"]);
  });

  it("nothing imports cli", () => {
    const importers = [...edges.entries()].filter(([, targets]) => targets.has("cli")).map(([from]) => from);
    expect(importers).toEqual([]);
  });
});
