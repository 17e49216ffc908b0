import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { assertClose, fromRecord } from '../testing.js';
import {
  conv1d,
  conv1dBackwardInput,
  conv1dBackwardWeight,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  convTranspose1d,
  convTranspose1dBackwardInput,
  convTranspose1dBackwardWeight,
  convTranspose2d,
  convTranspose2dBackwardInput,
  convTranspose2dBackwardWeight,
} from './conv.js';

// ---------------------------------------------------------------------------------------------
// Helpers: seeded data, and direct convolution loops written from the definitions.

/** A contiguous tensor of `shape` filled from a seeded LCG with values in [-1, 1). */
function random(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  let state = (seed * 2654435761 + 1) >>> 0;
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return Tensor.fromData(data, shape, dtype);
}

function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray());
}

/** Parameters of a 2-d convolution with symmetric padding. */
interface Params {
  n: number;
  groups: number;
  cg: number;
  og: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** Parameters of a 2-d transposed convolution: `cg` is C_in/groups and `og` is C_out/groups. */
type TransposeParams = Params & { outputPadding: [number, number] };

function outSize(size: number, k: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
}

/**
 * Calls `visit(x, w, y)` with the flat indices of every input·weight product that a conv2d sums
 * into an output: x [N, C, H, W], w [O, C/groups, kH, kW], y [N, O, outH, outW].
 */
function forEachTap(p: Params, visit: (x: number, w: number, y: number) => void): void {
  const c = p.cg * p.groups;
  const o = p.og * p.groups;
  const oh = outSize(p.h, p.kh, p.stride[0], p.padding[0], p.dilation[0]);
  const ow = outSize(p.w, p.kw, p.stride[1], p.padding[1], p.dilation[1]);
  for (let n = 0; n < p.n; n++)
    for (let oc = 0; oc < o; oc++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++)
          for (let ci = 0; ci < p.cg; ci++)
            for (let i = 0; i < p.kh; i++)
              for (let j = 0; j < p.kw; j++) {
                const ih = y * p.stride[0] - p.padding[0] + i * p.dilation[0];
                const iw = x * p.stride[1] - p.padding[1] + j * p.dilation[1];
                if (ih < 0 || ih >= p.h || iw < 0 || iw >= p.w) continue;
                const channel = Math.floor(oc / p.og) * p.cg + ci;
                visit(((n * c + channel) * p.h + ih) * p.w + iw, ((oc * p.cg + ci) * p.kh + i) * p.kw + j, ((n * o + oc) * oh + y) * ow + x);
              }
}

/** The forward output and both gradients of sum(conv2d(x, w) · dy), by direct loops. */
function naiveConv(p: Params, x: number[], w: number[], dy?: number[], bias?: number[]) {
  const shape = [p.n, p.og * p.groups, outSize(p.h, p.kh, p.stride[0], p.padding[0], p.dilation[0]), outSize(p.w, p.kw, p.stride[1], p.padding[1], p.dilation[1])];
  const plane = shape[2]! * shape[3]!;
  const y = Array.from({ length: shape[0]! * shape[1]! * plane }, (_, i) => (bias ? bias[Math.floor(i / plane) % shape[1]!]! : 0));
  const dx = new Array<number>(x.length).fill(0);
  const dw = new Array<number>(w.length).fill(0);
  forEachTap(p, (xi, wi, yi) => {
    y[yi]! += x[xi]! * w[wi]!;
    if (dy) {
      dx[xi]! += dy[yi]! * w[wi]!;
      dw[wi]! += x[xi]! * dy[yi]!;
    }
  });
  return { shape, y, dx, dw };
}

/**
 * The forward output and both gradients of sum(convTranspose2d(x, w) · dy), by direct loops
 * scattering each input pixel: x [N, C_in, H, W], w [C_in, C_out/groups, kH, kW]. Here `og` is
 * C_out/groups and `cg` is C_in/groups.
 */
function naiveTranspose(p: TransposeParams, x: number[], w: number[], dy: number[] | undefined) {
  const cin = p.cg * p.groups;
  const cout = p.og * p.groups;
  const oh = (p.h - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (p.kh - 1) + p.outputPadding[0] + 1;
  const ow = (p.w - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (p.kw - 1) + p.outputPadding[1] + 1;
  const y = new Array<number>(p.n * cout * oh * ow).fill(0);
  const dx = new Array<number>(x.length).fill(0);
  const dw = new Array<number>(w.length).fill(0);
  for (let n = 0; n < p.n; n++)
    for (let ci = 0; ci < cin; ci++)
      for (let ih = 0; ih < p.h; ih++)
        for (let iw = 0; iw < p.w; iw++)
          for (let co = 0; co < p.og; co++)
            for (let i = 0; i < p.kh; i++)
              for (let j = 0; j < p.kw; j++) {
                const r = ih * p.stride[0] - p.padding[0] + i * p.dilation[0];
                const c = iw * p.stride[1] - p.padding[1] + j * p.dilation[1];
                if (r < 0 || r >= oh || c < 0 || c >= ow) continue;
                const xi = ((n * cin + ci) * p.h + ih) * p.w + iw;
                const wi = ((ci * p.og + co) * p.kh + i) * p.kw + j;
                const yi = ((n * cout + Math.floor(ci / p.cg) * p.og + co) * oh + r) * ow + c;
                y[yi]! += x[xi]! * w[wi]!;
                if (dy) {
                  dx[xi]! += dy[yi]! * w[wi]!;
                  dw[wi]! += x[xi]! * dy[yi]!;
                }
              }
  return { shape: [p.n, cout, oh, ow], y, dx, dw };
}

const convParams: fc.Arbitrary<Params> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 3 }),
    og: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  })
  .filter((p) => outSize(p.h, p.kh, p.stride[0], p.padding[0], p.dilation[0]) > 0 && outSize(p.w, p.kw, p.stride[1], p.padding[1], p.dilation[1]) > 0);

