import { IMPORT_MODULE, IMPORTS, importSpec, type ImportName } from "../abi/imports.ts";
import { encodeUtf8, uuidToBytes } from "../abi/codec.ts";
import { encodeModule, printModule, type FunctionDef, type ImportDef, type Instr, type ModuleDef } from "../engine/wasm-module.ts";
import {
  ABI_1_1_MARKER,
  BAD_UTF8,
  exportName,
  FIXED_SIZE,
  FOREIGN_LIBRARY_ID,
  forgedIds,
  messageBytes,
  programAbi,
  progressValue,
  RAW_TEXT,
  type IdChoice,
  type JobProgram,
  type Op,
  type OpOf,
  type ProgramJob,
  type RawValue,
} from "./ir.ts";

// Memory layout of a rendered guest.
const ZERO_SLOT = 0; // 16 zero bytes nothing writes
const JOB_ID = 16; // the running job's id, parsed from the context
const LIBRARY_ID = 32; // the job's library id, parsed from the context
const FOREIGN_ID = 48; // FOREIGN_LIBRARY_ID
const METRICS = 64; // job_metrics's 24-byte answer (64..88; up to 96 is free)
const PREV_ID = 96; // the id JOB_ID held when this run started: the job whose run started last on this instance
const CHILD_ID = 112; // the id of the last child spawned on this instance
const SCRATCH = 256; // messages are composed here (up to 768 bytes)
const POOL = 1024; // string constants
/** The memory size from which a message op's `grow` reuses the last page and `exhaust` is let be (JobLowering). */
const GROWN_PAGES = 64;

// Locals of a job function: 0..3 are the export's parameters.
const CTX = 0;
const STATE = 2;
const STATE_LEN = 3;
const I = 4;
const RESULT = 5;
/** Where the heap was before a wire call: its answer is freed once read (freeAnswer). */
const ANSWER_HEAP = { name: "$answer_heap", mutable: true, init: 0 } as const;
const CURSOR = 6;

const FOREIGN_ID_BYTES = uuidToBytes(FOREIGN_LIBRARY_ID);

const ASCII = /^[\x00-\x7f]*$/;

/** String constants as data segments, each stored once. */
class StringPool {
  private readonly offsets = new Map<string, number>();
  /** The texts pooled so far: most recur (prefixes, a loop's messages), and are then neither encoded nor keyed again. */
  private readonly texts = new Map<string, { ptr: number; len: number }>();
  /** The pool's contents in order: bytes, or ASCII text standing for its own bytes (most texts, never encoded). */
  private readonly chunks: (Uint8Array | string)[] = [];
  private next = POOL;

