import { isAbsolute, relative, resolve } from "node:path";
import { importModule } from "../engine/modules.ts";
import { HostFailure, type HostAdapter } from "./types.ts";
import { shellQuote } from "../trace/shell.ts";

/**
 * A host under test as the command line names it: `--host-cmd`, `--host-module`, `--mutant`, or the reference host in
 * this process. `run` and `fuzz` both make their adapters here, so a host is reached the same way by both; a fuzzing
 * worker thread makes its own from the same description (it is plain data).
 */
export type HostTarget =
  | { readonly kind: "reference" }
  | { readonly kind: "cmd"; readonly command: string; readonly cwd: string }
  | { readonly kind: "module"; readonly path: string }
  | { readonly kind: "mutant"; readonly name: string };

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** The command-line option that names the target again (for replay commands): `--host-cmd '<cmd>'`, ... */
export function targetFlag(target: HostTarget): string {
  switch (target.kind) {
    case "reference":
      return "";
    case "cmd":
      return `--host-cmd ${shellQuote(target.command)}`;
    case "module":
      return `--host-module ${shellQuote(shown(target.path))}`;
    case "mutant":
      return `--mutant ${target.name}`;
  }
}

/** How a regression's `host` names the target it was found on: `host-cmd:<cmd>`, `host-module:<path>`, `mutant:<name>`. */
export function targetLabel(target: HostTarget): string {
  switch (target.kind) {
    case "reference":
      return "reference";
    case "cmd":
      return `host-cmd:${target.command}`;
    case "module":
      return `host-module:${shown(target.path)}`;
    case "mutant":
      return `mutant:${target.name}`;
  }
}

function isAdapter(value: unknown): value is HostAdapter {
  const adapter = value as Partial<HostAdapter> | null;
  return typeof adapter === "object" && adapter !== null && [adapter.handshake, adapter.runCase, adapter.close].every((f) => typeof f === "function");
}

/** A host module's adapter; any problem is a host that could not be started. */
export async function moduleAdapter(path: string): Promise<HostAdapter> {
  const where = shown(resolve(path));
  let module: { default?: unknown };
  try {
    module = (await importModule(resolve(path))) as { default?: unknown };
  } catch (error) {
    throw new HostFailure("JP_HOST_SPAWN", `cannot load the host module ${where}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof module.default !== "function") {
    throw new HostFailure("JP_HOST_SPAWN", `the host module ${where} must default-export a function () => HostAdapter | Promise<HostAdapter> (its default export is ${typeof module.default})`);
  }
  let adapter: unknown;
  try {
    adapter = await (module.default as () => unknown)();
  } catch (error) {
    throw new HostFailure("JP_HOST_SPAWN", `the host module ${where}'s factory threw: ${(error as Error).message}`, { cause: error });
  }
  if (!isAdapter(adapter)) throw new HostFailure("JP_HOST_SPAWN", `the host module ${where}'s factory did not return a HostAdapter (handshake, runCase, close)`);
  return adapter;
}

/** The adapter for a target; a host that cannot be made is a HostFailure (JP_HOST_SPAWN). */
export async function createHostAdapter(target: HostTarget): Promise<HostAdapter> {
  switch (target.kind) {
    case "cmd": {
      const { ProcessAdapter } = await import("./process-adapter.ts");
      return new ProcessAdapter(target.command, { cwd: target.cwd });
    }
    case "module":
      return await moduleAdapter(target.path);
    case "mutant": {
      const [{ MUTANTS }, { MutantAdapter }] = await Promise.all([import("./mutants.ts"), import("./mutant-adapter.ts")]);
      const mutant = MUTANTS.find((m) => m.name === target.name);
      if (!mutant) throw new HostFailure("JP_HOST_SPAWN", `there is no mutant named ${JSON.stringify(target.name)} (job-parity mutants --list lists them)`);
      return new MutantAdapter(mutant);
    }
    case "reference": {
      const { InProcessAdapter } = await import("./in-process.ts");
      return new InProcessAdapter();
    }
  }
}