const transposeParams: fc.Arbitrary<TransposeParams> = fc
  .tuple(convParams, fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })))
  .map(([p, outputPadding]) => ({ ...p, outputPadding }))
  .filter(
    (p) =>
      p.outputPadding.every((op, i) => op < p.stride[i]! || op < p.dilation[i]!) &&
      (p.h - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (p.kh - 1) + p.outputPadding[0] + 1 > 0 &&
      (p.w - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (p.kw - 1) + p.outputPadding[1] + 1 > 0,
  );

const tight = { rtol: 1e-10, atol: 1e-12 };

function optionsOf(p: Params) {
  return { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups };
}

/** Seeded input, weight and output gradient of a random conv2d, with what the direct loops make of them. */
function convCase(p: Params, seed: number) {
  const x = random([p.n, p.cg * p.groups, p.h, p.w], seed);
  const w = random([p.og * p.groups, p.cg, p.kh, p.kw], seed + 1);
  const dy = random(naiveConv(p, [], []).shape, seed + 2);
  return { x, w, dy, options: optionsOf(p), expected: naiveConv(p, values(x), values(w), values(dy)) };
}

/** As {@link convCase}, for a random convTranspose2d. */
function transposeCase(p: TransposeParams, seed: number) {
  const x = random([p.n, p.cg * p.groups, p.h, p.w], seed);
  const w = random([p.cg * p.groups, p.og, p.kh, p.kw], seed + 1);
  const dy = random(naiveTranspose(p, [], [], undefined).shape, seed + 2);
  const options = { ...optionsOf(p), outputPadding: p.outputPadding };
  return { x, w, dy, options, expected: naiveTranspose(p, values(x), values(w), values(dy)) };
}

/** Values computed by the direct loops, as a float64 tensor to compare with. */
function float64(data: readonly number[], shape: readonly number[]): Tensor {
  return Tensor.fromData(Float64Array.from(data), shape, 'float64');
}

/** A copy of a contiguous [N, C, H, W] tensor stored channels-last, viewed back as [N, C, H, W]. */
function channelsLast(t: Tensor): Tensor {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const source = t.toTypedArray();
  const data = new Float64Array(source.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[((i * h + y) * w + x) * c + ch] = source[((i * c + ch) * h + y) * w + x]!;
  return new Tensor(new Storage(data), [n, c, h, w], [h * w * c, 1, w * c, c], 0, t.dtype);
}

// ---------------------------------------------------------------------------------------------

describe('conv1d', () => {
  it('matches F.conv1d(x, w, b, stride=2, padding=1)', () => {
    const c = opCase('F.conv1d(x, w, b, stride=2, padding=1)');
    const y = conv1d(fromRecord(c.inputs.x!), fromRecord(c.inputs.w!), fromRecord(c.inputs.b!), { stride: 2, padding: 1 });
    assertClose(y, c.output);
  });

  it("puts the odd extra zero of padding='same' at the end", () => {
    const x = Tensor.fromData(new Float32Array([1, 2, 3, 4]), [1, 1, 4], 'float32');
    const w = Tensor.fromData(new Float32Array([1, 10]), [1, 1, 2], 'float32');
    expect(values(conv1d(x, w, null, { padding: 'same' }))).toEqual([21, 32, 43, 4]);
  });

  it('accepts unbatched [C, L] input', () => {
    const x = random([2, 6], 1);
    const w = random([3, 2, 3], 2);
    const batched = conv1d(new Tensor(x.storage, [1, 2, 6], [12, 6, 1], 0, 'float64'), w, null, { dilation: 2 });
    const y = conv1d(x, w, null, { dilation: [2] });
    expect(y.shape).toEqual([3, 2]);
    expect(values(y)).toEqual(values(batched));
  });

  it('matches conv2d on height-1 images', () => {
    const x = random([2, 4, 9], 3);
    const w = random([6, 2, 3], 4);
    const b = random([6], 5);
    const y = conv1d(x, w, b, { stride: 2, padding: 2, groups: 2 });
    const y2 = conv2d(new Tensor(x.storage, [2, 4, 1, 9], [36, 9, 9, 1], 0, 'float64'), new Tensor(w.storage, [6, 2, 1, 3], [6, 3, 3, 1], 0, 'float64'), b, {
      stride: [1, 2],
      padding: [0, 2],
      groups: 2,
    });
    expect(values(y)).toEqual(values(y2));
  });

  it('rejects input that is not [N,C,L] or [C,L]', () => {
    expect(() => conv1d(random([2, 3, 4, 5], 1), random([1, 3, 1], 2))).toThrow(ShapeError);
    expect(() => conv1d(random([2, 3, 4, 5], 1), random([1, 3, 1], 2))).toThrow('conv1d: expected input [N,C,L] or unbatched [C,L], got [2,3,4,5]');
  });

  it('rejects stride given for two dims', () => {
    expect(() => conv1d(random([1, 3, 5], 1), random([1, 3, 1], 2), null, { stride: [1, 1] as unknown as [number] })).toThrow(
      'conv1d: stride must be an integer or a list of 1, got [1,1]',
    );
  });
});

describe('conv2d', () => {
  it('matches F.conv2d(x, w, b, stride=1, padding=1)', () => {
    const c = opCase('F.conv2d(x, w, b, stride=1, padding=1)');
    const y = conv2d(fromRecord(c.inputs.x!), fromRecord(c.inputs.w!), fromRecord(c.inputs.b!), { stride: 1, padding: 1 });
    assertClose(y, c.output);
  });

  it('matches F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)', () => {
    const c = opCase('F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)');
    const y = conv2d(fromRecord(c.inputs.x!), fromRecord(c.inputs.w!), fromRecord(c.inputs.b!), { stride: 2, padding: 2, dilation: 2, groups: 2 });
    assertClose(y, c.output);
    expect(y.dtype).toBe('float32');
  });

  it('matches a direct loop on random shapes, groups, strides, paddings and dilations', () => {
    fc.assert(
      fc.property(convParams, fc.nat(), (p, seed) => {
        const x = random([p.n, p.cg * p.groups, p.h, p.w], seed);
        const w = random([p.og * p.groups, p.cg, p.kh, p.kw], seed + 1);
        const b = random([p.og * p.groups], seed + 2);
        const expected = naiveConv(p, values(x), values(w), undefined, values(b));
        const y = conv2d(x, w, b, optionsOf(p));
        expect(y.shape).toEqual(expected.shape);
        assertClose(y, float64(expected.y, expected.shape), tight);
      }),
      { numRuns: 150 },
    );
  });

  it('reads non-contiguous (channels-last) input through its strides', () => {
    const x = random([2, 3, 5, 6], 7);
    const w = random([4, 3, 3, 2], 8);
    const options = { stride: [2, 1] as [number, number], padding: 1 };
    expect(values(conv2d(channelsLast(x), w, null, options))).toEqual(values(conv2d(x, w, null, options)));
  });

  it('computes 1×1 convolutions (no im2col) on contiguous and channels-last input', () => {
    const x = random([2, 4, 3, 5], 9);
    const w = random([6, 2, 1, 1], 10);
    const b = random([6], 11);
    const p: Params = { n: 2, groups: 2, cg: 2, og: 3, h: 3, w: 5, kh: 1, kw: 1, stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
    const expected = float64(naiveConv(p, values(x), values(w), undefined, values(b)).y, [2, 6, 3, 5]);
    assertClose(conv2d(x, w, b, { groups: 2 }), expected, tight);
    assertClose(conv2d(channelsLast(x), w, b, { groups: 2 }), expected, tight);
  });

  it('computes depthwise convolutions (direct loops) on channels-last input', () => {
    const x = random([2, 4, 5, 6], 16);
    const w = random([4, 1, 3, 3], 17);
    const b = random([4], 18);
    const p: Params = { n: 2, groups: 4, cg: 1, og: 1, h: 5, w: 6, kh: 3, kw: 3, stride: [2, 1], padding: [1, 2], dilation: [1, 2] };
    const expected = naiveConv(p, values(x), values(w), undefined, values(b));
    const options = { stride: [2, 1] as [number, number], padding: [1, 2] as [number, number], dilation: [1, 2] as [number, number], groups: 4 };
    assertClose(conv2d(channelsLast(x), w, b, options), float64(expected.y, expected.shape), tight);
  });

  it('accepts unbatched [C, H, W] input', () => {
    const x = random([3, 5, 5], 12);
    const w = random([2, 3, 3, 3], 13);
    const y = conv2d(x, w, null, { padding: 1 });
    expect(y.shape).toEqual([2, 5, 5]);
    expect(values(y)).toEqual(values(conv2d(new Tensor(x.storage, [1, 3, 5, 5], [75, 25, 5, 1], 0, 'float64'), w, null, { padding: 1 })));
  });

  it("keeps the input size with padding='same' (asymmetric for even kernels) and shrinks with 'valid'", () => {
    const x = random([1, 2, 5, 6], 14);
    const w = random([3, 2, 2, 3], 15);
    const same = conv2d(x, w, null, { padding: 'same', dilation: [1, 2] });
    expect(same.shape).toEqual([1, 3, 5, 6]);
    // kH = 2: total padding 1 in height, all at the bottom; dilated kW = 5: 2 on each side.
    const p: Params = { n: 1, groups: 1, cg: 2, og: 3, h: 6, w: 6, kh: 2, kw: 3, stride: [1, 1], padding: [0, 2], dilation: [1, 2] };
    const padded = new Float64Array(2 * 6 * 6);
    const source = x.toTypedArray();
    for (let i = 0; i < 2 * 5 * 6; i++) padded[Math.floor(i / 30) * 36 + (i % 30)] = source[i]!;
    const expected = naiveConv(p, Array.from(padded), values(w)).y;
    assertClose(same, float64(expected, [1, 3, 5, 6]), tight);
    expect(conv2d(x, w, null, { padding: 'valid' }).shape).toEqual([1, 3, 4, 4]);
  });

  it('keeps float64', () => {
    expect(conv2d(random([1, 1, 3, 3], 1), random([1, 1, 2, 2], 2)).dtype).toBe('float64');
  });

  it('returns an empty batch for N = 0', () => {
    const y = conv2d(Tensor.fromData(new Float32Array(0), [0, 3, 4, 4], 'float32'), random([2, 3, 3, 3], 1, 'float32'));
    expect(y.shape).toEqual([0, 2, 2, 2]);
  });

  it('does not read stale scratch data after a larger convolution', () => {
    conv2d(random([2, 8, 16, 16], 1), random([8, 8, 3, 3], 2), null, { padding: 1 });
    const x = Tensor.fromData(new Float64Array([1, 2, 3, 4]), [1, 1, 2, 2], 'float64');
    const w = Tensor.fromData(new Float64Array([1, 1, 1, 1]), [1, 1, 2, 2], 'float64');
    // Padding 1 makes a 3×3 output whose corners each see one pixel.
    expect(values(conv2d(x, w, null, { padding: 1 }))).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  describe('errors', () => {
    const x = random([2, 3, 8, 8], 1);
    it('rejects integer tensors, naming the argument', () => {
      const ints = new Tensor(x.storage, x.shape, x.strides, 0, 'int64');
      expect(() => conv2d(ints, random([4, 3, 3, 3], 2))).toThrow(DTypeError);
      expect(() => conv2d(ints, random([4, 3, 3, 3], 2))).toThrow('conv2d: input must be a floating-point tensor, got int64');
    });

    it('rejects mixed float dtypes', () => {
      expect(() => conv2d(x, random([4, 3, 3, 3], 2, 'float32'))).toThrow('conv2d: weight is float32 but input is float64; convert one so the dtypes match');
    });

    it('rejects input channels that do not match the weight', () => {
      expect(() => conv2d(x, random([16, 4, 3, 3], 2))).toThrow(ShapeError);
      expect(() => conv2d(x, random([16, 4, 3, 3], 2))).toThrow(
        'conv2d: expected input [N,C,H,W] with C=3 channels to match weight [16,4,3,3] (4 per group × 1 groups); input is [2,3,8,8]',
      );
    });

    it('rejects input that is not [N,C,H,W] or [C,H,W], and weight that is not 4-d', () => {
      expect(() => conv2d(random([3, 8], 1), random([4, 3, 3, 3], 2))).toThrow('conv2d: expected input [N,C,H,W] or unbatched [C,H,W], got [3,8]');
      expect(() => conv2d(x, random([4, 3, 3], 2))).toThrow('conv2d: expected weight [O,C/groups,kH,kW] with 4 dims, got [4,3,3]');
    });

    it('rejects groups that do not divide the channels', () => {
      expect(() => conv2d(x, random([4, 1, 3, 3], 2), null, { groups: 2 })).toThrow('conv2d: groups=2 must divide the 3 channels of input [2,3,8,8]');
      expect(() => conv2d(random([1, 4, 5, 5], 1), random([3, 2, 3, 3], 2), null, { groups: 2 })).toThrow(
        'conv2d: groups=2 must divide the 3 output channels of weight [3,2,3,3]',
      );
      expect(() => conv2d(x, random([4, 3, 3, 3], 2), null, { groups: 0 })).toThrow('conv2d: groups must be a positive integer, got 0');
    });

    it('rejects non-positive stride and dilation, negative padding and malformed sizes', () => {
      const w = random([4, 3, 3, 3], 2);
      expect(() => conv2d(x, w, null, { stride: 0 })).toThrow(InvalidArgumentError);
      expect(() => conv2d(x, w, null, { stride: [1, 0] })).toThrow('conv2d: stride must be positive, got [1,0]');
      expect(() => conv2d(x, w, null, { dilation: -1 })).toThrow('conv2d: dilation must be positive, got -1');
      expect(() => conv2d(x, w, null, { padding: [0, -1] })).toThrow('conv2d: padding must be non-negative, got [0,-1]');
      expect(() => conv2d(x, w, null, { stride: 1.5 })).toThrow('conv2d: stride must be an integer or a list of 2, got 1.5');
      expect(() => conv2d(x, w, null, { padding: 'full' as 'same' })).toThrow("conv2d: padding must be an integer, a list of 2, 'valid' or 'same', got 'full'");
    });

    it("rejects padding='same' with stride > 1", () => {
      expect(() => conv2d(x, random([4, 3, 3, 3], 2), null, { padding: 'same', stride: [1, 2] })).toThrow(
        "conv2d: padding='same' requires stride 1, got stride [1,2]",
      );
    });

    it('rejects a kernel larger than the padded input', () => {
      expect(() => conv2d(random([1, 1, 2, 5], 1), random([1, 1, 3, 3], 2))).toThrow(ShapeError);
      expect(() => conv2d(random([1, 1, 2, 5], 1), random([1, 1, 3, 3], 2), null, { dilation: 2 })).toThrow(
        'conv2d: input [1,1,2,5] padded to [2,5] is smaller than the dilated kernel [5,5], so the output size [-2,1] is not positive',
      );
    });

    it('rejects a bias of the wrong size', () => {
      expect(() => conv2d(x, random([4, 3, 3, 3], 2), random([5], 3))).toThrow('conv2d: expected bias [4] for weight [4,3,3,3], got [5]');
    });
  });
});

describe('conv2dBackwardInput', () => {
  it.each([
    ['F.conv2d(x, w, b, stride=1, padding=1)', { stride: 1, padding: 1 }],
    ['F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)', { stride: 2, padding: 2, dilation: 2, groups: 2 }],
  ])('matches the input gradient of %s', (call, options) => {
    const c = opCase(call);
    const dx = conv2dBackwardInput(fromRecord(c.R), fromRecord(c.inputs.w!), c.inputs.x!.shape, options);
    assertClose(dx, c.grads.x!);
  });

  it('matches a direct loop on random shapes', () => {
    fc.assert(
      fc.property(convParams, fc.nat(), (p, seed) => {
        const { x, w, dy, options, expected } = convCase(p, seed);
        assertClose(conv2dBackwardInput(dy, w, x.shape, options), float64(expected.dx, x.shape), tight);
      }),
      { numRuns: 150 },
    );
  });

  it('reads an expanded (stride-0) gradient, as sum().backward() produces', () => {
    const w = random([2, 3, 3, 3], 1);
    const ones = new Tensor(new Storage(new Float64Array([1])), [2, 2, 4, 4], [0, 0, 0, 0], 0, 'float64');
    const dense = Tensor.fromData(new Float64Array(64).fill(1), [2, 2, 4, 4], 'float64');
    expect(values(conv2dBackwardInput(ones, w, [2, 3, 6, 6], {}))).toEqual(values(conv2dBackwardInput(dense, w, [2, 3, 6, 6], {})));
  });

  it('reads an expanded gradient in depthwise convolutions (direct loops)', () => {
    const w = random([3, 1, 3, 3], 1);
    const ones = new Tensor(new Storage(new Float64Array([1])), [2, 3, 4, 4], [0, 0, 0, 0], 0, 'float64');
    const p: Params = { n: 2, groups: 3, cg: 1, og: 1, h: 6, w: 6, kh: 3, kw: 3, stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
    const expected = naiveConv(p, new Array(216).fill(0), values(w), new Array(96).fill(1)).dx;
    assertClose(conv2dBackwardInput(ones, w, [2, 3, 6, 6], { groups: 3 }), float64(expected, [2, 3, 6, 6]), tight);
  });

  it("undoes padding='same' with an even kernel", () => {
    const w = random([1, 1, 2, 2], 1);
    const p: Params = { n: 1, groups: 1, cg: 1, og: 1, h: 4, w: 4, kh: 2, kw: 2, stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
    const dy = random([1, 1, 3, 3], 2);
    // 'same' on 3×3 pads one zero row and column at the end: the gradient is the padded image's, cropped.
    const dyPadded = naiveConv(p, new Array(16).fill(0), values(w), values(dy)).dx;
    const dx = conv2dBackwardInput(dy, w, [1, 1, 3, 3], { padding: 'same' });
    const cropped = [0, 1, 2, 4, 5, 6, 8, 9, 10].map((i) => dyPadded[i]!);
    assertClose(dx, float64(cropped, [1, 1, 3, 3]), tight);
  });

  it('rejects a gradient whose shape is not the output shape', () => {
    expect(() => conv2dBackwardInput(random([2, 4, 5, 5], 1), random([4, 3, 3, 3], 2), [2, 3, 6, 5], { padding: 1 })).toThrow(
      'conv2dBackwardInput: gradOutput [2,4,5,5] does not match the output shape [2,4,6,5]',
    );
  });

  it('rejects a malformed input shape', () => {
    expect(() => conv2dBackwardInput(random([1, 1, 1, 1], 1), random([1, 1, 1, 1], 2), [1, 1, -1, 1])).toThrow(
      'conv2dBackwardInput: inputShape must be a list of non-negative integers, got [1,1,-1,1]',
    );
  });

  it('rejects integer gradients', () => {
    const dy = random([1, 1, 1, 1], 1);
    expect(() => conv2dBackwardInput(new Tensor(dy.storage, dy.shape, dy.strides, 0, 'int32'), random([1, 1, 1, 1], 2), [1, 1, 1, 1])).toThrow(
      'conv2dBackwardInput: gradOutput must be a floating-point tensor, got int32',
    );
  });
});

describe('conv2dBackwardWeight', () => {
  it.each([
    ['F.conv2d(x, w, b, stride=1, padding=1)', { stride: 1, padding: 1 }],
    ['F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)', { stride: 2, padding: 2, dilation: 2, groups: 2 }],
  ])('matches the weight gradient of %s', (call, options) => {
    const c = opCase(call);
    const dw = conv2dBackwardWeight(fromRecord(c.R), fromRecord(c.inputs.x!), c.inputs.w!.shape, options);
    assertClose(dw, c.grads.w!);
  });

  it('matches a direct loop on random shapes', () => {
    fc.assert(
      fc.property(convParams, fc.nat(), (p, seed) => {
        const { x, w, dy, options, expected } = convCase(p, seed);
        assertClose(conv2dBackwardWeight(dy, x, w.shape, options), float64(expected.dw, w.shape), tight);
      }),
      { numRuns: 150 },
    );
  });

  it('computes 1×1 weight gradients (no im2col) on channels-last input', () => {
    const x = random([2, 4, 3, 5], 1);
    const dy = random([2, 6, 3, 5], 2);
    const expected = conv2dBackwardWeight(dy, x, [6, 2, 1, 1], { groups: 2 });
    const p: Params = { n: 2, groups: 2, cg: 2, og: 3, h: 3, w: 5, kh: 1, kw: 1, stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
    assertClose(expected, float64(naiveConv(p, values(x), new Array(12).fill(0), values(dy)).dw, [6, 2, 1, 1]), tight);
    assertClose(conv2dBackwardWeight(dy, channelsLast(x), [6, 2, 1, 1], { groups: 2 }), expected, tight);
  });

  it('computes depthwise weight gradients (direct loops) from channels-last input and an expanded gradient', () => {
    const x = random([2, 3, 5, 5], 1);
    const ones = new Tensor(new Storage(new Float64Array([1])), [2, 3, 2, 2], [0, 0, 0, 0], 0, 'float64');
    const p: Params = { n: 2, groups: 3, cg: 1, og: 1, h: 5, w: 5, kh: 2, kw: 2, stride: [2, 2], padding: [0, 0], dilation: [1, 1] };
    const expected = naiveConv(p, values(x), new Array(12).fill(0), new Array(24).fill(1)).dw;
    const dw = conv2dBackwardWeight(ones, channelsLast(x), [3, 1, 2, 2], { groups: 3, stride: 2 });
    assertClose(dw, float64(expected, [3, 1, 2, 2]), tight);
  });

  it('is zero for an empty batch', () => {
    const dw = conv2dBackwardWeight(Tensor.fromData(new Float64Array(0), [0, 2, 2, 2], 'float64'), Tensor.fromData(new Float64Array(0), [0, 3, 4, 4], 'float64'), [2, 3, 3, 3]);
    expect(values(dw)).toEqual(new Array(54).fill(0));
  });

  it('rejects a weight shape that does not match the input', () => {
    expect(() => conv2dBackwardWeight(random([1, 2, 2, 2], 1), random([1, 3, 4, 4], 2), [2, 2, 3, 3])).toThrow(
      'conv2dBackwardWeight: expected input [N,C,H,W] with C=3 channels to match weight [2,2,3,3] (2 per group × 1 groups); input is [1,3,4,4]',
    );
  });

  it('rejects a gradient whose shape is not the output shape', () => {
    expect(() => conv2dBackwardWeight(random([1, 2, 3, 3], 1), random([1, 3, 4, 4], 2), [2, 3, 3, 3])).toThrow(
      'conv2dBackwardWeight: gradOutput [1,2,3,3] does not match the output shape [1,2,2,2]',
    );
  });
});

describe('conv1dBackwardInput', () => {
  it('matches the input gradient of F.conv1d(x, w, b, stride=2, padding=1)', () => {
    const c = opCase('F.conv1d(x, w, b, stride=2, padding=1)');
    assertClose(conv1dBackwardInput(fromRecord(c.R), fromRecord(c.inputs.w!), c.inputs.x!.shape, { stride: 2, padding: 1 }), c.grads.x!);
  });

  it('accepts unbatched shapes', () => {
    const dy = random([2, 4], 1);
    const w = random([2, 3, 3], 2);
    const batched = conv1dBackwardInput(new Tensor(dy.storage, [1, 2, 4], [8, 4, 1], 0, 'float64'), w, [1, 3, 6]);
    const dx = conv1dBackwardInput(dy, w, [3, 6]);
    expect(dx.shape).toEqual([3, 6]);
    expect(values(dx)).toEqual(values(batched));
  });
});

describe('conv1dBackwardWeight', () => {
  it('matches the weight gradient of F.conv1d(x, w, b, stride=2, padding=1)', () => {
    const c = opCase('F.conv1d(x, w, b, stride=2, padding=1)');
    assertClose(conv1dBackwardWeight(fromRecord(c.R), fromRecord(c.inputs.x!), c.inputs.w!.shape, { stride: 2, padding: 1 }), c.grads.w!);
  });
});

describe('convTranspose2d', () => {
  it('matches F.conv_transpose2d(x, w, b, stride=2, padding=1)', () => {
    const c = opCase('F.conv_transpose2d(x, w, b, stride=2, padding=1)');
    const y = convTranspose2d(fromRecord(c.inputs.x!), fromRecord(c.inputs.w!), fromRecord(c.inputs.b!), { stride: 2, padding: 1 });
    assertClose(y, c.output);
  });

  it('adds outputPadding at the end', () => {
    const x = Tensor.fromData(new Float32Array([1, 2]), [1, 1, 1, 2], 'float32');
    const w = Tensor.fromData(new Float32Array([1, 10]), [1, 1, 1, 2], 'float32');
    const y = convTranspose2d(x, w, null, { stride: 2, outputPadding: [0, 1] });
    expect(y.shape).toEqual([1, 1, 1, 5]);
    expect(values(y)).toEqual([1, 10, 2, 20, 0]);
  });

  it('matches a direct scatter loop on random shapes', () => {
    fc.assert(
      fc.property(transposeParams, fc.nat(), (p, seed) => {
        const x = random([p.n, p.cg * p.groups, p.h, p.w], seed);
        const w = random([p.cg * p.groups, p.og, p.kh, p.kw], seed + 1);
        const b = random([p.og * p.groups], seed + 2);
        const expected = naiveTranspose(p, values(x), values(w), undefined);
        const plane = expected.shape[2]! * expected.shape[3]!;
        const bias = values(b);
        const withBias = expected.y.map((v, i) => v + bias[Math.floor(i / plane) % expected.shape[1]!]!);
        const y = convTranspose2d(x, w, b, { ...optionsOf(p), outputPadding: p.outputPadding });
        assertClose(y, float64(withBias, expected.shape), tight);
      }),
      { numRuns: 150 },
    );
  });

  it('accepts unbatched [C, H, W] input', () => {
    const x = random([2, 3, 3], 1);
    const w = random([2, 3, 2, 2], 2);
    const y = convTranspose2d(x, w, null, { stride: 2 });
    expect(y.shape).toEqual([3, 6, 6]);
    expect(values(y)).toEqual(values(convTranspose2d(new Tensor(x.storage, [1, 2, 3, 3], [18, 9, 3, 1], 0, 'float64'), w, null, { stride: 2 })));
  });

  describe('errors', () => {
    const x = random([1, 4, 3, 3], 1);
    it('rejects input channels that do not match weight[0]', () => {
      expect(() => convTranspose2d(x, random([2, 3, 3, 3], 2))).toThrow(
        'convTranspose2d: expected input [N,C,H,W] with C=4 channels to match weight [2,3,3,3] (2 input channels); input is [1,4,3,3]',
      );
    });

    it('rejects groups that do not divide the input channels', () => {
      expect(() => convTranspose2d(x, random([4, 3, 3, 3], 2), null, { groups: 3 })).toThrow(
        'convTranspose2d: groups=3 must divide the 4 input channels of weight [4,3,3,3]',
      );
    });

    it('rejects outputPadding not smaller than stride or dilation', () => {
      expect(() => convTranspose2d(x, random([4, 3, 3, 3], 2), null, { stride: 2, outputPadding: [1, 2] })).toThrow(InvalidArgumentError);
      expect(() => convTranspose2d(x, random([4, 3, 3, 3], 2), null, { stride: 2, outputPadding: [1, 2] })).toThrow(
        'convTranspose2d: outputPadding [1,2] must be smaller than stride [2,2] or dilation [1,1]',
      );
    });

    it('rejects a non-positive output size', () => {
      expect(() => convTranspose2d(x, random([4, 3, 3, 3], 2), null, { padding: 3 })).toThrow(
        'convTranspose2d: output size [-1,-1] is not positive for input [1,4,3,3], weight [4,3,3,3], stride [1,1], padding [3,3] and dilation [1,1]',
      );
    });

    it('rejects string padding, negative padding and zero stride', () => {
      const w = random([4, 3, 3, 3], 2);
      expect(() => convTranspose2d(x, w, null, { padding: 'same' as unknown as number })).toThrow(
        "convTranspose2d: padding must be an integer or a list of 2, got 'same'",
      );
      expect(() => convTranspose2d(x, w, null, { padding: -1 })).toThrow('convTranspose2d: padding must be non-negative, got -1');
      expect(() => convTranspose2d(x, w, null, { stride: 0 })).toThrow('convTranspose2d: stride must be positive, got 0');
    });

    it('rejects a bias that is not [C_out]', () => {
      expect(() => convTranspose2d(x, random([4, 3, 3, 3], 2), random([4], 3), { groups: 2 })).toThrow(
        'convTranspose2d: expected bias [6] for weight [4,3,3,3], got [4]',
      );
    });

    it('rejects weight that is not 4-d and integer input', () => {
      expect(() => convTranspose2d(x, random([4, 3, 3], 2))).toThrow('convTranspose2d: expected weight [C_in,C_out/groups,kH,kW] with 4 dims, got [4,3,3]');
      expect(() => convTranspose2d(new Tensor(x.storage, x.shape, x.strides, 0, 'int64'), random([4, 3, 3, 3], 2))).toThrow(
        'convTranspose2d: input must be a floating-point tensor, got int64',
      );
    });
  });
});

describe('convTranspose2dBackwardInput', () => {
  it('matches the input gradient of F.conv_transpose2d(x, w, b, stride=2, padding=1)', () => {
    const c = opCase('F.conv_transpose2d(x, w, b, stride=2, padding=1)');
    assertClose(convTranspose2dBackwardInput(fromRecord(c.R), fromRecord(c.inputs.w!), c.inputs.x!.shape, { stride: 2, padding: 1 }), c.grads.x!);
  });

  it('matches a direct loop on random shapes', () => {
    fc.assert(
      fc.property(transposeParams, fc.nat(), (p, seed) => {
        const { x, w, dy, options, expected } = transposeCase(p, seed);
        assertClose(convTranspose2dBackwardInput(dy, w, x.shape, options), float64(expected.dx, x.shape), tight);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects a gradient whose shape is not the output shape', () => {
    expect(() => convTranspose2dBackwardInput(random([1, 3, 5, 5], 1), random([2, 3, 3, 3], 2), [1, 2, 3, 3], { stride: 2 })).toThrow(
      'convTranspose2dBackwardInput: gradOutput [1,3,5,5] does not match the output shape [1,3,7,7]',
    );
  });
});

describe('convTranspose2dBackwardWeight', () => {
  it('matches the weight gradient of F.conv_transpose2d(x, w, b, stride=2, padding=1)', () => {
    const c = opCase('F.conv_transpose2d(x, w, b, stride=2, padding=1)');
    assertClose(convTranspose2dBackwardWeight(fromRecord(c.R), fromRecord(c.inputs.x!), c.inputs.w!.shape, { stride: 2, padding: 1 }), c.grads.w!);
  });

  it('matches a direct loop on random shapes', () => {
    fc.assert(
      fc.property(transposeParams, fc.nat(), (p, seed) => {
        const { x, w, dy, options, expected } = transposeCase(p, seed);
        assertClose(convTranspose2dBackwardWeight(dy, x, w.shape, options), float64(expected.dw, w.shape), tight);
      }),
      { numRuns: 150 },
    );
  });
});

describe('convTranspose1d', () => {
  // Values from PyTorch 1.13: F.conv_transpose1d(x, w, dilation=2, output_padding=1) and the
  // gradients of sum(y · [1, 2, 3, 4, 5]).
  const x = Tensor.fromData(new Float32Array([1, 2]), [1, 1, 2], 'float32');
  const w = Tensor.fromData(new Float32Array([1, 10]), [1, 1, 2], 'float32');
  const dy = Tensor.fromData(new Float32Array([1, 2, 3, 4, 5]), [1, 1, 5], 'float32');

  it('allows outputPadding below the dilation when the stride is 1', () => {
    expect(values(convTranspose1d(x, w, null, { dilation: 2, outputPadding: 1 }))).toEqual([1, 2, 10, 20, 0]);
  });

  it('has the input gradient of PyTorch, cropped to the input length', () => {
    expect(values(convTranspose1dBackwardInput(dy, w, [1, 1, 2], { dilation: 2, outputPadding: 1 }))).toEqual([31, 42]);
  });

  it('has the weight gradient of PyTorch', () => {
    expect(values(convTranspose1dBackwardWeight(dy, x, [1, 1, 2], { dilation: 2, outputPadding: 1 }))).toEqual([5, 11]);
  });
});
