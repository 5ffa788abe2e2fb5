import { CAPABILITY_IDS } from "../abi/capabilities.ts";
import { IMPORT_MODULE } from "../abi/imports.ts";
import { GuestMemory } from "../abi/memory.ts";
import { readModuleInterface } from "../engine/sections.ts";
import { referenceHandshake, runReferenceCase } from "./in-process.ts";
import { nodeEngine } from "../engine/engine.ts";
import type { CannotRun, MemoryMutation, Mutant, MutantRun } from "./mutant-kit.ts";
import type { CaseRequest, CaseResponse, Handshake, HostAdapter } from "./types.ts";

export const MUTANT_HOST_PREFIX = "job-parity mutant host: ";

/** The imports of the guest that a mutant host does not have, in the guest's import order. */
function missingImports(mutant: Mutant, guest: Uint8Array): string[] {
  if (!mutant.missingImports || mutant.missingImports.length === 0) return [];
  let imports;
  try {
    imports = readModuleInterface(guest).imports;
  } catch {
    return []; // not a module we can read: the reference path reports it as it reports any bad guest
  }
  const absent = new Set<string>(mutant.missingImports);
  return imports.filter((i) => i.module === IMPORT_MODULE && i.kind === "function" && absent.has(i.name)).map((i) => i.name);
}

/**
 * Routes guest-memory access through the mutant while one case runs, and tells the run which memory the boundary is
 * using. GuestMemory belongs to the WASM boundary and no RunOptions seam reaches it, so its prototype is patched and
 * restored right after: runReferenceCase is synchronous, nothing else runs in between.
 */
function installMemoryHooks(mutation: MemoryMutation | undefined, seen: (memory: GuestMemory) => void): () => void {
  const proto = GuestMemory.prototype;
  const { slice, write, range } = proto;
  proto.slice = function (this: GuestMemory, ptr: number, len: number) {
    seen(this);
    return mutation?.slice ? mutation.slice((p, l) => slice.call(this, p, l), ptr, len) : slice.call(this, ptr, len);
  };
  proto.range = function (this: GuestMemory, ptr: number, len: number) {
    seen(this);
    return mutation?.range ? mutation.range((p, l) => range.call(this, p, l), ptr, len) : range.call(this, ptr, len);
  };
  proto.write = function (this: GuestMemory, ptr: number, data: Uint8Array) {
    seen(this);
    return mutation?.write ? mutation.write((p, d) => write.call(this, p, d), ptr, data) : write.call(this, ptr, data);
  };
  return () => {
    proto.slice = slice;
    proto.range = range;
    proto.write = write;
  };
}

/**
 * Runs one case on a fresh reference host with the mutant's bug planted: the path every mutant case takes.
 * `onCannotRun` hears when the modelled host could not have run the case at all (MutantParts.cannotRun).
 */
export function runMutantCase(mutant: Mutant, request: CaseRequest, onCannotRun?: (why: CannotRun) => void): CaseResponse {
  const missing = missingImports(mutant, request.guest);
  if (missing.length > 0) {
    const list = missing.map((name) => `${IMPORT_MODULE}.${name}`).join(", ");
    return { kind: "load_error", code: "JP_LINK", message: `${request.id}.wasm: the guest imports ${list}, which this host does not define (unknown import)` };
  }
  let memory: GuestMemory | null = null;
  const run: MutantRun = { memory: () => memory };
  const parts = mutant.plant(run);
  const undo = [installMemoryHooks(parts.memory, (m) => (memory = m))];
  try {
    if (parts.patchProcess) undo.push(parts.patchProcess());
    const read = parts.patchRequest ? parts.patchRequest(request) : request;
    const load = parts.load && { ...parts.load, engine: parts.load.engine?.(nodeEngine) };
    const response = runReferenceCase(read, { patchHost: parts.patchHost, wrapImports: parts.wrapImports, load });
    const why = parts.cannotRun?.() ?? null;
    if (why !== null) onCannotRun?.(why);
    return parts.patchResponse ? parts.patchResponse(response, request) : response;
  } finally {
    for (const restore of undo.reverse()) restore();
  }
}

/** A mutant of the reference host, in this process: InProcessAdapter with one bug planted in every case. */
export class MutantAdapter implements HostAdapter {
  /** By case id: the cases the modelled host could not have run at all, and why. */
  readonly cannotRun = new Map<string, CannotRun>();

  constructor(readonly mutant: Mutant) {
    mutant.reset?.();
  }

  async handshake(): Promise<Handshake> {
    return { ...referenceHandshake(), name: `${MUTANT_HOST_PREFIX}${this.mutant.name}`, capabilities: this.mutant.claims ?? CAPABILITY_IDS };
  }

  async runCase(request: CaseRequest): Promise<CaseResponse> {
    return runMutantCase(this.mutant, request, (why) => this.cannotRun.set(request.id, why));
  }

  async close(): Promise<void> {}
}
