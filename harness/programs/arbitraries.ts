import fc from "fast-check";
import { encodeUtf8, U64_MAX, utf8ByteLength } from "../abi/codec.ts";
import { IMPORTS, type ImportName } from "../abi/imports.ts";
import type { InterruptPlan } from "../host/interrupts.ts";
import { DEFAULT_LIMITS, type HostLimits } from "../host/limits.ts";
import { progressJson, type GenericProgress, type Progress } from "../jobs/native-progress.ts";
import type { Scenario } from "../suite/scenario.ts";
import { allOps, RAW_VALUES, rawParamKind, type End, type IdChoice, type InitOp, type JobProgram, type Message, type Op, type ProgramJob, type ProgressValue, type RawValue } from "./ir.ts";
import { u32After } from "./render-native.ts";
import { edgeCase, edgeDrawArb } from "./edge-arbitraries.ts";
import { twistCase, twistsArb } from "./twist-arbitraries.ts";

/**
 * fast-check arbitraries for job programs and scenarios. Programs are valid by construction and stay valid when
 * shrunk: jobs have fixed names by slot, a job only spawns jobs of later slots (so the child tree is finite), and
 * a name that disappears while shrinking is just an unknown job type, which the host refuses.
 */
export const JOB_SLOTS = ["root", "alpha", "beta"] as const;

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 0, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
);

const invalidUtf8 = fc.constantFrom([0xff], [0x61, 0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]);

const message: fc.Arbitrary<Message> = fc.oneof(
  { weight: 9, arbitrary: text },
  { weight: 1, arbitrary: invalidUtf8.map((bytes) => ({ bytes })) },
);

const progressValue: fc.Arbitrary<ProgressValue> = fc.oneof(
  { weight: 6, arbitrary: fc.float({ min: 0, max: 1, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v)) },
  { weight: 2, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)) },
  { weight: 1, arbitrary: fc.constantFrom<ProgressValue>("nan", "inf", "-inf") },
);

const u64 = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 5000 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("4294967296", "18446744073709551615", "9223372036854775808") },
);

const level = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 9 }) });

const stateText = fc.oneof(fc.integer({ min: 0, max: 6 }).map((i) => `i=${i}`), fc.constant(""), text);

const calls: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ message: text, count: fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }) }).map((input) => ({
    op: "call" as const,
    method: "action:test.ping.input",
    library: "none" as const,
    payload: JSON.stringify(input),
  })),
  fc.record({
    method: fc.constantFrom("query:libraries.list", "query:entries.list", "query:network.peers", "query:nothing.here"),
    library: fc.constantFrom("none" as const, "job" as const, "foreign" as const),
  }).map(({ method, library }) => ({ op: "call" as const, method, library, payload: "{}" })),
  fc.record({ name: text, library: fc.constantFrom("job" as const, "foreign" as const, "none" as const) }).map(({ name, library }) => ({
    op: "call" as const,
    method: "action:entries.create.input",
    library,
    payload: JSON.stringify({ name, path: `/files/${name}`, entry_type: "File" }),
  })),
  fc.record({ peer: fc.constantFrom("alpha", "beta", "gamma"), message: text }).map((input) => ({
    op: "call" as const,
    method: "action:network.send.input",
    library: "none" as const,
    payload: JSON.stringify(input),
  })),
);

/** Ops a job in `slot` may use; `spawnable` are the names it may spawn (later slots, plus an unknown one). */
function opArb(slot: number): fc.Arbitrary<Op> {
  const spawnable = [...JOB_SLOTS.slice(slot + 1), "nope"];
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant("progress" as const), value: progressValue, message }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("progress_step" as const), message: text }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("check" as const), onInterrupt: fc.constantFrom("checkpoint_return" as const, "return" as const, "continue" as const) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("checkpoint" as const), every: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 2, arbitrary: fc.constant({ op: "load_state" as const }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("warning" as const), message }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("error" as const), message }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("log" as const), channel: fc.constantFrom("job" as const, "instance" as const), level, message }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constantFrom("bytes" as const, "items" as const), n: u64 }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("spawn" as const), type: fc.constantFrom(...spawnable), params: stateText }) },
    { weight: 2, arbitrary: calls },
  );
}

/** At most two spawn ops per job, so the child tree stays small. */
const fewSpawns = (ops: readonly Op[]) => ops.filter((op) => op.op === "spawn").length <= 2;

const end: fc.Arbitrary<End> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(0, 0, 0, 1, 2).map((code) => ({ kind: "return" as const, code })) },
  { weight: 1, arbitrary: fc.constantFrom(3, 7, -1).map((code) => ({ kind: "return" as const, code })) },
  { weight: 1, arbitrary: fc.constant({ kind: "trap" as const }) },
);

function jobArb(slot: number): fc.Arbitrary<ProgramJob> {
  const ops = (maxLength: number) => fc.array(opArb(slot), { maxLength });
  return fc
    .record({ steps: fc.integer({ min: 0, max: 5 }), before: ops(2), body: ops(4), after: ops(2), end })
    .filter((job) => fewSpawns([...job.before, ...job.body, ...job.after]))
    .map((job) => ({ name: JOB_SLOTS[slot]!, ...job }));
}

/** ABI 1.0 programs, as before 1.1 existed; caseArb adds ABI 1.1 ops to some. */
export const programArb: fc.Arbitrary<JobProgram> = fc
  .tuple(jobArb(0), fc.option(jobArb(1), { nil: null, freq: 2 }), fc.option(jobArb(2), { nil: null, freq: 2 }))
  .map(([root, alpha, beta]) => ({ version: 1 as const, jobs: [root, ...(alpha ? [alpha] : []), ...(beta ? [beta] : [])] }));

const interruptPlan: fc.Arbitrary<InterruptPlan> = fc
  .record({
    action: fc.constantFrom("pause" as const, "cancel" as const),
    at: fc.oneof(fc.integer({ min: 1, max: 6 }).map((atCheck) => ({ atCheck })), fc.integer({ min: 1, max: 24 }).map((atCall) => ({ atCall }))),
    job: fc.integer({ min: 0, max: 2 }),
    run: fc.integer({ min: 0, max: 1 }),
  })
  .map(({ action, at, job, run }) => ({ action, ...at, job, run }));

