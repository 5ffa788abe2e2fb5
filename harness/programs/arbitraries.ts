import fc from "fast-check";
import type { InterruptPlan } from "../host/interrupts.ts";
import { progressJson, type GenericProgress, type Progress } from "../jobs/native-progress.ts";
import type { Scenario } from "../suite/scenario.ts";
import type { End, JobProgram, Message, Op, ProgramJob, ProgressValue } from "./ir.ts";

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

const U64_MAX = (1n << 64n) - 1n;

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

/**
 * A program with a scenario for it: the unit the differential property checks. The ABI 1.1 ops are drawn last,
 * after the program and the scenario, so a seed still generates the 1.0 program and scenario it did before 1.1
 * (fast-check draws a tuple's parts in order); a quarter of the cases then get ABI 1.1 ops spliced in.
 */
export const caseArb = fc
  .tuple(programArb, scenarioArb, abi11Plan)
  .map(([program, scenario, plan]): ProgramCase => ({ program: withAbi11Ops(program, plan), scenario }));
export type ProgramCase = { program: JobProgram; scenario: Scenario };
