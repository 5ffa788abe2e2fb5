#!/usr/bin/env node
// The CLI. From a clone it runs the TypeScript through tsx, with no build step; after `npm run compile` (or `npm test`),
// and always in the installed package, it runs the compiled copy while that is up to date (bin/compiled.mjs).
import { importHarness } from "./compiled.mjs";

await importHarness("harness/cli/main");