/** A scenario for a program: initial state, interrupts, resume, permissions, networking. */
export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    state: fc.option(stateText, { nil: undefined }),
    interrupts: fc.array(interruptPlan, { maxLength: 2 }),
    resume: fc.boolean(),
    permissions: fc.option(
      fc.record({
        methods: fc.subarray(["query:", "action:test.", "action:entries.", "action:network."]),
        libraries: fc.constantFrom(["*"], [] as string[]),
        rateLimit: fc.record({ calls: fc.integer({ min: 0, max: 8 }), windowMs: fc.constant(60_000) }),
      }),
      { nil: undefined },
    ),
    networking: fc.option(fc.constant({ peers: ["alpha", "beta"] }), { nil: null }),
  })
  .map((scenario) => ({ job: "root", ...scenario }));

// ---------------------------------------------------------------------------------------------------------------
// ABI 1.1 ops. The progress texts are written by progressJson, the serializer ctx.progress uses, so the native twin
// can pass the same text (render-native.ts, nativeProgress): every kind with edge values, and invalid ones a core job
// could build wrongly (unknown kinds, data of the wrong shape, out-of-range numbers, a Generic missing a field).
// Text that is not JSON is not among them: no object serializes to it (wat-fixtures/wasm-only/progress-json has it).


const u64Value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 5000 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, U64_MAX, 1n << 53n, (1n << 53n) + 1n) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
);
/** Not a u64: 2^64, negative, a fraction, an exponent, a string, null. */
const badU64 = fc.constantFrom<unknown>(1n << 64n, -1, 1.5, 1e21, "3", null);

const fraction = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1) },
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((v) => (v === 0 ? 0 : v)) },
);
const badFraction = fc.constantFrom(1.5, -0.25, 2, 1.0000001, -1e-9, 1e300);

const KEYS = ["files", "note", "ok", "path", "count", "nested"];
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  text,
  fc.constantFrom(U64_MAX, 1n << 64n),
);
const shallow = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 3, noNullPrototype: true }));
/** Any JSON (Structured's data, Generic's metadata), two levels deep. */
const anyJson = fc.oneof(shallow, fc.dictionary(fc.constantFrom(...KEYS), shallow, { maxKeys: 2, noNullPrototype: true }));

const duration = fc.record({ secs: u64Value, nanos: fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.constant(999_999_999)) });
/** A field that may be absent, null or a value. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.option(arb, { nil: null }), { nil: undefined });

const genericData: fc.Arbitrary<GenericProgress> = fc.record({
  percentage: fraction,
  phase: text,
  current_path: maybe(text),
  message: text,
  completion: fc.record({ completed: u64Value, total: u64Value, bytes_completed: maybe(u64Value), total_bytes: maybe(u64Value) }),
  performance: fc.record({
    rate: fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v)),
    estimated_remaining: maybe(duration),
    elapsed: maybe(duration),
    error_count: u64Value,
    warning_count: u64Value,
  }),
  metadata: fc.option(anyJson, { nil: undefined }),
});

const validProgress: fc.Arbitrary<Progress> = fc.oneof(
  fc.record({ type: fc.constantFrom("Count" as const, "Bytes" as const), data: fc.record({ current: u64Value, total: u64Value }) }),
  fc.record({ type: fc.constant("Percentage" as const), data: fraction }),
  fc.record({ type: fc.constant("Indeterminate" as const), data: text }),
  fc.record({ type: fc.constant("Structured" as const), data: anyJson }),
  genericData.map((data) => ({ type: "Generic" as const, data })),
);

/** What a job could only build wrongly (a cast); job_progress refuses it with BAD_ARGUMENT. */
const invalidProgress: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ type: fc.constantFrom("Fraction", "count", "", "Generic "), data: fraction }),
  fc.record({ type: fc.constantFrom("Count", "Bytes"), data: fc.tuple(u64Value, badU64, fc.boolean()).map(([ok, bad, first]) => (first ? { current: bad, total: ok } : { current: ok, total: bad })) }),
  fc.record({ type: fc.constant("Percentage"), data: badFraction }),
  fc.record({ type: fc.constantFrom("Indeterminate", "Count", "Percentage"), data: fc.constantFrom<unknown>(5, [1, 2], "0.5", null) }),
  fc
    .tuple(genericData, fc.constantFrom("percentage", "phase", "message", "completion", "performance", "completion.total", "performance.rate"))
    .map(([data, missing]) => {
      const copy = structuredClone(data) as unknown as Record<string, Record<string, unknown>>;
      const [field, member] = missing.split(".") as [string, string | undefined];
      if (member === undefined) delete copy[field];
      else delete copy[field]![member];
      return { type: "Generic", data: copy };
    }),
  genericData.map((data) => ({ type: "Generic", data: { ...data, performance: { ...data.performance, elapsed: { secs: 1, nanos: 1_000_000_000 } } } })),
  fc.constantFrom<unknown>(null, [], {}, { type: "Count" }, { data: 0.5 }),
);

/** A progress_kind op's text: valid two times in three. */
export const progressText: fc.Arbitrary<string> = fc
  .oneof({ weight: 2, arbitrary: validProgress }, { weight: 1, arbitrary: invalidProgress })
  .map((progress) => progressJson(progress as Progress));

type Abi11Kind = "progress_kind" | "metrics_read" | "checkpoint_stateless" | "wait_children";

/** One ABI 1.1 op and where it goes; a wait may have a child spawned just before it, so it has something to run. */
interface Abi11Insertion {
  readonly job: number;
  readonly part: "before" | "body" | "after";
  readonly at: number;
  readonly op: Op & { op: Abi11Kind };
  readonly spawnFirst: boolean;
}

const abi11Op: fc.Arbitrary<Op & { op: Abi11Kind }> = fc.oneof(
  { weight: 3, arbitrary: progressText.map((progress) => ({ op: "progress_kind" as const, progress })) },
  { weight: 2, arbitrary: fc.constant({ op: "metrics_read" as const }) },
  { weight: 2, arbitrary: fc.constant({ op: "checkpoint_stateless" as const }) },
  { weight: 2, arbitrary: fc.constant({ op: "wait_children" as const }) },
);

const abi11Insertion: fc.Arbitrary<Abi11Insertion> = fc.record({
  job: fc.nat({ max: JOB_SLOTS.length - 1 }),
  part: fc.constantFrom("before" as const, "body" as const, "after" as const),
  at: fc.nat({ max: 8 }),
  op: abi11Op,
  spawnFirst: fc.boolean(),
});

