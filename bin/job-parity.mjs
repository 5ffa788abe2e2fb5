#!/usr/bin/env node
// The CLI. From a clone it runs the TypeScript through tsx, with no build step; after `npm run build` (or `npm test`)
// it runs the compiled copy while that is up to date (bin/compiled.mjs).
import { importHarness } from "./compiled.mjs";

await importHarness("harness/cli/main");
