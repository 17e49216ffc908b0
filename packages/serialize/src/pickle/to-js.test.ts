import { describe, expect, it } from 'vitest';
import { expectCheckpointError } from '../../test/helpers.js';
import { MAX_DEPTH, toJs } from './to-js.js';
import { PyDict, PyList, PySet, PyTuple } from './values.js';

function dict(entries: [unknown, unknown][], ordered = false): PyDict {
  const d = new PyDict(ordered);
  for (const [k, v] of entries) d.set(k, v);
  return d;
}

describe('toJs', () => {
  it('turns lists and tuples into arrays and sets into Sets', () => {
    expect(toJs(new PyList([1, new PyTuple(['a', null])]))).toEqual([1, ['a', null]]);
    const set = new PySet();
    set.add(1);
    expect(toJs(set)).toEqual(new Set([1]));
  });

  it('turns str-keyed dicts and OrderedDicts into plain objects in insertion order', () => {
    const value = toJs(dict([['b', 1], ['a', 2]], true)) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.entries(value)).toEqual([['b', 1], ['a', 2]]);
  });

  it('turns dicts with other keys into Maps', () => {
    expect(toJs(dict([[1, 'x'], ['s', 'y']]))).toEqual(new Map<unknown, unknown>([[1, 'x'], ['s', 'y']]));
    expect(toJs(dict([[new PyTuple([1, 2]), 'pair']]))).toEqual(new Map([[[1, 2], 'pair']]));
  });

  it("gives an optimizer state dict's int-keyed state numeric object keys", () => {
    const state = dict([[1, dict([['step', 3]])], [0, dict([['step', 4]])]]);
    const value = toJs(dict([['state', state], ['param_groups', new PyList([dict([['params', new PyList([0, 1])]])])]])) as { state: object };
    expect(value.state).toEqual({ 0: { step: 4 }, 1: { step: 3 } });
    // elsewhere the same shape of dict stays a Map
    expect(toJs(dict([['state', dict([[0, 1]])], ['other', 1]]))).toEqual({ state: new Map([[0, 1]]), other: 1 });
  });

  it('keeps _metadata set by BUILD as a non-enumerable property', () => {
    const stateDict = dict([['w', 1]], true);
    stateDict.attributes.set('_metadata', dict([['', dict([['version', 1]])]], true));
    stateDict.attributes.set('other', 5);
    const value = toJs(stateDict) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['w']);
    expect(value['_metadata']).toEqual({ '': { version: 1 } });
    expect(value['other']).toBeUndefined();
  });

  it('defines a __proto__ key as an own property', () => {
    const value = toJs(dict([['__proto__', 1]])) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it('keeps shared and cyclic references', () => {
    const shared = new PyList([1]);
    const cyclic = new PyList();
    cyclic.items.push(cyclic, shared, shared);
    const value = toJs(cyclic) as unknown[];
    expect(value[0]).toBe(value);
    expect(value[1]).toBe(value[2]);
  });

  it(`accepts ${MAX_DEPTH} levels of nesting and refuses more, without recursion`, () => {
    const nested = (levels: number) => {
      let value: unknown = 0;
      for (let i = 0; i < levels; i++) value = new PyList([value]);
      return value;
    };
    expect(() => toJs(nested(MAX_DEPTH + 1))).not.toThrow();
    expectCheckpointError(() => toJs(nested(MAX_DEPTH + 2)), `containers are nested more than ${MAX_DEPTH} deep`);
    expectCheckpointError(() => toJs(nested(100_000)), 'nested more than');
  });
});
