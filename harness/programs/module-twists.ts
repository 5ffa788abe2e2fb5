import { encodeUtf8 } from "../abi/codec.ts";
import { IMPORT_MODULE, importSpec } from "../abi/imports.ts";
import { ABI_MARKER } from "../abi/version.ts";
import { encodeModule, printModule, type FunctionDef, type ImportDef, type Instr, type ModuleDef } from "../engine/wasm-module.ts";
import { exportName, SPIN_CALLS, SPIN_PAUSE, TWIST_KINDS, type JobProgram, type Message, type ModuleTwist, type Op, type TwistKind } from "./ir.ts";
import { programModule } from "./render-wasm.ts";

/**
 * A program's guest with its twists (ir.ts, ModuleTwist) applied: what host fuzzing, generated gate cases and saved
 * regressions send. A twist works on the program before it is rendered (its messages), on the module description
 * render-wasm.ts makes (imports, exports, memory, data) or on the encoded bytes, never on the renderer's insides, so
 * the renderer can change without the twists following it. A program without twists renders exactly as renderWasm.
 */

const BOM = "\ufeff";
const BOM_BYTES = [0xef, 0xbb, 0xbf];
const PAGE = 65_536;

const twistOf = <K extends TwistKind>(program: JobProgram, kind: K) => program.twists?.find((t): t is Extract<ModuleTwist, { kind: K }> => t.kind === kind);

/** The program a twisted guest is rendered from: its own, but every text message beginning with a BOM (bom_messages). */
function twistedProgram(program: JobProgram): JobProgram {
  if (twistOf(program, "bom_messages") === undefined) return program;
  const message = (m: Message): Message => (typeof m === "string" ? BOM + m : { bytes: [...BOM_BYTES, ...m.bytes] });
  const op = (o: Op): Op => {
    switch (o.op) {
      case "progress":
      case "warning":
      case "error":
      case "log":
        return { ...o, message: message(o.message) };
      case "progress_step":
        return { ...o, message: BOM + o.message };
      default:
        return o;
    }
  };
  return {
    ...program,
    jobs: program.jobs.map((job) => ({ ...job, before: job.before.map(op), body: job.body.map(op), after: job.after.map(op) })),
    ...(program.init ? { init: program.init.map((o) => (o.op === "log" ? { ...o, message: BOM + o.message } : o)) } : {}),
    ...(program.cleanup ? { cleanup: program.cleanup.map((line) => ({ ...line, message: BOM + line.message })) } : {}),
  };
}

const withFunction = (def: ModuleDef, name: string, change: (fn: FunctionDef) => FunctionDef): ModuleDef => ({
  ...def,
  functions: def.functions.map((fn) => (fn.export === name ? change(fn) : fn)),
});

/** An exported function of type () -> () under `name`, taking the export from whichever function had it. */
function wrongTypedExport(def: ModuleDef, name: string): ModuleDef {
  const functions = def.functions.map((fn) => (fn.export === name ? { ...fn, export: undefined } : fn));
  return { ...def, functions: [...functions, { name: `$twisted_${name}`, export: name, params: [], results: [], locals: [], body: [] }] };
}

/** The module's import of `field` by its name in the module, added (with the table's type) when it has none. */
function ensureImport(def: ModuleDef, field: string): { def: ModuleDef; name: string } {
  const spec = importSpec(field)!;
  const found = def.imports.find((i) => i.module === IMPORT_MODULE && i.field === field && i.params.join() === spec.params.map((p) => p.type).join());
  if (found !== undefined) return { def, name: found.name };
  const name = `$twist_${field}`;
  const imp: ImportDef = { module: IMPORT_MODULE, field, name, params: spec.params.map((p) => p.type), results: spec.results };
  return { def: { ...def, imports: [...def.imports, imp] }, name };
}