/** One case in four gets one to three ABI 1.1 ops; the others stay 1.0 programs. */
const abi11Plan: fc.Arbitrary<readonly Abi11Insertion[]> = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.array(abi11Insertion, { minLength: 1, maxLength: 3 }) },
);

/** The program with the plan's ops spliced in (indices taken modulo what the program has). */
export function withAbi11Ops(program: JobProgram, plan: readonly Abi11Insertion[]): JobProgram {
  if (plan.length === 0) return program;
  const jobs = program.jobs.map((job) => ({ ...job, before: [...job.before], body: [...job.body], after: [...job.after] }));
  for (const { job: index, part, at, op, spawnFirst } of plan) {
    const job = jobs[index % jobs.length]!;
    const ops = job[part];
    const inserted: Op[] = [op];
    if (op.op === "wait_children" && spawnFirst) {
      // The first later slot the program has (a job only spawns later slots, so the child tree stays finite).
      const child = JOB_SLOTS.slice(JOB_SLOTS.indexOf(job.name as (typeof JOB_SLOTS)[number]) + 1).find((name) => jobs.some((j) => j.name === name));
      if (child !== undefined) inserted.unshift({ op: "spawn", type: child, params: "" });
    }
    ops.splice(at % (ops.length + 1), 0, ...inserted);
  }
  return { ...program, jobs };
}

/** The program and scenario of ABI 1.0 and 1.1 draws, as caseArb made them before `reach` (seed compatibility). */
export const abi11CaseArb = fc
  .tuple(programArb, scenarioArb, abi11Plan)
  .map(([program, scenario, plan]): ProgramCase => ({ program: withAbi11Ops(program, plan), scenario }));
export type ProgramCase = { program: JobProgram; scenario: Scenario };

// ---------------------------------------------------------------------------------------------------------------
// Reaching every clause. The draws above leave most of the ABI unreached: interrupt plans land on checks that never
// happen, most spawns name a type nobody registered, trees stay shallow, no limit is met. `reach` is drawn after
// them (so a seed still draws the program, scenario and 1.1 plan it drew before) and resolved against the program
// and the scenario (buildCase): small limits with messages, states and floods around each; ids of other jobs;
// registered children, trees to the depth limit and past it; a child that traps and runs after it; memory grown
// under a message and exhausted under an answer; plugin_init registrations and lines, plugin_cleanup lines; store
// failures; and interrupt plans placed on the checks and calls a run really makes (runShape).

/**
 * Present about `percent`% of the time. The choices of a reach plan all shrink toward absent (withCrossShrink), so a
 * counterexample keeps only the parts of its plan it needs.
 */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ withCrossShrink: true }, { weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary: arb });

/** An array that is empty `emptyPercent`% of the time and shrinks to empty. */
const mostlyEmpty = <T>(arb: fc.Arbitrary<T[]>, emptyPercent: number): fc.Arbitrary<T[]> =>
  fc.oneof({ withCrossShrink: true }, { weight: emptyPercent, arbitrary: fc.constant([] as T[]) }, { weight: 100 - emptyPercent, arbitrary: arb });

/**
 * Children and resumes a case may have when nothing sets a smaller limit. With the defaults (64 children per job, 32
 * runs of a resumed job, 4,096 jobs a tree), a job that pauses and resumes, spawning in each run, its children doing
 * the same, makes a tree of 4,096 jobs and 130,000 runs: minutes for one case, past any time budget (a fuzz session
 * waits for the case in hand). Every case that can grow a tree (a reach plan, or a program that spawns its own jobs)
 * has these bounds, and the limits a plan draws stay within them: at most 31 jobs (a full tree to the default depth
 * of 4) of 4 runs. Wider trees check nothing more (every job of a level runs the same program; the depth limit, the
 * children cap and floods past it are reached as well with 2) and cost much more: with 4 children per job (341 jobs)
 * the 1% of cases with the widest trees took a quarter of a fuzz session's time.
 */
const TREE_CHILDREN = 2;
const TREE_RUNS = 4;

/** Small values of the limits a generated program can meet (harness/host/limits.ts); undefined: the default. */
interface LimitDraw {
  readonly maxMessageBytes?: number;
  readonly maxStateBytes?: number;
  readonly maxLogLinesPerJob?: number;
  readonly maxWarningsPerJob?: number;
  readonly maxChildrenPerJob?: number;
  readonly maxRunsPerJob?: number;
  /** Set exactly at the longest payload the program sends (over it would be WASM-only: ir.ts, wasmOnlyReason). */
  readonly payloadAtLimit?: boolean;
}

const limitDraw: fc.Arbitrary<LimitDraw> = fc.record({
  maxMessageBytes: sometimes(fc.integer({ min: 8, max: 48 }), 30),
  maxStateBytes: sometimes(fc.integer({ min: 2, max: 4 }), 25), // "i=<n>" is 3 bytes below 10
  maxLogLinesPerJob: sometimes(fc.integer({ min: 1, max: 6 }), 30),
  maxWarningsPerJob: sometimes(fc.integer({ min: 0, max: 3 }), 30),
  maxChildrenPerJob: sometimes(fc.integer({ min: 0, max: TREE_CHILDREN }), 25),
  maxRunsPerJob: sometimes(fc.integer({ min: 1, max: TREE_RUNS }), 35),
  payloadAtLimit: sometimes(fc.constant(true), 15),
});

/** The ids a forged call names instead of the running job's (ir.ts, IdChoice). */
export const ID_CHOICES: readonly IdChoice[] = ["child", "prev", "zero", "foreign"];

/** Ops that name a job, as templates for calls with another job's id: one for every import that takes a job id. */
export const FORGEABLE: readonly Op[] = [
  { op: "progress", value: 0.5, message: "forged" },
  { op: "progress_step", message: "forged" },
  { op: "check", onInterrupt: "continue" },
  { op: "checkpoint", every: 1 },
  { op: "load_state" },
  { op: "warning", message: "forged" },
  { op: "error", message: "forged" },
  { op: "log", channel: "job", level: 1, message: "forged" },
  { op: "bytes", n: "7" },
  { op: "items", n: "7" },
  { op: "spawn", type: "beta", params: "" },
  { op: "progress_kind", progress: '{"type":"Percentage","data":0.5}' },
  { op: "metrics_read" },
  { op: "checkpoint_stateless" },
  { op: "wait_children" },
];

