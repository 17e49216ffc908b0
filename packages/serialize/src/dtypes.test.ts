import { describe, expect, it } from 'vitest';
import { expectCheckpointError } from '../test/helpers.js';
import {
  bfloat16ToNumber,
  decodeElements,
  encodeElements,
  float16ToNumber,
  ITEM_SIZE,
  LOADED_DTYPE,
  numberToBfloat16Bits,
  numberToFloat16Bits,
} from './dtypes.js';

function le(dtype: 'int16' | 'int32' | 'float32' | 'float64' | 'uint16' | 'uint32', values: number[], littleEndian = true): Uint8Array {
  const size = ITEM_SIZE[dtype];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (dtype === 'int16') view.setInt16(i * size, v, littleEndian);
    if (dtype === 'uint16') view.setUint16(i * size, v, littleEndian);
    if (dtype === 'int32') view.setInt32(i * size, v, littleEndian);
    if (dtype === 'uint32') view.setUint32(i * size, v, littleEndian);
    if (dtype === 'float32') view.setFloat32(i * size, v, littleEndian);
    if (dtype === 'float64') view.setFloat64(i * size, v, littleEndian);
  });
  return out;
}

function int64Bytes(values: bigint[], littleEndian = true, unsigned = false): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (unsigned ? view.setBigUint64(i * 8, v, littleEndian) : view.setBigInt64(i * 8, v, littleEndian)));
  return out;
}

describe('float16ToNumber', () => {
  it('decodes normals, subnormals, zeros, infinities and NaN', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16ToNumber(0x0400)).toBe(2 ** -14);
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0x7c00)).toBe(Infinity);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });
});

describe('numberToFloat16Bits', () => {
  it('inverts float16ToNumber for every non-NaN bit pattern', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16ToNumber(bits);
      if (!Number.isNaN(value)) expect(numberToFloat16Bits(value)).toBe(bits);
    }
  });

  it('rounds half to even, overflows to infinity at 65520 and maps NaN to 0x7e00', () => {
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway, down to even
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, up to even
    expect(numberToFloat16Bits(1 / 3)).toBe(0x3555);
    expect(numberToFloat16Bits(65519.99)).toBe(0x7bff);
    expect(numberToFloat16Bits(65520)).toBe(0x7c00);
    expect(numberToFloat16Bits(2 ** -25)).toBe(0); // halfway to the smallest subnormal, to even
    expect(numberToFloat16Bits(3 * 2 ** -25)).toBe(2);
    expect(numberToFloat16Bits(-0)).toBe(0x8000);
    expect(numberToFloat16Bits(NaN)).toBe(0x7e00);
  });
});

describe('bfloat16ToNumber', () => {
  it('is the high half of a float32', () => {
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    for (let h = 0; h < 0x10000; h += 7) {
      bits[0] = h << 16;
      const value = bfloat16ToNumber(h);
      if (Number.isNaN(f32[0]!)) expect(value).toBeNaN();
      else expect(value).toBe(f32[0]);
    }
  });
});

describe('numberToBfloat16Bits', () => {
  it('inverts bfloat16ToNumber for every non-NaN bit pattern', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = bfloat16ToNumber(bits);
      if (!Number.isNaN(value)) expect(numberToBfloat16Bits(value)).toBe(bits);
    }
  });

  it('rounds half to even and maps NaN to 0x7fc0', () => {
    expect(numberToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(numberToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(numberToBfloat16Bits(3.4e38)).toBe(0x7f80); // beyond the largest bfloat16, 3.39e38
    expect(numberToBfloat16Bits(NaN)).toBe(0x7fc0);
  });
});

