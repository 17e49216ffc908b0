import { CheckpointError } from '../checkpoint-error.js';
import { OP } from './opcodes.js';
import { MAX_DEPTH } from './to-js.js';

/** Written as a Python tuple. */
export class PickleTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** Written as a Python dict, or as an OrderedDict (with BUILD `state`, e.g. `{_metadata: …}`). */
export class PickleDict {
  constructor(
    readonly entries: readonly (readonly [unknown, unknown])[],
    readonly options: { ordered?: boolean; state?: unknown } = {},
  ) {}
}

/** Written as GLOBAL `module name`. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

/** Written as `callable(*args)`: the callable, the argument tuple, REDUCE. */
export class PickleReduce {
  constructor(
    readonly callable: PickleGlobal,
    readonly args: readonly unknown[],
  ) {}
}

/** Written as `id` followed by BINPERSID, which the reader resolves (PyTorch: storages). */
export class PicklePersistentId {
  constructor(readonly id: unknown) {}
}

/**
 * Lets the caller rewrite an object before it is written: return a node above (a tensor becomes
 * a {@link PickleReduce}) or the value itself. Called once per object occurrence, not on nodes.
 */
export type Replacer = (value: object) => unknown;

/** Python's batch size for APPENDS and SETITEMS. */
const BATCH = 1000;

type Task =
  | { kind: 'value'; value: unknown; parent: Task | null; key: unknown; depth: number }
  | { kind: 'op'; bytes: number[] }
  | { kind: 'memoize'; original: object }
  | { kind: 'finish'; original: object };

const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Writes `root` as a protocol-2 pickle. JavaScript values map as: null → None, booleans → bool,
 * integral numbers within ±(2^53 − 1) → int (so `1.0` is written as int 1: JavaScript cannot tell
 * them apart), other numbers (fractions, −0, NaN, ±Infinity, larger magnitudes) → float, bigint →
 * int, strings → str, arrays → list, Maps and plain objects → dict (keys in iteration order;
 * object properties whose value is `undefined` are skipped, as in JSON). Anything else — after
 * `replace` — is a CheckpointError naming its path. An object met twice is written once and
 * referenced (as pickle does), so shared and cyclic structures survive.
 */
