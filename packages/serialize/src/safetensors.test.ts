import { SparseTensor, Tensor, tensor } from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { expectCheckpointError, u32 } from '../test/helpers.js';
import { numberToBfloat16Bits, numberToFloat16Bits } from './dtypes.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

/** A safetensors file from a header object (or raw header text) and data bytes. */
function file(header: object | string, data: number[] | Uint8Array = []): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  return new Uint8Array([...u32(json.length), ...u32(0), ...json, ...data]);
}

function headerOf(bytes: Uint8Array): { text: string; length: number } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return { text: new TextDecoder().decode(bytes.subarray(8, 8 + length)), length };
}

describe('saveSafetensors', () => {
  it('round-trips every dtype, shape and metadata', () => {
    const tensors = {
      f32: tensor([[1.5, -2], [3, 4]], { dtype: 'float32' }),
      f64: tensor([0.1], { dtype: 'float64' }),
      i32: tensor([-7, 8], { dtype: 'int32' }),
      i64: tensor([3e12, -1], { dtype: 'int64' }),
      bool: tensor([true, false], { dtype: 'bool' }),
      u8: tensor([0, 255], { dtype: 'uint8' }),
      scalar: tensor(2, { dtype: 'float32' }),
      empty: tensor([], { dtype: 'float32' }).reshape(0, 3),
    };
    const { tensors: loaded, metadata } = loadSafetensors(saveSafetensors(tensors, { format: 'pt', note: 'héllo' }));
    expect(metadata).toEqual({ format: 'pt', note: 'héllo' });
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(loaded[name]!.dtype).toBe(t.dtype);
      expect(loaded[name]!.shape).toEqual(t.shape);
      expect(loaded[name]!.tolist()).toEqual(t.tolist());
    }
  });

  it('puts __metadata__ first and pads the header with spaces to a multiple of 8', () => {
    const bytes = saveSafetensors({ '0': tensor([1], { dtype: 'float32' }), a: tensor([1], { dtype: 'uint8' }) }, { k: 'v' });
    const { text, length } = headerOf(bytes);
    expect(length % 8).toBe(0);
    expect(text.startsWith('{"__metadata__":{"k":"v"},')).toBe(true);
    expect(text).toMatch(/} *$/);
    expect(JSON.parse(text)).toEqual({ __metadata__: { k: 'v' }, '0': { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, a: { dtype: 'U8', shape: [1], data_offsets: [4, 5] } });
  });

  it('stores larger dtypes first, then by name, so every tensor is aligned to its element size', () => {
    const bytes = saveSafetensors({ b: tensor([1], { dtype: 'bool' }), z: tensor([1], { dtype: 'float64' }), a: tensor([1], { dtype: 'float32' }), c: tensor([1], { dtype: 'int32' }) });
    const header = JSON.parse(headerOf(bytes).text) as Record<string, { data_offsets: number[] }>;
    expect(header['z']!.data_offsets).toEqual([0, 8]);
    expect(header['a']!.data_offsets).toEqual([8, 12]);
    expect(header['c']!.data_offsets).toEqual([12, 16]);
    expect(header['b']!.data_offsets).toEqual([16, 17]);
  });

  it('writes views contiguously, copied out of their storage', () => {
    const base = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
    const { tensors } = loadSafetensors(saveSafetensors({ t: base.t(), col: base.narrow(1, 1, 1) }));
    expect(tensors['t']!.tolist()).toEqual(base.t().tolist());
    expect(tensors['t']!.isContiguous()).toBe(true);
    expect(tensors['col']!.tolist()).toEqual([[2], [5]]);
    expect(tensors['t']!.storage).not.toBe(tensors['col']!.storage);
  });

  it('refuses non-tensors, sparse tensors, the reserved name and non-string metadata', () => {
    expectCheckpointError(() => saveSafetensors({ x: [1] as unknown as Tensor }), 'saveSafetensors: tensors["x"] is not a dense tensor');
    const sparse = new SparseTensor(tensor([[0]], { dtype: 'int64' }), tensor([1], { dtype: 'float32' }), [2]);
    expectCheckpointError(() => saveSafetensors({ s: sparse }), 'tensors["s"] is not a dense tensor');
    expectCheckpointError(() => saveSafetensors({ __metadata__: tensor([1]) }), '__metadata__ is reserved');
    expectCheckpointError(() => saveSafetensors({}, { n: 1 as unknown as string }), 'metadata["n"] is number, not a string');
    expectCheckpointError(() => saveSafetensors(null as unknown as Record<string, Tensor>), 'tensors must be an object of tensors, got null');
  });
});

