/** Canonical text of a normalized value: keys sorted, so field order never counts as a difference. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      // Without a prototype, a member named __proto__ is a member like any other (on {} it would set the prototype).
      const sorted: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
      return sorted;
    }
    return item;
  });
}

export interface Divergence {
  /** Index of the first event that differs (or where one list ends). */
  readonly index: number;
  readonly left: unknown;
  readonly right: unknown;
  /** Up to `contextSize` equal events before the divergence. */
  readonly before: readonly unknown[];
}

/** The first differing event of two normalized traces, or null when they are identical. */
export function firstDivergence(left: readonly unknown[], right: readonly unknown[], contextSize = 3): Divergence | null {
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    if (i >= left.length || i >= right.length || canonicalJson(left[i]) !== canonicalJson(right[i])) {
      return { index: i, left: left[i], right: right[i], before: left.slice(Math.max(0, i - contextSize), i) };
    }
  }
  return null;
}

/** A readable account of a divergence, naming the two sides. */
export function formatDivergence(divergence: Divergence, leftName: string, rightName: string): string {
  const show = (value: unknown) => (value === undefined ? "(trace ended)" : canonicalJson(value));
  const lines = [`first divergence at event #${divergence.index}`];
  divergence.before.forEach((event, offset) => {
    lines.push(`    #${divergence.index - divergence.before.length + offset} ${canonicalJson(event)}`);
  });
  lines.push(`  ${leftName.padEnd(7)} #${divergence.index} ${show(divergence.left)}`);
  lines.push(`  ${rightName.padEnd(7)} #${divergence.index} ${show(divergence.right)}`);
  return lines.join("\n");
}
