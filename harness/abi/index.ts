export * from "./capabilities.ts";
export * from "./codec.ts";
export * from "./context.ts";
export * from "./exports.ts";
export * from "./imports.ts";
export * from "./memory.ts";
export * from "./status.ts";
export * from "./version.ts";
