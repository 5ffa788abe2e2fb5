import fc from "fast-check";
import { progressJson } from "../jobs/native-progress.ts";
import type { Permissions } from "../host/permissions.ts";
import type { Scenario } from "../suite/scenario.ts";
import { exportName, FOREIGN_LIBRARY_ID, type InitOp, type JobProgram, type ModuleTwist, type Op, type ProgramJob } from "./ir.ts";

/**
 * Edge cases: a generated case with one thing no other draw reaches, each aimed at clauses whose mutants survive
 * the other cases. Some twist the guest (ir.ts, ModuleTwist: a plugin_init that fails, traps or spins, a run that spins,
 * a wasm_alloc that fails or traps for the host, registrations not resumable, runs that show their state), some
 * change only the scenario and add the ops that meet it (a root named by its export, permissions that name some
 * fields, names compared as written, child trees at small tree limits, progress and payloads with lone surrogates).
 * Every time limit drawn is a few tens of ms, and a run that waits on one spins from its start, so that what it does
 * before it stops never depends on the machine.
 */
export type EdgeDraw =
  /** plugin_init returns 1, traps, or spins until runTimeoutMs or stallTimeoutMs (`limit`) stops it: JP_INIT_FAILED. */
  | { readonly kind: "init_end"; readonly how: "result" | "trap" | "spin"; readonly limit: "run" | "stall" }
  /** The root spins from its start without calling the host, stopped by `limit` (end cause timeout). */
  | { readonly kind: "spin"; readonly limit: "run" | "stall" }
  /** The root calls the host for longer than stallTimeoutMs and is not stopped (runTimeoutMs 0). */
  | { readonly kind: "busy" }
  /** wasm_alloc fails or traps for the host at dispatch or for the answers of the root's first calls. */
  | { readonly kind: "host_alloc"; readonly from: "dispatch" | "answer"; readonly how: "trap" | "past_end" | "prefix_only" }
  /** Jobs registered as not resumable; the root pauses at its first check and is resumed. */
  | { readonly kind: "not_resumable" }
  /** Runs log the state they are given; the scenario's state is empty, text that looks like JSON, or a JSON value. */
  | { readonly kind: "state"; readonly state: unknown }
  /** The scenario names the root by its export, which plugin_init also registers later under another name. */
  | { readonly kind: "by_export" }
  /**
   * The root waits for an alpha that traps on the root's instance (retiring it) and a beta that gets a fresh one, then
   * traps on its own, retired instance: the beta's stays live, and plugin_cleanup runs on it (run.retire, run.cleanup).
   */
  | { readonly kind: "retired_live" }
  /**
   * Registrations are the extension's (init.reinit): the root waits for an alpha that traps and a beta, whose fresh
   * instance's plugin_init registers a new name twice and nothing else (reinit_register, told from the first by a wire
   * call under a rate limit of one call); the root then spawns beta again and the new type.
   */
  | { readonly kind: "reinit_registry" }
  /** Permissions naming only some of their fields, and wire calls that the absent ones' defaults allow. */
  | { readonly kind: "permissions"; readonly permissions: Partial<Permissions> }
  /**
   * Names compared as written (wire.order): a manifest naming the foreign library's id in upper case, one call a
   * minute, and the wire calls, among them a method name with a non-ASCII letter and a call naming the foreign library.
   */
  | { readonly kind: "names_as_written" }
  /** job_progress, and a wire call's payload, with a string holding a lone surrogate escape, which serde refuses. */
  | { readonly kind: "lone_surrogate"; readonly progress: string; readonly payload: string }
  /**
   * job_progress, and a wire call's payload, with a number at the edge of a double's range, written as text: one that
   * rounds to an infinity, of either sign (refused), or to the largest or lowest double, or to zero (read).
   */
  | { readonly kind: "double_range"; readonly progress: string; readonly payload: string }
  /** A tree of children that meets maxTreeJobs, maxQueuedJobs and maxTreeStateBytes; checkpoints of jobs that finish. */
  | { readonly kind: "tree"; readonly maxTreeJobs: number; readonly maxQueuedJobs: number; readonly maxTreeStateBytes: number };

/**
 * Time limits of the cases that wait on one: short enough to cost little, long enough to be a limit, and long against
 * what must finish under them without spinning (plugin_init runs under runTimeoutMs: init.time-limit). At 2 ms a host
 * in Python whose thread was descheduled that long, on a loaded machine, failed a plugin_init of two calls.
 */
export const EDGE_TIME_LIMIT_MS = 20;

