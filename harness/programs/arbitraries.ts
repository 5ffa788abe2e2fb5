import fc from "fast-check";
import type { InterruptPlan } from "../host/interrupts.ts";
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

/** A program with a scenario for it: the unit the differential property checks. */
export const caseArb = fc.record({ program: programArb, scenario: scenarioArb });
export type ProgramCase = { program: JobProgram; scenario: Scenario };
