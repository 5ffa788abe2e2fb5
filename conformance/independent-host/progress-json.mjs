// progress.structured: ABI 1.1's job_progress carries core's Progress as serde's JSON. The text must be one JSON
// value as serde reads it (RFC 8259; no key twice in an object at any depth; no lone surrogate escape), and then a
// Progress: {"type": kind, "data": data}, data as the kind's row of docs/ABI.md "Progress" says.
//
// JSON.parse cannot be used: it accepts duplicate keys and lone surrogates, and it forgets how a number was written,
// which matters for a u64 ("written as digits only (no sign, fraction or exponent) and is at most 2^64 - 1").

class Bad extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** Parses `text` into nodes {t: 'obj'|'arr'|'str'|'num'|'bool'|'null', ...}; throws Bad when it is not JSON. */
function parse(text) {
  let i = 0;
  const ws = () => { while (i < text.length && WS.has(text.charCodeAt(i))) i++; };
  const expect = (c) => { if (text[i] !== c) throw new Bad(`expected ${c} at ${i}`); i++; };
  const string = () => {
    expect('"');
    let out = '';
    for (;;) {
      if (i >= text.length) throw new Bad('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return out; }
      if (c < 0x20) throw new Bad('control character in string');
      if (c !== 0x5c) { out += text[i++]; continue; }
      const e = text[i + 1];
      i += 2;
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
      if (simple !== undefined) { out += simple; continue; }
      if (e !== 'u') throw new Bad('bad escape');
      const hex = () => {
        const h = text.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) throw new Bad('bad \\u escape');
        i += 4;
        return parseInt(h, 16);
      };
      const u = hex();
      if (u >= 0xdc00 && u <= 0xdfff) throw new Bad('lone surrogate');
      if (u >= 0xd800 && u <= 0xdbff) {
        // A leading surrogate must be followed by an escaped trailing one.
        if (text[i] !== '\\' || text[i + 1] !== 'u') throw new Bad('lone surrogate');
        i += 2;
        const low = hex();
        if (low < 0xdc00 || low > 0xdfff) throw new Bad('lone surrogate');
        out += String.fromCharCode(u, low);
      } else out += String.fromCharCode(u);
    }
  };
  // progress.structured: at most 127 arrays and objects nested in one another (serde_json's recursion limit).
  const value = (containers = 0) => {
    ws();
    const c = text[i];
    if ((c === '{' || c === '[') && containers === 127) throw new Bad('nested too deep');
    if (c === '{') {
      i++;
      const members = new Map();
      ws();
      if (text[i] === '}') { i++; return { t: 'obj', members }; }
      for (;;) {
        ws();
        const key = string();
        if (members.has(key)) throw new Bad(`duplicate key ${key}`);
        ws();
        expect(':');
        members.set(key, value(containers + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        expect('}');
        return { t: 'obj', members };
      }
    }
    if (c === '[') {
      i++;
      const items = [];
      ws();
      if (text[i] === ']') { i++; return { t: 'arr', items }; }
      for (;;) {
        items.push(value(containers + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        expect(']');
        return { t: 'arr', items };
      }
    }
    if (c === '"') return { t: 'str', v: string() };
    for (const [word, node] of [['true', { t: 'bool' }], ['false', { t: 'bool' }], ['null', { t: 'null' }]]) {
      if (text.startsWith(word, i)) { i += word.length; return node; }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0].length === 0) throw new Bad(`unexpected character at ${i}`);
    i += m[0].length;
    const v = Number(m[0]);
    // serde_json refuses a number too large for a double (1e400).
    if (!Number.isFinite(v)) throw new Bad('number out of range');
    return { t: 'num', raw: m[0], v };
  };
  const root = value();
  ws();
  if (i !== text.length) throw new Bad('trailing characters');
  return root;
}

const U64_MAX = 2n ** 64n - 1n;
const F32_MAX = 3.4028234663852886e38;

const isU64 = (n) => n?.t === 'num' && /^[0-9]+$/.test(n.raw) && BigInt(n.raw) <= U64_MAX;
const isFraction = (n) => n?.t === 'num' && n.v >= 0 && n.v <= 1;
const isF32 = (n) => n?.t === 'num' && Math.abs(n.v) <= F32_MAX;
const isString = (n) => n?.t === 'str';
const absentOrNull = (n) => n === undefined || n.t === 'null';
const isDuration = (n) =>
  n?.t === 'obj' && isU64(n.members.get('secs')) && isU64(n.members.get('nanos')) && BigInt(n.members.get('nanos').raw) < 1000000000n;

function isCounts(d) {
  return d?.t === 'obj' && isU64(d.members.get('current')) && isU64(d.members.get('total'));
}

function isGeneric(d) {
  if (d?.t !== 'obj') return false;
  const g = (k) => d.members.get(k);
  const completion = g('completion'), performance = g('performance');
  if (!isFraction(g('percentage')) || !isString(g('phase')) || !isString(g('message'))) return false;
  if (completion?.t !== 'obj' || performance?.t !== 'obj') return false;
  const c = (k) => completion.members.get(k), p = (k) => performance.members.get(k);
  const optU64 = (n) => absentOrNull(n) || isU64(n);
  const optDuration = (n) => absentOrNull(n) || isDuration(n);
  return isU64(c('completed')) && isU64(c('total')) && optU64(c('bytes_completed')) && optU64(c('total_bytes')) &&
    isF32(p('rate')) && optDuration(p('estimated_remaining')) && optDuration(p('elapsed')) &&
    isU64(p('error_count')) && isU64(p('warning_count'));
  // current_path and metadata are "any" (and optional): nothing to check.
}

const KINDS = {
  Count: isCounts,
  Bytes: isCounts,
  Percentage: isFraction,
  Indeterminate: isString,
  Structured: () => true,
  Generic: isGeneric,
};

/** True when `text` is a Progress as progress.structured defines it. */
export function isProgressJson(text) {
  let root;
  try {
    root = parse(text);
  } catch (error) {
    if (error instanceof Bad) return false;
    throw error;
  }
  if (root.t !== 'obj') return false;
  const type = root.members.get('type');
  const data = root.members.get('data');
  if (type?.t !== 'str' || !Object.hasOwn(KINDS, type.v)) return false;
  if (data === undefined) return false; // data is required for every kind
  return KINDS[type.v](data);
}