/**
 * The stall limit of a run kept busy: it calls the host every few tens of microseconds, so no limit stops it on a
 * host that counts its calls, and its spin (SPIN_CALLS x SPIN_PAUSE, about 55 ms here) outlasts this. Long against
 * what a host that reads its clock at every call may find gone between two calls while its process was descheduled
 * or collected garbage, which run.stall lets it count: at 1 ms such hosts stopped the run where the reference host,
 * which reads its clock every 65,536 entries, did not.
 */
export const BUSY_STALL_LIMIT_MS = 20;

const limitArb = fc.constantFrom("run" as const, "stall" as const);

const surrogate = fc.constantFrom("\ud800", "\udbff", "\ud83d", "\udc00", "\udfff");
const loneText = fc.tuple(fc.string({ maxLength: 4 }), surrogate, fc.string({ maxLength: 4 })).map(([a, s, b]) => a + s + b);

/**
 * States that look like JSON (a string is passed as its bytes, quotes and all), JSON values (whose text only
 * JSON.stringify's key order and number form give, names that look like array indices and are not among them:
 * scenario.state), and the empty state.
 */
const stateArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(""),
  fc.constantFrom('{"i":1}', "[1,2]", '"i=2"', "42", "true", "null", '{"a":"b"}'),
  {
    weight: 2,
    arbitrary: fc.oneof(
      // The two objects three draws in four: only an object's key order and number form tell JSON.stringify's text
      // from another writer's (a map that sorts its keys, serde_json's default).
      { weight: 3, arbitrary: fc.constantFrom<unknown>({ b: 1e21, a: 1, "10": 0 }, { b: 1, "1\n": 2, "01": 3, "4294967295": 4, "7": 5 }) },
      fc.constantFrom<unknown>([1, "two"], 42, true, "i=3"),
    ),
  },
);

const permissionsArb: fc.Arbitrary<Partial<Permissions>> = fc
  .record(
    {
      methods: fc.subarray(["query:", "action:test.", "action:entries.", "action:network."]),
      libraries: fc.constantFrom(["*"], [] as string[]),
      rateLimit: fc.record({ calls: fc.integer({ min: 0, max: 4 }), windowMs: fc.constant(60_000) }),
    },
    { requiredKeys: [] },
  )
  .filter((p) => Object.keys(p).length < 3);

/**
 * Numbers at the edge of a double's range, as a guest may write them (progress.structured, wire.payload): with an
 * exponent, and in digits alone (a reader that keeps integers exact reads those otherwise).
 */
const EDGE_NUMBERS = [
  "1e400",
  "-1e400",
  "1.7976931348623159e308",
  "-1.7976931348623159e308",
  "1.7976931348623158e308",
  "-1.7976931348623158e308",
  "1e-400",
  `1${"0".repeat(400)}`,
  `-1${"0".repeat(400)}`,
  `-1${"0".repeat(308)}`,
];

export const edgeDrawArb: fc.Arbitrary<EdgeDraw> = fc.oneof(
  // Twice as often as most: three ways to fail, for three clauses (init.result, init.trap, init.time-limit).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("init_end" as const), how: fc.constantFrom("result" as const, "trap" as const, "spin" as const), limit: limitArb }) },
  fc.record({ kind: fc.constant("spin" as const), limit: limitArb }),
  fc.constant({ kind: "busy" as const }),
  // Twice as often as the others: four variants for four clauses (dispatch.alloc-trap, dispatch.alloc-failure,
  // answer.alloc-trap, answer.alloc-failure), a trap as often as a failure of either kind.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("host_alloc" as const),
      from: fc.constantFrom("dispatch" as const, "answer" as const),
      how: fc.oneof(fc.constant("trap" as const), fc.constantFrom("past_end" as const, "prefix_only" as const)),
    }),
  },
  fc.constant({ kind: "not_resumable" as const }),
  fc.record({ kind: fc.constant("state" as const), state: stateArb }),
  fc.constantFrom({ kind: "by_export" as const }, { kind: "retired_live" as const }, { kind: "reinit_registry" as const }),
  fc.record({ kind: fc.constant("permissions" as const), permissions: permissionsArb }),
  fc.constant({ kind: "names_as_written" as const }),
  // One draw for the two kinds of text serde reads otherwise than JSON.parse, so that neither shifts the others' draws.
  fc.oneof(
    fc.tuple(loneText, fc.boolean()).map(([text, structured]) => ({
      kind: "lone_surrogate" as const,
      progress: progressJson(structured ? { type: "Structured", data: { note: text } } : { type: "Indeterminate", data: text }),
      payload: JSON.stringify({ message: text }),
    })),
    fc.constantFrom(...EDGE_NUMBERS).map((number) => ({
      kind: "double_range" as const,
      progress: `{"type":"Structured","data":${number}}`,
      payload: `{"message":"m","n":${number}}`,
    })),
  ),
  fc.record({
    kind: fc.constant("tree" as const),
    maxTreeJobs: fc.integer({ min: 2, max: 5 }),
    maxQueuedJobs: fc.integer({ min: 1, max: 3 }),
    maxTreeStateBytes: fc.integer({ min: 3, max: 10 }),
  }),
);