/** Every job's run export, changed (the twists that act inside runs). */
const withRuns = (def: ModuleDef, program: JobProgram, change: (fn: FunctionDef) => FunctionDef): ModuleDef => {
  const runs = new Set(program.jobs.map(exportName));
  return { ...def, functions: def.functions.map((fn) => (fn.export !== undefined && runs.has(fn.export) ? change(fn) : fn)) };
};

const prepend = (fn: FunctionDef, body: readonly Instr[]): FunctionDef => ({ ...fn, body: [...body, ...fn.body] });

/** A run export's parameters: (context ptr, context len, state ptr, state len). */
const STATE_PTR = 2;
const STATE_LEN = 3;

/** plugin_init ends in a trap, or in a loop that never calls the host (init_end), after what it did before. */
function initEnd(def: ModuleDef, how: "trap" | "spin"): ModuleDef {
  const end: Instr[] = how === "trap" ? [["drop"], ["unreachable"]] : [["drop"], ["loop"], ["br", 0], ["end"], ["i32.const", 0]];
  return withFunction(def, "plugin_init", (fn) => ({ ...fn, body: [...fn.body, ...end] }));
}

/**
 * The root's run begins with a loop (spin): one that never ends, or SPIN_CALLS empty spacedrive_log lines, each
 * followed by SPIN_PAUSE turns of an empty loop, so that the host's loop checks (engine/loop-checks.ts) meet the run
 * several times while it calls the host. The calling spin is the first run's on an instance only ($twist_spun): a
 * root that spawns itself, each job resumed, would otherwise spin in every run of every job of the tree (hundreds of
 * runs, tens of seconds) where one run shows all the twist is for.
 */
function spin(def: ModuleDef, program: JobProgram, calls: "silent" | "calling"): ModuleDef {
  const root = exportName(program.jobs[0]!);
  if (calls === "silent") return withFunction(def, root, (fn) => prepend(fn, [["loop"], ["br", 0], ["end"]]));
  const log = ensureImport(def, "spacedrive_log");
  const spun = { ...log.def, globals: [...log.def.globals, { name: "$twist_spun", mutable: true, init: 0 }] };
  return withFunction(spun, root, (fn) => {
    const k = fn.params.length + fn.locals.length; // two locals of its own, after the run's
    const j = k + 1;
    const countdown = (local: number, count: number, body: readonly Instr[]): Instr[] => [
      ["i32.const", count], ["local.set", local],
      ["block"], ["loop"],
      ["local.get", local], ["i32.eqz"], ["br_if", 1],
      ...body,
      ["local.get", local], ["i32.const", 1], ["i32.sub"], ["local.set", local],
      ["br", 0],
      ["end"], ["end"],
    ];
    const call: Instr[] = [["i32.const", 0], ["i32.const", 0], ["i32.const", 0], ["call", log.name]];
    const once: Instr[] = [
      ["global.get", "$twist_spun"], ["i32.eqz"], ["if"],
      ["i32.const", 1], ["global.set", "$twist_spun"],
      ...countdown(k, SPIN_CALLS, [...call, ...countdown(j, SPIN_PAUSE, [])]),
      ["end"],
    ];
    return prepend({ ...fn, locals: [...fn.locals, "i32", "i32"] }, once);
  });
}

/**
 * The wasm_alloc the host calls (host_alloc) is a new export before the guest's own allocator, which the guest
 * itself still uses: it traps, answers a pointer 2 bytes before the end of memory, or answers one where only an
 * answer's 4-byte length prefix fits, always (`dispatch`, where each call first logs an empty line through
 * spacedrive_log, so every call the host makes shows) or once a run has begun (`answer`: every run first sets
 * $twist_armed). After a `prefix_only` answer the next call traps if the 4 bytes there are no longer zero: nothing
 * may be written where an answer does not fit (answer.alloc-failure), and this is how a guest sees it.
 */
