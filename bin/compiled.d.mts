export const BUILD_STAMP: string;
export const SOURCE_DIRS: readonly string[];
export function sources(root: string, dirs?: readonly string[]): string[];
export function digestOf(path: string): string;
export function stampText(root?: string): string;
export function buildIsUpToDate(root?: string, dirs?: readonly string[]): boolean;
export function importHarness(path: string, dirs?: readonly string[]): Promise<Record<string, unknown>>;
