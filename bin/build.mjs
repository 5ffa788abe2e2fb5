#!/usr/bin/env node
// `npm run build`, and the typecheck of `npm test`: tsc compiles the program to build/ (incrementally, see
// tsconfig.build.json). When it succeeds, build/.built gets the time the build started: bin/compiled.mjs trusts the
// compiled copy of a source not edited since (a source edited during the build is newer, so it is not trusted).
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_STAMP } from "./compiled.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const started = new Date();
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);
const stamp = join(root, "build", BUILD_STAMP);
mkdirSync(dirname(stamp), { recursive: true });
closeSync(openSync(stamp, "w"));
utimesSync(stamp, started, started);