describe('decodeElements', () => {
  it('widens float16 and bfloat16 to float32', () => {
    const out = decodeElements(new Uint8Array([0x00, 0x3c, 0x00, 0xc0]), 'float16');
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual([1, -2]);
    expect([...decodeElements(new Uint8Array([0x80, 0x3f, 0x49, 0x40]), 'bfloat16')]).toEqual([1, 3.140625]);
  });

  it('decodes every float16 and bfloat16 bit pattern as the scalar functions do', () => {
    const patterns = new Uint8Array(0x20000);
    new Uint16Array(patterns.buffer).forEach((_, i, all) => (all[i] = i));
    const half = decodeElements(patterns, 'float16');
    const brain = decodeElements(patterns, 'bfloat16');
    for (let bits = 0; bits < 0x10000; bits++) {
      expect(Object.is(half[bits], Math.fround(float16ToNumber(bits))), `f16 ${bits}`).toBe(true);
      expect(Object.is(brain[bits], bfloat16ToNumber(bits)) || (Number.isNaN(brain[bits]) && Number.isNaN(bfloat16ToNumber(bits))), `bf16 ${bits}`).toBe(true);
    }
  });

  it('widens int8, int16 and uint16 to int32', () => {
    expect(decodeElements(new Uint8Array([0xfb, 0x06]), 'int8')).toEqual(new Int32Array([-5, 6]));
    expect(decodeElements(le('int16', [300, -300]), 'int16')).toEqual(new Int32Array([300, -300]));
    expect(decodeElements(le('uint16', [65535, 1]), 'uint16')).toEqual(new Int32Array([65535, 1]));
  });

  it('reads int64 exactly up to 2^53 and rounds beyond it like Number(BigInt)', () => {
    const values = [0n, -1n, 3000000000000n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n];
    const out = decodeElements(int64Bytes(values), 'int64');
    expect(out).toBeInstanceOf(Float64Array);
    expect([...out]).toEqual(values.map(Number));
  });

  it('reads uint32 and uint64 as int64', () => {
    expect([...decodeElements(le('uint32', [4294967295]), 'uint32')]).toEqual([4294967295]);
    expect([...decodeElements(int64Bytes([2n ** 64n - 1n, 5n], true, true), 'uint64')]).toEqual([2 ** 64, 5]);
    expect(LOADED_DTYPE.uint64).toBe('int64');
  });

  it('reads big-endian data', () => {
    expect([...decodeElements(le('float32', [1.5, -2]), 'float32', true)]).toEqual([1.5, -2]);
    expect([...decodeElements(le('float32', [1.5, -2], false), 'float32', false)]).toEqual([1.5, -2]);
    expect([...decodeElements(le('float64', [0.1], false), 'float64', false)]).toEqual([0.1]);
    expect([...decodeElements(le('int32', [-7], false), 'int32', false)]).toEqual([-7]);
    expect([...decodeElements(int64Bytes([-3n], false), 'int64', false)]).toEqual([-3]);
  });

  it('reads bools as 0/1 whatever the nonzero byte', () => {
    expect(decodeElements(new Uint8Array([0, 1, 2, 255]), 'bool')).toEqual(new Uint8Array([0, 1, 1, 1]));
  });

  it('decodes float8 e4m3fn (no infinities) and e5m2', () => {
    expect([...decodeElements(new Uint8Array([0x38, 0x7e, 0xfe, 0x01]), 'float8_e4m3fn')]).toEqual([1, 448, -448, 2 ** -9]);
    expect(decodeElements(new Uint8Array([0x7f]), 'float8_e4m3fn')[0]).toBeNaN();
    expect([...decodeElements(new Uint8Array([0x3c, 0x7b, 0x7c, 0x01]), 'float8_e5m2')]).toEqual([1, 57344, Infinity, 2 ** -16]);
  });

  it('reads unaligned input', () => {
    const bytes = new Uint8Array([0, ...le('float32', [2.5])]).subarray(1);
    expect([...decodeElements(bytes, 'float32')]).toEqual([2.5]);
  });

  it('refuses a partial element', () => {
    expectCheckpointError(() => decodeElements(new Uint8Array(3), 'float32'), /3 bytes are not a whole number of float32 elements/);
  });
});

describe('encodeElements', () => {
  it('writes each torchlet dtype little-endian, as PyTorch stores it', () => {
    expect(encodeElements(new Float32Array([1.5]), 'float32')).toEqual(le('float32', [1.5]));
    expect(encodeElements(new Float64Array([0.1]), 'float64')).toEqual(le('float64', [0.1]));
    expect(encodeElements(new Int32Array([-7]), 'int32')).toEqual(le('int32', [-7]));
    expect(encodeElements(new Float64Array([-1, 3e12, -(2 ** 63)]), 'int64')).toEqual(int64Bytes([-1n, 3000000000000n, -(2n ** 63n)]));
    expect(encodeElements(new Uint8Array([0, 5]), 'bool')).toEqual(new Uint8Array([0, 1]));
    expect(encodeElements(new Uint8Array([0, 255]), 'uint8')).toEqual(new Uint8Array([0, 255]));
  });

  it('round-trips through decodeElements', () => {
    const data = new Float64Array([0, 1, -1, 2 ** 53, -(2 ** 53), 123456789012]);
    expect(decodeElements(encodeElements(data, 'int64'), 'int64')).toEqual(data);
  });

  it('refuses int64 values outside the int64 range', () => {
    expectCheckpointError(() => encodeElements(new Float64Array([2 ** 63]), 'int64'), /int64 element 0 is 9223372036854776000/);
    expectCheckpointError(() => encodeElements(new Float64Array([NaN]), 'int64'), /outside the int64 range/);
  });
});
