import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint-error.js';
import { bytesOf, expectCheckpointError, hex, str, u32 } from '../../test/helpers.js';
import { toJs } from './to-js.js';
import { unpickle, type UnpickleHooks } from './unpickler.js';
import { PyDict, PyGlobal, PyList, PySet, PyTuple } from './values.js';

const builtins: UnpickleHooks = {
  findGlobal(module, name) {
    const qualified = `${module === '__builtin__' ? 'builtins' : module}.${name}`;
    if (qualified === 'builtins.set' || qualified === 'builtins.frozenset') {
      return new PyGlobal(qualified, (args) => {
        const set = new PySet(name === 'frozenset');
        for (const item of (args[0] as PyList).items) set.add(item);
        return set;
      });
    }
    if (qualified === 'test.pair') return new PyGlobal(qualified, (args) => new PyTuple(args));
    throw new CheckpointError(`global '${qualified}' is not allowed`);
  },
  persistentLoad(pid) {
    return { pid };
  },
};

const read = (...parts: Parameters<typeof bytesOf>) => toJs(unpickle(bytesOf(...parts), builtins));

// pickle.dumps(obj, protocol=p).hex() from CPython 3.11 for
// obj = {'ints': [0, 1, 255, 256, 65535, 65536, -1, -2**31, 2**31, 2**63, -2**70],
//        'floats': [0.5, -0.0, float('inf'), 1e-300], 'nested': ([1, (2, 3)], {'a': None, 'b': True, 'c': False}),
//        'text': 'héllo ☃', 'intkeys': {1: 'one', 2: 'two'}, 'set': {1, 2}, 'fs': frozenset([3])}
// (protocols 3–5 add 'bytes': b'\x00\xff' before 'intkeys').
const CPYTHON: Record<number, string> = {
  1: '7d7100285804000000696e747371015d7102284b004b014bff4d00014dffff4a000001004affffffff4a000000804c323134373438333634384c0a4c393232333337323033363835343737353830384c0a4c2d313138303539313632303731373431313330333432344c0a655806000000666c6f61747371035d710428473fe0000000000000478000000000000000477ff00000000000004701a56e1fc2f8f3596558060000006e65737465647105285d7106284b01284b024b03747107657d71082858010000006171094e580100000062710a4930310a580100000063710b4930300a7574710c580400000074657874710d580a00000068c3a96c6c6f20e29883710e5807000000696e746b657973710f7d7110284b0158030000006f6e6571114b02580300000074776f71127558030000007365747113635f5f6275696c74696e5f5f0a7365740a7114285d7115284b014b0265747116527117580200000066737118635f5f6275696c74696e5f5f0a66726f7a656e7365740a7119285d711a4b036174711b52711c752e',
  2: '80027d7100285804000000696e747371015d7102284b004b014bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a090000000000000080008a090000000000000000c0655806000000666c6f61747371035d710428473fe0000000000000478000000000000000477ff00000000000004701a56e1fc2f8f3596558060000006e657374656471055d7106284b014b024b03867107657d71082858010000006171094e580100000062710a88580100000063710b897586710c580400000074657874710d580a00000068c3a96c6c6f20e29883710e5807000000696e746b657973710f7d7110284b0158030000006f6e6571114b02580300000074776f71127558030000007365747113635f5f6275696c74696e5f5f0a7365740a71145d7115284b014b0265857116527117580200000066737118635f5f6275696c74696e5f5f0a66726f7a656e7365740a71195d711a4b036185711b52711c752e',
  3: '80037d7100285804000000696e747371015d7102284b004b014bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a090000000000000080008a090000000000000000c0655806000000666c6f61747371035d710428473fe0000000000000478000000000000000477ff00000000000004701a56e1fc2f8f3596558060000006e657374656471055d7106284b014b024b03867107657d71082858010000006171094e580100000062710a88580100000063710b897586710c580400000074657874710d580a00000068c3a96c6c6f20e29883710e58050000006279746573710f430200ff71105807000000696e746b65797371117d7112284b0158030000006f6e6571134b02580300000074776f71147558030000007365747115636275696c74696e730a7365740a71165d7117284b014b026585711852711958020000006673711a636275696c74696e730a66726f7a656e7365740a711b5d711c4b036185711d52711e752e',
  4: '800495fa000000000000007d94288c04696e7473945d94284b004b014bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a090000000000000080008a090000000000000000c0658c06666c6f617473945d9428473fe0000000000000478000000000000000477ff00000000000004701a56e1fc2f8f359658c066e6573746564945d94284b014b024b038694657d94288c0161944e8c016294888c016394897586948c0474657874948c0a68c3a96c6c6f20e29883948c05627974657394430200ff948c07696e746b657973947d94284b018c036f6e65944b028c0374776f94758c03736574948f94284b014b02908c02667394284b039194752e',
  5: '800595fa000000000000007d94288c04696e7473945d94284b004b014bff4d00014dffff4a000001004affffffff4a000000808a0500000080008a090000000000000080008a090000000000000000c0658c06666c6f617473945d9428473fe0000000000000478000000000000000477ff00000000000004701a56e1fc2f8f359658c066e6573746564945d94284b014b024b038694657d94288c0161944e8c016294888c016394897586948c0474657874948c0a68c3a96c6c6f20e29883948c05627974657394430200ff948c07696e746b657973947d94284b018c036f6e65944b028c0374776f94758c03736574948f94284b014b02908c02667394284b039194752e',
};

