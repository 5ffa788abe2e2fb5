import { createHash } from "node:crypto";
import { bytesToTraceText, saturatingAddU64, U64_HIGH_WORD, U64_LOW_WORD, u64FromWords, u64Words, U64Words } from "../abi/codec.ts";
import { asciiText, messageString, wordsCovering, type MessageText } from "../abi/memory.ts";
import { LOG_LEVELS, type LogLevel, type TraceEvent, type TraceEventKind } from "./events.ts";
import type { TraceSummary } from "./window.ts";

export { DEFAULT_TRACE_WINDOW, type TraceSummary } from "./window.ts";

/** Entry codes of the pending list: 0 is an event object; the others are compact entries of a hot kind. */
const OBJECT = 0;
const METRICS_BYTES = 1;
const METRICS_ITEMS = 2;
/** interrupt_check with answer 0, 1, 2: INTERRUPT_CHECK + answer. */
const INTERRUPT_CHECK = 3;
const PROGRESS = 6;
/** log at level debug, info, warn, error: LOG + the level's index in LOG_LEVELS. */
const LOG = 7;
/** progress and log (LOG_BYTES + level index) with a message kept as its ASCII bytes (a GuestRange's), decoded when read. */
const PROGRESS_BYTES = 11;
const LOG_BYTES = 12;

/** A level's index in LOG_LEVELS (comparisons: indexOf is a call into the runtime on the host-call path). */
const logLevelIndex = (level: LogLevel) => (level === "info" ? 1 : level === "warn" ? 2 : level === "error" ? 3 : 0);

/** The first capacity of pending storage; up to it, storage is kept (reused) after a read, larger is released. */
const INITIAL = 64;

/** A growable column: `array` copied into a new one of its type, twice as long and at least `length`. */
function grown<A extends Uint8Array | Uint32Array | Float64Array | BigUint64Array>(array: A, length: number): A {
  const next = new (array.constructor as new (length: number) => A)(Math.max(length, 2 * array.length));
  (next as Uint8Array).set(array as unknown as Uint8Array);
  return next;
}

/**
 * A windowed trace's checkpoint or load_state event with a state: it holds a copy of the state (decoded to text when
 * read) until `release`, after which only the state's size and sha256 remain and `state` reads null.
 */
interface HeldState {
  readonly event: TraceEvent;
  /** The event's index in the trace. */
  readonly index: number;
  readonly bytes: number;
  /** The state's sha256 (computed from the bytes while they are held). */
  sha256(): string;
  /** Whether the state's bytes are still held. */
  held(): boolean;
  /** Drops the state's bytes and text; with `hash`, computes the sha256 first (an event that can still be read). */
  release(hash: boolean): void;
}

/** A checkpoint event of an unwindowed trace: it keeps a copy of the state, decoded to text when first read. */
function checkpointEvent(job: string, state: Uint8Array): TraceEvent {
  let bytes: Uint8Array | null = state.slice();
  let text: string | null = null;
  return {
    kind: "checkpoint",
    job,
    get state(): string {
      if (text === null) {
        text = bytesToTraceText(bytes!);
        bytes = null;
      }
      return text;
    },
    bytes: state.byteLength,
  };
}

const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function heldState(kind: "checkpoint" | "load_state", job: string, state: Uint8Array, index: number): HeldState {
  let bytes: Uint8Array | null = state.slice(); // `state` may be a view of guest memory
  let text: string | null = null;
  let sha256: string | null = null;
  const hash = () => (sha256 ??= sha256Hex(bytes!));
  // Getters, as own enumerable properties: normalizing and JSON read them like any field.
  const event = {
    kind,
    job,
    get state(): string | null {
      if (bytes === null) return null;
      return (text ??= bytesToTraceText(bytes));
    },
    bytes: state.byteLength,
    get sha256(): string {
      return sha256 ?? (bytes === null ? "" : hash()); // "": released unhashed, which only an event no one reads is
    },
  } as TraceEvent;
  return {
    event,
    index,
    bytes: state.byteLength,
    sha256: hash,
    held: () => bytes !== null,
    release(withHash: boolean) {
      if (bytes === null) return;
      if (withHash) hash();
      bytes = null;
      text = null;
    },
  };
}