function hostAlloc(def: ModuleDef, program: JobProgram, twist: Extract<ModuleTwist, { kind: "host_alloc" }>): ModuleDef {
  const own = def.functions.find((fn) => fn.export === "wasm_alloc");
  if (own === undefined) return def;
  const end: Instr[] = [["memory.size"], ["i32.const", 16], ["i32.shl"]];
  const prefixOnly: Instr[] = [
    // The last answer's prefix, when it was in memory: still zero, or trap.
    ["global.get", "$twist_last"], ["if"],
    ["global.get", "$twist_last"], ["i32.const", 4], ["i32.add"], ...end, ["i32.le_u"], ["if"],
    ["global.get", "$twist_last"], ["i32.load", 0], ["if"], ["unreachable"], ["end"],
    ["end"], ["end"],
    ...end, ["local.get", 0], ["i32.sub"], ["i32.const", 1], ["i32.add"], ["local.tee", 1], ["global.set", "$twist_last"], ["local.get", 1], ["return"],
  ];
  const fail: Instr[] =
    twist.how === "trap" ? [["unreachable"]] : twist.how === "prefix_only" ? prefixOnly : [...end, ["i32.const", 2], ["i32.sub"], ["return"]];
  // From dispatch on, each call logs an empty line first: the calls a host makes show, one more than it should too.
  const log = twist.from === "dispatch" ? ensureImport(def, "spacedrive_log") : null;
  const logCall: Instr[] = log === null ? [] : [["i32.const", 1], ["i32.const", 0], ["i32.const", 0], ["call", log.name]];
  const body: Instr[] = twist.from === "dispatch" ? [...logCall, ...fail] : [["global.get", "$twist_armed"], ["if"], ...fail, ["end"], ["local.get", 0], ["call", own.name]];
  const locals: FunctionDef["locals"] = twist.how === "prefix_only" ? ["i32"] : [];
  const wrapper: FunctionDef = { name: "$twist_host_alloc", export: "wasm_alloc", params: ["i32"], results: ["i32"], locals, body };
  const base = log?.def ?? def;
  const functions = [...base.functions.map((fn) => (fn === own ? { ...fn, export: undefined } : fn)), wrapper];
  const globals = twist.how === "prefix_only" ? [...def.globals, { name: "$twist_last", mutable: true, init: 0 }] : def.globals;
  if (twist.from === "dispatch") return { ...base, functions, globals };
  const armed = { ...def, functions, globals: [...globals, { name: "$twist_armed", mutable: true, init: 0 }] };
  return withRuns(armed, program, (fn) => prepend(fn, [["i32.const", 1], ["global.set", "$twist_armed"]]));
}

/** register_job is called through a function that passes resumable = 0 whatever it is given (not_resumable). */
function notResumable(def: ModuleDef): ModuleDef {
  const imp = def.imports.find((i) => i.module === IMPORT_MODULE && i.field === "register_job");
  if (imp === undefined) return def;
  const renamed = `${imp.name}_import`;
  const wrapper: FunctionDef = {
    name: imp.name,
    params: imp.params,
    results: imp.results,
    locals: [],
    body: [["local.get", 0], ["local.get", 1], ["local.get", 2], ["local.get", 3], ["i32.const", 0], ["call", renamed]],
  };
  return { ...def, imports: def.imports.map((i) => (i === imp ? { ...i, name: renamed } : i)), functions: [...def.functions, wrapper] };
}

/** Each run logs the state it was given, and traps on an empty state at a pointer that is not 0 (state_echo). */
function stateEcho(def: ModuleDef, program: JobProgram): ModuleDef {
  const log = ensureImport(def, "spacedrive_log");
  const echo: Instr[] = [
    ["local.get", STATE_LEN], ["if"],
    ["i32.const", 1], ["local.get", STATE_PTR], ["local.get", STATE_LEN], ["call", log.name],
    ["else"], ["local.get", STATE_PTR], ["if"], ["unreachable"], ["end"],
    ["end"],
  ];
  return withRuns(log.def, program, (fn) => prepend(fn, echo));
}