type Case = { program: JobProgram; scenario: Scenario };
type Limits = NonNullable<Scenario["limits"]>;

const withTwist = (c: Case, twist: ModuleTwist): Case => ({ ...c, program: { ...c.program, twists: [twist] } });
const withLimits = (c: Case, limits: Partial<Limits>): Case => ({ ...c, scenario: { ...c.scenario, limits: { ...c.scenario.limits, ...limits } } });
/**
 * The limits a spin waits on: `run`, both at the edge limit (the host checks its wall-clock limit first, so that is
 * the one that stops a spin from the start; and with runTimeoutMs taken off, as the coverage sample runs cases, the
 * stall limit still ends it); `stall`, the stall limit alone.
 */
const timeLimit = (limit: "run" | "stall"): Partial<Limits> =>
  limit === "run" ? { runTimeoutMs: EDGE_TIME_LIMIT_MS, stallTimeoutMs: EDGE_TIME_LIMIT_MS } : { runTimeoutMs: 0, stallTimeoutMs: EDGE_TIME_LIMIT_MS };

/** The program with `ops` first in the root's before. */
function rootFirst(program: JobProgram, ops: readonly Op[]): JobProgram {
  const [root, ...rest] = program.jobs;
  return { ...program, jobs: [{ ...root!, before: [...ops, ...root!.before] }, ...rest] };
}

const emptyJob = (name: string): ProgramJob => ({ name, steps: 0, before: [], body: [], after: [], end: { kind: "return", code: 0 } });

/**
 * The tree: the root spawns two alphas and waits for them, checkpoints, and spawns a beta; each alpha checkpoints
 * and spawns a beta while it runs. Under small tree limits some of these are refused: the tree's size, the queued
 * jobs (a running alpha is no longer queued), the tree's state (a finished alpha's checkpoint no longer counts).
 */
function tree(program: JobProgram): JobProgram {
  // The program's slots (arbitraries.ts, JOB_SLOTS): a slot the program lacks becomes a job that only returns.
  const [root, alpha, beta] = ["root", "alpha", "beta"].map((name) => program.jobs.find((job) => job.name === name) ?? emptyJob(name));
  const spawn = (type: string, params = ""): Op => ({ op: "spawn", type, params });
  return {
    ...program,
    jobs: [
      { ...root!, before: [spawn("alpha"), spawn("alpha", "i=1"), { op: "wait_children" }, { op: "checkpoint", every: 1 }, spawn("beta"), ...root!.before] },
      { ...alpha!, before: [{ op: "checkpoint", every: 1 }, spawn("beta"), ...alpha!.before] },
      beta!,
    ],
  };
}

/**
 * retired_live: the root spawns an alpha that traps and a beta, waits for them, and traps; plugin_cleanup logs a line
 * it writes into its own memory first, so a host reading the retired instance's memory for it logs other bytes.
 * The jobs do nothing else: a child queued after the wait, or one of the alpha's, would run later and could retire
 * the beta's instance in turn.
 */
function retiredLive(program: JobProgram): JobProgram {
  const spawn = (type: string): Op => ({ op: "spawn", type, params: "" });
  return {
    ...program,
    jobs: [
      { ...emptyJob("root"), before: [spawn("alpha"), spawn("beta"), { op: "wait_children" }], end: { kind: "trap" } },
      { ...emptyJob("alpha"), end: { kind: "trap" } },
      emptyJob("beta"),
    ],
    // Logged from memory the cleanup writes: the retired instance holds the lines its runs composed there instead.
    cleanup: [...(program.cleanup ?? []), { level: 1, message: "cleanup on the live instance", from: "scratch" }],
  };
}

/** reinit_registry's program (see EdgeDraw); the new type runs beta's export. */
function reinitRegistry(c: Case): Case {
  const spawn = (type: string): Op => ({ op: "spawn", type, params: "" });
  const program: JobProgram = {
    ...c.program,
    jobs: [
      { ...emptyJob("root"), before: [spawn("alpha"), spawn("beta"), { op: "wait_children" }, spawn("beta"), spawn("extra")] },
      { ...emptyJob("alpha"), end: { kind: "trap" } },
      emptyJob("beta"),
    ],
    twists: [{ kind: "reinit_register", name: "extra", export: exportName(emptyJob("beta")) }],
  };
  return { program, scenario: { ...c.scenario, permissions: { rateLimit: { calls: 1, windowMs: 60_000 } } } };
}

