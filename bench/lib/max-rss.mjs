// Given to node's --import by bench/rss.ts: as the process exits, its peak resident set size (the whole process, every
// thread) goes to stderr, for the benchmark to read.
//
// On Linux it is /proc/self/status's VmHWM, the high-water mark of this program's own memory. getrusage's maxRSS
// (process.resourceUsage().maxRSS) is no good there: exec carries the parent's resident size at fork into it, so a
// child of a 250 MB test worker reports 250 MB however little it uses.
import { readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

function peakKb() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm !== null) return Number(hwm[1]);
  } catch {
    // Not Linux: getrusage's figure, which elsewhere is this process's own.
  }
  return process.resourceUsage().maxRSS;
}

if (isMainThread) process.on("exit", () => process.stderr.write(`job-parity-bench: maxRSS ${peakKb()} kB\n`));
