import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint-error.js';
import { expectCheckpointError, hex } from '../../test/helpers.js';
import { PickleDict, PickleGlobal, PicklePersistentId, PickleReduce, PickleTuple, pickle } from './pickler.js';
import { MAX_DEPTH, toJs } from './to-js.js';
import { unpickle, type UnpickleHooks } from './unpickler.js';
import { PyDict, PyGlobal, PyTuple } from './values.js';

const hooks: UnpickleHooks = {
  findGlobal(module, name) {
    if (`${module}.${name}` === 'collections.OrderedDict') return new PyGlobal('collections.OrderedDict', () => new PyDict(true));
    if (`${module}.${name}` === 'test.pair') return new PyGlobal('test.pair', (args) => new PyTuple(args));
    throw new CheckpointError(`global '${module}.${name}' is not allowed`);
  },
  persistentLoad: (pid) => ({ pid: toJs(pid) }),
};

const roundTrip = (value: unknown) => toJs(unpickle(pickle(value), hooks));

describe('pickle', () => {
  it('writes the bytes CPython writes at protocol 2', () => {
    // pickle.dumps([1, -1, 300, 70000, 2**40, -2**40, 2**63, -129, 0.5, -0.0, None, True, False, [], {}], protocol=2)
    expect(pickle([1, -1, 300, 70000, 2 ** 40, -(2 ** 40), 2n ** 63n, -129, 0.5, -0, null, true, false, [], {}])).toEqual(
      hex('80025d7100284b014affffffff4d2c014a701101008a060000000000018a060000000000ff8a090000000000000080004a7fffffff473fe00000000000004780000000000000004e88895d71017d7102652e'),
    );
    // pickle.dumps({1: 2, 3: [4]}, protocol=2)
    expect(pickle(new Map<number, unknown>([[1, 2], [3, [4]]]))).toEqual(hex('80027d7100284b014b024b035d71014b0461752e'));
  });

  it('round-trips scalars, strings, arrays, Maps and objects', () => {
    const value = { a: [1, 2.5, -3, 2 ** 53 - 1, 'héllo ☃ 😀', true, null], b: new Map<unknown, unknown>([[1, 'x'], ['k', { c: [] }]]), d: {} };
    expect(roundTrip(value)).toEqual(value);
  });

  it('writes non-integral, unsafe, negative-zero and non-finite numbers as floats', () => {
    const values = [0.1, 2 ** 53, 1e300, -0, NaN, Infinity, -Infinity];
    const back = roundTrip(values) as number[];
    values.forEach((v, i) => expect(Object.is(back[i], v)).toBe(true));
    expect(pickle(2 ** 53)[2]).toBe(0x47); // BINFLOAT
  });

  it('writes bigints as ints, LONG4 beyond 255 bytes', () => {
    expect(roundTrip([2n ** 70n, -(2n ** 70n), 5n, 2n ** 2100n])).toEqual([2n ** 70n, -(2n ** 70n), 5, 2n ** 2100n]);
    expect(pickle(2n ** 2100n)[2]).toBe(0x8b);
  });

  it('skips object properties holding undefined, as JSON does', () => {
    expect(roundTrip({ a: 1, b: undefined })).toEqual({ a: 1 });
  });

  it('writes the same object twice as one object, and cycles', () => {
    const shared = [1];
    const back = roundTrip({ x: shared, y: shared }) as { x: unknown; y: unknown };
    expect(back.x).toBe(back.y);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const again = roundTrip(cyclic) as unknown[];
    expect(again[0]).toBe(again);
  });

  it('batches APPENDS and SETITEMS by 1000, as CPython does', () => {
    const long = Array.from({ length: 2500 }, (_, i) => i);
    expect(roundTrip(long)).toEqual(long);
    const map = new Map(long.map((i) => [i, -i]));
    expect(roundTrip(map)).toEqual(map);
  });

  it('writes nodes: tuples, OrderedDicts with state, globals, REDUCE and persistent ids', () => {
    const tuple = new PickleTuple([1, 2, 3, 4]);
    expect(roundTrip([new PickleTuple([]), new PickleTuple([1]), tuple])).toEqual([[], [1], [1, 2, 3, 4]]);
    const ordered = unpickle(pickle(new PickleDict([['w', 1]], { ordered: true, state: new PickleDict([['_metadata', 7]]) })), hooks) as PyDict;
    expect(ordered.ordered).toBe(true);
    expect(ordered.attributes.get('_metadata')).toBe(7);
    expect(roundTrip(new PickleReduce(new PickleGlobal('test', 'pair'), [1, 'b']))).toEqual([1, 'b']);
    expect(roundTrip(new PicklePersistentId(new PickleTuple(['storage', 3])))).toEqual({ pid: ['storage', 3] });
  });

  it('memoizes a global and references it again', () => {
    const call = new PickleReduce(new PickleGlobal('test', 'pair'), [1]);
    const bytes = pickle([call, new PickleReduce(new PickleGlobal('test', 'pair'), [2])]);
    expect(new TextDecoder().decode(bytes).split('test\npair').length).toBe(2);
    expect(toJs(unpickle(bytes, hooks))).toEqual([[1], [2]]);
  });

  it('passes objects through the replacer, once per occurrence', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const seen: unknown[] = [];
    const point = new Point(3);
    const bytes = pickle([point, point], (value) => {
      seen.push(value);
      return value instanceof Point ? new PickleTuple([value.x]) : value;
    });
    const back = toJs(unpickle(bytes, hooks)) as unknown[];
    expect(back).toEqual([[3], [3]]);
    expect(back[0]).toBe(back[1]);
    expect(seen.filter((v) => v === point)).toHaveLength(1);
  });

  it('needs no call stack for deep nesting and refuses more than MAX_DEPTH levels', () => {
    const nested = (levels: number) => {
      let value: unknown = 0;
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(roundTrip(nested(MAX_DEPTH + 1))).toEqual(nested(MAX_DEPTH + 1));
    expectCheckpointError(() => pickle(nested(MAX_DEPTH + 2)), `is nested more than ${MAX_DEPTH} deep`);
    expectCheckpointError(() => pickle(nested(50_000)), 'nested more than');
  });

  it('names the path of a value that has no pickle form', () => {
    expectCheckpointError(() => pickle({ a: [1, { 'b c': undefined, d: () => 1 }] }), 'obj.a[1].d is a function, which has no pickle form');
    expectCheckpointError(() => pickle([undefined]), 'obj[0] is undefined');
    expectCheckpointError(() => pickle([1, , 2]), 'obj[1] is undefined'); // eslint-disable-line no-sparse-arrays
    expectCheckpointError(() => pickle({ s: Symbol('x') }), 'obj.s is a symbol');
    expectCheckpointError(() => pickle({ when: new Date(0) }), 'obj.when is a Date, which has no pickle form');
    expectCheckpointError(() => pickle(new Float32Array(2)), 'obj is a Float32Array');
    expectCheckpointError(() => pickle(new Set([1])), 'obj is a Set');
  });

  it('refuses keys pickle cannot write or that collide in Python', () => {
    expectCheckpointError(() => pickle(new Map([[[1], 2]])), 'obj has a key that is a Array');
    expectCheckpointError(() => pickle(new Map<unknown, number>([[1, 1], [true, 2]])), 'obj has the keys 1 and true, which are one key in Python');
    expectCheckpointError(() => pickle(new Map<unknown, number>([[2, 1], [2n, 2]])), 'the keys 2 and 2');
  });

  it('refuses strings with lone surrogates', () => {
    expectCheckpointError(() => pickle(['\uD800x']), 'obj[0] is a string with a lone surrogate, which has no UTF-8 form');
    expect(roundTrip('\uD83D\uDE00')).toBe('😀');
  });

  it('refuses a tuple that contains itself', () => {
    const self: unknown[] = [];
    self.push(self);
    expectCheckpointError(() => pickle(self, (v) => (Array.isArray(v) ? new PickleTuple(v) : v)), 'obj[0] contains itself through a tuple or tensor');
  });
});
