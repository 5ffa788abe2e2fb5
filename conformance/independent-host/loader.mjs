// Loading a guest: the checks of link.order, in that order, each answering its load error code, then the compiled
// (instrumented) module. Instantiation and plugin_init, the last two steps of link.order, are the case's (case.mjs).

import { IMPORTS, REQUIRED_FUNCTION_EXPORTS, OPTIONAL_FUNCTION_EXPORTS, SERVED, LoadError } from './abi.mjs';
import { parseModule, typeOfFunction, sameType, EXPORT_KIND, Unsupported } from './wasm-reader.mjs';
import { instrument } from './instrument.mjs';

const MARKER = /^spacedrive_abi_version_([0-9]+)_([0-9]+)$/;
const showType = (t) => (t ? `(${t.params.join(', ')}) -> (${t.results.join(', ')})` : 'not a function');

/** version.marker, version.several-markers: the guest's ABI version as [major, minor]. */
function guestVersion(m, file) {
  const versions = new Map();
  for (const e of m.exports) {
    const match = MARKER.exec(e.name);
    if (!match) continue;
    // Digits are read as numbers, so 1_01 is 1.1 (version.marker).
    const v = [BigInt(match[1]), BigInt(match[2])];
    versions.set(`${v[0]}.${v[1]}`, v);
  }
  if (versions.size > 1) {
    throw new LoadError('JP_ABI_VERSION', `${file}: the guest asks for several ABI versions: ${[...versions.keys()].join(', ')}`);
  }
  const [v] = versions.values();
  if (!v) return [1, 0];
  if (v[0] !== BigInt(SERVED.major) || v[1] > BigInt(SERVED.minor)) {
    throw new LoadError('JP_ABI_VERSION', `${file}: the guest asks for ABI ${v[0]}.${v[1]}; this host serves 1.0 and 1.1`);
  }
  return [Number(v[0]), Number(v[1])];
}

/** link.imports, link.signature, link.required-exports, link.optional-exports, link.start-function. */
function linkProblems(m, version) {
  const problems = [];
  for (const imp of m.imports) {
    const spec = imp.module === 'spacedrive' ? IMPORTS[imp.name] : undefined;
    const visible = spec && (spec.since[0] < version[0] || (spec.since[0] === version[0] && spec.since[1] <= version[1]));
    if (!visible || imp.kind !== 0) {
      problems.push(`import ${imp.module}.${imp.name} is not an import of ABI ${version.join('.')}`);
      continue;
    }
    const actual = m.types[imp.type];
    if (!sameType(actual, spec)) {
      problems.push(`import ${imp.name} has type ${showType(actual)}; expected ${showType(spec)}`);
    }
  }
  const exportNamed = (name) => m.exports.find((e) => e.name === name);
  const memory = exportNamed('memory');
  if (!memory || memory.kind !== EXPORT_KIND.MEMORY) problems.push('no exported memory `memory`');
  const checkFunction = (name, type, required) => {
    const e = exportNamed(name);
    if (!e) {
      if (required) problems.push(`no exported function \`${name}\``);
      return;
    }
    const actual = e.kind === EXPORT_KIND.FUNC ? typeOfFunction(m, e.index) : null;
    if (!sameType(actual, type)) problems.push(`export ${name} is ${showType(actual)}; expected ${showType(type)}`);
  };
  for (const [name, type] of Object.entries(REQUIRED_FUNCTION_EXPORTS)) checkFunction(name, type, true);
  for (const [name, type] of Object.entries(OPTIONAL_FUNCTION_EXPORTS)) checkFunction(name, type, false);
  if (m.start !== null) problems.push('the module has a start function');
  return problems;
}

/**
 * Runs the load checks up to instantiation. Returns { module (parsed), compiled (WebAssembly.Module), version }
 * or throws a LoadError.
 */
export function loadGuest(bytes, limits, file = 'guest.wasm') {
  // link.valid-module
  if (!WebAssembly.validate(bytes)) throw new LoadError('JP_WASM_INVALID', `${file}: not a valid WebAssembly module`);
  let m;
  try {
    m = parseModule(bytes);
  } catch (error) {
    if (error instanceof Unsupported) throw new LoadError('JP_WASM_UNSUPPORTED', `${file}: ${error.message}`);
    throw error;
  }
  const version = guestVersion(m, file); // version.marker
  const problems = linkProblems(m, version); // link.*
  if (problems.length) throw new LoadError('JP_LINK', `${file}: ${problems.join('; ')}`);
  // link.memory-limit: the exported memory's initial size.
  const memory = m.memories[0];
  if (memory && memory.min > limits.maxMemoryPages) {
    throw new LoadError('JP_MEMORY_LIMIT', `${file}: initial memory ${memory.min} pages > maxMemoryPages ${limits.maxMemoryPages}`);
  }
  let compiled;
  try {
    compiled = new WebAssembly.Module(instrument(m, limits.maxMemoryPages));
  } catch (error) {
    throw new LoadError('JP_WASM_UNSUPPORTED', `${file}: cannot instrument the module: ${error.message}`);
  }
  return { module: m, compiled, version };
}