type FloodKind = "log" | "instance_log" | "warning" | "error" | "progress" | "items" | "spawn";
type SizedKind = "warning" | "error" | "log" | "instance_log" | "progress" | "progress_kind";

/** An op to splice in, resolved against the program and the limits (resolveInsertion). */
type InsertionDraw =
  /** A call of a forgeable op with another job's id; for `child`, often right after a spawn, so a live child's. */
  | { readonly kind: "forged"; readonly template: number; readonly id: IdChoice; readonly spawnFirst: boolean }
  /** A message of maxMessageBytes + delta bytes (with the default limit, an ordinary short message). */
  | { readonly kind: "sized"; readonly what: SizedKind; readonly delta: -1 | 0 | 1 }
  /** The same call limit + over times (a flood past a per-job cap; a burst where the limit is the default). */
  | { readonly kind: "flood"; readonly what: FloodKind; readonly over: number }
  /** Checks that go on after an interrupt: a request stays pending across them (interrupt.level-triggered). */
  | { readonly kind: "checks"; readonly count: number }
  /** A child of a registered type (a later slot). */
  | { readonly kind: "spawn"; readonly params: string; readonly wait: boolean }
  /** A message from grown memory, or an answer after the allocator gave up its memory (ir.ts, MemoryChoice). */
  | { readonly kind: "memory"; readonly what: "grow" | "exhaust"; readonly variant: number }
  /** A message op with an empty message at exactly the end of memory (ir.ts, MemoryChoice `end`). */
  | { readonly kind: "edge"; readonly variant: number }
  /** A wire call: an empty payload (the request {}), an entry created in the job's library, a message to a peer. */
  | { readonly kind: "wire"; readonly variant: number };

const insertionDraw: fc.Arbitrary<InsertionDraw> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("forged" as const), template: fc.nat({ max: FORGEABLE.length - 1 }), id: fc.constantFrom(...ID_CHOICES), spawnFirst: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("sized" as const),
      what: fc.constantFrom<SizedKind>("warning", "error", "log", "instance_log", "progress", "progress_kind"),
      delta: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("flood" as const),
      what: fc.constantFrom<FloodKind>("log", "instance_log", "warning", "error", "progress", "items", "spawn"),
      over: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("checks" as const), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("spawn" as const), params: stateText, wait: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("memory" as const), what: fc.constantFrom("grow" as const, "exhaust" as const), variant: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("edge" as const), variant: fc.nat({ max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wire" as const), variant: fc.nat({ max: 15 }) }) },
);

const WIRE_OPS: readonly Op[] = [
  { op: "call", method: "query:libraries.list", library: "none", payload: "" },
  { op: "call", method: "action:entries.create.input", library: "job", payload: '{"name":"made","path":"/files/made","entry_type":"File"}' },
  { op: "call", method: "query:entries.list", library: "job", payload: "" },
  { op: "call", method: "action:network.send.input", library: "none", payload: '{"peer":"alpha","message":"hi"}' },
];

interface Placed<T> {
  readonly job: number;
  readonly part: "before" | "body" | "after";
  readonly at: number;
  readonly what: T;
}

const placed = <T>(what: fc.Arbitrary<T>): fc.Arbitrary<Placed<T>> =>
  fc.record({ job: fc.nat({ max: JOB_SLOTS.length - 1 }), part: fc.constantFrom("before" as const, "body" as const, "after" as const), at: fc.nat({ max: 8 }), what });

/** An interrupt placed on a check or a call the run makes: `pick` chooses among them (runShape). */
interface TargetDraw {
  readonly action: "pause" | "cancel";
  readonly on: "check" | "call";
  /** 0 the root; n its n-th child in creation order, when its first run creates that many (else the root). */
  readonly job: number;
  /** 1 (a resume) only with `resume`, else 0. */
  readonly run: 0 | 1;
  readonly pick: number;
}

const targetDraw: fc.Arbitrary<TargetDraw> = fc.record({
  action: fc.constantFrom("pause" as const, "cancel" as const),
  on: fc.oneof({ weight: 3, arbitrary: fc.constant("check" as const) }, { weight: 2, arbitrary: fc.constant("call" as const) }),
  job: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  run: fc.oneof({ weight: 3, arbitrary: fc.constant(0 as const) }, { weight: 1, arbitrary: fc.constant(1 as const) }),
  pick: fc.nat({ max: 1000 }),
});

/** plugin_init's extra registrations (kept only when no job traps: ir.ts, wasmOnlyReason) and lines. */
type RegistrationDraw = "duplicate" | "unknown_export" | "wrong_signature" | "empty" | "alias";

interface ReachDraw {
  /** Spawns of types nobody registered go to a registered later slot: `absent` only those naming a slot the program lacks, `all` also "nope". */
  readonly retarget: "none" | "absent" | "all";
  readonly limits: LimitDraw;
  readonly inserts: readonly Placed<InsertionDraw>[];
  readonly interrupts: readonly TargetDraw[];
  /** A chain of children down to `depth` (maxChildDepth; 4 is the default) and one spawn past it, through the last slot spawning itself. */
  readonly tree: { readonly depth: number } | undefined;
  /** A child (slot index, taken modulo the children the program has) that traps, spawned twice: the second runs on a fresh instance. */
  readonly trap: number | undefined;
  readonly registrations: readonly RegistrationDraw[];
  readonly initLogs: readonly string[];
  readonly cleanup: readonly string[] | undefined;
  /**
   * Saves the store fails: the case's first save (a checkpoint or a stateless one the plan puts first in the root's
   * run, so that the failure lands on it; `none`: whatever saves first) and `more` later ones.
   */
  readonly storeFailures: { readonly first: "checkpoint" | "checkpoint_stateless" | "none"; readonly more: readonly number[] } | undefined;
}

const reachDraw: fc.Arbitrary<ReachDraw> = fc.record({
  retarget: fc.oneof(
    { withCrossShrink: true },
    { weight: 1, arbitrary: fc.constant("none" as const) },
    { weight: 5, arbitrary: fc.constant("absent" as const) },
    { weight: 4, arbitrary: fc.constant("all" as const) },
  ),
  limits: limitDraw,
  inserts: mostlyEmpty(fc.array(placed(insertionDraw), { minLength: 1, maxLength: 5 }), 3),
  interrupts: mostlyEmpty(fc.array(targetDraw, { minLength: 1, maxLength: 2 }), 10),
  tree: sometimes(fc.record({ depth: fc.integer({ min: 0, max: 4 }) }), 20),
  trap: sometimes(fc.nat({ max: 1 }), 15),
  registrations: mostlyEmpty(fc.array(fc.constantFrom<RegistrationDraw>("duplicate", "unknown_export", "wrong_signature", "empty", "alias"), { minLength: 1, maxLength: 3 }), 80),
  initLogs: mostlyEmpty(fc.array(text, { minLength: 1, maxLength: 2 }), 80),
  cleanup: sometimes(fc.array(text, { maxLength: 2 }), 15),
  storeFailures: sometimes(
    fc.record({ first: fc.constantFrom("checkpoint" as const, "checkpoint_stateless" as const, "none" as const), more: fc.array(fc.integer({ min: 2, max: 5 }), { maxLength: 2 }) }),
    15,
  ),
});

/** A case gets a reach plan three times in four; the others stay what the earlier draws made. */
const reachPlan: fc.Arbitrary<ReachDraw | null> = fc.oneof({ withCrossShrink: true }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: reachDraw });