describe('unpickle', () => {
  it.each([1, 2, 3, 4, 5])('reads what CPython writes at protocol %i', (protocol) => {
    const value = toJs(unpickle(hex(CPYTHON[protocol]!), builtins)) as Record<string, unknown>;
    expect(value['ints']).toEqual([0, 1, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2n ** 63n, -(2n ** 70n)]);
    expect(value['floats']).toEqual([0.5, -0, Infinity, 1e-300]);
    expect(Object.is((value['floats'] as number[])[1], -0)).toBe(true);
    expect(value['nested']).toEqual([[1, [2, 3]], { a: null, b: true, c: false }]);
    expect(value['text']).toBe('héllo ☃');
    expect(value['intkeys']).toEqual(new Map([[1, 'one'], [2, 'two']]));
    expect(value['set']).toEqual(new Set([1, 2]));
    expect(value['fs']).toEqual(new Set([3]));
    if (protocol >= 3) expect(value['bytes']).toEqual(new Uint8Array([0, 255]));
  });

  it('reads protocol 0 text opcodes (INT, LONG, FLOAT, LIST, DICT, PUT, GET)', () => {
    // pickle.dumps([1, 2.5, [3, -4], {5: 6}, (7,), None, True, 2**80], protocol=0)
    const value = toJs(unpickle(hex('286c70300a49310a6146322e350a61286c70310a49330a61492d340a6161286470320a49350a49360a73612849370a7470330a614e614930310a614c313230383932353831393631343632393137343730363137364c0a612e'), builtins));
    expect(value).toEqual([1, 2.5, [3, -4], new Map([[5, 6]]), [7], null, true, 2n ** 80n]);
  });

  it('keeps shared and cyclic references (BINPUT/BINGET)', () => {
    // {'a': shared, 'b': shared} and a list containing itself
    const shared = toJs(unpickle(hex('80027d71002858010000006171015d71024b016158010000006271036802752e'), builtins)) as Record<string, unknown>;
    expect(shared['a']).toBe(shared['b']);
    const cyclic = toJs(unpickle(hex('80025d71006800612e'), builtins)) as unknown[];
    expect(cyclic[0]).toBe(cyclic);
  });

  it('reads every int encoding', () => {
    expect(read(0x80, 2, 'J', u32(0xfffffffe), '.')).toBe(-2);
    expect(read('M', [0x34, 0x12], '.')).toBe(0x1234);
    expect(read(0x8a, 0, '.')).toBe(0);
    expect(read(0x8a, 1, 0x80, '.')).toBe(-128);
    expect(read(0x8a, 2, [0xff, 0x00], '.')).toBe(255);
    expect(read(0x8a, 7, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f], '.')).toBe(2 ** 53 - 1);
    expect(read(0x8a, 7, [0, 0, 0, 0, 0, 0, 0x20], '.')).toBe(2n ** 53n);
    expect(read(0x8b, u32(2), [0x00, 0x80], '.')).toBe(-32768);
    expect(read('I00\n', '.')).toBe(false);
    expect(read('I-12\n', '.')).toBe(-12);
  });

  it('reads BINFLOAT as a big-endian double and FLOAT text', () => {
    expect(read('G', [0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a], '.')).toBe(0.1);
    expect(read('Finf\n', '.')).toBe(Infinity);
    expect(read('F-1e-05\n', '.')).toBe(-1e-5);
    expect(read('Fnan\n', '.')).toBeNaN();
  });

  it('reads every string and bytes encoding', () => {
    expect(read(0x8c, 2, 'hi', '.')).toBe('hi');
    expect(read(0x8d, u32(2), u32(0), 'hi', '.')).toBe('hi');
    expect(read('U', 2, 'hi', '.')).toBe('hi');
    expect(read('T', u32(2), 'hi', '.')).toBe('hi');
    expect(read('B', u32(1), 7, '.')).toEqual(new Uint8Array([7]));
    expect(read(0x8e, u32(1), u32(0), 7, '.')).toEqual(new Uint8Array([7]));
  });

  it('builds containers with every opcode', () => {
    expect(read(')', '.')).toEqual([]);
    expect(read('K', 1, 0x85, '.')).toEqual([1]);
    expect(read('K', 1, 'K', 2, 'K', 3, 0x87, '.')).toEqual([1, 2, 3]);
    expect(read('(K', 1, 'K', 2, 'K', 3, 'K', 4, 't.')).toEqual([1, 2, 3, 4]);
    expect(read('(K', 1, 'K', 2, 'l.')).toEqual([1, 2]);
    expect(read(']K', 1, 'a(K', 2, 'K', 3, 'e.')).toEqual([1, 2, 3]);
    expect(read('(', str('a'), 'K', 1, 'd.')).toEqual({ a: 1 });
    expect(read('}', str('a'), 'K', 1, 's.')).toEqual({ a: 1 });
    expect(read(0x8f, '(K', 1, 'K', 1, 'K', 2, 0x90, '.')).toEqual(new Set([1, 2]));
    expect(read('(K', 4, 0x91, '.')).toEqual(new Set([4]));
  });

  it('keeps the last value of a repeated key in its first place', () => {
    expect(Object.entries(read('}(', str('a'), 'K', 1, str('b'), 'K', 2, str('a'), 'K', 3, 'u.') as object)).toEqual([['a', 3], ['b', 2]]);
  });

  it('handles MARK, POP, POP_MARK, DUP and MEMOIZE', () => {
    expect(read('K', 1, 'K', 2, '0.')).toBe(1);
    expect(read('K', 1, '(K', 2, 'K', 3, '1.')).toBe(1);
    expect(read('K', 5, '2', 0x86, '.')).toEqual([5, 5]);
    expect(read(']', 0x94, 'K', 1, 'a0h', 0, '.')).toEqual([1]);
    expect(read(']r', u32(70000), 'j', u32(70000), '0.')).toEqual([]);
    expect(read(']p7\n0g7\n.')).toEqual([]);
  });

  it('calls allowed globals through REDUCE, NEWOBJ, NEWOBJ_EX and STACK_GLOBAL', () => {
    expect(read('ctest\npair\n', 'K', 1, 'K', 2, 0x86, 'R.')).toEqual([1, 2]);
    expect(read('ctest\npair\n', 'K', 1, 0x85, 0x81, '.')).toEqual([1]);
    expect(read(0x8c, 4, 'test', 0x8c, 4, 'pair', 0x93, 'K', 1, 0x85, '}', 0x92, '.')).toEqual([1]);
  });

  it('stores BUILD state on a dict as attributes', () => {
    const dict = unpickle(bytesOf('}(', str('w'), 'K', 1, 'u}', str('_metadata'), 'K', 9, 's', 'b.'), builtins) as PyDict;
    expect(dict.attributes.get('_metadata')).toBe(9);
  });

  it('passes BINPERSID ids to persistentLoad', () => {
    expect(read(str('key'), 'Q.')).toEqual({ pid: 'key' });
  });

  it('needs no call stack for deep nesting', () => {
    const depth = 100_000;
    const bytes = new Uint8Array(2 * depth);
    bytes.fill(0x5d, 0, depth); // EMPTY_LIST × depth
    bytes.fill(0x61, depth, 2 * depth - 1); // APPEND × (depth − 1)
    bytes[2 * depth - 1] = 0x2e; // STOP
    const value = unpickle(bytes, builtins) as PyList;
    let level = 0;
    for (let v: unknown = value; v instanceof PyList && v.items.length > 0; v = v.items[0]) level++;
    expect(level).toBe(depth - 1);
  });

  it('names the source, offset and opcode of an error', () => {
    expectCheckpointError(() => unpickle(bytesOf(0x80, 2, 'cos\nsystem\n'), builtins, 'archive/data.pkl'), "archive/data.pkl offset 2 (GLOBAL): global 'os.system' is not allowed");
  });

  it('refuses globals the hooks refuse, wherever they appear', () => {
    expectCheckpointError(() => unpickle(bytesOf(0x8c, 2, 'os', 0x8c, 6, 'system', 0x93, '.'), builtins), /STACK_GLOBAL.*'os.system' is not allowed/);
    expectCheckpointError(() => unpickle(hex('8002635f636f646563730a656e636f64650a7100580300000000c3bf710158060000006c6174696e3171028671035271042e'), builtins), /'_codecs.encode' is not allowed/);
  });

  it('refuses calls of non-callables and non-tuple arguments', () => {
    expectCheckpointError(() => unpickle(bytesOf('K', 1, ')R.'), builtins), /REDUCE\): int is not callable/);
    expectCheckpointError(() => unpickle(bytesOf('ctest\npair\nK', 1, 'R.'), builtins), /arguments must be a tuple, got int/);
    expectCheckpointError(() => unpickle(bytesOf('ctest\npair\n)}(', str('k'), 'K', 1, 'u', 0x92, '.'), builtins), /keyword arguments are not supported/);
  });

  it('refuses truncated input', () => {
    expectCheckpointError(() => unpickle(bytesOf(0x80, 2, 'X', u32(100), 'abc'), builtins), /offset 2 \(BINUNICODE\): truncated: needs 100 bytes, 3 left/);
    expectCheckpointError(() => unpickle(bytesOf(0x80, 2, 'K', 1), builtins), /ended at byte 4 without a STOP opcode/);
    expectCheckpointError(() => unpickle(bytesOf('J', 1, 2), builtins), /truncated/);
    expectCheckpointError(() => unpickle(bytesOf(0x8d, u32(0), u32(0x10000), '.'), builtins), /needs 281474976710656 bytes, 1 left/);
    expectCheckpointError(() => unpickle(bytesOf(0x8d, u32(0), u32(0xffffffff), '.'), builtins), /larger than the file/);
  });

  it('refuses a malformed stack', () => {
    expectCheckpointError(() => unpickle(bytesOf('.'), builtins), /STOP with 0 values/);
    expectCheckpointError(() => unpickle(bytesOf('K', 1, 'K', 2, '.'), builtins), /STOP with 2 values/);
    expectCheckpointError(() => unpickle(bytesOf('(K', 1, '.'), builtins), /STOP with 1 values and 1 marks/);
    expectCheckpointError(() => unpickle(bytesOf('a.'), builtins), /APPEND\): stack underflow/);
    expectCheckpointError(() => unpickle(bytesOf('(0.'), builtins), /no MARK|STOP/);
    expectCheckpointError(() => unpickle(bytesOf('K', 1, 'e.'), builtins), /no MARK to pop to/);
    expectCheckpointError(() => unpickle(bytesOf('K', 1, '(', 0x85, '.'), builtins), /TUPLE1\): stack underflow/);
    expectCheckpointError(() => unpickle(bytesOf('K', 1, 'K', 2, 'a.'), builtins), /APPEND on a int/);
    expectCheckpointError(() => unpickle(bytesOf('}(K', 1, 'u.'), builtins), /odd number of items/);
    expectCheckpointError(() => unpickle(bytesOf('K', 1, ')b.'), builtins), /cannot set the state of a int/);
  });

  it('refuses memo references that were never stored', () => {
    expectCheckpointError(() => unpickle(bytesOf('h', 3, '.'), builtins), /BINGET\): memo entry 3 was never stored/);
    expectCheckpointError(() => unpickle(bytesOf('q', 0, '.'), builtins), /nothing on the stack/);
  });

  it('refuses unhashable keys', () => {
    expectCheckpointError(() => unpickle(bytesOf('}]K', 1, 's.'), builtins), /unhashable type 'list'/);
  });

  it('refuses unknown and unsupported opcodes', () => {
    expectCheckpointError(() => unpickle(bytesOf(0xff), builtins), /unknown opcode 0xff/);
    expectCheckpointError(() => unpickle(bytesOf("S'a'\n."), builtins), /STRING\): opcode not supported/);
    expectCheckpointError(() => unpickle(bytesOf('Pid\n.'), builtins), /PERSID/);
    expectCheckpointError(() => unpickle(bytesOf(0x80, 6, '.'), builtins), /unsupported pickle protocol 6/);
  });

  it('refuses bytes after STOP', () => {
    expectCheckpointError(() => unpickle(bytesOf('N.N'), builtins), /1 bytes follow the STOP/);
  });

  it('refuses invalid UTF-8, overlong text lines and oversized ints', () => {
    expectCheckpointError(() => unpickle(bytesOf('X', u32(1), 0xff, '.'), builtins), /not valid UTF-8/);
    expectCheckpointError(() => unpickle(bytesOf('I', '1'.repeat(5000), '\n.'), builtins), /unterminated or longer than 4400 bytes/);
    expectCheckpointError(() => unpickle(bytesOf('I1x\n.'), builtins), /"1x" is not an integer/);
    expectCheckpointError(() => unpickle(bytesOf('Fabc\n.'), builtins), /"abc" is not a float/);
    expectCheckpointError(() => unpickle(bytesOf(0x8b, u32(100000), '.'), builtins), /int of 100000 bytes/);
  });

  it('returns Python values before conversion', () => {
    expect(unpickle(bytesOf(']K', 1, 'a.'), builtins)).toBeInstanceOf(PyList);
    expect(unpickle(bytesOf(').'), builtins)).toBeInstanceOf(PyTuple);
  });
});
