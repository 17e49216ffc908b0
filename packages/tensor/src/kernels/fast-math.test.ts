import { describe, expect, it } from 'vitest';
import { sigmoidScalar } from './elementwise.js';
import { expFloat32, sigmoidFloat32, tanhFloat32 } from './fast-math.js';

const bits = new Uint32Array(1);
const float = new Float32Array(bits.buffer);

/** The float32 with bit pattern `pattern`. */
function fromBits(pattern: number): number {
  bits[0] = pattern;
  return float[0]!;
}

/** float32 values in order as integers: the distance between two is their distance in ulps. */
function ordered(v: number): number {
  float[0] = v;
  const b = bits[0]!;
  return b & 0x80000000 ? -(b & 0x7fffffff) : b;
}

/** The float32 bit pattern of `v`. */
function patternOf(v: number): number {
  float[0] = v;
  return bits[0]!;
}

/**
 * The largest distance in float32 ulps between fround(f(x)) and fround(reference(x)) (the float64
 * function, accurate to better than a float64 ulp, rounded once) over the float32 x of magnitude
 * `low` to `high` (both included, stepping `step` bit patterns) and of the sign of `sign`.
 */
function maxUlpError(f: (v: number) => number, reference: (v: number) => number, low: number, high: number, step: number, sign: 1 | -1 = 1): number {
  let worst = 0;
  for (let p = patternOf(low); p <= patternOf(high); p += step) {
    const x = sign * fromBits(p);
    const distance = Math.abs(ordered(Math.fround(f(x))) - ordered(Math.fround(reference(x))));
    if (distance > worst) worst = distance;
  }
  return worst;
}

/** Every float32 with bit patterns stepping 257 (a prime, so every exponent and many mantissas). */
const SPARSE = 257;

describe('tanhFloat32', () => {
  it('is within 1 ulp of the correctly rounded tanh from 0 up to where it saturates, and past it', () => {
    expect(maxUlpError(tanhFloat32, Math.tanh, 0, 12, SPARSE)).toBeLessThanOrEqual(1);
    expect(maxUlpError(tanhFloat32, Math.tanh, 0, 12, 1009, -1)).toBeLessThanOrEqual(1);
  });

  it('is within 1 ulp at every float32 around the saturation point (9.0109) and the clamp (9.1)', () => {
    expect(maxUlpError(tanhFloat32, Math.tanh, 8.9, 9.2, 1)).toBeLessThanOrEqual(1);
  });

  it('returns x itself for tiny |x|, keeps −0, gives ±1 at ±∞ and propagates NaN', () => {
    for (const x of [1e-30, -3e-20, 1e-45, 2 ** -13, 0]) expect(Math.fround(tanhFloat32(x))).toBe(Math.fround(x));
    expect(Object.is(tanhFloat32(-0), -0)).toBe(true);
    expect(Math.fround(tanhFloat32(Infinity))).toBe(1);
    expect(Math.fround(tanhFloat32(-Infinity))).toBe(-1);
    expect(Math.fround(tanhFloat32(3.4e38))).toBe(1);
    expect(tanhFloat32(NaN)).toBeNaN();
  });

  it('is odd', () => {
    for (const x of [0.1, 0.5, 1, 2.5, 7, 9.05]) expect(tanhFloat32(-x)).toBe(-tanhFloat32(x));
  });
});

describe('expFloat32', () => {
  it('is within 1 ulp of the correctly rounded exp over the whole float32 range', () => {
    expect(maxUlpError(expFloat32, Math.exp, 0, 120, SPARSE)).toBeLessThanOrEqual(1);
    expect(maxUlpError(expFloat32, Math.exp, 0, 120, SPARSE, -1)).toBeLessThanOrEqual(1);
  });

  it('is within 1 ulp at every float32 near overflow (88.72) and through the subnormal results', () => {
    expect(maxUlpError(expFloat32, Math.exp, 88, 89, 1)).toBeLessThanOrEqual(1);
    expect(maxUlpError(expFloat32, Math.exp, 87, 105, 3, -1)).toBeLessThanOrEqual(1);
  });

  it('is exact at 0, overflows to ∞ and underflows to 0 as float32 does, and propagates NaN', () => {
    expect(expFloat32(0)).toBe(1);
    expect(expFloat32(-0)).toBe(1);
    expect(Math.fround(expFloat32(88.73))).toBe(Infinity);
    expect(Math.fround(expFloat32(Infinity))).toBe(Infinity);
    expect(Math.fround(expFloat32(-104))).toBe(0);
    expect(Math.fround(expFloat32(-Infinity))).toBe(0);
    expect(Math.fround(expFloat32(-103))).toBe(Math.fround(Math.exp(-103)));
    expect(expFloat32(NaN)).toBeNaN();
  });
});

describe('sigmoidFloat32', () => {
  it('is within 1 ulp of the correctly rounded sigmoid over the whole float32 range', () => {
    expect(maxUlpError(sigmoidFloat32, sigmoidScalar, 0, 120, SPARSE)).toBeLessThanOrEqual(1);
    expect(maxUlpError(sigmoidFloat32, sigmoidScalar, 0, 120, SPARSE, -1)).toBeLessThanOrEqual(1);
  });

  it('keeps its relative accuracy down to the subnormal results of large negative x', () => {
    expect(maxUlpError(sigmoidFloat32, sigmoidScalar, 87, 105, 3, -1)).toBeLessThanOrEqual(1);
  });

  it('is ½ at 0, saturates to 1 and 0, and propagates NaN', () => {
    expect(sigmoidFloat32(0)).toBe(0.5);
    expect(Math.fround(sigmoidFloat32(17.5))).toBe(1);
    expect(sigmoidFloat32(Infinity)).toBe(1);
    expect(Math.fround(sigmoidFloat32(-104))).toBe(0);
    expect(Math.fround(sigmoidFloat32(-Infinity))).toBe(0);
    expect(sigmoidFloat32(NaN)).toBeNaN();
  });
});