  add(bytes: Uint8Array): { ptr: number; len: number } {
    return this.intern(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"), bytes);
  }

  text(text: string): { ptr: number; len: number } {
    let slot = this.texts.get(text);
    if (slot === undefined) {
      // ASCII text is its bytes' latin1 key already (TextEncoder costs about a microsecond a call).
      slot = ASCII.test(text) ? this.intern(text, text) : this.add(encodeUtf8(text));
      this.texts.set(text, slot);
    }
    return slot;
  }

  /** `key` is the bytes as latin1 text: equal keys, equal bytes. */
  private intern(key: string, chunk: Uint8Array | string): { ptr: number; len: number } {
    let ptr = this.offsets.get(key);
    if (ptr === undefined) {
      ptr = this.next;
      this.offsets.set(key, ptr);
      this.chunks.push(chunk);
      this.next += chunk.length;
    }
    return { ptr, len: chunk.length };
  }

  get end(): number {
    return this.next;
  }

  segment(): Uint8Array {
    const out = new Uint8Array(this.next - POOL);
    let at = 0;
    for (const chunk of this.chunks) {
      if (typeof chunk === "string") for (let i = 0; i < chunk.length; i++) out[at + i] = chunk.charCodeAt(i);
      else out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

// Instructions are immutable tuples, so the common ones are made once and shared: a program renders thousands.
const SMALL_CONSTS: Instr[] = [];
const GETS: Instr[] = [];
const SETS: Instr[] = [];
const CALLS = new Map<string, Instr>();

const imp = (name: string) => `$${name}`;
const c = (n: number): Instr => (n >= 0 && n < 4096 ? (SMALL_CONSTS[n] ??= ["i32.const", n]) : ["i32.const", n]);
const get = (n: number): Instr => (GETS[n] ??= ["local.get", n]);
const set = (n: number): Instr => (SETS[n] ??= ["local.set", n]);
function call(name: string): Instr {
  let instr = CALLS.get(name);
  if (instr === undefined) CALLS.set(name, (instr = ["call", name]));
  return instr;
}
const IMPORT_CALLS = new Map(IMPORTS.map((spec) => [spec.name, call(imp(spec.name))]));
const callImport = (name: ImportName): Instr => IMPORT_CALLS.get(name)!;
/** The size of memory in bytes, now. */
const MEMORY_END: Instr[] = [["memory.size"], c(16), ["i32.shl"]];

const ALL_IMPORTS: readonly ImportDef[] = IMPORTS.map((spec) => ({
  module: IMPORT_MODULE,
  field: spec.name,
  name: imp(spec.name),
  params: spec.params.map((p) => p.type),
  results: spec.results,
}));

/** An error answer's first 9 bytes, and its code's key with the comma before it (9 bytes too): wire.errors. */
const ERROR_KEY = encodeUtf8('{"error":');
const CODE_KEY = encodeUtf8(',"code":"');

/** Whether the 9 bytes at `address` (instructions leaving it) are `key`'s: one i64 compare and one byte compare. */
function bytesAt(address: readonly Instr[], key: Uint8Array): Instr[] {
  const first8 = new DataView(key.buffer, key.byteOffset, 8).getBigInt64(0, true);
  return [...address, ["i64.load", 0], ["i64.const", first8], ["i64.eq"], ...address, ["i32.load8_u", 8], c(key[8]!), ["i32.eq"], ["i32.and"]];
}

/** The runtime every rendered guest carries: allocator, id parsing, number and hex formatting, a key scanner. */
const RUNTIME: readonly FunctionDef[] = runtime();

function runtime(): FunctionDef[] {
  const hexPairs = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
  const memBytes: Instr[] = [["memory.size"], c(16), ["i32.shl"]];
  return [
    {
      name: "$wasm_alloc",
      export: "wasm_alloc",
      params: ["i32"],
      results: ["i32"],
      locals: ["i32", "i32"],
      // A bump allocator, 8-byte aligned, growing memory as needed; 0 when memory cannot grow.
      body: [
        ["global.get", "$heap"], c(7), ["i32.add"], c(-8), ["i32.and"], set(1),
        get(1), get(0), ["i32.add"], set(2),
        get(2), ...memBytes, ["i32.gt_u"],
        ["if"],
        get(2), ...memBytes, ["i32.sub"], c(65535), ["i32.add"], c(16), ["i32.shr_u"], ["memory.grow"], c(-1), ["i32.eq"],
        ["if"], c(0), ["return"], ["end"],
        ["end"],
        get(2), ["global.set", "$heap"],
        get(1),
      ],
    },
    { name: "$wasm_free", export: "wasm_free", params: ["i32", "i32"], results: [], locals: [], body: [] },
    {
      name: "$hex_value",
      params: ["i32"],
      results: ["i32"],
      locals: [],
      body: [get(0), c(57), ["i32.le_u"], ["if"], get(0), c(48), ["i32.sub"], ["return"], ["end"], get(0), c(32), ["i32.or"], c(87), ["i32.sub"]],
    },
    {
      name: "$parse_uuid", // (text, dst): 36 hyphenated hex characters -> 16 bytes
      params: ["i32", "i32"],
      results: [],
      locals: [],
      body: hexPairs.flatMap((at, k): Instr[] => [
        get(1),
        get(0), ["i32.load8_u", at], call("$hex_value"), c(4), ["i32.shl"],
        get(0), ["i32.load8_u", at + 1], call("$hex_value"), ["i32.or"],
        ["i32.store8", k],
      ]),
    },
    {
      name: "$write_u32", // (dst, n) -> digits written
      params: ["i32", "i32"],
      results: ["i32"],
      locals: ["i32", "i32"],
      body: [
        get(1), set(3),
        ["loop"], get(2), c(1), ["i32.add"], set(2), get(3), c(10), ["i32.div_u"], ["local.tee", 3], ["br_if", 0], ["end"],
        get(2), set(3),
        ["loop"],
        get(3), c(1), ["i32.sub"], set(3),
        get(0), get(3), ["i32.add"], get(1), c(10), ["i32.rem_u"], c(48), ["i32.add"], ["i32.store8", 0],
        get(1), c(10), ["i32.div_u"], set(1),
        get(3), ["br_if", 0],
        ["end"],
        get(2),
      ],
    },
    {
      name: "$hex_digit",
      params: ["i32"],
      results: ["i32"],
      locals: [],
      body: [get(0), c(10), ["i32.lt_u"], ["if"], get(0), c(48), ["i32.add"], ["return"], ["end"], get(0), c(87), ["i32.add"]],
    },
    {
      name: "$hex16", // (dst, src): 16 bytes -> 32 lowercase hex digits
      params: ["i32", "i32"],
      results: [],
      locals: ["i32", "i32"],
      body: [
        ["loop"],
        get(1), get(2), ["i32.add"], ["i32.load8_u", 0], set(3),
        get(0), get(2), c(1), ["i32.shl"], ["i32.add"], get(3), c(4), ["i32.shr_u"], call("$hex_digit"), ["i32.store8", 0],
        get(0), get(2), c(1), ["i32.shl"], ["i32.add"], get(3), c(15), ["i32.and"], call("$hex_digit"), ["i32.store8", 1],
        get(2), c(1), ["i32.add"], ["local.tee", 2], c(16), ["i32.lt_u"], ["br_if", 0],
        ["end"],
      ],
    },
    {
      name: "$u32_after", // (text, len, key, key_len) -> the u32 after the first occurrence of key (wrapping), 0 if absent
      params: ["i32", "i32", "i32", "i32"],
      results: ["i32"],
      locals: ["i32", "i32", "i32", "i32"],
      body: [
        ["block"],
        ["loop"],
        get(4), get(3), ["i32.add"], get(1), ["i32.gt_u"], ["br_if", 1],
        c(0), set(5),
        ["block"],
        ["loop"],
        get(0), get(4), ["i32.add"], get(5), ["i32.add"], ["i32.load8_u", 0],
        get(2), get(5), ["i32.add"], ["i32.load8_u", 0],
        ["i32.ne"], ["br_if", 1],
        get(5), c(1), ["i32.add"], ["local.tee", 5], get(3), ["i32.lt_u"], ["br_if", 0],
        ["end"],
        get(4), get(3), ["i32.add"], set(4),
        ["block"],
        ["loop"],
        get(4), get(1), ["i32.ge_u"], ["br_if", 1],
        get(0), get(4), ["i32.add"], ["i32.load8_u", 0], c(48), ["i32.sub"], ["local.tee", 7], c(9), ["i32.gt_u"], ["br_if", 1],
        get(6), c(10), ["i32.mul"], get(7), ["i32.add"], set(6),
        get(4), c(1), ["i32.add"], set(4),
        ["br", 0],
        ["end"],
        ["end"],
        get(6), ["return"],
        ["end"],
        get(4), c(1), ["i32.add"], set(4),
        ["br", 0],
        ["end"],
        ["end"],
        c(0),
      ],
    },
    {
      name: "$write_u64", // (dst, n: u64) -> digits written, in decimal
      params: ["i32", "i64"],
      results: ["i32"],
      locals: ["i32", "i64", "i32"],
      body: [
        get(1), set(3),
        ["loop"], get(2), c(1), ["i32.add"], set(2), get(3), ["i64.const", 10n], ["i64.div_u"], ["local.tee", 3], ["i64.eqz"], ["i32.eqz"], ["br_if", 0], ["end"],
        get(2), set(4),
        ["loop"],
        get(4), c(1), ["i32.sub"], set(4),
        get(0), get(4), ["i32.add"], get(1), ["i64.const", 10n], ["i64.rem_u"], ["i32.wrap_i64"], c(48), ["i32.add"], ["i32.store8", 0],
        get(1), ["i64.const", 10n], ["i64.div_u"], set(1),
        get(4), ["br_if", 0],
        ["end"],
        get(2),
      ],
    },
    {
      name: "$log_bytes", // (prefix, prefix_len, data, data_len): job_log(info, prefix ++ data) through a fresh allocation
      params: ["i32", "i32", "i32", "i32"],
      results: [],
      locals: ["i32"],
      body: [
        get(1), get(3), ["i32.add"], call("$wasm_alloc"), set(4),
        get(4), get(0), get(1), ["memory.copy"],
        get(4), get(1), ["i32.add"], get(2), get(3), ["memory.copy"],
        c(JOB_ID), c(1), get(4), get(1), get(3), ["i32.add"], callImport("job_log"),
      ],
    },
    {
      // (prefix, prefix_len, data, data_len), as $log_bytes, for a wire call's answer: the words of an error answer are
      // the host's (wire.errors), so {"error":"<words>","code":"<code>"} is logged as {"code":"<code>"}. The key is
      // found from the end: inside the words a quote is escaped, so ,"code":" is the key.
      name: "$log_answer",
      params: ["i32", "i32", "i32", "i32"],
      results: [],
      locals: ["i32"], // 4: where ,"code":" may start
      body: [
        get(3), c(ERROR_KEY.length), ["i32.ge_u"], ["if"],
        ...bytesAt([get(2)], ERROR_KEY), ["if"],
        get(3), c(CODE_KEY.length), ["i32.sub"], set(4),
        ["block"],
        ["loop"],
        ...bytesAt([get(2), get(4), ["i32.add"]], CODE_KEY), ["if"],
        get(2), get(4), ["i32.add"], c(0x7b), ["i32.store8", 0], // the comma becomes the object's {
        get(0), get(1), get(2), get(4), ["i32.add"], get(3), get(4), ["i32.sub"], call("$log_bytes"), ["return"],
        ["end"],
        get(4), ["i32.eqz"], ["br_if", 1],
        get(4), c(1), ["i32.sub"], set(4),
        ["br", 0],
        ["end"],
        ["end"],
        ["end"],
        ["end"],
        get(0), get(1), get(2), get(3), call("$log_bytes"),
      ],
    },
  ];
}

/** Lowers a job's ops; `pool` collects the strings. */
class JobLowering {
  readonly out: Instr[] = [];

  constructor(
    private readonly pool: StringPool,
    private readonly job: ProgramJob,
    /** The id slots the program reads (forgedIds): only these are kept, so other programs render as before. */
    private readonly slots: ReadonlySet<IdChoice> = new Set(),
  ) {}

  /** Where the id a call passes lives (ir.ts, IdChoice). */
  private idOf(op: { readonly id?: IdChoice }): number {
    switch (op.id) {
      case undefined:
        return JOB_ID;
      case "child":
        return CHILD_ID;
      case "prev":
        return PREV_ID;
      case "zero":
        return ZERO_SLOT;
      case "foreign":
        return FOREIGN_ID;
    }
  }

  private emit(...instrs: Instr[]): void {
    this.out.push(...instrs);
  }

  private str(text: string | Uint8Array): Instr[] {
    const { ptr, len } = typeof text === "string" ? this.pool.text(text) : this.pool.add(text);
    return [c(ptr), c(len)];
  }

  private logText(level: number, text: string): void {
    this.emit(c(JOB_ID), c(level), ...this.str(text), callImport("job_log"));
  }

  /** Copies a constant to the cursor and advances it. */
  private append(text: string): void {
    const [ptr, len] = this.str(text);
    this.emit(get(CURSOR), ptr!, len!, ["memory.copy"], get(CURSOR), len!, ["i32.add"], set(CURSOR));
  }

  private appendNumber(value: Instr[], writer = "$write_u32"): void {
    this.emit(get(CURSOR), get(CURSOR), ...value, call(writer), ["i32.add"], set(CURSOR));
  }

  /** job_log(level, "<prefix><RESULT>"). */
  private logStatus(level: number, prefix: string): void {
    this.cursorStart();
    this.append(prefix);
    this.appendNumber([get(RESULT)]);
    this.emit(c(JOB_ID), c(level), ...this.cursorMessage(), callImport("job_log"));
  }

  /**
   * The running job's id and library id, parsed from the context text the host wrote for this run. Also after a
   * job_wait_for_children: the children ran on this instance (re-entrantly) and each parsed its own id into JOB_ID,
   * while this run's context text, in memory no one frees, still names this run's job.
   */
  private readContext(): void {
    this.emit(get(CTX), c(11), ["i32.add"], c(JOB_ID), call("$parse_uuid"));
    this.emit(get(CTX), c(63), ["i32.add"], c(LIBRARY_ID), call("$parse_uuid"));
  }

  private cursorStart(): void {
    this.emit(c(SCRATCH), set(CURSOR));
  }

  private cursorMessage(): Instr[] {
    return [c(SCRATCH), get(CURSOR), c(SCRATCH), ["i32.sub"]];
  }

  /** checkpoint "i=<i>" for the job at `id`; a non-zero status is logged as a warning. */
  private checkpoint(id = JOB_ID): void {
    this.cursorStart();
    this.append("i=");
    this.appendNumber([get(I)]);
    this.emit(c(id), ...this.cursorMessage(), callImport("job_checkpoint"), ["local.tee", RESULT], ["if"]);
    this.cursorStart();
    this.append("checkpoint status=");
    this.appendNumber([get(RESULT)]);
    this.emit(c(JOB_ID), c(2), ...this.cursorMessage(), callImport("job_log"), ["end"]);
  }

  /**
   * Logs "<prefix>none" for a 0 answer, else prefix ++ the length-prefixed bytes the host wrote, through `logger`
   * ($log_bytes, or $log_answer for a wire call's answer).
   */
  private echo(prefix: string, logger: "$log_bytes" | "$log_answer" = "$log_bytes"): void {
    this.emit(["local.tee", RESULT], ["i32.eqz"], ["if"]);
    this.logText(1, `${prefix}none`);
    this.emit(["else"], ...this.str(prefix), get(RESULT), c(4), ["i32.add"], get(RESULT), ["i32.load", 0], call(logger), ["end"]);
  }

  op(op: Op, inLoop: boolean): void {
    switch (op.op) {
      case "progress":
        this.emit(c(this.idOf(op)), ["f32.const", progressValue(op.value)], ...this.message(op), callImport("job_report_progress"));
        return;
      case "progress_step":
        this.cursorStart();
        this.append(`${op.message} `);
        this.appendNumber([get(I), c(1), ["i32.add"]]);
        this.append(`/${this.job.steps}`);
        this.emit(c(this.idOf(op)), get(I), c(1), ["i32.add"], ["f32.convert_i32_u"], c(this.job.steps), ["f32.convert_i32_u"], ["f32.div"]);
        this.emit(...this.cursorMessage(), callImport("job_report_progress"));
        return;
      case "check":
        this.emit(c(this.idOf(op)), callImport("job_check_interrupt"));
        if (op.onInterrupt === "continue") {
          this.emit(["drop"]);
          return;
        }
        this.emit(["if"]);
        if (op.onInterrupt === "checkpoint_return") this.checkpoint();
        this.emit(c(1), ["return"], ["end"]);
        return;
      case "checkpoint":
        if (inLoop && op.every > 1) this.emit(get(I), c(1), ["i32.add"], c(op.every), ["i32.rem_u"], ["i32.eqz"], ["if"]);
        this.checkpoint(this.idOf(op));
        if (inLoop && op.every > 1) this.emit(["end"]);
        return;
      case "load_state":
        this.exhaust(op);
        this.emit(c(this.idOf(op)), callImport("job_load_state"));
        this.echo("state=");
        return;
      case "warning":
      case "error":
        this.emit(c(this.idOf(op)), ...this.message(op), callImport(op.op === "warning" ? "job_add_warning" : "job_add_non_critical_error"));
        return;
      case "log":
        if (op.channel === "job") this.emit(c(this.idOf(op)), c(op.level), ...this.message(op), callImport("job_log"));
        else this.emit(c(op.level), ...this.message(op), callImport("spacedrive_log"));
        return;
      case "bytes":
      case "items":
        this.emit(c(this.idOf(op)), ["i64.const", BigInt.asIntN(64, BigInt(op.n))], callImport(op.op === "bytes" ? "job_increment_bytes" : "job_increment_items"));
        return;
      case "spawn":
        this.exhaust(op);
        this.spawn(this.idOf(op), op.type, op.params);
        return;
      case "call": {
        const library = { none: 0, job: LIBRARY_ID, foreign: FOREIGN_ID }[op.library];
        this.emit(["global.get", "$heap"], ["global.set", ANSWER_HEAP.name]);
        this.exhaust(op);
        this.emit(...this.str(op.method), c(library), ...this.str(op.payload), callImport("spacedrive_call"));
        this.echo("answer=", "$log_answer");
        this.freeAnswer();
        return;
      }
      case "progress_kind":
        this.emit(c(this.idOf(op)), ...this.str(op.progress), callImport("job_progress"), set(RESULT));
        this.logStatus(1, "progress_kind=");
        return;
      case "metrics_read":
        this.emit(c(this.idOf(op)), c(METRICS), callImport("job_metrics"), ["local.tee", RESULT], ["if"]);
        this.logStatus(1, "metrics status=");
        this.emit(["else"]);
        this.cursorStart();
        this.append("metrics=");
        this.appendNumber([c(0), ["i64.load", METRICS]], "$write_u64");
        this.append(",");
        this.appendNumber([c(0), ["i64.load", METRICS + 8]], "$write_u64");
        this.append(",");
        this.appendNumber([c(0), ["i32.load", METRICS + 16]]);
        this.append(",");
        this.appendNumber([c(0), ["i32.load", METRICS + 20]]);
        this.emit(c(JOB_ID), c(1), ...this.cursorMessage(), callImport("job_log"), ["end"]);
        return;
      case "checkpoint_stateless":
        this.emit(c(this.idOf(op)), callImport("job_checkpoint_stateless"), ["local.tee", RESULT], ["if"]);
        this.logStatus(2, "checkpoint_stateless status=");
        this.emit(["end"]);
        return;
      case "wait_children":
        this.exhaust(op);
        this.emit(c(this.idOf(op)), callImport("job_wait_for_children"), set(RESULT));
        this.readContext();
        this.emit(get(RESULT));
        this.echo("wait=");
        return;
      case "raw":
        this.raw(op);
        return;
    }
  }

  /**
   * A message op's (ptr, len): a string constant; (memory "end") nothing at the end of memory; or (memory "grow") a
   * copy of it at the start of a page the guest grows now (when memory cannot grow, the pointer is -1 << 16, outside
   * memory, and nothing is copied).
   */
  private message(op: { readonly message: Parameters<typeof messageBytes>[0]; readonly memory?: "grow" | "end" }): Instr[] {
    if (op.memory === "end") return [...MEMORY_END, c(0)];
    const text = this.str(typeof op.message === "string" ? op.message : messageBytes(op.message));
    if (op.memory !== "grow") return text;
    // Once memory has GROWN_PAGES pages, the last page serves again while the allocator's heap is below it (nothing
    // live is there: only earlier messages): a grow op run in every job of a large spawn tree would otherwise grow
    // memory a page per run, hundreds of megabytes, and V8, which counts wasm memory against its heap limits,
    // collects garbage after nearly every page (seconds for one case). The host reads the message as before.
    const lastPage: Instr[] = [["memory.size"], c(1), ["i32.sub"]];
    this.emit(["memory.size"], c(GROWN_PAGES), ["i32.ge_u"], ["global.get", "$heap"], ...lastPage, c(16), ["i32.shl"], ["i32.le_u"], ["i32.and"]);
    this.emit(["if"], ...lastPage, set(RESULT), ["else"], c(1), ["memory.grow"], set(RESULT), ["end"]);
    this.emit(get(RESULT), c(-1), ["i32.ne"], ["if"], get(RESULT), c(16), ["i32.shl"], ...text, ["memory.copy"], ["end"]);
    return [get(RESULT), c(16), ["i32.shl"], text[1]!];
  }

  /**
   * A wire call's answer, once read, is freed (the heap goes back to where it was before the call): an error answer
   * holds the host's own words (wire.errors), whose length is the host's, and answers kept would make where a guest's
   * memory runs out, and so how its jobs end, depend on them.
   */
  private freeAnswer(): void {
    this.emit(["global.get", ANSWER_HEAP.name], ["global.set", "$heap"]);
  }

  /**
   * An answer op's memory "exhaust": the allocator's heap moves to the end of memory, so the answer must grow it; once
   * memory has GROWN_PAGES pages the heap stays (for the reason `message` gives for `grow`).
   */
  private exhaust(op: { readonly memory?: "exhaust" }): void {
    if (op.memory === "exhaust") this.emit(["memory.size"], c(GROWN_PAGES), ["i32.lt_u"], ["if"], ...MEMORY_END, ["global.set", "$heap"], ["end"]);
  }

  /** job_spawn_child(type, params) for the job `id` names; the answer logged as "child=<len>:<hex>" or "child=none". */
  private spawn(id: number, type: string, params: string): void {
    this.emit(c(id), ...this.str(type), ...this.str(params), callImport("job_spawn_child"), ["local.tee", RESULT], ["i32.eqz"], ["if"]);
    this.logText(1, "child=none");
    this.emit(["else"]);
    if (this.slots.has("child")) this.emit(c(CHILD_ID), get(RESULT), c(4), ["i32.add"], c(16), ["memory.copy"]);
    this.cursorStart();
    this.append("child=");
    this.appendNumber([get(RESULT), ["i32.load", 0]]);
    this.append(":");
    this.emit(get(CURSOR), get(RESULT), c(4), ["i32.add"], call("$hex16"));
    this.emit(c(JOB_ID), c(1), c(SCRATCH), get(CURSOR), c(32), ["i32.add"], c(SCRATCH), ["i32.sub"], callImport("job_log"), ["end"]);
  }

  /** A fixed-size pointer's hostile value (RawValue). */
  private fixedPointer(value: RawValue, size: number): Instr[] {
    switch (value) {
      case "past":
        return [...MEMORY_END, c(8), ["i32.sub"]];
      case "wrap":
        return [c(-8)];
      case "edge": {
        const edge: Instr[] = [...MEMORY_END, c(size), ["i32.sub"]];
        // An id read there is zeroed first (from ZERO_SLOT): answers the guest's allocator placed at the end of memory
        // hold the host's words (an error answer's text), which differ between hosts, and a library id read from them
        // would too. An output pointer's bytes are the host's to write.
        return size === 16 ? [...edge, c(ZERO_SLOT), c(16), ["memory.copy"], ...edge] : edge;
      }
      default:
        return MEMORY_END;
    }
  }

  /** A raw call (ir.ts): every argument valid but `op.param`, which gets `op.value`; the answer echoed by its kind. */
  private raw(op: OpOf<"raw">): void {
    const spec = importSpec(op.import)!;
    const params = spec.params;
    for (let k = 0; k < params.length; k++) {
      const param = params[k]!;
      const hostile = param.name === op.param;
      if (param.role === "ptr" && params[k + 1]?.role === "len") {
        // A text pair: both arguments at once.
        const lenParam = params[k + 1]!.name;
        const text = RAW_TEXT[`${op.import}.${param.name}`] ?? "raw";
        const [ptr, len] = this.str(hostile && op.value === "bad_utf8" ? Uint8Array.from(BAD_UTF8) : text);
        const length = (len as ["i32.const", number])[1];
        if (hostile && op.value === "past") this.emit(...MEMORY_END, c(Math.max(1, length)));
        else if (hostile && op.value === "wrap") this.emit(c(-16), c(32));
        else if (hostile && op.value === "end") this.emit(...MEMORY_END, c(0));
        else if (lenParam === op.param && op.value === "huge") this.emit(ptr!, c(-1));
        else if (lenParam === op.param && op.value === "past") this.emit(ptr!, ...MEMORY_END, ptr!, ["i32.sub"], c(1), ["i32.add"]);
        else if (lenParam === op.param && op.value === "zero") this.emit(ptr!, c(0));
        else this.emit(ptr!, len!);
        k++;
      } else if (param.role === "job_id" || param.role === "ptr") {
        const fallback = param.role === "job_id" ? JOB_ID : param.name === "out_ptr" ? METRICS : 0; // library id: none
        this.emit(...(hostile ? this.fixedPointer(op.value, FIXED_SIZE[param.name] ?? 16) : [c(fallback)]));
      } else if (param.role === "f32_progress") this.emit(["f32.const", 0.5]);
      else if (param.role === "u64") this.emit(["i64.const", 1n]);
      else this.emit(c(1)); // a level (info) or a flag (resumable)
    }
    if (op.import === "spacedrive_call") this.emit(["global.get", "$heap"], ["global.set", ANSWER_HEAP.name]);
    this.emit(callImport(op.import));
    if (op.import === "spacedrive_call") {
      this.emit(set(RESULT));
      this.freeAnswer();
      this.emit(get(RESULT));
    }
    if (op.import === "job_wait_for_children") {
      this.emit(set(RESULT));
      this.readContext(); // children ran on this instance
      this.emit(get(RESULT));
    }
    const prefix = `raw ${op.import}=`;
    if (spec.result === "status" || spec.result === "interrupt") {
      this.emit(set(RESULT));
      this.logStatus(1, prefix);
    } else if (spec.result === "pointer") {
      this.emit(["i32.eqz"], ["if"]);
      this.logText(1, `${prefix}0`);
      this.emit(["else"]);
      this.logText(1, `${prefix}frame`);
      this.emit(["end"]);
    }
  }

  function(): FunctionDef {
    const { job } = this;
    // The id the last run on this instance parsed, before this run parses its own over it.
    if (this.slots.has("prev")) this.emit(c(PREV_ID), c(JOB_ID), c(16), ["memory.copy"]);
    this.readContext();
    this.emit(get(STATE_LEN), ["if"], get(STATE), get(STATE_LEN), ...this.str("i="), call("$u32_after"), set(I), ["end"]);
    for (const op of job.before) this.op(op, false);
    this.emit(["block"], ["loop"], get(I), c(job.steps), ["i32.ge_u"], ["br_if", 1]);
    for (const op of job.body) this.op(op, true);
    this.emit(get(I), c(1), ["i32.add"], set(I), ["br", 0], ["end"], ["end"]);
    for (const op of job.after) this.op(op, false);
    this.emit(...(job.end.kind === "trap" ? ([["unreachable"]] as Instr[]) : [c(job.end.code)]));
    return {
      name: `$${exportName(job)}`,
      export: exportName(job),
      params: ["i32", "i32", "i32", "i32"],
      results: ["i32"],
      locals: ["i32", "i32", "i32"],
      body: this.out,
    };
  }
}

/**
 * Keeps the functions reachable from `roots` (by default the exported ones) and only the imports they call: a guest
 * imports what it uses (as a Rust-built guest does), and every import costs the engine a wrapper per module.
 */
function treeShake(
  imports: readonly ImportDef[],
  functions: readonly FunctionDef[],
  roots: readonly string[] = functions.filter((fn) => fn.export !== undefined).map((fn) => fn.name),
): { imports: ImportDef[]; functions: FunctionDef[] } {
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const reached = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    const fn = byName.get(name);
    if (fn !== undefined) for (const callee of callees(fn.body)) if (!reached.has(callee)) pending.push(callee);
  }
  return { imports: imports.filter((i) => reached.has(i.name)), functions: functions.filter((fn) => reached.has(fn.name)) };
}

/** The names a body calls, read once per body: every module shakes the runtime's, and a batch its programs' again. */
const CALLEES = new WeakMap<readonly Instr[], readonly string[]>();

function callees(body: readonly Instr[]): readonly string[] {
  let names = CALLEES.get(body);
  if (names === undefined) {
    const found: string[] = [];
    for (const instr of body) if (instr[0] === "call") found.push(instr[1]);
    CALLEES.set(body, (names = found));
  }
  return names;
}

/** A program lowered, not yet a module: what it adds to the runtime every rendered guest carries. */
export interface ProgramParts {
  /** plugin_init, the job functions, plugin_cleanup and the ABI 1.1 marker, as the program has them; each exported. */
  readonly functions: readonly FunctionDef[];
  /** The string constants, placed at POOL. */
  readonly pool: Uint8Array;
  /** The heap's first byte, past the pool: $heap's initial value. */
  readonly heap: number;
  /** The memory's initial size, which holds the pool. */
  readonly minPages: number;
}

export function programParts(program: JobProgram): ProgramParts {
  const pool = new StringPool();
  const slots = forgedIds(program);
  const jobs = program.jobs.map((job) => new JobLowering(pool, job, slots).function());
  const init: Instr[] = [];
  program.jobs.forEach((job, k) => {
    const name = pool.text(job.name);
    const exp = pool.text(exportName(job));
    // resumable: 1 for the root, and for the others another value that is not 0, which is as true (init.register).
    init.push(get(0), c(name.ptr), c(name.len), c(exp.ptr), c(exp.len), c(k + 1), callImport("register_job"), ["i32.or"], set(0));
  });
  init.push(...initOps(pool, program), get(0));
  const cleanup = program.cleanup === undefined ? [] : [cleanupFunction(pool, program)];
  const heap = (pool.end + 7) & ~7; // after every string is pooled: the heap starts past them
  const functions: FunctionDef[] = [
    { name: "$plugin_init", export: "plugin_init", params: [], results: ["i32"], locals: program.init?.length ? ["i32", "i32"] : ["i32"], body: init },
    ...jobs,
    ...cleanup,
    // A function rather than a global: wabt orders exports as the text declares them, and globals print first.
    ...(programAbi(program) === "1.1" ? [{ name: "$abi_version_1_1", export: ABI_1_1_MARKER, params: [], results: [], locals: [], body: [] }] : []),
  ];
  return { functions, pool: pool.segment(), heap, minPages: 1 + (heap >>> 16) };
}

/**
 * The module a program renders to. A program with an ABI 1.1 op exports the 1.1 marker (an empty function), so
 * the host links 1.1's imports for it (link.imports); any other renders exactly as it did before 1.1 existed.
 */
export function programModule(program: JobProgram): ModuleDef {
  return moduleOfParts(programParts(program));
}

export function moduleOfParts(parts: ProgramParts): ModuleDef {
  const used = treeShake(ALL_IMPORTS, [...RUNTIME, ...parts.functions]);
  return {
    ...used,
    memory: { minPages: parts.minPages, export: "memory" },
    globals: [{ name: "$heap", mutable: true, init: parts.heap }, ANSWER_HEAP],
    data: [
      { offset: FOREIGN_ID, bytes: FOREIGN_ID_BYTES },
      { offset: POOL, bytes: parts.pool },
    ],
  };
}

/** Where a program's string pool lives in guest memory. */
export const POOL_OFFSET = POOL;

/** Where a batch module imports its memory from (batch.ts gives each instance one). */
export const BATCH_MEMORY = { module: "job-parity:batch", field: "memory" } as const;

/** The export of a batch module that fills its table with program k's functions (batchModule). */
export const BATCH_SELECT = "select_program";

/** Several programs rendered into one module (batch.ts), and where each program's functions are in its table. */
export interface BatchModule {
  readonly def: ModuleDef;
  /** Per program: its functions' export names (as its own module exports them) and table slots, in export order. */
  readonly slots: readonly (readonly (readonly [string, number])[])[];
}

/**
 * Programs of the same initial memory size in one module: the runtime once, and each program's functions renamed
 * `$p<k>.<name>` and put in the exported funcref table `programs` rather than exported (each export costs every
 * instance a function object; a table slot costs only the instance that reads it). The table starts empty:
 * `select_program(k)` (BATCH_SELECT) fills program k's slots from its passive element segment. An instance runs one
 * program, and filling every program's slots as it is made cost more than the rest of making it (measured: 60 to 80
 * us for 250 slots, 10 to 20 us for 5). The pools and the heap's start are left out: an instance becomes one
 * program's when its pool is written at POOL and its heap start into the exported `heap` global, which is all the
 * state an instance of the program's own module starts with beyond this one's. The memory is imported (BATCH_MEMORY),
 * and every mutable global exported, so that an instance and its memory can serve case after case.
 */
export function batchModule(programs: readonly ProgramParts[]): BatchModule {
  const minPages = programs[0]?.minPages ?? 1;
  if (programs.some((p) => p.minPages !== minPages)) throw new Error("internal: a batch's programs must start with the same memory size");
  const functions: FunctionDef[] = [];
  const slots = programs.map((parts, k) => {
    const renamed = new Map(parts.functions.map((fn) => [fn.name, `$p${k}.${fn.name.slice(1)}`]));
    return parts.functions.map((fn): readonly [string, number] => {
      const body = fn.body.some((instr) => instr[0] === "call" && renamed.has(instr[1]))
        ? fn.body.map((instr): Instr => (instr[0] === "call" && renamed.has(instr[1]) ? ["call", renamed.get(instr[1])!] : instr))
        : fn.body;
      functions.push({ name: renamed.get(fn.name)!, params: fn.params, results: fn.results, locals: fn.locals, body });
      return [fn.export!, functions.length - 1];
    });
  });
  const segments = slots.map((programSlots) => programSlots.map(([, slot]) => functions[slot]!.name));
  const select: FunctionDef = { name: "$select_program", export: BATCH_SELECT, params: ["i32"], results: [], locals: [], body: selectBody(slots) };
  const runtimeExports = RUNTIME.filter((fn) => fn.export !== undefined).map((fn) => fn.name);
  const used = treeShake(ALL_IMPORTS, [...RUNTIME, ...functions, select], [...runtimeExports, ...functions.map((fn) => fn.name), select.name]);
  return {
    def: {
      ...used,
      memory: { minPages, import: BATCH_MEMORY },
      // Every mutable global exported, so that an instance can be made a new case's again (batch.ts, InstancePool).
      globals: [{ name: "$heap", mutable: true, init: 0, export: "heap" }, { ...ANSWER_HEAP, export: "answer_heap" }],
      table: { min: functions.length, export: "programs", segments },
      data: [{ offset: FOREIGN_ID, bytes: FOREIGN_ID_BYTES }],
    },
    slots,
  };
}

/** select_program(k): table.init of segment k at program k's first slot (its slots are consecutive), for each k. */
function selectBody(slots: BatchModule["slots"]): Instr[] {
  return slots.flatMap((programSlots, k): Instr[] => {
    if (programSlots.length === 0) return [];
    const first = programSlots[0]![1];
    if (programSlots.some(([, slot], i) => slot !== first + i)) throw new Error("internal: a batched program's table slots must be consecutive");
    return [get(0), c(k), ["i32.eq"], ["if"], c(first), c(0), c(programSlots.length), ["table.init", k], ["return"], ["end"]];
  });
}

/**
 * plugin_init's extra ops (ir.ts, InitOp), after the registrations of the program's jobs: a registration's status
 * is logged through spacedrive_log as "register=<status>" (composed at SCRATCH) and is not part of the result.
 */
function initOps(pool: StringPool, program: JobProgram): Instr[] {
  const out: Instr[] = [];
  const text = (bytes: Uint8Array | string): Instr[] => {
    const { ptr, len } = typeof bytes === "string" ? pool.text(bytes) : pool.add(bytes);
    return [c(ptr), c(len)];
  };
  for (const op of program.init ?? []) {
    if (op.op === "log") {
      out.push(c(op.level), ...text(op.message), callImport("spacedrive_log"));
      continue;
    }
    const [prefix, prefixLen] = text("register=");
    out.push(...text(messageBytes(op.name)), ...text(op.export), c(1), callImport("register_job"), set(1));
    out.push(c(SCRATCH), prefix!, prefixLen!, ["memory.copy"]);
    out.push(c(1), c(SCRATCH), c(SCRATCH), prefixLen!, ["i32.add"], get(1), call("$write_u32"), prefixLen!, ["i32.add"], callImport("spacedrive_log"));
  }
  return out;
}

/** plugin_cleanup: the program's cleanup lines through spacedrive_log (from the pool, or copied to SCRATCH first), then 0. */
function cleanupFunction(pool: StringPool, program: JobProgram): FunctionDef {
  const body: Instr[] = [];
  for (const line of program.cleanup ?? []) {
    const { ptr, len } = pool.text(line.message);
    if (line.from === "scratch") body.push(c(SCRATCH), c(ptr), c(len), ["memory.copy"], c(line.level), c(SCRATCH), c(len), callImport("spacedrive_log"));
    else body.push(c(line.level), c(ptr), c(len), callImport("spacedrive_log"));
  }
  body.push(c(0));
  return { name: "$plugin_cleanup", export: "plugin_cleanup", params: [], results: ["i32"], locals: [], body };
}

/** The guest as a wasm binary: what fuzzing runs. */
export function renderWasm(program: JobProgram): Uint8Array {
  return encodeModule(programModule(program));
}

/** The same guest as WAT: what people read and counterexamples keep. */
export function renderWat(program: JobProgram, header = "A generated job program (harness/programs)."): string {
  return printModule(programModule(program), header);
}
