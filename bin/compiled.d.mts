export function buildIsUpToDate(root?: string): boolean;
export function importHarness(path: string): Promise<Record<string, unknown>>;