describe('loadSafetensors', () => {
  it('reads files of other writers: unpadded headers, unaligned data, any key order', () => {
    const data = new Uint8Array(12);
    const view = new DataView(data.buffer);
    view.setInt32(0, -3, true);
    view.setFloat64(4, 0.25, true);
    const { tensors, metadata } = loadSafetensors(file({ b: { dtype: 'F64', shape: [], data_offsets: [4, 12] }, a: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, data));
    expect(tensors['a']!.tolist()).toEqual([-3]);
    expect(tensors['b']!.tolist()).toBe(0.25);
    expect(metadata).toEqual({});
  });

  it('widens F16, BF16, F8, I8, I16, U16, U32 and U64 as load does', () => {
    const half = [1.5, -0.25].flatMap((v) => [numberToFloat16Bits(v) & 0xff, numberToFloat16Bits(v) >> 8]);
    const brain = [3.140625].flatMap((v) => [numberToBfloat16Bits(v) & 0xff, numberToBfloat16Bits(v) >> 8]);
    const bytes = file(
      {
        h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
        i16: { dtype: 'I16', shape: [1], data_offsets: [6, 8] },
        u16: { dtype: 'U16', shape: [1], data_offsets: [8, 10] },
        u32: { dtype: 'U32', shape: [1], data_offsets: [10, 14] },
        u64: { dtype: 'U64', shape: [1], data_offsets: [14, 22] },
        i8: { dtype: 'I8', shape: [1], data_offsets: [22, 23] },
        e4: { dtype: 'F8_E4M3', shape: [1], data_offsets: [23, 24] },
        e5: { dtype: 'F8_E5M2', shape: [1], data_offsets: [24, 25] },
      },
      [...half, ...brain, 0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0, 0, 0, 0, 0, 0xfb, 0x38, 0x3c],
    );
    const { tensors } = loadSafetensors(bytes);
    const summary = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, [t.dtype, t.tolist()]]));
    expect(summary).toEqual({
      h: ['float32', [1.5, -0.25]],
      b: ['float32', [3.140625]],
      i16: ['int32', [-200]],
      u16: ['int32', [65535]],
      u32: ['int64', [4294967295]],
      u64: ['int64', [7]],
      i8: ['int32', [-5]],
      e4: ['float32', [1]],
      e5: ['float32', [1]],
    });
  });

  it('reads bytes that are a view into a larger buffer', () => {
    const bytes = saveSafetensors({ w: tensor([1.5, -2], { dtype: 'float64' }) });
    const padded = new Uint8Array(bytes.length + 5);
    padded.set(bytes, 5);
    expect(loadSafetensors(padded.subarray(5)).tensors['w']!.tolist()).toEqual([1.5, -2]);
  });

  it('defines a tensor named __proto__ as an own property', () => {
    const { tensors } = loadSafetensors(file('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [9]));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });

  it('accepts an empty file body and a null __metadata__', () => {
    expect(loadSafetensors(file({ __metadata__: null }))).toEqual({ tensors: {}, metadata: {} });
    expect(loadSafetensors(file({ e: { dtype: 'F32', shape: [0, 5], data_offsets: [0, 0] } })).tensors['e']!.shape).toEqual([0, 5]);
  });

  it('refuses short files and header lengths beyond 100 MB or the file', () => {
    expectCheckpointError(() => loadSafetensors(new Uint8Array(7)), 'loadSafetensors: the file has 7 bytes, fewer than the 8 of the header length');
    expectCheckpointError(() => loadSafetensors(new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0, 0x7b])), 'header length 4294967296 exceeds the limit of 100000000 bytes');
    expectCheckpointError(() => loadSafetensors(new Uint8Array([...u32(100_000_001), ...u32(0), 0x7b])), 'exceeds the limit');
    expectCheckpointError(() => loadSafetensors(new Uint8Array([...u32(50), ...u32(0), 0x7b, 0x7d])), 'header length 50 runs past the end of the file (2 bytes follow the length)');
  });

  it('refuses headers that are not a JSON object starting with {', () => {
    expectCheckpointError(() => loadSafetensors(file(' {}')), "the header does not start with '{'");
    expectCheckpointError(() => loadSafetensors(file('[1]')), "does not start with '{'");
    expectCheckpointError(() => loadSafetensors(file('{"a":')), 'the header is not valid UTF-8 JSON');
    expectCheckpointError(() => loadSafetensors(new Uint8Array([...u32(2), ...u32(0), 0x7b, 0xff])), 'not valid UTF-8 JSON');
  });

  it('refuses duplicate names', () => {
    const entry = '{"dtype":"U8","shape":[0],"data_offsets":[0,0]}';
    expectCheckpointError(() => loadSafetensors(file(`{"a":${entry},"b":{"x":${entry}},"a" :${entry}}`)), 'the header names "a" twice');
    expect(() => loadSafetensors(file(`{"a":${entry},"b":${entry.replace('"U8"', '"U8","note":{"a":1,"a":2}')}}`))).not.toThrow();
  });

  it('refuses byte counts that do not match numel · itemsize, before allocating', () => {
    expectCheckpointError(() => loadSafetensors(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(8))), 'tensor "a" of shape [2] and dtype F32 needs 8 bytes, but data_offsets [0, 4] hold 4');
    expectCheckpointError(
      () => loadSafetensors(file({ a: { dtype: 'F32', shape: [1_000_000, 1_000_000], data_offsets: [0, 4] } }, [0, 0, 0, 0])),
      'tensor "a" of shape [1000000, 1000000] needs more than the 4 bytes of data in the file',
    );
  });

  it('refuses holes, overlaps and ranges that miss the start or end of the data', () => {
    const u8 = (begin: number, end: number) => ({ dtype: 'U8', shape: [end - begin], data_offsets: [begin, end] });
    expectCheckpointError(() => loadSafetensors(file({ a: u8(1, 2) }, [0, 0])), 'tensor "a" starts at byte 1 of the data, expected 0 (a hole)');
    expectCheckpointError(() => loadSafetensors(file({ a: u8(0, 2), b: u8(1, 3) }, [0, 0, 0])), 'tensor "b" starts at byte 1 of the data, expected 2 (an overlap)');
    expectCheckpointError(() => loadSafetensors(file({ a: u8(0, 2), b: u8(3, 4) }, [0, 0, 0, 0])), 'tensor "b" starts at byte 3 of the data, expected 2 (a hole)');
    expectCheckpointError(() => loadSafetensors(file({ a: u8(0, 2) }, [0, 0, 0])), 'the tensors cover 2 bytes of data but the file holds 3');
  });

  it('refuses malformed entries and metadata', () => {
    const check = (entry: unknown, message: string) => expectCheckpointError(() => loadSafetensors(file({ t: entry })), message);
    check(5, 'tensor "t" is not an object');
    check({ dtype: 'C64', shape: [], data_offsets: [0, 8] }, 'tensor "t" has dtype "C64"; supported: BOOL, U8');
    check({ dtype: 'F32', shape: [-1], data_offsets: [0, 0] }, 'has shape [-1], not a list of non-negative integers');
    check({ dtype: 'F32', shape: [1.5], data_offsets: [0, 0] }, 'not a list of non-negative integers');
    check({ dtype: 'F32', shape: [1], data_offsets: [4, 0] }, 'has data_offsets [4,0], not [begin, end] with 0 ≤ begin ≤ end');
    check({ dtype: 'F32', shape: [1], data_offsets: [0] }, 'not [begin, end]');
    expectCheckpointError(() => loadSafetensors(file({ __metadata__: { a: 1 } })), '__metadata__["a"] is not a string');
    expectCheckpointError(() => loadSafetensors(file({ __metadata__: ['x'] })), '__metadata__ is not an object');
    expectCheckpointError(() => loadSafetensors(file('{"a":1}'.padEnd(9, ' ') + '')), 'tensor "a" is not an object');
    expectCheckpointError(() => loadSafetensors('x' as unknown as Uint8Array), 'loadSafetensors: expected a Uint8Array, got string');
  });
});
