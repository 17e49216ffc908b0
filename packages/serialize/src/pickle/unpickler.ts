import { CheckpointError } from '../checkpoint-error.js';
import { OP, opcodeName } from './opcodes.js';
import { describePython, PyDict, PyGlobal, PyList, PySet, PyTuple } from './values.js';

/** What the unpickler asks its caller: the allowlist of globals and the persistent storages. */
export interface UnpickleHooks {
  /**
   * Resolves GLOBAL / STACK_GLOBAL `module.name`. Must throw a CheckpointError for anything not
   * allowed: this is the only way a pickle can reach code, so nothing outside the list is ever
   * called.
   */
  findGlobal(module: string, name: string): PyGlobal;
  /** Resolves BINPERSID's id (in PyTorch a tuple describing a storage record). */
  persistentLoad(pid: unknown): unknown;
}

/** The longest LONG4 int, in bytes (no checkpoint holds an int of more than a few bytes). */
const MAX_LONG_BYTES = 65536;
/** The longest text line (INT, LONG, FLOAT, GLOBAL, GET, PUT): CPython's limit on int digits is 4300. */
const MAX_LINE = 4400;
const HIGHEST_PROTOCOL = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one pickle (protocols 0–5, without out-of-band buffers) into {@link PyDict}/{@link PyList}/…
 * values. It runs as the loop over opcodes that the pickle machine is, so nesting depth costs
 * heap, not call stack; every length is checked against the bytes left before anything is
 * allocated, and work is linear in the input's size. Globals and persistent ids go through
 * `hooks`. Errors name `source`, the opcode and its offset.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, source = 'pickle'): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const take = (n: number): number => {
    if (n > bytes.length - pos) throw new CheckpointError(`truncated: needs ${n} bytes, ${bytes.length - pos} left`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[take(1)]!;
  const u16 = () => view.getUint16(take(2), true);
  const u32 = () => view.getUint32(take(4), true);
  const u64 = () => {
    const low = u32();
    const high = u32();
    if (high > 0x1fffff) throw new CheckpointError(`length ${high} · 2^32 + ${low} is larger than the file`);
    return high * 2 ** 32 + low;
  };
  const slice = (n: number) => bytes.subarray(take(n), pos);
  const text = (n: number) => decodeUtf8(slice(n));
  const line = (): string => {
    const limit = Math.min(bytes.length, pos + MAX_LINE);
    let end = pos;
    while (end < limit && bytes[end] !== 0x0a) end++;
    if (end === limit) throw new CheckpointError(`text argument is unterminated or longer than ${MAX_LINE} bytes`);
    const value = decodeUtf8(bytes.subarray(pos, end));
    pos = end + 1;
    return value;
  };
  const fence = () => (marks.length > 0 ? marks[marks.length - 1]! : 0);
  const push = (value: unknown) => stack.push(value);
  const pop = (): unknown => {
    if (stack.length <= fence()) throw new CheckpointError('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length <= fence()) throw new CheckpointError('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) throw new CheckpointError('no MARK to pop to');
    return stack.splice(mark);
  };
  const memoGet = (index: number) => {
    if (!memo.has(index)) throw new CheckpointError(`memo entry ${index} was never stored`);
    return memo.get(index);
  };
  const memoPut = (index: number) => {
    if (stack.length === 0) throw new CheckpointError('nothing on the stack to memoize');
    memo.set(index, stack[stack.length - 1]);
  };
  const target = <T>(kind: abstract new (...args: never[]) => T, what: string): T => {
    const value = top();
    if (!(value instanceof kind)) throw new CheckpointError(`${what} on a ${describePython(value)}`);
    return value;
  };
  const call = (callable: unknown, args: unknown): unknown => {
    if (!(callable instanceof PyGlobal) || callable.call === undefined) {
      throw new CheckpointError(`${describePython(callable)} is not callable here`);
    }
    if (!(args instanceof PyTuple)) throw new CheckpointError(`arguments must be a tuple, got ${describePython(args)}`);
    return callable.call(args.items);
  };

  for (;;) {
    const at = pos;
    if (at >= bytes.length) throw new CheckpointError(`${source}: ended at byte ${at} without a STOP opcode`);
    const code = bytes[pos++]!;
    try {
      switch (code) {
        case OP.PROTO: {
          const protocol = u8();
          if (protocol > HIGHEST_PROTOCOL) throw new CheckpointError(`unsupported pickle protocol ${protocol}`);
          break;
        }
        case OP.FRAME:
          // Frames only group opcodes for buffered readers; the bytes are read in place.
          if (u64() > bytes.length - pos) throw new CheckpointError('frame runs past the end of the data');
          break;
        case OP.STOP: {
          if (stack.length !== 1 || marks.length > 0) {
            throw new CheckpointError(`STOP with ${stack.length} values and ${marks.length} marks on the stack (expected one value)`);
          }
          if (pos !== bytes.length) throw new CheckpointError(`${bytes.length - pos} bytes follow the STOP opcode`);
          return stack[0];
        }
        case OP.MARK:
          marks.push(stack.length);
          break;
        case OP.POP:
          if (stack.length > fence()) stack.pop();
          else popMark();
          break;
        case OP.POP_MARK:
          popMark();
          break;
        case OP.DUP:
          push(top());
          break;
        case OP.NONE:
          push(null);
          break;
        case OP.NEWTRUE:
          push(true);
          break;
        case OP.NEWFALSE:
          push(false);
          break;
        case OP.INT: {
          const value = line();
          push(value === '00' ? false : value === '01' ? true : parseDecimal(value));
          break;
        }
        case OP.LONG:
          push(parseDecimal(line().replace(/L$/, '')));
          break;
        case OP.BININT:
          push(view.getInt32(take(4), true));
          break;
        case OP.BININT1:
          push(u8());
          break;
        case OP.BININT2:
          push(u16());
          break;
        case OP.LONG1:
          push(decodeLong(slice(u8())));
          break;
        case OP.LONG4: {
          const n = view.getInt32(take(4), true);
          if (n < 0 || n > MAX_LONG_BYTES) throw new CheckpointError(`int of ${n} bytes (at most ${MAX_LONG_BYTES} are accepted)`);
          push(decodeLong(slice(n)));
          break;
        }
        case OP.FLOAT:
          push(parseFloatText(line()));
          break;
        case OP.BINFLOAT:
          push(view.getFloat64(take(8), false));
          break;
        case OP.BINSTRING: {
          // Python 2 str; torch.load decodes it as UTF-8, as here.
          const n = view.getInt32(take(4), true);
          if (n < 0) throw new CheckpointError(`negative byte count ${n}`);
          push(text(n));
          break;
        }
        case OP.SHORT_BINSTRING:
        case OP.SHORT_BINUNICODE:
          push(text(u8()));
          break;
        case OP.BINUNICODE:
          push(text(u32()));
          break;
        case OP.BINUNICODE8:
          push(text(u64()));
          break;
        case OP.SHORT_BINBYTES:
          push(slice(u8()).slice());
          break;
        case OP.BINBYTES:
          push(slice(u32()).slice());
          break;
        case OP.BINBYTES8:
          push(slice(u64()).slice());
          break;
        case OP.EMPTY_LIST:
          push(new PyList());
          break;
        case OP.APPEND: {
          const value = pop();
          target(PyList, 'APPEND').items.push(value);
          break;
        }
        case OP.APPENDS: {
          const items = popMark();
          const list = target(PyList, 'APPENDS');
          for (const item of items) list.items.push(item);
          break;
        }
        case OP.LIST:
          push(new PyList(popMark()));
          break;
        case OP.EMPTY_TUPLE:
          push(new PyTuple([]));
          break;
        case OP.TUPLE:
          push(new PyTuple(popMark()));
          break;
        case OP.TUPLE1:
        case OP.TUPLE2:
        case OP.TUPLE3: {
          const items = Array.from({ length: code - OP.TUPLE1 + 1 }, pop).reverse();
          push(new PyTuple(items));
          break;
        }
        case OP.EMPTY_DICT:
          push(new PyDict());
          break;
        case OP.DICT: {
          const dict = new PyDict();
          setItems(dict, popMark());
          push(dict);
          break;
        }
        case OP.SETITEM: {
          const value = pop();
          const key = pop();
          target(PyDict, 'SETITEM').set(key, value);
          break;
        }
        case OP.SETITEMS: {
          const items = popMark();
          setItems(target(PyDict, 'SETITEMS'), items);
          break;
        }
        case OP.EMPTY_SET:
          push(new PySet());
          break;
        case OP.ADDITEMS: {
          const items = popMark();
          const set = target(PySet, 'ADDITEMS');
          for (const item of items) set.add(item);
          break;
        }
        case OP.FROZENSET: {
          const set = new PySet(true);
          for (const item of popMark()) set.add(item);
          push(set);
          break;
        }
        case OP.GLOBAL: {
          const module = line();
          push(hooks.findGlobal(module, line()));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = pop();
          const module = pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            throw new CheckpointError(`module and name must be str, got ${describePython(module)} and ${describePython(name)}`);
          }
          push(hooks.findGlobal(module, name));
          break;
        }
        case OP.REDUCE:
        case OP.NEWOBJ: {
          // NEWOBJ is cls.__new__(cls, *args); every allowed class builds the same way either way.
          const args = pop();
          push(call(pop(), args));
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = pop();
          const args = pop();
          if (!(kwargs instanceof PyDict) || kwargs.keys.length > 0) {
            throw new CheckpointError(`keyword arguments are not supported, got ${describePython(kwargs)}`);
          }
          push(call(pop(), args));
          break;
        }
        case OP.BUILD: {
          const state = pop();
          build(top(), state);
          break;
        }
        case OP.BINPERSID:
          push(hooks.persistentLoad(pop()));
          break;
        case OP.BINPUT:
          memoPut(u8());
          break;
        case OP.LONG_BINPUT:
          memoPut(u32());
          break;
        case OP.PUT:
          memoPut(parseIndex(line()));
          break;
        case OP.MEMOIZE:
          memoPut(memo.size);
          break;
        case OP.BINGET:
          push(memoGet(u8()));
          break;
        case OP.LONG_BINGET:
          push(memoGet(u32()));
          break;
        case OP.GET:
          push(memoGet(parseIndex(line())));
          break;
        default:
          // STRING/UNICODE (escaped text), INST/OBJ (protocol 0 objects), PERSID, EXT*, buffers.
          throw new CheckpointError('opcode not supported');
      }
    } catch (error) {
      if (!CheckpointError.isInstance(error)) throw error;
      throw new CheckpointError(`${source} offset ${at} (${opcodeName(code)}): ${error.message}`);
    }
  }
}