export function pickle(root: unknown, replace: Replacer = (v) => v): Uint8Array {
  const out = new ByteWriter();
  const memo = new Map<object, number>();
  const globals = new Map<string, number>();
  const inProgress = new Set<object>();
  const tasks: Task[] = [{ kind: 'value', value: root, parent: null, key: '', depth: 0 }];
  const putMemo = (original: object) => {
    const index = memo.size + globals.size;
    memo.set(original, index);
    put(out, index);
  };

  out.bytes([OP.PROTO, 2]);
  for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
    if (task.kind === 'op') out.bytes(task.bytes);
    else if (task.kind === 'memoize') putMemo(task.original);
    else if (task.kind === 'finish') inProgress.delete(task.original);
    else writeValue(task);
  }
  out.bytes([OP.STOP]);
  return out.result();

  function writeValue(task: Task & { kind: 'value' }): void {
    if (writeScalar(out, task.value, task)) return;
    const original = task.value as object;
    const known = memo.get(original);
    if (known !== undefined) return get(out, known);
    if (inProgress.has(original)) throw new CheckpointError(`${pathOf(task)} contains itself through a tuple or tensor`);
    const node = isNode(original) ? original : replace(original);
    if (writeScalar(out, node, task)) return;
    if (node instanceof PickleGlobal) return writeGlobal(node);
    const container = !(node instanceof PickleReduce || node instanceof PicklePersistentId);
    if (container && task.depth > MAX_DEPTH) throw new CheckpointError(`${pathOf(task)} is nested more than ${MAX_DEPTH} deep`);
    const depth = task.depth + (container ? 1 : 0);
    const child = (value: unknown, key: unknown): Task => ({ kind: 'value', value, parent: task, key, depth });
    // Tasks run last-in first-out: `children` then `after`, so both are pushed in reverse.
    const children: Task[] = [];
    const after: Task[] = [];
    inProgress.add(original);
    if (node instanceof PickleTuple) {
      const n = node.items.length;
      if (n > 3) out.bytes([OP.MARK]);
      node.items.forEach((item, i) => children.push(child(item, i)));
      after.push({ kind: 'op', bytes: [n > 3 ? OP.TUPLE : [OP.EMPTY_TUPLE, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][n]!] }, { kind: 'memoize', original });
    } else if (node instanceof PickleReduce) {
      children.push(child(node.callable, '(callable)'), child(new PickleTuple(node.args), '(arguments)'));
      after.push({ kind: 'op', bytes: [OP.REDUCE] }, { kind: 'memoize', original });
    } else if (node instanceof PicklePersistentId) {
      children.push(child(node.id, '(persistent id)'));
      after.push({ kind: 'op', bytes: [OP.BINPERSID] });
    } else if (Array.isArray(node)) {
      out.bytes([OP.EMPTY_LIST]);
      putMemo(original);
      // Array.from visits holes too (as undefined, refused like any undefined element).
      batches(Array.from(node, (item, i) => child(item, i)), 1, OP.APPEND, OP.APPENDS, children);
    } else {
      const dict = node instanceof PickleDict ? node : new PickleDict(node instanceof Map ? [...node] : plainEntries(node as object, task));
      if (dict.options.ordered) {
        out.bytes([OP.GLOBAL]);
        out.ascii('collections\nOrderedDict\n');
        out.bytes([OP.EMPTY_TUPLE, OP.REDUCE]);
      } else {
        out.bytes([OP.EMPTY_DICT]);
      }
      putMemo(original);
      const flat: Task[] = [];
      const pythonKeys = new Map<unknown, unknown>();
      for (const [key, item] of dict.entries) {
        if (!isKey(key)) throw new CheckpointError(`${pathOf(task)} has a key that is ${describe(key)}; keys must be strings, numbers, bigints, booleans or null`);
        // Python's True == 1 == 1.0: two such keys of a Map would become one.
        const pythonKey = typeof key === 'boolean' ? Number(key) : typeof key === 'bigint' && Number.isSafeInteger(Number(key)) ? Number(key) : key;
        if (pythonKeys.has(pythonKey)) throw new CheckpointError(`${pathOf(task)} has the keys ${String(pythonKeys.get(pythonKey))} and ${String(key)}, which are one key in Python`);
        pythonKeys.set(pythonKey, key);
        flat.push(child(key, key), child(item, key));
      }
      batches(flat, 2, OP.SETITEM, OP.SETITEMS, children);
      if (dict.options.state !== undefined) {
        children.push(child(dict.options.state, '(state)'));
        after.push({ kind: 'op', bytes: [OP.BUILD] });
      }
    }
    tasks.push({ kind: 'finish', original });
    for (let i = after.length - 1; i >= 0; i--) tasks.push(after[i]!);
    for (let i = children.length - 1; i >= 0; i--) tasks.push(children[i]!);
  }

  function writeGlobal(node: PickleGlobal): void {
    const line = `${node.module}\n${node.name}\n`;
    const known = globals.get(line);
    if (known !== undefined) return get(out, known);
    out.bytes([OP.GLOBAL]);
    out.ascii(line);
    const index = memo.size + globals.size;
    globals.set(line, index);
    put(out, index);
  }
}

function isNode(value: object): boolean {
  return value instanceof PickleTuple || value instanceof PickleDict || value instanceof PickleGlobal || value instanceof PickleReduce || value instanceof PicklePersistentId;
}

/**
 * Items in batches of {@link BATCH} entries (`width` tasks each) as CPython writes them: MARK
 * entries… `many` (APPENDS/SETITEMS), or just the entry and `one` (APPEND/SETITEM) for a batch of one.
 */
function batches(flat: Task[], width: number, one: number, many: number, into: Task[]): void {
  for (let i = 0; i < flat.length; i += BATCH * width) {
    const end = Math.min(flat.length, i + BATCH * width);
    const single = end - i === width;
    if (!single) into.push({ kind: 'op', bytes: [OP.MARK] });
    for (let j = i; j < end; j++) into.push(flat[j]!);
    into.push({ kind: 'op', bytes: [single ? one : many] });
  }
}

