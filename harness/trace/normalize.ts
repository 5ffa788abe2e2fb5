/**
 * A UUID as a host writes one (dispatch.context, result.ids, wire answers): lowercase and hyphenated. One in upper
 * case is not renamed, so it is compared as it is: a host that writes ids in upper case differs where a guest shows one.
 */
const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Hex digits long enough to hold a job id spelled as 32 of them: a guest's own spelling of its id's bytes, in either case. */
const HEX_RUN = /[0-9a-f]{32,}/gi;

/**
 * Replaces run-specific values so that two runs can be compared: job UUIDs become `job:0`, `job:1`, ... and other
 * UUIDs (libraries, entries) `id:0`, ... in order of appearance; a job id spelled as 32 hex digits is named too, at
 * any offset; bigints become decimal strings. Nothing else is scrubbed: every other field is compared as recorded.
 * One normalizer is used for all parts of one run, so a child id in the parent's trace and the child's own trace get
 * the same name. "Order of appearance" walks each object's fields in the order of their names, never in the order a
 * host wrote them (result.ids).
 */
export class Normalizer {
  private readonly names = new Map<string, string>();
  private jobs = 0;
  private others = 0;

  /** Job ids written as 32 hex digits (how a guest may print raw id bytes) -> the hyphenated id. */
  private readonly compact: Map<string, string>;

  private readonly jobIds: ReadonlySet<string>;

  /** `jobIds`: the result's job ids (lowercase, result.ids). */
  constructor(jobIds: ReadonlySet<string>) {
    this.jobIds = new Set([...jobIds].map((id) => id.toLowerCase()));
    this.compact = new Map([...this.jobIds].map((id) => [id.replace(/-/g, ""), id]));
  }

  name(uuid: string): string {
    const key = uuid.toLowerCase();
    let name = this.names.get(key);
    if (name === undefined) {
      name = this.jobIds.has(key) ? `job:${this.jobs++}` : `id:${this.others++}`;
      this.names.set(key, name);
    }
    return name;
  }

  normalize<T>(value: T): Normalized<T> {
    return this.walk(value) as Normalized<T>;
  }

  private text(value: string): string {
    // Most strings are short messages: skip the regexes when no id could fit.
    if (value.length < 32) return value;
    const named = value.length < 36 ? value : value.replace(UUID_IN_TEXT, (uuid) => this.name(uuid));
    return this.compact.size === 0 ? named : this.hexIds(named);
  }

  /** Names the job ids spelled as 32 hex digits, wherever they start (raw id bytes may sit at any offset of a state). */
  private hexIds(text: string): string {
    return text.replace(HEX_RUN, (run) => this.hexIdsInRun(run));
  }

  /** One run of hex digits, each 32-digit window looked up once: linear in the run, whatever the number of jobs. */
  private hexIdsInRun(run: string): string {
    const lower = run.toLowerCase();
    let out = "";
    let from = 0;
    for (let at = 0; at + 32 <= run.length; ) {
      const id = this.compact.get(lower.slice(at, at + 32));
      if (id === undefined) {
        at++;
        continue;
      }
      out += run.slice(from, at) + this.name(id);
      at += 32;
      from = at;
    }
    return from === 0 ? run : out + run.slice(from);
  }

  private walk(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value === "bigint") return value.toString();
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Uint8Array) return Array.from(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    // Fields are named in the order of their names, so that the order a host writes them in never shifts a name; the
    // copy keeps the host's order (goldens and reports show fields as written).
    const keys = Object.keys(value);
    const walked = new Map<string, unknown>();
    for (const key of [...keys].sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) walked.set(key, this.walk(item));
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) if (walked.has(key)) setField(out, key, walked.get(key));
    return out;
  }
}

/** out[key] = value for any key a host may write: assigning `__proto__` would set the prototype, not a field. */
function setField(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** The type of a value after normalization: bigints are strings. */
export type Normalized<T> = T extends bigint
  ? string
  : T extends Uint8Array
    ? number[]
    : T extends readonly (infer U)[]
      ? Normalized<U>[]
      : T extends object
        ? { [K in keyof T]: Normalized<T[K]> }
        : T;
