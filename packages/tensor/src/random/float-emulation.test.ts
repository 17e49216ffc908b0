import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fusedMultiplyAdd, fusedMultiplyAddFloat32, logFloat32, sinCosFloat32 } from './float-emulation.js';

// Reference: a·b + c computed exactly in BigInt, and the result checked to be the representable
// value nearest to it (ties to even), by comparing its distance with its two neighbours'.

/** A finite double as [m, e] with value exactly m·2^e. */
function exact(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  return [bits >> 63n === 1n ? -m : m, Math.max(biased, 1) - 1075];
}

/** The float64 (`bits` 64) or float32 (`bits` 32) next to nonzero `x`, away from zero (`step` 1) or towards it (-1). */
function neighbour(x: number, step: 1 | -1, bits: 32 | 64): number {
  if (bits === 32) {
    const words = new Int32Array(new Float32Array([x]).buffer);
    words[0]! += step;
    return new Float32Array(words.buffer)[0]!;
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(step));
  return view.getFloat64(0);
}

function isEven(x: number, bits: 32 | 64): boolean {
  if (bits === 32) return (new Int32Array(new Float32Array([x]).buffer)[0]! & 1) === 0;
  return (exact(x)[0] & 1n) === 0n;
}

/** Whether `r` is a·b + c rounded once to the nearest float64 or float32 (ties to even; no underflow). */
function isRoundedOnce(a: number, b: number, c: number, r: number, bits: 32 | 64): boolean {
  const [ma, ea] = exact(a);
  const [mb, eb] = exact(b);
  const [mc, ec] = exact(c);
  const candidates = r === 0 ? [] : [r, neighbour(r, 1, bits), neighbour(r, -1, bits)].map(exact);
  const base = Math.min(ea + eb, ec, ...candidates.map(([, e]) => e));
  const scale = (m: bigint, e: number): bigint => m << BigInt(e - base);
  const value = scale(ma * mb, ea + eb) + scale(mc, ec);
  if (r === 0) return value === 0n;
  const [mine, up, down] = candidates.map(([m, e]) => {
    const d = value - scale(m, e);
    return d < 0n ? -d : d;
  }) as [bigint, bigint, bigint];
  if (mine > up || mine > down) return false;
  return mine === up || mine === down ? isEven(r, bits) : true;
}

type Operands = [number, number, number];

/** Checks on 2000 draws of `operands` that `fma` rounds a·b + c once to the nearest float of `bits`. */
function expectRoundedOnce(fma: (a: number, b: number, c: number) => number, bits: 32 | 64, operands: fc.Arbitrary<Operands>): void {
  fc.assert(fc.property(operands, ([a, b, c]) => isRoundedOnce(a, b, c, fma(a, b, c), bits)), { numRuns: 2000 });
}

/** Normal float64 or float32 values with random significands and exponents in ±`range`, either sign. */
function normals(bits: 32 | 64, range: number): fc.Arbitrary<number> {
  const options = { min: 1, max: 2, maxExcluded: true, noNaN: true };
  const significand = bits === 32 ? fc.float(options) : fc.double(options);
  return fc
    .tuple(significand, fc.integer({ min: -range, max: range }), fc.boolean())
    .map(([s, exponent, negative]) => (negative ? -s : s) * 2 ** exponent);
}

const double = normals(64, 40);
const float = normals(32, 30);

describe('fusedMultiplyAdd', () => {
  it('keeps the low bits of a product that a separate multiply rounds away', () => {
    // (1 + 2^-27)(1 - 2^-27) = 1 - 2^-54, which rounds to 1 on its own.
    expect(fusedMultiplyAdd(1 + 2 ** -27, 1 - 2 ** -27, -1)).toBe(-(2 ** -54));
  });

  it('rounds a near-midpoint once, where multiply-then-add rounds twice', () => {
    // 1 - 2^-54 - 2^-100 lies just below the midpoint of 1 - 2^-53 and 1.
    expect(fusedMultiplyAdd(1 + 2 ** -27, 1 - 2 ** -27, -(2 ** -100))).toBe(1 - 2 ** -53);
  });

  it('rounds a·b + c once to the nearest double', () => {
    // c either independent of a·b or within a few ulps of -(a·b), where cancellation bares the product's error.
    const nearCancelling = fc.tuple(double, double, fc.integer({ min: -3, max: 3 })).map(([a, b, k]): Operands => {
      let c = -(a * b);
      for (let i = 0; i < Math.abs(k); i++) c = neighbour(c, k > 0 ? 1 : -1, 64);
      return [a, b, c];
    });
    expectRoundedOnce(fusedMultiplyAdd, 64, fc.oneof(fc.tuple(double, double, double), nearCancelling));
  });
});

describe('fusedMultiplyAddFloat32', () => {
  it('rounds a float32 midpoint by the bits below it, where fround(a·b + c) ties to even', () => {
    // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 is a float32 midpoint; + 2^-60 puts it above.
    const a = 1 + 2 ** -12;
    expect(fusedMultiplyAddFloat32(a, a, 2 ** -60)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(Math.fround(a * a + 2 ** -60)).toBe(1 + 2 ** -11);
  });

  it('rounds float32 a·b + c once to the nearest float32', () => {
    const cancelling = fc.tuple(float, float).map(([a, b]): Operands => [a, b, -Math.fround(a * b)]);
    // Products of 13-bit significands are often float32 midpoints; a tiny c decides their rounding.
    const midpoints = fc
      .tuple(fc.integer({ min: 4096, max: 8191 }), fc.integer({ min: 4096, max: 8191 }), fc.constantFrom(-1, 0, 1))
      .map(([i, j, sign]): Operands => [i / 4096, j / 4096, sign * 2 ** -60]);
    expectRoundedOnce(fusedMultiplyAddFloat32, 32, fc.oneof(fc.tuple(float, float, float), cancelling, midpoints));
  });
});

describe('logFloat32', () => {
  it('is within one float32 ulp of the natural log', () => {
    fc.assert(
      fc.property(fc.oneof(float.map(Math.abs), fc.float({ min: 0.5, max: 2, noNaN: true })), (x) => {
        const want = Math.fround(Math.log(x));
        const got = logFloat32(x);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(want === 0 ? 0 : Math.abs(neighbour(want, 1, 32) - want));
      }),
      { numRuns: 2000 },
    );
  });

  it('is 0 at 1 and NaN for zero, negatives and NaN, as log256_ps', () => {
    expect(logFloat32(1)).toBe(0);
    expect(logFloat32(0)).toBeNaN();
    expect(logFloat32(-1)).toBeNaN();
    expect(logFloat32(NaN)).toBeNaN();
  });
});

describe('sinCosFloat32', () => {
  it('writes sin and cos within 2^-23 of the exact values for angles in [0, 64π)', () => {
    const out = new Float64Array(2);
    fc.assert(
      fc.property(fc.float({ min: 0, max: Math.fround(64 * Math.PI), noNaN: true }), (angle) => {
        sinCosFloat32(angle, out);
        expect(Math.abs(out[0]! - Math.sin(angle))).toBeLessThanOrEqual(2 ** -23);
        expect(Math.abs(out[1]! - Math.cos(angle))).toBeLessThanOrEqual(2 ** -23);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives [0, 1] at 0', () => {
    const out = new Float64Array(2);
    sinCosFloat32(0, out);
    expect(Array.from(out)).toEqual([0, 1]);
  });
});
