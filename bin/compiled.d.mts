export const BUILD_STAMP: string;
export const SOURCE_DIRS: readonly string[];
export function buildIsUpToDate(root?: string, dirs?: readonly string[]): boolean;
export function importHarness(path: string, dirs?: readonly string[]): Promise<Record<string, unknown>>;