/**
 * The wire calls of the permission draws: a method name with a non-ASCII letter and one with a line feed after a
 * catalogue method's name (each UnknownMethod, which the rate limit never counts), a call naming the foreign library,
 * then calls the default permissions allow: one needing `query:`, one `action:` and the job's library.
 */
const WIRE_CALLS: readonly Op[] = [
  { op: "call", method: "query:caf\u00e9", library: "none", payload: "{}" },
  { op: "call", method: "query:libraries.list\n", library: "none", payload: "{}" },
  { op: "call", method: "query:libraries.list", library: "foreign", payload: "{}" },
  { op: "call", method: "query:libraries.list", library: "none", payload: "{}" },
  { op: "call", method: "action:entries.create.input", library: "job", payload: '{"name":"edge","path":"/files/edge","entry_type":"File"}' },
  { op: "call", method: "query:entries.list", library: "job", payload: "{}" },
];

/** The manifest of names_as_written: the foreign library in upper case names no library; one call counts. */
const NAMES_AS_WRITTEN: Partial<Permissions> = { libraries: [FOREIGN_LIBRARY_ID.toUpperCase()], rateLimit: { calls: 1, windowMs: 60_000 } };

/** Calls whose answers are allocated: a state to load, a wire call. */
const ANSWERED_CALLS: readonly Op[] = [{ op: "checkpoint", every: 1 }, { op: "load_state" }, { op: "call", method: "query:libraries.list", library: "none", payload: "{}" }];

/** A generated case with an edge drawn into it. */
export function edgeCase(base: Case, draw: EdgeDraw): Case {
  switch (draw.kind) {
    case "init_end":
      if (draw.how === "result") return withTwist(base, { kind: "init_result", code: 1 });
      return withLimits(withTwist(base, { kind: "init_end", how: draw.how }), draw.how === "spin" ? timeLimit(draw.limit) : {});
    case "spin":
      return withLimits(withTwist(base, { kind: "spin", calls: "silent" }), timeLimit(draw.limit));
    case "busy":
      // Its lines past the first are dropped and counted: a count that does not depend on time.
      return withLimits(withTwist(base, { kind: "spin", calls: "calling" }), { runTimeoutMs: 0, stallTimeoutMs: BUSY_STALL_LIMIT_MS, maxLogLinesPerJob: 1 });
    case "host_alloc": {
      const twisted = withTwist(base, { kind: "host_alloc", from: draw.from, how: draw.how });
      return draw.from === "answer" ? { ...twisted, program: rootFirst(twisted.program, ANSWERED_CALLS) } : twisted;
    }
    case "not_resumable": {
      const twisted = withTwist(base, { kind: "not_resumable" });
      const { maxRunsPerJob: _runs, ...limits } = twisted.scenario.limits ?? {};
      return {
        program: rootFirst(twisted.program, [{ op: "check", onInterrupt: "checkpoint_return" }]),
        scenario: { ...twisted.scenario, limits, resume: true, interrupts: [{ action: "pause", atCheck: 1, job: 0, run: 0 }] },
      };
    }
    case "state":
      return { ...withTwist(base, { kind: "state_echo" }), scenario: { ...base.scenario, state: draw.state } };
    case "by_export": {
      // The root's export registered again, after every job: the root's type is still its own (first) name.
      const rootExport = exportName(base.program.jobs[0]!);
      const alias: InitOp = { op: "register", name: "alias", export: rootExport };
      return { program: { ...base.program, init: [...(base.program.init ?? []), alias] }, scenario: { ...base.scenario, job: rootExport } };
    }
    case "retired_live":
      return { ...base, program: retiredLive(base.program) };
    case "reinit_registry":
      return reinitRegistry(base);
    case "permissions":
      return { program: rootFirst(base.program, WIRE_CALLS), scenario: { ...base.scenario, permissions: draw.permissions } };
    case "names_as_written":
      return { program: rootFirst(base.program, WIRE_CALLS), scenario: { ...base.scenario, permissions: NAMES_AS_WRITTEN } };
    case "lone_surrogate":
    case "double_range":
      return {
        ...base,
        program: rootFirst(base.program, [
          { op: "progress_kind", progress: draw.progress },
          { op: "call", method: "action:test.ping.input", library: "none", payload: draw.payload },
        ]),
      };
    case "tree": {
      const { maxTreeJobs, maxQueuedJobs, maxTreeStateBytes } = draw;
      return withLimits({ ...base, program: tree(base.program) }, { maxTreeJobs, maxQueuedJobs, maxTreeStateBytes, maxChildrenPerJob: 4 });
    }
  }
}
