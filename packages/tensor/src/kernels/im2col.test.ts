import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { col2im, type ConvGeometry, copyRun, im2col, scratchBuffer } from './im2col.js';

function geometry(parts: Partial<ConvGeometry> & Pick<ConvGeometry, 'inHeight' | 'inWidth' | 'outHeight' | 'outWidth' | 'kernelHeight' | 'kernelWidth'>): ConvGeometry {
  return {
    batch: 1, inChannels: 1, outChannels: 1, groups: 1,
    strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0, dilationHeight: 1, dilationWidth: 1,
    ...parts,
  };
}

/**
 * Random geometries: images up to 12×12 (so a tap's run can pass copyRun's 32 elements), kernel,
 * stride, padding and dilation up to 3, output non-empty.
 */
const geometries = fc
  .record({
    h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 12 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 3 }), pw: fc.integer({ min: 0, max: 3 }),
    dh: fc.integer({ min: 1, max: 3 }), dw: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ h, w, kh, kw, sh, sw, ph, pw, dh, dw }) =>
    geometry({
      inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw, strideHeight: sh, strideWidth: sw, padTop: ph, padLeft: pw,
      dilationHeight: dh, dilationWidth: dw,
      outHeight: Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1,
      outWidth: Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1,
    }),
  )
  .filter((g) => g.outHeight > 0 && g.outWidth > 0);

describe('im2col', () => {
  it('lays out one row per kernel tap, zero in the padding', () => {
    // 2×2 image [[1,2],[3,4]], 2×2 kernel, padding 1 (top/left), 3×3 output.
    const g = geometry({ inHeight: 2, inWidth: 2, outHeight: 3, outWidth: 3, kernelHeight: 2, kernelWidth: 2, padTop: 1, padLeft: 1 });
    const cols = new Float64Array(4 * 9).fill(NaN);
    im2col(g, new Float64Array([1, 2, 3, 4]), 0, 4, 2, 1, 1, cols);
    expect(Array.from(cols)).toEqual([
      0, 0, 0, 0, 1, 2, 0, 3, 4, // tap (0,0)
      0, 0, 0, 1, 2, 0, 3, 4, 0, // tap (0,1)
      0, 1, 2, 0, 3, 4, 0, 0, 0, // tap (1,0)
      1, 2, 0, 3, 4, 0, 0, 0, 0, // tap (1,1)
    ]);
  });

  it("copies a tap's rows as one run when they lie outWidth apart, zeroing what wraps past the row ends", () => {
    // 3×3 image 1..9, 'same' 3×3 kernel: output rows read source rows 3 apart. The storage is the
    // image alone, so the first and last taps' runs reach outside it.
    const g = geometry({ inHeight: 3, inWidth: 3, outHeight: 3, outWidth: 3, kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1 });
    const cols = new Float64Array(9 * 9).fill(NaN);
    im2col(g, Float64Array.from({ length: 9 }, (_, i) => i + 1), 0, 9, 3, 1, 1, cols);
    const row = (tap: number) => Array.from(cols.subarray(tap * 9, tap * 9 + 9));
    expect(row(0)).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5]);
    expect(row(4)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(row(5)).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0]);
    expect(row(8)).toEqual([5, 6, 0, 8, 9, 0, 0, 0, 0]);
  });

  it('follows stride, dilation and source strides', () => {
    // Image [[0..4],[5..9]] stored transposed (column-major): row stride 1, column stride 2.
    const source = new Float64Array([0, 5, 1, 6, 2, 7, 3, 8, 4, 9]);
    const g = geometry({ inHeight: 2, inWidth: 5, outHeight: 1, outWidth: 2, kernelHeight: 2, kernelWidth: 2, strideWidth: 2, dilationWidth: 2 });
    const cols = new Float64Array(8);
    im2col(g, source, 0, 10, 1, 2, 1, cols);
    expect(Array.from(cols)).toEqual([0, 2, 2, 4, 5, 7, 7, 9]);
  });

  it('gives the same columns from a row-major image (run copies) and a transposed one (element loops)', () => {
    fc.assert(
      fc.property(geometries, fc.integer({ min: 1, max: 2 }), (g, channels) => {
        const { inHeight: h, inWidth: w } = g;
        const image = Float64Array.from({ length: channels * h * w }, (_, i) => i + 1);
        const transposed = new Float64Array(image.length);
        for (let c = 0; c < channels; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) transposed[c * h * w + x * h + y] = image[c * h * w + y * w + x]!;
        const size = channels * g.kernelHeight * g.kernelWidth * g.outHeight * g.outWidth;
        const fromRows = new Float64Array(size).fill(NaN);
        const fromColumns = new Float64Array(size).fill(NaN);
        im2col(g, image, 0, h * w, w, 1, channels, fromRows);
        im2col(g, transposed, 0, h * w, 1, h, channels, fromColumns);
        expect(Array.from(fromRows)).toEqual(Array.from(fromColumns));
      }),
    );
  });
});

describe('col2im', () => {
  it('is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>', () => {
    fc.assert(
      fc.property(geometries, fc.integer({ min: 1, max: 3 }), (g, c) => {
        const { inHeight: h, inWidth: w, kernelHeight: kh, kernelWidth: kw } = g;
        const x = Float64Array.from({ length: c * h * w }, (_, i) => Math.sin(i + 1));
        const cols = Float64Array.from({ length: c * kh * kw * g.outHeight * g.outWidth }, (_, i) => Math.cos(i));
        const unfolded = new Float64Array(cols.length);
        im2col(g, x, 0, h * w, w, 1, c, unfolded);
        const folded = new Float64Array(x.length);
        col2im(g, cols, c, folded, 0);
        let left = 0;
        let right = 0;
        for (let i = 0; i < cols.length; i++) left += unfolded[i]! * cols[i]!;
        for (let i = 0; i < x.length; i++) right += x[i]! * folded[i]!;
        expect(left).toBeCloseTo(right, 10);
      }),
    );
  });

  it('adds into the target instead of overwriting it', () => {
    const g = geometry({ inHeight: 1, inWidth: 3, outHeight: 1, outWidth: 2, kernelHeight: 1, kernelWidth: 2 });
    const target = new Float64Array([100, 100, 100]);
    col2im(g, new Float64Array([1, 2, 10, 20]), 1, target, 0);
    expect(Array.from(target)).toEqual([101, 112, 120]);
  });
});

describe('copyRun', () => {
  it('copies short and long runs between offsets', () => {
    const source = Float32Array.from({ length: 100 }, (_, i) => i);
    for (const length of [0, 3, 31, 32, 90]) {
      const target = new Float32Array(100).fill(-1);
      copyRun(source, 5, target, 2, length);
      expect(Array.from(target)).toEqual(Array.from({ length: 100 }, (_, i) => (i >= 2 && i < 2 + length ? i + 3 : -1)));
    }
  });
});

describe('scratchBuffer', () => {
  it('reuses one buffer per dtype while it is large enough', () => {
    const a = scratchBuffer('float32', 10);
    expect(a).toBeInstanceOf(Float32Array);
    expect(scratchBuffer('float32', 5)).toBe(a);
    expect(scratchBuffer('float64', 5)).toBeInstanceOf(Float64Array);
    expect(scratchBuffer('float32', a.length + 1).length).toBe(a.length + 1);
  });

  it('does not keep buffers above 2^22 elements', () => {
    const big = scratchBuffer('float64', (1 << 22) + 1);
    // Compare identity outside expect: vitest would walk 4M elements to describe the arrays.
    expect(scratchBuffer('float64', (1 << 22) + 1) === big).toBe(false);
  });
});