/** Capacity 0: nothing is allocated until a compact entry is recorded (an extension's recorder never needs any). */
const NO_CODES = new Uint8Array(0);
const NO_REPEATS = new Uint32Array(0);
const NO_U64S = new BigUint64Array(0);
const NO_WORDS = new Uint32Array(0);
const NO_VALUES = new Float64Array(0);

/**
 * An append-only event list. Recording is a push: no formatting or copying happens until normalization.
 *
 * The hot kinds (metrics, interrupt_check, progress, log: one per host call on a job's busiest paths) can be recorded
 * compactly with recordMetrics / recordInterruptCheck / recordProgress / recordLog: their fields go to growable typed
 * arrays (u64 values in a BigUint64Array, progress values in a Float64Array, messages by reference, the job id once)
 * and the ordered entry list is a Uint8Array of entry codes, so a long job keeps no million live event objects (each
 * with two bigints) for the garbage collector to promote and mark again and again.
 *
 * Repeats of the last compact entry are counted, not stored again: an interrupt check with the answer the previous
 * check had, and an increment by the delta the previous one had whose total is that one's plus the delta (u64,
 * saturating) add one to the previous entry's count. A loop that increments or checks on every step then keeps one
 * entry and a count; reading expands each entry into its events, the totals computed from the first one.
 *
 * `events` is the one ordinary TraceEvent[]: reading it materializes the pending entries, in order, as the same
 * objects `record` would have kept, appends them to the array and returns it. The array is the same one on every
 * read and is extended in place when more is recorded after a read (read `events` again to see it), so it can be
 * filtered, copied, indexed and assigned to like a plain array.
 */
export class TraceRecorder {
  /** Every event up to the last read (or every event, while nothing compact is pending). */
  private readonly materialized: TraceEvent[] = [];

  // The pending suffix, in recording order: codes[0..length) with the fields of each kind in its own columns.
  private codes = NO_CODES;
  /** For each entry but the last, how many more times its event repeats (see above); made when first needed. */
  private repeats = NO_REPEATS;
  private length = 0;
  /** Events pending: entries plus their repeats. */
  private pendingEvents = 0;
  // The last entry, in plain fields (the host call path reads no typed array): its code (-1: none) and repeats.
  private lastCode = -1;
  private lastRepeats = 0;
  /** The open run of metrics events (the last entry, while it is one): its delta and the total its next step has. */
  private runDeltaLow = 0;
  private runDeltaHigh = 0;
  private readonly runNext = new U64Words();
  private objects: TraceEvent[] = [];
  /** Each metrics entry's delta and total, at 2i and 2i+1; written as u32 words through `words`, read as u64s. */
  private u64s = NO_U64S;
  private words = NO_WORDS;
  private metricsCount = 0;
  private values = NO_VALUES;
  private progressCount = 0;
  /** The messages of progress and log entries kept as strings, in entry order. */
  private messages: string[] = [];
  /**
   * The messages kept as bytes, in entry order: copied as whole u32 words into keptWords (see copyWordsInto); message i
   * is the bytes [keptSpans[2i], keptSpans[2i+1]) of its buffer.
   */
  private keptWords = NO_WORDS;
  private keptWordsLength = 0;
  private keptSpans = NO_WORDS;
  private bytesCount = 0;
  /** The last progress message recorded compactly: a string, or (lastProgressKept >= 0) that kept message's index. */
  private lastProgress: string | null = null;
  private lastProgressKept = -1;
  /** The job every compact entry belongs to: the first job recorded compactly (a job's recorder has one). */
  private job: string | null = null;

