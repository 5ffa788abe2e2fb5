#!/usr/bin/env node
// `npm run compile`, and the typecheck of `npm test`: tsc compiles the program to build/ (incrementally, see
// tsconfig.build.json). When it succeeds, build/.built lists the sha256 of every source as it was when the build
// started, and gets that time as its own: bin/compiled.mjs trusts the compiled copy of a source not touched since, or
// whose content is the one listed (a source edited during the build is neither, so it is not trusted).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BUILD_STAMP, stampText } from "./compiled.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const started = new Date();
const stamp = join(root, "build", BUILD_STAMP);
const text = stampText(root);
// --build: when no input changed since the last build (by file times, then by content), tsc reads build/.tsbuildinfo
// and stops without parsing the program (half a second instead of about eight here); a build whose last run had
// errors is never up to date.
const result = spawnSync(process.execPath, [tsc, "--build", "tsconfig.build.json", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);
// The schema validators as ajv's standalone code, beside the compiled validate.js, which uses them while they match
// the schema files (a process then compiles no schema); rewritten only when they do not.
const { PRECOMPILED_FILE, precompiledSource, schemasDigest } = await import(pathToFileURL(join(root, "build/harness/schemas/validate.js")).href);
const validators = join(root, "build/harness/schemas", PRECOMPILED_FILE);
if (!existsSync(validators) || !readFileSync(validators, "utf8").includes(JSON.stringify(schemasDigest()))) writeFileSync(validators, precompiledSource());
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, text);
utimesSync(stamp, started, started);