// WASM-only reach: what no native job can do (ir.ts, wasmOnlyReason), for hosts judged against the reference host.

/** The pointer and length parameters of each import (ir.ts, rawParamKind), for raw calls. */
const RAW_TARGETS: readonly { readonly import: ImportName; readonly params: readonly { readonly name: string; readonly values: readonly RawValue[] }[] }[] = IMPORTS.map((spec) => ({
  import: spec.name as ImportName,
  params: spec.params.flatMap((param) => {
    const kind = rawParamKind(spec.name, param.name);
    return kind === null ? [] : [{ name: param.name, values: RAW_VALUES[kind] }];
  }),
}));

/** A raw call: an import (each as likely), one of its pointer or length parameters, a hostile value for it. */
function rawOp(draw: { readonly target: number; readonly param: number; readonly value: number }): Op {
  const target = RAW_TARGETS[draw.target % RAW_TARGETS.length]!;
  const param = target.params[draw.param % target.params.length]!;
  return { op: "raw", import: target.import, param: param.name, value: param.values[draw.value % param.values.length]! };
}

interface WasmOnlyDraw {
  readonly raws: readonly Placed<{ readonly target: number; readonly param: number; readonly value: number }>[];
  /** maxMemoryPages 1 with memory grown under messages and exhausted under answers: memory.cap, ALLOCATION_FAILED. */
  readonly cap: boolean;
  /** maxCallPayloadBytes under the program's payloads (checked at the WASM boundary only). */
  readonly payload: boolean;
  /** A registration whose name is not UTF-8, and a child's job type that is not (job_spawn_child's BAD_ARGUMENT). */
  readonly badName: boolean;
}

