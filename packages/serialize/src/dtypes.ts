import type { DType, TypedArray } from '@torchlet/optim';
import { CheckpointError } from './checkpoint-error.js';

/**
 * An element type as stored in a file, by PyTorch's name: the storage classes of `.pt` files and
 * the dtype strings of safetensors. Several have no torchlet dtype and load widened
 * ({@link LOADED_DTYPE}).
 */
export type FileDType =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64'
  | 'float8_e4m3fn'
  | 'float8_e5m2';

/** Bytes per element of each file dtype. */
export const ITEM_SIZE: Readonly<Record<FileDType, number>> = {
  bool: 1,
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
  float8_e4m3fn: 1,
  float8_e5m2: 1,
};

/**
 * The torchlet dtype each file dtype loads into: the narrowest torchlet dtype that holds every
 * value exactly (float16/bfloat16/float8 → float32, int8/int16/uint16 → int32, uint32/uint64 →
 * int64), except that int64 and uint64 values beyond ±2^53 are rounded to the nearest double,
 * as torchlet's int64 storage (a Float64Array) holds them.
 */
export const LOADED_DTYPE: Readonly<Record<FileDType, DType>> = {
  bool: 'bool',
  uint8: 'uint8',
  int8: 'int32',
  int16: 'int32',
  int32: 'int32',
  int64: 'int64',
  uint16: 'int32',
  uint32: 'int64',
  uint64: 'int64',
  float16: 'float32',
  bfloat16: 'float32',
  float32: 'float32',
  float64: 'float64',
  float8_e4m3fn: 'float32',
  float8_e5m2: 'float32',
};

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;

/**
 * Decodes `bytes` (a whole number of elements of `dtype`, in the given byte order) into the
 * typed array that backs a torchlet tensor of dtype `LOADED_DTYPE[dtype]`. Bool bytes other
 * than 0 load as true (1).
 */