/**
 * plugin_init tells a later instance by the host's state (reinit_register): its first wire call, under a rate limit
 * of one call, is answered on the first instance only. On a later one it registers `name` with `export` twice (the
 * second is a registration made earlier in the same plugin_init: OK, nothing recorded), logs both statuses as digits
 * and returns 0, registering nothing else: the program's registrations stand (init.reinit). Its texts are data at the
 * end of the initial memory, which nothing uses while plugin_init runs.
 */
function reinitRegister(def: ModuleDef, twist: Extract<ModuleTwist, { kind: "reinit_register" }>): ModuleDef {
  const call = ensureImport(def, "spacedrive_call");
  const register = ensureImport(call.def, "register_job");
  const log = ensureImport(register.def, "spacedrive_log");
  const top = (log.def.memory?.minPages ?? 1) * PAGE;
  const method = encodeUtf8("query:libraries.list");
  const name = encodeUtf8(twist.name);
  const exportBytes = encodeUtf8(twist.export);
  const at = { method: top - 128, name: top - 96, export: top - 64, digit: top - 8 };
  const registerAndLog: Instr[] = [
    ["i32.const", at.digit], ["i32.const", 48],
    ["i32.const", at.name], ["i32.const", name.length], ["i32.const", at.export], ["i32.const", exportBytes.length], ["i32.const", 1], ["call", register.name],
    ["i32.add"], ["i32.store8", 0],
    ["i32.const", 1], ["i32.const", at.digit], ["i32.const", 1], ["call", log.name],
  ];
  // The answer's pointer is a local of its own, after plugin_init's, and the heap before the call another: the answer,
  // once read, is freed (as render-wasm.ts frees a wire call's), so that its words' length moves nothing after it.
  const first = (local: number): Instr[] => [
    ["global.get", "$heap"], ["local.set", local + 1],
    ["i32.const", at.method], ["i32.const", method.length], ["i32.const", 0], ["i32.const", 0], ["i32.const", 0], ["call", call.name], ["local.tee", local],
    ["if"],
    // The answer's text starts 4 bytes in: {"e... is an error answer, {"l... the list.
    ["local.get", local], ["i32.load8_u", 6], ["i32.const", 101], ["i32.eq"], ["local.get", local + 1], ["global.set", "$heap"], ["if"],
    ...registerAndLog, ...registerAndLog, ["i32.const", 0], ["return"],
    ["end"], ["end"],
  ];
  const data = [...log.def.data, { offset: at.method, bytes: method }, { offset: at.name, bytes: name }, { offset: at.export, bytes: exportBytes }];
  return withFunction({ ...log.def, data }, "plugin_init", (fn) => ({ ...fn, locals: [...fn.locals, "i32", "i32"], body: [...first(fn.params.length + fn.locals.length), ...fn.body] }));
}

const markerName = (version: string) => `spacedrive_abi_version_${version.replace(".", "_")}`;

