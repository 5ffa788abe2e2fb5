import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";

/** A package-lock.json entry, as much of it as npm needs to install from its cache. */
interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** Where node finds `name` from the package at `from` (a lock path): its own node_modules, then each parent's. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, "")) {
    const candidate = `${dir === "" ? "" : `${dir}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === "") return null;
  }
}

/**
 * The package-lock.json of a project whose only dependency is job-parity's packed tarball (a devDependency, at
 * `tarball` beside it): job-parity's runtime dependencies as this repository's own lockfile pins them, with their
 * integrity, so that `npm ci --offline` installs them from the npm cache without asking the registry for anything
 * (a lockless install would need each package's metadata, which an offline cache may not hold).
 */
export function consumerLock(projectLock: Lockfile, manifest: { name: string; version: string; [field: string]: unknown }, tarball: string): object {
  const file = `file:${basename(tarball)}`;
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  const packages: Record<string, LockEntry> = {
    "": { name: "consumer", devDependencies: { [manifest.name]: file } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: file,
      integrity,
      dev: true,
      ...Object.fromEntries((["dependencies", "optionalDependencies", "bin", "engines"] as const).filter((k) => manifest[k] !== undefined).map((k) => [k, manifest[k]])),
    },
  };
  // Every package job-parity needs, at the place this repository's lockfile puts it.
  const queue: [from: string, name: string][] = [...Object.keys(manifest.dependencies as object), ...Object.keys((manifest.optionalDependencies as object | undefined) ?? {})].map((name) => ["", name]);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const path = resolveIn(projectLock.packages, next[0], next[1]);
    if (path === null || packages[path]) continue; // an optional dependency for another platform, or one already taken
    const entry = projectLock.packages[path]!;
    packages[path] = { ...entry, dev: true };
    for (const name of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})]) queue.push([path, name]);
  }
  return { name: "consumer", lockfileVersion: 3, requires: true, packages };
}