  // The window (see setWindow): 0 keeps every event.
  private window = 0;
  /** Pending entries at which the recorder trims (Infinity: never). */
  private trimAt = Infinity;
  /** Materialized events at which record() trims, while no entry is pending (Infinity: never). */
  private trimEventsAt = Infinity;
  /** Events not kept (after the first `window`), and how many of each kind. */
  private dropped = 0;
  private droppedKinds: Partial<Record<TraceEventKind, number>> = {};
  /** Windowed: the newest checkpoint and load_state with a state, which alone hold their states' bytes. */
  private newestCheckpoint: HeldState | null = null;
  private newestLoad: HeldState | null = null;
  /** Windowed: the newest checkpoint, stateless or not (the summary's lastCheckpoint). */
  private lastCheckpoint: TraceSummary["lastCheckpoint"] = null;

  /**
   * Keeps the first `window` events and the last `window`, from now on (0, the default: every event). The events in
   * between are not kept, only counted per kind (see summary), whether they were recorded compactly or not: a long
   * job's trace holds at most 2 x `window` + max(`window`, 1,024) events and entries at any time (see retained), and
   * reading `events` gives exactly the first and the last `window`. A checkpoint or load_state event keeps its state
   * only while it is the newest of its kind and kept: older ones read `state` null, with the state's `bytes` and
   * `sha256`.
   */
  setWindow(window: number): void {
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`internal: a trace window is a whole number of events, not ${window}`);
    this.window = window;
    // A trim costs a pass over what it keeps (2 x window) and the entries pending: trimming every `window` entries or
    // more (and 1,024 at the least) spreads it thin.
    this.trimAt = window === 0 ? Infinity : Math.max(window, 1024);
    this.trimEventsAt = window === 0 ? Infinity : 2 * window + this.trimAt;
  }

  /** Every event recorded, in order, as plain event objects; with a window, the first and the last `window` of them. */
  get events(): TraceEvent[] {
    if (this.length !== 0 || (this.window !== 0 && this.materialized.length > 2 * this.window)) this.materialize();
    return this.materialized;
  }

  /** The number of events recorded (kept or not), without materializing them. */
  get size(): number {
    return this.materialized.length + this.dropped + this.pendingEvents;
  }

  /** What the window did not keep; null without a window. */
  summary(): TraceSummary | null {
    if (this.window === 0) return null;
    const kept = this.events.length;
    return { events: kept + this.dropped, window: this.window, kept, dropped: this.dropped, droppedKinds: { ...this.droppedKinds }, lastCheckpoint: this.lastCheckpoint };
  }

  /**
   * Events and compact entries the recorder holds now, kept or still to be trimmed: with a window, at most 2 x the
   * window plus max(window, 1,024), and one (see setWindow), however many were recorded.
   */
  get retained(): number {
    return this.materialized.length + this.length;
  }

  /** Bytes of state the trace's events hold (windowed: at most the newest checkpoint's and load_state's). */
  get heldStateBytes(): number {
    const held = (state: HeldState | null) => (state?.held() ? state.bytes : 0);
    return held(this.newestCheckpoint) + held(this.newestLoad);
  }

  record(event: TraceEvent): void {
    if (this.length === 0) {
      if (this.materialized.length >= this.trimEventsAt) this.materialize();
      this.materialized.push(event);
      return;
    }
    if (this.length >= this.trimAt) {
      this.materialize();
      this.materialized.push(event);
      return;
    }
    this.objects.push(event);
    this.push(OBJECT);
  }

  /**
   * `{ kind: "checkpoint", job, state, bytes }` for a checkpoint of `state` (null: a stateless one). The state's text
   * is made when something reads it (normalizing, printing), not on the job's path: decoding a large state to text
   * costs several times what copying its bytes does, and most checkpoints of a long job are never read one by one.
   * The copy is needed: `state` may be a view of guest memory. Windowed, the event also has the state's `sha256`,
   * and keeps the state only while it is the newest checkpoint (see setWindow).
   */
  recordCheckpoint(job: string, state: Uint8Array | null): void {
    if (this.window === 0) {
      this.record(state === null ? { kind: "checkpoint", job, state: null, bytes: 0 } : checkpointEvent(job, state));
      return;
    }
    const index = this.size;
    this.newestCheckpoint?.release(true);
    this.newestCheckpoint = null;
    if (state === null) {
      this.lastCheckpoint = { index, bytes: 0, sha256: null };
      this.record({ kind: "checkpoint", job, state: null, bytes: 0 });
      return;
    }
    const held = heldState("checkpoint", job, state, index);
    this.newestCheckpoint = held;
    this.lastCheckpoint = { index, bytes: held.bytes, get sha256() { return held.sha256(); } };
    this.record(held.event);
  }

  /** `{ kind: "load_state", job, state }` for a state loaded (null: none); windowed, as a checkpoint's (see recordCheckpoint). */
  recordLoadState(job: string, state: Uint8Array | null): void {
    if (this.window === 0 || state === null) {
      this.record({ kind: "load_state", job, state: state === null ? null : bytesToTraceText(state) });
      return;
    }
    this.newestLoad?.release(true);
    this.newestLoad = heldState("load_state", job, state, this.size);
    this.record(this.newestLoad.event);
  }

  /**
   * `{ kind: "metrics", job, field, delta, total }`, compactly, with no bigint made: the u64 delta and total come as
   * their u32 words (low, high), as the host keeps and adds them.
   */
  recordMetrics(job: string, field: "bytes" | "items", deltaLow: number, deltaHigh: number, totalLow: number, totalHigh: number): void {
    // The common case first, kept small so that V8 inlines it into the host call: one more step of the open run.
    const next = this.runNext;
    if (
      job === this.job &&
      this.lastCode === (field === "items" ? METRICS_ITEMS : METRICS_BYTES) &&
      deltaLow >>> 0 === this.runDeltaLow &&
      deltaHigh >>> 0 === this.runDeltaHigh &&
      next.equals(totalLow, totalHigh) &&
      this.repeat()
    ) {
      next.add(deltaLow, deltaHigh);
      return;
    }
    this.metricsEntry(job, field, deltaLow, deltaHigh, totalLow, totalHigh);
  }

  /** A metrics event that does not continue the open run: a new entry (or an object, for another job). */
  private metricsEntry(job: string, field: "bytes" | "items", deltaLow: number, deltaHigh: number, totalLow: number, totalHigh: number): void {
    if (job !== this.job && !this.claim(job)) {
      this.record({ kind: "metrics", job, field, delta: u64FromWords(deltaLow, deltaHigh), total: u64FromWords(totalLow, totalHigh) });
      return;
    }
    if (this.length >= this.trimAt) this.materialize();
    const code = field === "items" ? METRICS_ITEMS : METRICS_BYTES;
    const i = this.metricsCount;
    if (2 * i === this.u64s.length) this.growMetrics();
    const words = this.words;
    words[4 * i + U64_LOW_WORD] = deltaLow;
    words[4 * i + U64_HIGH_WORD] = deltaHigh;
    words[4 * i + 2 + U64_LOW_WORD] = totalLow;
    words[4 * i + 2 + U64_HIGH_WORD] = totalHigh;
    this.metricsCount = i + 1;
    this.push(code);
    this.runDeltaLow = deltaLow >>> 0;
    this.runDeltaHigh = deltaHigh >>> 0;
    this.runNext.set(totalLow, totalHigh);
    this.runNext.add(deltaLow, deltaHigh);
  }

  /**
   * `count` metrics events of one delta in a row, as `count` recordMetrics calls would record them: the first with
   * the total given, each next one's total the previous one's plus the delta (u64, saturating). Counted in closed
   * form on the open run; only a job recorded in another job's trace gets `count` event objects.
   */
  recordMetricsRun(job: string, field: "bytes" | "items", deltaLow: number, deltaHigh: number, totalLow: number, totalHigh: number, count: number): void {
    this.recordMetrics(job, field, deltaLow, deltaHigh, totalLow, totalHigh);
    const delta = u64FromWords(deltaLow, deltaHigh);
    let total = u64FromWords(totalLow, totalHigh); // the last event's
    let left = count - 1;
    if (job !== this.job || this.lastCode !== (field === "items" ? METRICS_ITEMS : METRICS_BYTES)) {
      for (; left > 0; left--) {
        total = saturatingAddU64(total, delta);
        this.recordMetrics(job, field, deltaLow, deltaHigh, ...u64Words(total));
      }
      return;
    }
    while (left > 0) {
      const counted = Math.min(left, 0xffff_ffff - this.lastRepeats);
      this.lastRepeats += counted;
      this.pendingEvents += counted;
      left -= counted;
      total = saturatingAddU64(total, BigInt(counted) * delta);
      if (left > 0) {
        // The entry's count is full: the next event starts an entry of its own.
        total = saturatingAddU64(total, delta);
        this.metricsEntry(job, field, deltaLow, deltaHigh, ...u64Words(total));
        left--;
      }
    }
    this.runNext.value = saturatingAddU64(total, delta);
  }

  /** `{ kind: "interrupt_check", job, answer }`, compactly. */
  recordInterruptCheck(job: string, answer: 0 | 1 | 2): void {
    if (job !== this.job && !this.claim(job)) {
      this.record({ kind: "interrupt_check", job, answer });
      return;
    }
    const code = INTERRUPT_CHECK + answer;
    if (this.lastCode === code && this.repeat()) return;
    if (this.length >= this.trimAt) this.materialize();
    this.push(code);
  }

  /** `{ kind: "progress", job, value, message }`, compactly (message bytes are copied, decoded when read). */
  recordProgress(job: string, value: number, message: MessageText): void {
    if (job !== this.job && !this.claim(job)) {
      this.record({ kind: "progress", job, value, message: messageString(message) });
      return;
    }
    if (this.length >= this.trimAt) this.materialize();
    const i = this.progressCount;
    if (i === this.values.length) this.values = grown(this.values, INITIAL);
    this.values[i] = value;
    this.progressCount = i + 1;
    if (this.keep(message)) {
      this.lastProgressKept = this.bytesCount - 1;
      this.push(PROGRESS_BYTES);
    } else {
      this.lastProgress = message as string;
      this.lastProgressKept = -1;
      this.push(PROGRESS);
    }
  }

  /** The message of the last progress recorded with recordProgress for the recorder's job; null if there is none. */
  lastProgressMessage(): string | null {
    return this.lastProgressKept >= 0 ? this.keptText(this.lastProgressKept) : this.lastProgress;
  }

  /** `{ kind: "log", job, level, message }`, compactly (message bytes are copied, decoded when read). */
  recordLog(job: string, level: LogLevel, message: MessageText): void {
    if (job !== this.job && !this.claim(job)) {
      this.record({ kind: "log", job, level, message: messageString(message) });
      return;
    }
    if (this.length >= this.trimAt) this.materialize();
    this.push((this.keep(message) ? LOG_BYTES : LOG) + logLevelIndex(level));
  }

  /** Keeps a message in entry order: a string as it is (false), a range's bytes copied after the previous ones (true). */
  private keep(message: MessageText): boolean {
    if (typeof message === "string") {
      this.messages.push(message);
      return false;
    }
    const i = this.bytesCount;
    const at = this.keptWordsLength;
    const words = wordsCovering(message.start, message.length);
    if (at + words > this.keptWords.length) this.keptWords = grown(this.keptWords, Math.max(at + words, INITIAL));
    if (2 * i === this.keptSpans.length) this.keptSpans = grown(this.keptSpans, 2 * INITIAL);
    const start = message.copyWordsInto(this.keptWords, at);
    this.keptSpans[2 * i] = start;
    this.keptSpans[2 * i + 1] = start + message.length;
    this.keptWordsLength = at + words;
    this.bytesCount = i + 1;
    return true;
  }

  /** The text of kept message `i`. */
  private keptText(i: number): string {
    const start = this.keptSpans[2 * i]!;
    return asciiText(new Uint8Array(this.keptWords.buffer, start, this.keptSpans[2 * i + 1]! - start));
  }

  /** Takes `job` as the compact entries' job if there is none yet; false: another job has it. */
  private claim(job: string): boolean {
    if (this.job !== null) return false;
    this.job = job;
    return true;
  }

  private push(code: number): void {
    if (this.lastRepeats !== 0) this.closeLast();
    const i = this.length;
    if (i === this.codes.length) this.codes = grown(this.codes, INITIAL);
    this.codes[i] = code;
    this.length = i + 1;
    this.lastCode = code;
    this.pendingEvents++;
  }

  /** Counts one more event like the last entry's; false when its count is full (the caller starts a new entry). */
  private repeat(): boolean {
    if (this.lastRepeats === 0xffff_ffff) return false;
    this.lastRepeats++;
    this.pendingEvents++;
    return true;
  }

  /** Stores the last entry's repeats with it (entries whose count was never stored have none). */
  private closeLast(): void {
    if (this.repeats.length < this.length) this.repeats = grown(this.repeats, this.codes.length);
    this.repeats[this.length - 1] = this.lastRepeats;
    this.lastRepeats = 0;
  }

  /** Counts `n` events of a kind as not kept. */
  private count(kind: TraceEventKind, n: number): void {
    this.dropped += n;
    this.droppedKinds[kind] = (this.droppedKinds[kind] ?? 0) + n;
  }

  /** An event object not kept: counted, and a state it holds released (the newest checkpoint's hash stays known). */
  private drop(event: TraceEvent): void {
    this.count(event.kind, 1);
    if (event === this.newestCheckpoint?.event) {
      this.newestCheckpoint.release(true);
      this.newestCheckpoint = null;
    } else if (event === this.newestLoad?.event) {
      this.newestLoad.release(false);
      this.newestLoad = null;
    }
  }

  private growMetrics(): void {
    this.u64s = grown(this.u64s, 2 * INITIAL);
    this.words = new Uint32Array(this.u64s.buffer);
  }

  /**
   * Appends the pending entries to `materialized` as event objects, in order, and empties the pending storage. With a
   * window, only the events that complete the first `window` and the last `window` are made (an entry's repeats are
   * counted, never expanded, when none of its events is kept), and the kept events older than the last `window` go:
   * every event not kept is counted by kind.
   */
  private materialize(): void {
    if (this.lastRepeats !== 0) this.closeLast();
    const out = this.materialized;
    const { codes, repeats, objects, u64s, values, messages, keptWords, keptSpans, length, window } = this;
    const job = this.job as string; // set whenever a compact entry is pending
    // Pending events [0, headEnd) complete the first `window`, [headEnd, tailStart) are not kept, the rest are.
    const pending = this.pendingEvents;
    const headEnd = window === 0 ? pending : Math.min(pending, Math.max(0, window - out.length));
    const tailStart = window === 0 ? pending : Math.max(headEnd, pending - window);
    let o = 0;
    let m = 0;
    let p = 0;
    let text = 0;
    let kept = 0;
    const keptMessage = () => {
      const message = this.keptText(kept);
      if (kept++ === this.lastProgressKept) this.lastProgress = message; // the kept bytes are released below
      return message;
    };
    const skipKeptMessage = () => {
      if (kept === this.lastProgressKept) this.lastProgress = this.keptText(kept);
      kept++;
    };
    let delta = -1n;
    let at = 0; // the index of entry i's first event among the pending events
    for (let i = 0; i < length; i++) {
      const code = codes[i]!;
      const n = 1 + (repeats[i] ?? 0);
      // The entry's events [0, lo) and [hi, n) are kept, [lo, hi) are not.
      const lo = Math.min(n, Math.max(0, headEnd - at));
      const hi = Math.max(lo, Math.min(n, tailStart - at));
      at += n;
      const keep = hi === lo; // a one-event entry: kept or not
      switch (code) {
        case OBJECT: {
          const event = objects[o++]!;
          if (keep) out.push(event);
          else this.drop(event);
          break;
        }
        case METRICS_BYTES:
        case METRICS_ITEMS: {
          // Events of one delta (job_increment_items(1)) share one bigint: fewer live objects, the same values.
          const d = u64s[2 * m]!;
          if (d !== delta) delta = d;
          const field = code === METRICS_ITEMS ? "items" : "bytes";
          const first = u64s[2 * m + 1]!;
          let total = first;
          for (let k = 0; k < lo; k++) {
            if (k !== 0) total = saturatingAddU64(total, delta);
            out.push({ kind: "metrics", job, field, delta, total });
          }
          if (hi > lo) this.count("metrics", hi - lo);
          if (hi < n) {
            total = hi === 0 ? first : saturatingAddU64(first, BigInt(hi) * delta);
            for (let k = hi; k < n; k++) {
              if (k !== hi) total = saturatingAddU64(total, delta);
              out.push({ kind: "metrics", job, field, delta, total });
            }
          }
          m++;
          break;
        }
        case PROGRESS:
          if (keep) out.push({ kind: "progress", job, value: values[p]!, message: messages[text]! });
          else this.count("progress", 1);
          p++;
          text++;
          break;
        case PROGRESS_BYTES:
          if (keep) out.push({ kind: "progress", job, value: values[p]!, message: keptMessage() });
          else {
            skipKeptMessage();
            this.count("progress", 1);
          }
          p++;
          break;
        case INTERRUPT_CHECK:
        case INTERRUPT_CHECK + 1:
        case INTERRUPT_CHECK + 2:
          for (let k = n - (hi - lo); k > 0; k--) out.push({ kind: "interrupt_check", job, answer: (code - INTERRUPT_CHECK) as 0 | 1 | 2 });
          if (hi > lo) this.count("interrupt_check", hi - lo);
          break;
        default:
          if (!keep) {
            if (code >= LOG_BYTES) skipKeptMessage();
            else text++;
            this.count("log", 1);
          } else if (code >= LOG_BYTES) out.push({ kind: "log", job, level: LOG_LEVELS[code - LOG_BYTES]!, message: keptMessage() });
          else out.push({ kind: "log", job, level: LOG_LEVELS[code - LOG]!, message: messages[text++]! });
      }
    }
    if (window !== 0 && out.length > 2 * window) {
      // The kept events older than the last `window` (all of them when pending events were not kept) go.
      const excess = out.length - 2 * window;
      for (let j = window; j < window + excess; j++) this.drop(out[j]!);
      out.splice(window, excess);
    }
    this.length = 0;
    this.pendingEvents = 0;
    this.lastCode = -1;
    this.metricsCount = 0;
    this.progressCount = 0;
    this.objects = [];
    this.messages = [];
    this.bytesCount = 0;
    this.keptWordsLength = 0;
    this.lastProgressKept = -1;
    if (keptWords.length > INITIAL) this.keptWords = NO_WORDS;
    if (keptSpans.length > 2 * INITIAL) this.keptSpans = NO_WORDS;
    if (codes.length > INITIAL) this.codes = NO_CODES;
    if (repeats.length > INITIAL) this.repeats = NO_REPEATS;
    else repeats.fill(0, 0, length);
    if (u64s.length > 2 * INITIAL) {
      this.u64s = NO_U64S;
      this.words = NO_WORDS;
    }
    if (values.length > INITIAL) this.values = NO_VALUES;
  }
}