/** One twist applied to the module description. */
function twistModule(def: ModuleDef, twist: ModuleTwist, program: JobProgram): ModuleDef {
  switch (twist.kind) {
    case "init_end":
      return initEnd(def, twist.how);
    case "spin":
      return spin(def, program, twist.calls);
    case "host_alloc":
      return hostAlloc(def, program, twist);
    case "not_resumable":
      return notResumable(def);
    case "state_echo":
      return stateEcho(def, program);
    case "reinit_register":
      return reinitRegister(def, twist);
    case "init_result":
      // plugin_init's body leaves its result on the stack last: that result is dropped for the twist's code.
      return withFunction(def, "plugin_init", (fn) => ({ ...fn, body: [...fn.body, ["drop"], ["i32.const", twist.code]] }));
    case "logging_free": {
      const log = ensureImport(def, "spacedrive_log");
      const body: Instr[] = [["i32.const", 1], ["local.get", 0], ["local.get", 1], ["call", log.name]];
      return withFunction(log.def, "wasm_free", (fn) => ({ ...fn, body }));
    }
    case "no_wasm_alloc":
      return withFunction(def, "wasm_alloc", (fn) => ({ ...fn, export: undefined }));
    case "export_type":
      return wrongTypedExport(def, twist.export);
    case "import_type":
      return { ...def, imports: [...def.imports, { module: IMPORT_MODULE, field: twist.import, name: `$twist_${twist.import}_typed`, params: [], results: [] }] };
    case "unknown_import": {
      const [module, field] = twist.which === "unknown_name" ? [IMPORT_MODULE, "job_sleep"] : ["env", "abort"];
      return { ...def, imports: [...def.imports, { module, field, name: `$twist_${module}_${field}`, params: [], results: [] }] };
    }
    case "abi_markers": {
      // The twist's markers replace the guest's own (a 1.1 program's), so that one marker asks for exactly its version.
      const functions = def.functions.filter((fn) => fn.export === undefined || !ABI_MARKER.test(fn.export));
      const markers = twist.versions.map(markerName);
      return { ...def, functions: [...functions, ...markers.map((name): FunctionDef => ({ name: `$twist_${name}`, export: name, params: [], results: [], locals: [], body: [] }))] };
    }
    case "initial_memory": {
      const memory = def.memory;
      if (memory === null) return def;
      return { ...def, memory: { ...memory, minPages: Math.max(memory.minPages, twist.pages) } };
    }
    case "data_out_of_bounds": {
      const pages = def.memory?.minPages ?? 1;
      return { ...def, data: [...def.data, { offset: pages * PAGE - 1, bytes: Uint8Array.of(0x78, 0x78) }] };
    }
    case "bom_messages":
    case "not_wasm":
      return def; // the program's and the bytes' twists
  }
}

/** The twists in the order they apply (TWIST_KINDS). */
const ordered = (program: JobProgram) => [...(program.twists ?? [])].sort((a, b) => TWIST_KINDS.indexOf(a.kind) - TWIST_KINDS.indexOf(b.kind));

/** The module description of a twisted program (every twist but not_wasm, which only bytes can carry). */
export function twistedModule(program: JobProgram): ModuleDef {
  return ordered(program).reduce((def, twist) => twistModule(def, twist, program), programModule(twistedProgram(program)));
}

/** Bytes that are not a module, from a module's (not_wasm). */
function breakBytes(bytes: Uint8Array, how: Extract<ModuleTwist, { kind: "not_wasm" }>["how"]): Uint8Array {
  const out = bytes.slice();
  switch (how) {
    case "truncated":
      return out.subarray(0, out.length - 1);
    case "bad_magic":
      out[0] = 0x01;
      return out;
    case "bad_version":
      out[4] = 0x02;
      return out;
  }
}

/** The guest a program is sent as: its wasm binary, twisted. */
export function renderGuest(program: JobProgram): Uint8Array {
  const bytes = encodeModule(twistedModule(program));
  const broken = twistOf(program, "not_wasm");
  return broken === undefined ? bytes : breakBytes(bytes, broken.how);
}

/** Whether the guest can be written as WAT: not when its bytes are not a module (not_wasm). */
export function guestHasWat(program: JobProgram): boolean {
  return twistOf(program, "not_wasm") === undefined;
}

/** The same guest as WAT, for people and saved cases; for bytes that are not a module, the module they were made from. */
export function renderGuestWat(program: JobProgram, header = "A generated job program (harness/programs)."): string {
  const twists = program.twists ?? [];
  const note = twists.length === 0 ? "" : `\nTwisted (harness/programs/module-twists.ts): ${twists.map((t) => JSON.stringify(t)).join(", ")}`;
  return printModule(twistedModule(program), header + note);
}
