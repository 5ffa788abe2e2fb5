// Given to node's --import by bench/rss.ts: as the process exits, its peak resident set size (the whole process, every
// thread) goes to stderr, for the benchmark to read.
import { isMainThread } from "node:worker_threads";

if (isMainThread) process.on("exit", () => process.stderr.write(`job-parity-bench: maxRSS ${process.resourceUsage().maxRSS} kB\n`));
