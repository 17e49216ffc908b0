import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GemmArgs } from '../backend/backend.js';
import { getBackend } from '../backend/index.js';

// The kernel of the backend this vitest project runs on (see vitest.config.ts): the TypeScript
// one of ./gemm.ts, or the WebAssembly SIMD one.
const backend = getBackend();
const gemm = (args: GemmArgs): void => backend.gemm(args);

type FloatArray = Float32Array | Float64Array;

/** Deterministic values in [-1, 1) so failures reproduce. */
function randomArray(Type: typeof Float32Array | typeof Float64Array, length: number, seed: number): FloatArray {
  const out = new Type(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** A strided m×k operand: row-major, column-major (a transposed view) or row-major with padded rows. */
type Layout = 'row' | 'column' | 'padded';

function operand(Type: typeof Float32Array | typeof Float64Array, rows: number, cols: number, layout: Layout, seed: number) {
  const offset = 3;
  const rowStride = layout === 'row' ? cols : layout === 'column' ? 1 : cols + 2;
  const colStride = layout === 'column' ? rows : 1;
  const data = randomArray(Type, offset + Math.max(rows * rowStride, cols * colStride) + 2, seed);
  return { data, offset, rowStride, colStride };
}

/** The naive triple loop in float64, and the sum of |products| per element for the error bound. */
function reference(args: GemmArgs): { value: Float64Array; magnitude: Float64Array } {
  const { m, n, k, alpha, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, beta, c, cOffset } = args;
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let size = 0;
      for (let p = 0; p < k; p++) {
        const product = a[aOffset + i * aRowStride + p * aColStride]! * b[bOffset + p * bRowStride + j * bColStride]!;
        sum += product;
        size += Math.abs(product);
      }
      const old = c[cOffset + i * n + j]!;
      value[i * n + j] = alpha * sum + (beta === 0 ? 0 : beta * old);
      magnitude[i * n + j] = Math.abs(alpha) * size + Math.abs(beta * old);
    }
  }
  return { value, magnitude };
}

function expectMatchesReference(args: GemmArgs): void {
  const { value, magnitude } = reference(args);
  const before = args.c.slice();
  gemm(args);
  // Float32 sums may be accumulated in float32 (the wasm backend does, like PyTorch): the classic
  // bound is k·2⁻²⁴ of the sum of |products|, plus a few roundings for alpha, beta and the store.
  const tolerance = args.c instanceof Float32Array ? (args.k + 16) * 2 ** -24 : 1e-13;
  for (let i = 0; i < value.length; i++) {
    const got = args.c[args.cOffset + i]!;
    if (Math.abs(got - value[i]!) > tolerance * (magnitude[i]! + 1)) {
      throw new Error(`element ${i} of ${args.m}×${args.n} (k=${args.k}): got ${got}, expected ${value[i]}`);
    }
  }
  // Nothing outside C's m×n window changes.
  for (let i = 0; i < args.cOffset; i++) expect(args.c[i]).toBe(before[i]);
  for (let i = args.cOffset + args.m * args.n; i < args.c.length; i++) expect(args.c[i]).toBe(before[i]);
}

function makeArgs(
  Type: typeof Float32Array | typeof Float64Array,
  m: number,
  n: number,
  k: number,
  layoutA: Layout,
  layoutB: Layout,
  alpha: number,
  beta: number,
  seed: number,
): GemmArgs {
  const a = operand(Type, m, k, layoutA, seed);
  const b = operand(Type, k, n, layoutB, seed + 1);
  const cOffset = 2;
  return {
    m,
    n,
    k,
    alpha,
    a: a.data,
    aOffset: a.offset,
    aRowStride: a.rowStride,
    aColStride: a.colStride,
    b: b.data,
    bOffset: b.offset,
    bRowStride: b.rowStride,
    bColStride: b.colStride,
    beta,
    c: randomArray(Type, cOffset + m * n + 3, seed + 2),
    cOffset,
  };
}

const layouts: Layout[] = ['row', 'column', 'padded'];