export function decodeElements(bytes: Uint8Array, dtype: FileDType, littleEndian = true): TypedArray {
  const size = ITEM_SIZE[dtype];
  const n = bytes.length / size;
  if (!Number.isInteger(n)) {
    throw new CheckpointError(`decode: ${bytes.length} bytes are not a whole number of ${dtype} elements (${size} bytes each)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = littleEndian;
  switch (dtype) {
    case 'bool':
      return Uint8Array.from(bytes, (b) => (b !== 0 ? 1 : 0));
    case 'uint8':
      return bytes.slice();
    case 'int8':
      return Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, n));
    case 'int16':
      return fill(new Int32Array(n), (i) => view.getInt16(2 * i, le));
    case 'uint16':
      return fill(new Int32Array(n), (i) => view.getUint16(2 * i, le));
    case 'int32':
      return fill(new Int32Array(n), (i) => view.getInt32(4 * i, le));
    case 'uint32':
      return fill(new Float64Array(n), (i) => view.getUint32(4 * i, le));
    case 'int64':
    case 'uint64': {
      const high = dtype === 'int64' ? (at: number) => view.getInt32(at, le) : (at: number) => view.getUint32(at, le);
      // high·2^32 is exact, so the sum is rounded once, exactly as Number(BigInt) rounds.
      return fill(new Float64Array(n), (i) => high(8 * i + (le ? 4 : 0)) * TWO_32 + view.getUint32(8 * i + (le ? 0 : 4), le));
    }
    case 'float16': {
      const table = float16Table();
      return fill(new Float32Array(n), (i) => table[view.getUint16(2 * i, le)]!);
    }
    case 'bfloat16': {
      // A bfloat16 is the high half of a float32: shift its bits into place.
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, le) << 16;
      return out;
    }
    case 'float32':
      return fill(new Float32Array(n), (i) => view.getFloat32(4 * i, le));
    case 'float64':
      return fill(new Float64Array(n), (i) => view.getFloat64(8 * i, le));
    case 'float8_e4m3fn':
      return Float32Array.from(bytes, (b) => decodeMinifloat(b, 4, 3, false));
    case 'float8_e5m2':
      return Float32Array.from(bytes, (b) => decodeMinifloat(b, 5, 2, true));
  }
}

function fill<T extends TypedArray>(out: T, element: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = element(i);
  return out;
}

/**
 * The little-endian bytes of the storage `data` of a torchlet tensor of `dtype`, as PyTorch
 * stores that dtype (int64 as 8-byte two's complement, bool as 0/1 bytes).
 */
export function encodeElements(data: ArrayLike<number>, dtype: DType): Uint8Array {
  const n = data.length;
  if (dtype === 'bool') return Uint8Array.from(data as ArrayLike<number>, (v) => (v !== 0 ? 1 : 0));
  if (dtype === 'uint8') return Uint8Array.from(data);
  const size = dtype === 'int32' || dtype === 'float32' ? 4 : 8;
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    switch (dtype) {
      case 'float32':
        view.setFloat32(4 * i, v, true);
        break;
      case 'float64':
        view.setFloat64(8 * i, v, true);
        break;
      case 'int32':
        view.setInt32(4 * i, v, true);
        break;
      case 'int64': {
        const x = Math.trunc(v);
        if (!(x >= -TWO_63 && x < TWO_63)) {
          throw new CheckpointError(`encode: int64 element ${i} is ${v}, outside the int64 range`);
        }
        const high = Math.floor(x / TWO_32);
        view.setInt32(8 * i + 4, high, true);
        view.setUint32(8 * i, x - high * TWO_32, true);
        break;
      }
    }
  }
  return out;
}

let halfValues: Float32Array | undefined;

/** Every float16 value by its bits, built on first use (256 KB): decoding is then a lookup. */
function float16Table(): Float32Array {
  halfValues ??= Float32Array.from({ length: 0x10000 }, (_, bits) => float16ToNumber(bits));
  return halfValues;
}

/** The value of an IEEE half-precision number given its 16 bits. */
export function float16ToNumber(bits: number): number {
  return decodeMinifloat(bits, 5, 10, true);
}

/** The value of a bfloat16 number given its 16 bits (the high half of a float32). */
export function bfloat16ToNumber(bits: number): number {
  return decodeMinifloat(bits, 8, 7, true);
}

/** The float16 bits nearest to `value` (round half to even; NaN becomes the quiet NaN 0x7e00). */
export function numberToFloat16Bits(value: number): number {
  return encodeMinifloat(value, 5, 10);
}

/** The bfloat16 bits nearest to `value` (round half to even; NaN becomes the quiet NaN 0x7fc0). */
export function numberToBfloat16Bits(value: number): number {
  return encodeMinifloat(value, 8, 7);
}

/**
 * A binary float of 1 sign bit, `exponentBits` and `mantissaBits`. With `ieeeSpecials` the top
 * exponent means infinity/NaN; without it (float8_e4m3fn) only all-ones is NaN and the rest of
 * that exponent holds finite values.
 */
function decodeMinifloat(bits: number, exponentBits: number, mantissaBits: number, ieeeSpecials: boolean): number {
  const sign = (bits >> (exponentBits + mantissaBits)) & 1 ? -1 : 1;
  const maxExponent = (1 << exponentBits) - 1;
  const exponent = (bits >> mantissaBits) & maxExponent;
  const mantissa = bits & ((1 << mantissaBits) - 1);
  const bias = (1 << (exponentBits - 1)) - 1;
  if (exponent === maxExponent) {
    if (ieeeSpecials) return mantissa === 0 ? sign * Infinity : NaN;
    if (mantissa === (1 << mantissaBits) - 1) return NaN;
  }
  if (exponent === 0) return sign * mantissa * 2 ** (1 - bias - mantissaBits);
  return sign * (1 + mantissa / 2 ** mantissaBits) * 2 ** (exponent - bias);
}

function encodeMinifloat(value: number, exponentBits: number, mantissaBits: number): number {
  const maxExponent = (1 << exponentBits) - 1;
  if (Number.isNaN(value)) return (maxExponent << mantissaBits) | (1 << (mantissaBits - 1));
  const sign = value < 0 || Object.is(value, -0) ? 1 << (exponentBits + mantissaBits) : 0;
  const a = Math.abs(value);
  const bias = (1 << (exponentBits - 1)) - 1;
  const scale = 2 ** mantissaBits;
  // Halfway between the largest finite value and 2^(bias+1) rounds to even, i.e. to infinity.
  if (a >= (2 - 1 / (2 * scale)) * 2 ** bias) return sign | (maxExponent << mantissaBits);
  if (a < 2 ** (1 - bias)) {
    // Subnormal: a whole number of the smallest step; 2^mantissaBits becomes the smallest normal.
    return sign | roundHalfEven(a * 2 ** (mantissaBits + bias - 1));
  }
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  if (2 ** (exponent + 1) <= a) exponent++;
  let mantissa = roundHalfEven((a / 2 ** exponent - 1) * scale);
  if (mantissa === scale) {
    mantissa = 0;
    exponent++;
  }
  return sign | ((exponent + bias) << mantissaBits) | mantissa;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}
