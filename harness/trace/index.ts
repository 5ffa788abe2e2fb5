export * from "./diff.ts";
export * from "./events.ts";
export * from "./normalize.ts";
export * from "./recorder.ts";