function setItems(dict: PyDict, items: unknown[]): void {
  if (items.length % 2 !== 0) throw new CheckpointError(`odd number of items (${items.length}) for key/value pairs`);
  for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
}

/**
 * BUILD (`obj.__setstate__(state)`) on a dict: PyTorch state dicts are OrderedDicts whose state is
 * `{'_metadata': …}`, which becomes an attribute. State may also be a `(dict_state, slot_state)` pair.
 */
function build(target: unknown, state: unknown): void {
  if (!(target instanceof PyDict)) throw new CheckpointError(`cannot set the state of a ${describePython(target)}`);
  const parts = state instanceof PyTuple && state.items.length === 2 ? state.items : [state];
  for (const part of parts) {
    if (part === null) continue;
    if (!(part instanceof PyDict)) throw new CheckpointError(`state must be a dict, got ${describePython(part)}`);
    part.keys.forEach((key, i) => {
      if (typeof key !== 'string') throw new CheckpointError(`attribute names must be str, got ${describePython(key)}`);
      target.attributes.set(key, part.values[i]);
    });
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CheckpointError(`text of ${bytes.length} bytes is not valid UTF-8`);
  }
}

/** An int as a number when it is exact in a double, else as a bigint. */
function intValue(value: bigint): number | bigint {
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** LONG1/LONG4: little-endian two's complement. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  if (bytes.length <= 6) {
    let value = 0;
    for (let i = bytes.length - 1; i >= 0; i--) value = value * 256 + bytes[i]!;
    return bytes[bytes.length - 1]! & 0x80 ? value - 2 ** (8 * bytes.length) : value;
  }
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, '0');
  let value = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return intValue(value);
}

function parseDecimal(text: string): number | bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new CheckpointError(`${JSON.stringify(text)} is not an integer`);
  return intValue(BigInt(text));
}

function parseIndex(text: string): number {
  const value = parseDecimal(text);
  if (typeof value !== 'number' || value < 0) throw new CheckpointError(`${JSON.stringify(text)} is not a memo index`);
  return value;
}

function parseFloatText(text: string): number {
  const value = text.trim().toLowerCase();
  if (value === 'inf' || value === '+inf') return Infinity;
  if (value === '-inf') return -Infinity;
  if (value === 'nan' || value === '-nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(value)) throw new CheckpointError(`${JSON.stringify(text)} is not a float`);
  return Number(value);
}