describe(`gemm (${backend.name} backend)`, () => {
  it('matches the naive product for random sizes, strides, alpha and beta', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(Float32Array, Float64Array),
        fc.integer({ min: 0, max: 21 }),
        fc.integer({ min: 0, max: 21 }),
        fc.integer({ min: 0, max: 21 }),
        fc.constantFrom(...layouts),
        fc.constantFrom(...layouts),
        fc.constantFrom(1, 0.5, -2),
        fc.constantFrom(0, 1, -0.5),
        fc.integer({ min: 1, max: 1_000_000 }),
        (Type, m, n, k, layoutA, layoutB, alpha, beta, seed) => {
          expectMatchesReference(makeArgs(Type, m, n, k, layoutA, layoutB, alpha, beta, seed));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is correct across block edges (m > 128, k > 256, n > 4096, ragged tiles)', () => {
    expectMatchesReference(makeArgs(Float32Array, 131, 7, 259, 'row', 'row', 1, 0, 11));
    expectMatchesReference(makeArgs(Float64Array, 5, 2051, 3, 'column', 'padded', 2, 1, 12));
    expectMatchesReference(makeArgs(Float32Array, 130, 67, 513, 'column', 'column', -1, 0.5, 13));
    expectMatchesReference(makeArgs(Float32Array, 3, 4099, 5, 'padded', 'column', 1, 2, 14));
  });

  it('takes the matrix-vector path for m = 1 and n = 1 in both layouts', () => {
    for (const Type of [Float32Array, Float64Array]) {
      for (const layout of layouts) {
        expectMatchesReference(makeArgs(Type, 1, 300, 70, layout, layout, 1, 0, 21));
        expectMatchesReference(makeArgs(Type, 300, 1, 70, layout, layout, 0.5, 2, 22));
        expectMatchesReference(makeArgs(Type, 1, 1, 70, layout, layout, 1, 1, 23));
      }
    }
  });

  it('ignores NaN in C when beta is 0', () => {
    for (const Type of [Float32Array, Float64Array]) {
      for (const [m, n, k] of [[3, 5, 4], [1, 5, 4], [3, 1, 4], [3, 5, 0], [5, 19, 300]] as const) {
        const args = makeArgs(Type, m, n, k, 'row', 'row', 1, 0, 31);
        args.c.fill(Number.NaN);
        gemm(args);
        expect(Array.from(args.c.subarray(args.cOffset, args.cOffset + m * n)).some(Number.isNaN)).toBe(false);
      }
    }
  });

  it('propagates NaN from A', () => {
    const args = makeArgs(Float32Array, 6, 6, 6, 'row', 'row', 1, 0, 32);
    args.a[args.aOffset] = Number.NaN;
    gemm(args);
    expect(args.c[args.cOffset]).toBeNaN();
    expect(args.c[args.cOffset + 6]).not.toBeNaN();
  });

  it('scales C by beta when k is 0 and does not read A or B when alpha is 0', () => {
    const empty = makeArgs(Float64Array, 2, 3, 0, 'row', 'row', 1, 3, 41);
    const before = empty.c.slice();
    gemm(empty);
    for (let i = 0; i < 6; i++) expect(empty.c[empty.cOffset + i]).toBeCloseTo(3 * before[empty.cOffset + i]!, 12);

    const zeroAlpha = makeArgs(Float64Array, 2, 3, 4, 'row', 'row', 0, 1, 42);
    zeroAlpha.a.fill(Number.NaN);
    const kept = zeroAlpha.c.slice();
    gemm(zeroAlpha);
    expect(Array.from(zeroAlpha.c)).toEqual(Array.from(kept));
  });

  it('writes nothing when m or n is 0', () => {
    const args = makeArgs(Float32Array, 0, 4, 3, 'row', 'row', 1, 0, 51);
    const before = args.c.slice();
    gemm(args);
    expect(Array.from(args.c)).toEqual(Array.from(before));
  });

  it('reuses its scratch buffers: a small product after a large one is still exact', () => {
    for (const Type of [Float32Array, Float64Array]) {
      expectMatchesReference(makeArgs(Type, 64, 64, 300, 'row', 'row', 1, 0, 61));
      expectMatchesReference(makeArgs(Type, 2, 3, 2, 'row', 'row', 1, 0, 62));
    }
  });
});