const wasmOnlyDraw: fc.Arbitrary<WasmOnlyDraw> = fc.record({
  raws: fc.array(placed(fc.record({ target: fc.nat({ max: RAW_TARGETS.length - 1 }), param: fc.nat({ max: 4 }), value: fc.nat({ max: 3 }) })), { minLength: 2, maxLength: 6 }),
  cap: fc.boolean(),
  payload: fc.boolean(),
  badName: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------------------------
// Resolving a reach plan.

type MutableJob = { name: string; steps: number; before: Op[]; body: Op[]; after: Op[]; end: ProgramJob["end"] };

const slotIndex = (name: string) => JOB_SLOTS.indexOf(name as (typeof JOB_SLOTS)[number]);

/** The registered slots after `name`'s, which its job may spawn (a job only spawns later slots: the tree stays finite). */
const laterSlots = (jobs: readonly MutableJob[], name: string) => jobs.filter((job) => slotIndex(job.name) > slotIndex(name)).map((job) => job.name);

function opsOf(job: MutableJob, part: "before" | "body" | "after"): Op[] {
  return job[part];
}

/** Splices ops in where the plan says; ops that spawn go before or after the loop, so children do not multiply by steps. */
function insertAt(jobs: MutableJob[], where: Placed<unknown>, ops: readonly Op[]): void {
  if (ops.length === 0) return;
  const part = where.part === "body" && ops.some((op) => op.op === "spawn") ? "after" : where.part;
  const list = opsOf(jobs[where.job % jobs.length]!, part);
  list.splice(where.at % (list.length + 1), 0, ...ops);
}

/** A message of exactly `size` bytes (ASCII). */
const ofSize = (size: number) => "m".repeat(Math.max(0, size));

/**
 * A message of `size` bytes whose last byte is not UTF-8: past the limit it is refused for its size, which a call
 * checks before its UTF-8 (report.non-critical-error, call.check-order).
 */
const invalidOfSize = (size: number): Message => ({ bytes: [...encodeUtf8(ofSize(size - 1)), 0xff] });

/** A progress text (progressJson's, so a native job can pass it) of about `size` bytes. */
function progressOfSize(size: number): string {
  const base = progressJson({ type: "Indeterminate", data: "" });
  return progressJson({ type: "Indeterminate", data: "p".repeat(Math.max(0, size - base.length)) });
}

const EDGE_OPS: readonly Op[] = [
  { op: "log", channel: "job", level: 1, message: "end", memory: "end" },
  { op: "log", channel: "instance", level: 1, message: "end", memory: "end" },
  { op: "warning", message: "end", memory: "end" },
  { op: "error", message: "end", memory: "end" },
  { op: "progress", value: 1, message: "end", memory: "end" },
];

function resolveInsertion(jobs: MutableJob[], where: Placed<InsertionDraw>, limits: Partial<HostLimits>): Op[] {
  const job = jobs[where.job % jobs.length]!;
  const children = laterSlots(jobs, job.name);
  const child = children[0];
  const draw = where.what;
  switch (draw.kind) {
    case "forged": {
      let op = FORGEABLE[draw.template]!;
      if (op.op === "spawn") op = { ...op, type: child ?? "nope" };
      const forgedOp = { ...op, id: draw.id } as Op;
      return draw.id === "child" && draw.spawnFirst && child !== undefined ? [{ op: "spawn", type: child, params: "" }, forgedOp] : [forgedOp];
    }
    case "sized": {
      const limit = limits.maxMessageBytes;
      const size = limit === undefined ? 6 : limit + draw.delta;
      switch (draw.what) {
        case "warning":
          return [{ op: draw.what, message: ofSize(size) }];
        case "error":
          // Over the limit, one that is not UTF-8 either: the size is what refuses it.
          return [{ op: draw.what, message: draw.delta === 1 && limit !== undefined ? invalidOfSize(size) : ofSize(size) }];
        case "log":
        case "instance_log":
          return [{ op: "log", channel: draw.what === "log" ? "job" : "instance", level: 1, message: ofSize(size) }];
        case "progress":
          return [{ op: "progress", value: 0.25, message: ofSize(size) }];
        case "progress_kind":
          return [{ op: "progress_kind", progress: progressOfSize(size) }];
      }
      return [];
    }
    case "flood": {
      const cap = { log: limits.maxLogLinesPerJob, instance_log: limits.maxLogLinesPerJob, warning: limits.maxWarningsPerJob, spawn: limits.maxChildrenPerJob }[
        draw.what as "log"
      ];
      // Past the cap when the plan set one; else a short burst (children each run: a few only).
      const count = cap !== undefined ? cap + 1 + draw.over : draw.what === "spawn" ? 1 + draw.over : 2 + draw.over;
      const one: Op = (() => {
        switch (draw.what) {
          case "log":
            return { op: "log", channel: "job", level: 0, message: "flood" };
          case "instance_log":
            return { op: "log", channel: "instance", level: 0, message: "flood" };
          case "warning":
            return { op: "warning", message: "flood" };
          case "error":
            return { op: "error", message: "flood" };
          case "progress":
            return { op: "progress", value: 0.5, message: "flood" };
          case "items":
            return { op: "items", n: "1" };
          case "spawn":
            return { op: "spawn", type: child ?? "nope", params: "" };
        }
      })();
      return Array.from({ length: count }, () => one);
    }
    case "checks":
      return Array.from({ length: draw.count }, () => ({ op: "check", onInterrupt: "continue" }) as Op);
    case "spawn":
      if (child === undefined) return [];
      return [{ op: "spawn", type: children[draw.params.length % children.length]!, params: draw.params }, ...(draw.wait ? [{ op: "wait_children" } as Op] : [])];
    case "memory": {
      if (draw.what === "grow") {
        const message = `grown ${draw.variant}`;
        const ops: Op[] = [
          { op: "log", channel: "job", level: 1, message, memory: "grow" },
          { op: "log", channel: "instance", level: 2, message, memory: "grow" },
          { op: "warning", message, memory: "grow" },
          { op: "error", message, memory: "grow" },
          { op: "progress", value: 0.75, message, memory: "grow" },
        ];
        return [ops[draw.variant % ops.length]!];
      }
      const ops: Op[][] = [
        [{ op: "checkpoint", every: 1 }, { op: "load_state", memory: "exhaust" }],
        [{ op: "call", method: "query:libraries.list", library: "none", payload: "{}", memory: "exhaust" }],
        ...(child === undefined ? [] : [[{ op: "spawn", type: child, params: "", memory: "exhaust" } as Op], [{ op: "spawn", type: child, params: "" } as Op, { op: "wait_children", memory: "exhaust" } as Op]]),
        [{ op: "wait_children", memory: "exhaust" }],
      ];
      return ops[draw.variant % ops.length]!;
    }
    case "edge":
      return [EDGE_OPS[draw.variant % EDGE_OPS.length]!];
    case "wire":
      return [WIRE_OPS[draw.variant % WIRE_OPS.length]!];
  }
}

/** A chain of children to maxChildDepth and one past it: each slot spawns the next, the last spawns itself. */
function addTree(jobs: MutableJob[]): void {
  for (let k = 0; k < jobs.length; k++) {
    const job = jobs[k]!;
    const next = jobs[k + 1]?.name ?? job.name;
    job.before.unshift({ op: "spawn", type: next, params: "" });
  }
}

/** A child that traps, spawned twice by the root: the second runs on a fresh instance and logs with the id before it. */
function addTrap(jobs: MutableJob[], pick: number): void {
  const children = jobs.slice(1);
  if (children.length === 0) return;
  const child = children[pick % children.length]!;
  child.end = { kind: "trap" };
  child.before.unshift({ op: "log", channel: "job", level: 1, message: "after a trap?", id: "prev" });
  jobs[0]!.before.unshift({ op: "spawn", type: child.name, params: "" }, { op: "spawn", type: child.name, params: "" });
}

function registrations(jobs: readonly MutableJob[], draws: readonly RegistrationDraw[], badName: boolean): InitOp[] {
  const root = jobs[0]!;
  const other = jobs[1] ?? root;
  const out: InitOp[] = draws.map((draw): InitOp => {
    switch (draw) {
      case "duplicate":
        return { op: "register", name: root.name, export: `run_${other.name}` };
      case "unknown_export":
        return { op: "register", name: "extra", export: "run_nope" };
      case "wrong_signature":
        return { op: "register", name: "extra", export: "wasm_alloc" };
      case "empty":
        return { op: "register", name: "", export: `run_${root.name}` };
      case "alias":
        return { op: "register", name: "alias", export: `run_${root.name}` };
    }
  });
  if (badName) out.push({ op: "register", name: { bytes: [0x61, 0xff] }, export: `run_${root.name}` });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// runShape: the checks and calls a run makes, counted from the program (no host), for placing interrupt plans.

/** Host calls an op makes at least (its call, and the echo line it always logs); whether it is a check. */
function opCalls(op: Op): number {
  switch (op.op) {
    case "load_state":
    case "spawn":
    case "call":
    case "progress_kind":
    case "metrics_read":
    case "wait_children":
      return 2;
    case "raw": {
      const result = IMPORTS.find((spec) => spec.name === op.import)?.result;
      return result === "void" ? 1 : 2;
    }
    default:
      return 1;
  }
}

/** A run's checks (the call number of each, 1-based) and its calls, if nothing interrupts it before them. */
export interface RunShape {
  readonly checks: readonly number[];
  readonly calls: number;
}

export function runShape(job: ProgramJob, start: number): RunShape {
  const checks: number[] = [];
  let calls = 0;
  const visit = (op: Op, i: number, inLoop: boolean) => {
    if (op.op === "checkpoint" && inLoop && op.every > 1 && ((i + 1) >>> 0) % op.every !== 0) return;
    calls += opCalls(op);
    if (op.op === "check" && op.id === undefined) checks.push(calls);
  };
  for (const op of job.before) visit(op, start, false);
  let i = start;
  for (; i < job.steps; i++) for (const op of job.body) visit(op, i, true);
  for (const op of job.after) visit(op, i, false);
  return { checks, calls };
}

/** The loop index a state starts a run at (render-native.ts, u32After). */
const startOf = (state: unknown) => (typeof state === "string" && state.length > 0 ? u32After(encodeUtf8(state)) : 0);

/** The jobs the root's first run creates, in order, up to its first wait (after which grandchildren interleave). */
function createdByRoot(program: JobProgram, limits: Partial<HostLimits>): { job: ProgramJob; start: number }[] {
  const root = program.jobs[0]!;
  const out: { job: ProgramJob; start: number }[] = [];
  const maxChildren = limits.maxChildrenPerJob ?? DEFAULT_LIMITS.maxChildrenPerJob;
  if ((limits.maxChildDepth ?? DEFAULT_LIMITS.maxChildDepth) < 1) return out;
  const ops = [...root.before, ...Array.from({ length: root.steps }, () => root.body).flat(), ...root.after];
  for (const op of ops) {
    if (op.op === "wait_children" || (op.op === "raw" && op.import === "job_wait_for_children")) break;
    if (op.op !== "spawn" || op.id !== undefined || out.length >= maxChildren) continue;
    const job = program.jobs.find((candidate) => candidate.name === op.type);
    if (job !== undefined) out.push({ job, start: startOf(op.params) });
  }
  return out;
}

/**
 * An interrupt plan on a check or a call the targeted run makes. A run that makes no check gets one at its end (so
 * the request is answered, not only met by the run's return), and a job targeted in its resume pauses at its end
 * (return 1) so that there is one. null when the run makes no call at all.
 */
function placePlan(jobs: MutableJob[], scenario: Scenario, limits: Partial<HostLimits>, draw: TargetDraw): InterruptPlan | null {
  const program: JobProgram = { version: 1, jobs };
  const created = createdByRoot(program, limits);
  const index = draw.job <= created.length ? draw.job : 0;
  const target = index === 0 ? { job: jobs[0]!, start: startOf(scenario.state) } : created[index - 1]!;
  const job = target.job as MutableJob;
  const run = draw.run === 1 && scenario.resume === true && job.end.kind === "return" ? 1 : 0;
  if (run === 1) job.end = { kind: "return", code: 1 };
  // A resume starts from a checkpoint nobody can predict here: only its before and after ops are certain.
  const shapeOf = () => runShape(run === 0 ? job : { ...job, steps: 0 }, target.start);
  let shape = shapeOf();
  if (shape.checks.length === 0) {
    job.after.push({ op: "check", onInterrupt: (["continue", "return", "checkpoint_return"] as const)[draw.pick % 3]! });
    shape = shapeOf();
  }
  const base = { action: draw.action, job: index, run };
  if (draw.on === "check") return { ...base, atCheck: 1 + (draw.pick % shape.checks.length) };
  // A call at or before a check the run makes, so that a check answers it.
  const last = shape.checks[shape.checks.length - 1]!;
  return { ...base, atCall: 1 + (draw.pick % last) };
}

/** The tree bounds for a case: fewer children per job and, when it resumes, fewer runs per job. */
const treeBounds = (resume: boolean): Record<string, number> => ({ maxChildrenPerJob: TREE_CHILDREN, ...(resume ? { maxRunsPerJob: TREE_RUNS } : {}) });

/** Whether a job of the program spawns a job the program defines (a child tree can grow), not only unknown types. */
const spawnsItsOwnJobs = (program: JobProgram): boolean => {
  const names = new Set(program.jobs.map((job) => job.name));
  return allOps(program).some((op) => op.op === "spawn" && names.has(op.type));
};

/** The limits a plan sets, with what the program needs for them to stay where the plan put them. */
function resolveLimits(draw: LimitDraw, program: JobProgram, tree: { readonly depth: number } | undefined, resume: boolean): Partial<HostLimits> {
  const { payloadAtLimit, ...limits } = draw;
  const out: Record<string, number> = treeBounds(resume);
  for (const [key, value] of Object.entries(limits)) if (value !== undefined) out[key] = value;
  if (tree !== undefined) out.maxChildDepth = tree.depth;
  if (payloadAtLimit === true) {
    const longest = Math.max(0, ...allOps(program).flatMap((op) => (op.op === "call" ? [utf8ByteLength(op.payload)] : [])));
    if (longest > 0) out.maxCallPayloadBytes = longest;
  }
  return out;
}

/**
 * A case from the draws: the program with the reach plan's ops, limits, registrations and lines, and the scenario
 * with the plan's limits, store failures and interrupt plans. `wasmOnly` adds what no native job can do.
 */
export function buildCase(program: JobProgram, scenario: Scenario, reach: ReachDraw | null, wasmOnly: WasmOnlyDraw | null = null): ProgramCase {
  if (reach === null && wasmOnly === null) {
    if (!spawnsItsOwnJobs(program)) return { program, scenario };
    return { program, scenario: { ...scenario, limits: { ...treeBounds(scenario.resume === true), ...scenario.limits } } };
  }
  const jobs: MutableJob[] = program.jobs.map((job) => ({ ...job, before: [...job.before], body: [...job.body], after: [...job.after] }));
  const names = new Set(jobs.map((job) => job.name));
  const draw = reach ?? EMPTY_REACH;
  if (draw.retarget !== "none") {
    for (const job of jobs) {
      const later = laterSlots(jobs, job.name);
      if (later.length === 0) continue;
      for (const part of ["before", "body", "after"] as const) {
        job[part] = job[part].map((op) =>
          op.op === "spawn" && !names.has(op.type) && (op.type !== "nope" || draw.retarget === "all") ? { ...op, type: later[op.params.length % later.length]! } : op,
        );
      }
    }
  }
  if (draw.tree !== undefined) addTree(jobs);
  if (draw.trap !== undefined) addTrap(jobs, draw.trap);
  const resume = scenario.resume === true;
  const drawnLimits = resolveLimits(draw.limits, { ...program, jobs }, draw.tree, resume);
  for (const insertion of draw.inserts) insertAt(jobs, insertion, resolveInsertion(jobs, insertion, drawnLimits));
  const limits: Record<string, number> = { ...scenario.limits, ...resolveLimits(draw.limits, { ...program, jobs }, draw.tree, resume) };
  let init = registrations(jobs, draw.registrations, false);
  const cleanup = draw.cleanup?.map((message, k) => ({ level: k % 4, message }));
  const failures = draw.storeFailures;
  if (failures !== undefined && failures.first !== "none") jobs[0]!.before.unshift(failures.first === "checkpoint" ? { op: "checkpoint", every: 1 } : { op: "checkpoint_stateless" });
  const storeFailures = failures === undefined ? undefined : [...new Set([1, ...failures.more])];
  if (wasmOnly !== null) {
    for (const raw of wasmOnly.raws) insertAt(jobs, raw, [rawOp(raw.what)]);
    if (wasmOnly.cap) {
      limits.maxMemoryPages = 1;
      insertAt(jobs, { job: 0, part: "after", at: 0, what: null }, [
        { op: "log", channel: "job", level: 1, message: "capped", memory: "grow" },
        { op: "checkpoint", every: 1 },
        { op: "load_state", memory: "exhaust" },
        { op: "call", method: "query:libraries.list", library: "none", payload: "{}" },
        ...laterSlots(jobs, jobs[0]!.name).slice(0, 1).map((type): Op => ({ op: "spawn", type, params: "" })),
        { op: "wait_children" },
      ]);
    }
    if (wasmOnly.payload) {
      // Over maxCallPayloadBytes, and not JSON (BadPayload): a native job's payloads are values, always JSON.
      jobs[0]!.before.push({ op: "call", method: "action:test.ping.input", library: "none", payload: '{"message":"over"}' }, { op: "call", method: "query:libraries.list", library: "none", payload: "{" });
      limits.maxCallPayloadBytes = 8;
    }
    init = registrations(jobs, draw.registrations, wasmOnly.badName);
    if (wasmOnly.badName) jobs[0]!.before.push({ op: "raw", import: "job_spawn_child", param: "type_ptr", value: "bad_utf8" });
  } else if (jobs.some((job) => job.end.kind === "trap")) {
    // plugin_init would meet its registrations again on the fresh instance after a trap, which a native twin cannot
    // (ir.ts, wasmOnlyReason): a case with a native twin keeps them only when no job traps.
    init = [];
  }
  const initOps: InitOp[] = [...init, ...draw.initLogs.map((message, k): InitOp => ({ op: "log", level: (k + 1) % 4, message }))];
  const plans = draw.interrupts.flatMap((target) => placePlan(jobs, scenario, limits, target) ?? []);
  const built: JobProgram = {
    ...program,
    jobs,
    ...(initOps.length > 0 ? { init: initOps } : {}),
    ...(cleanup !== undefined ? { cleanup } : {}),
  };
  const out: Scenario = {
    ...scenario,
    ...(plans.length > 0 ? { interrupts: [...(scenario.interrupts ?? []), ...plans] } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(storeFailures !== undefined ? { storeFailures } : {}),
  };
  return { program: built, scenario: out };
}

const EMPTY_REACH: ReachDraw = {
  retarget: "none",
  limits: {},
  inserts: [],
  interrupts: [],
  tree: undefined,
  trap: undefined,
  registrations: [],
  initLogs: [],
  cleanup: undefined,
  storeFailures: undefined,
};

/**
 * A program with a scenario for it, both renderings possible: the unit the differential property checks. The draws
 * go in order: the ABI 1.0 program and scenario, the ABI 1.1 plan, then the reach plan (three cases in four), so a
 * seed still draws what it drew before (abi11CaseArb is that part; conformance/programs.test.ts pins it).
 */
export const caseArb: fc.Arbitrary<ProgramCase> = fc
  .tuple(programArb, scenarioArb, abi11Plan, reachPlan)
  .map(([program, scenario, plan, reach]) => buildCase(withAbi11Ops(program, plan), scenario, reach));

/**
 * Cases only the WASM side can run (ir.ts, wasmOnlyReason): raw calls with hostile pointers and lengths on every
 * import, a memory cap with allocations that fail, payloads over the limit, registrations that are not UTF-8. They
 * have no native twin: hosts are judged on them against the reference host (host fuzzing), and the invariants hold.
 */
export const wasmOnlyCaseArb: fc.Arbitrary<ProgramCase> = fc
  .tuple(programArb, scenarioArb, abi11Plan, reachDraw, wasmOnlyDraw)
  .map(([program, scenario, plan, reach, wasmOnly]) => buildCase(withAbi11Ops(program, plan), scenario, reach, wasmOnly));

/**
 * Cases whose guest is twisted (ir.ts, ModuleTwist; twist-arbitraries.ts): invalid bytes, imports and exports that do
 * not link, a memory over the limit, an instantiation that traps, ABI markers no host serves or several of them, a
 * plugin_init that fails, messages beginning with a byte order mark, a wasm_free that shows what it is given. Most
 * fail to load; the reference host's answer says how, and a host must answer the same.
 */
export const twistedCaseArb: fc.Arbitrary<ProgramCase> = fc.tuple(caseArb, twistsArb).map(([{ program, scenario }, twists]) => twistCase(program, scenario, twists));

/**
 * Edge cases (edge-arbitraries.ts): a case with one thing nothing else draws: a plugin_init that fails, traps or spins, a
 * run stopped by a time limit of a few tens of ms or kept busy past the stall limit, a wasm_alloc that fails or traps for
 * the host, jobs registered as not resumable and resumed, runs that show the state they get, a root named by its
 * export, permissions that name some fields, child trees at small tree limits, progress with lone surrogates.
 */
export const edgeCaseArb: fc.Arbitrary<ProgramCase> = fc.tuple(caseArb, edgeDrawArb).map(([base, draw]) => edgeCase(base, draw));

/**
 * Every case a generated program can be, for judging hosts against the reference host: of nine, six have a native
 * twin, two are WASM-only and one has its guest twisted or is an edge case (half each). The edge cases share the
 * twisted part so that the other eight in nine are drawn as they were before edge cases existed.
 */
export const hostCaseArb: fc.Arbitrary<ProgramCase> = fc.oneof(
  { weight: 6, arbitrary: caseArb },
  { weight: 2, arbitrary: wasmOnlyCaseArb },
  { weight: 1, arbitrary: fc.oneof(twistedCaseArb, edgeCaseArb) },
);