function writeScalar(out: ByteWriter, value: unknown, task: Task & { kind: 'value' }): boolean {
  switch (typeof value) {
    case 'boolean':
      out.bytes([value ? OP.NEWTRUE : OP.NEWFALSE]);
      return true;
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) writeInt(out, value);
      else out.float(value);
      return true;
    case 'bigint':
      writeInt(out, value);
      return true;
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CheckpointError(`${pathOf(task)} is a string with a lone surrogate, which has no UTF-8 form`);
      out.bytes([OP.BINUNICODE]);
      out.withLength(utf8.encode(value));
      return true;
    case 'object':
      if (value !== null) return false;
      out.bytes([OP.NONE]);
      return true;
    default:
      throw new CheckpointError(`${pathOf(task)} is ${describe(value)}, which has no pickle form`);
  }
}

function writeInt(out: ByteWriter, value: number | bigint): void {
  if (value >= 0 && value < 256) out.bytes([OP.BININT1, Number(value)]);
  else if (value >= 0 && value < 65536) out.bytes([OP.BININT2, Number(value) & 0xff, Number(value) >> 8]);
  else if (value >= -(2 ** 31) && value < 2 ** 31) out.bytes([OP.BININT, ...le32(Number(value))]);
  else {
    // LONG1: minimal little-endian two's complement, as CPython's encode_long writes it.
    const digits: number[] = [];
    for (let rest = BigInt(value); ; rest >>= 8n) {
      const byte = Number(BigInt.asUintN(8, rest));
      digits.push(byte);
      if (rest >> 7n === 0n || rest >> 7n === -1n) break;
    }
    out.bytes(digits.length < 256 ? [OP.LONG1, digits.length] : [OP.LONG4, ...le32(digits.length)]);
    out.bytes(digits);
  }
}

function put(out: ByteWriter, index: number): void {
  out.bytes(index < 256 ? [OP.BINPUT, index] : [OP.LONG_BINPUT, ...le32(index)]);
}

function get(out: ByteWriter, index: number): void {
  out.bytes(index < 256 ? [OP.BINGET, index] : [OP.LONG_BINGET, ...le32(index)]);
}

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function isKey(key: unknown): boolean {
  return key === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof key);
}

function plainEntries(value: object, task: Task & { kind: 'value' }): [string, unknown][] {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new CheckpointError(`${pathOf(task)} is ${describe(value)}, which has no pickle form (save tensors, arrays, Maps and plain objects)`);
  }
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'prototype-less object'}`;
  return `the ${typeof value} ${String(value)}`;
}

/** `obj.model["0.weight"]`-style path of a task, for error messages (long paths elided in the middle). */
function pathOf(task: Task & { kind: 'value' }): string {
  const keys: string[] = [];
  for (let t: Task | null = task; t !== null && t.kind === 'value' && t.parent !== null; t = t.parent) {
    const key = t.key;
    keys.push(typeof key === 'string' ? (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`) : `[${String(key)}]`);
  }
  keys.reverse();
  return `obj${keys.length > 8 ? `${keys.slice(0, 4).join('')}…(${keys.length - 7} more)…${keys.slice(-3).join('')}` : keys.join('')}`;
}

/** A growable byte buffer. */
class ByteWriter {
  #buffer = new Uint8Array(1024);
  #view = new DataView(this.#buffer.buffer);
  #length = 0;

  #reserve(n: number): void {
    if (this.#length + n <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + n));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }

  bytes(values: ArrayLike<number>): void {
    this.#reserve(values.length);
    this.#buffer.set(values, this.#length);
    this.#length += values.length;
  }

  ascii(text: string): void {
    this.bytes(utf8.encode(text));
  }

  /** A 4-byte little-endian length, then the bytes. */
  withLength(bytes: Uint8Array): void {
    this.bytes(le32(bytes.length));
    this.bytes(bytes);
  }

  /** BINFLOAT: an 8-byte big-endian double. */
  float(value: number): void {
    this.#reserve(9);
    this.#buffer[this.#length] = OP.BINFLOAT;
    this.#view.setFloat64(this.#length + 1, value, false);
    this.#length += 9;
  }

  result(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }
}
