import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { gradTolerance, make, numericGradient, randomTensor } from '../../test/numeric.js';
import type { DType } from '../dtype.js';
import { DTypeError, IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { assertClose, fromRecord } from '../testing.js';
import { Tensor } from '../tensor.js';
import {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool1d,
  avgPool1dBackward,
  avgPool2d,
  avgPool2dBackward,
  maxPool1d,
  maxPool1dBackward,
  maxPool2d,
  maxPool2dBackward,
} from './pool.js';

function arangeOf(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return make(Array.from({ length: n }, (_, i) => i), shape, dtype);
}

describe('maxPool2d', () => {
  it('matches PyTorch for F.max_pool2d(x, 2), forward and backward', () => {
    const c = opCase('F.max_pool2d(x, 2)');
    const x = fromRecord(c.inputs.x!);
    const { output, indices } = maxPool2d(x, 2);
    assertClose(output, c.output);
    assertClose(maxPool2dBackward(fromRecord(c.R), indices, x.shape), c.grads.x!);
  });

  it('matches PyTorch for F.max_pool2d(x, 3, stride=2, padding=1), forward and backward', () => {
    const c = opCase('F.max_pool2d(x, 3, stride=2, padding=1)');
    const x = fromRecord(c.inputs.x!);
    const { output, indices } = maxPool2d(x, 3, { stride: 2, padding: 1 });
    assertClose(output, c.output);
    assertClose(maxPool2dBackward(fromRecord(c.R), indices, x.shape), c.grads.x!);
  });

  it('pools 2×2 windows like a naive scan: ties to the first, NaN wins and a later NaN takes over', () => {
    /** PyTorch's CPU loop for 2×2 windows without padding: row by row, `v > max || isnan(v)`. */
    const naive = (data: number[], planes: number, H: number, W: number, sH: number, sW: number, ceilMode: boolean) => {
      const size = (n: number, s: number) => {
        const out = Math.floor((n - 2 + (ceilMode ? s - 1 : 0)) / s) + 1;
        return ceilMode && (out - 1) * s >= n ? out - 1 : out;
      };
      const outH = size(H, sH);
      const outW = size(W, sW);
      const values: number[] = [];
      const indices: number[] = [];
      for (let p = 0; p < planes; p++) {
        for (let oh = 0; oh < outH; oh++) {
          for (let ow = 0; ow < outW; ow++) {
            let best = -Infinity;
            let at = oh * sH * W + ow * sW;
            for (let h = oh * sH; h < Math.min(oh * sH + 2, H); h++) {
              for (let w = ow * sW; w < Math.min(ow * sW + 2, W); w++) {
                const v = data[p * H * W + h * W + w]!;
                if (v > best || Number.isNaN(v)) [best, at] = [v, h * W + w];
              }
            }
            values.push(best);
            indices.push(at);
          }
        }
      }
      return { values, indices, outH, outW };
    };
    const H = 7;
    const W = 9;
    const pattern = [3, -1, 3, Number.NaN, -Infinity, 0.5, Number.NaN, 2, -0, 0, 7, 7, -Infinity, -Infinity, 1.25, -3, 4];
    const data = Array.from({ length: 2 * 3 * H * W }, (_, i) => pattern[(i * 5) % pattern.length]! + (i % 11 === 0 ? 1 : 0));
    for (const dtype of ['float32', 'float64'] as const) {
      const x = Tensor.fromData(Float64Array.from(data), [2, 3, H, W], 'float64').to(dtype);
      // Strides 2, 1 (overlapping) and 3 (gaps) take the unrolled loop; ceilMode adds cut-off windows (the general one).
      for (const [sH, sW, ceilMode] of [[2, 2, false], [1, 1, false], [3, 2, false], [2, 2, true]] as const) {
        const { output, indices } = maxPool2d(x, 2, { stride: [sH, sW], ceilMode });
        const expected = naive(Array.from(x.toTypedArray(), Number), 6, H, W, sH, sW, ceilMode);
        expect(output.shape).toEqual([2, 3, expected.outH, expected.outW]);
        expect(Array.from(output.toTypedArray()).every((v, i) => Object.is(v, expected.values[i]))).toBe(true);
        expect(Array.from(indices.toTypedArray(), Number)).toEqual(expected.indices);
      }
    }
  });

  it('returns int64 indices as flat positions within each H×W plane', () => {
    const { output, indices } = maxPool2d(arangeOf([2, 1, 4, 4]), 2);
    expect(indices.dtype).toBe('int64');
    expect(indices.tolist()).toEqual([[[[5, 7], [13, 15]]], [[[5, 7], [13, 15]]]]);
    expect(output.tolist()).toEqual([[[[5, 7], [13, 15]]], [[[21, 23], [29, 31]]]]);
  });

  it('accepts unbatched [C, H, W] input', () => {
    const { output, indices } = maxPool2d(arangeOf([1, 4, 4]), [2, 4]);
    expect(output.shape).toEqual([1, 2, 1]);
    expect(output.tolist()).toEqual([[[7], [15]]]);
    expect(indices.tolist()).toEqual([[[7], [15]]]);
  });

  it('spreads the window with dilation', () => {
    const { output, indices } = maxPool2d(arangeOf([1, 1, 5, 5]), 2, { stride: 1, dilation: 2 });
    expect(output.tolist()).toEqual([[[[12, 13, 14], [17, 18, 19], [22, 23, 24]]]]);
    expect(indices.tolist()).toEqual([[[[12, 13, 14], [17, 18, 19], [22, 23, 24]]]]);
  });

  it('keeps a partial last window with ceilMode', () => {
    const x = arangeOf([1, 1, 5, 5]);
    expect(maxPool2d(x, 2).output.shape).toEqual([1, 1, 2, 2]);
    expect(maxPool2d(x, 2, { ceilMode: true }).output.tolist()).toEqual([[[[6, 8, 9], [16, 18, 19], [21, 23, 24]]]]);
  });

  it('drops a ceilMode window that would start in the right padding', () => {
    // (5 + 2 - 2 + 1) / 2 + 1 = 4 windows, but the 4th starts at 6 >= 5 + 1.
    expect(maxPool2d(arangeOf([1, 1, 5]), [1, 2], { stride: 2, padding: [0, 1], ceilMode: true }).output.shape).toEqual([1, 1, 3]);
  });

  it('lets NaN win and points at it', () => {
    const { output, indices } = maxPool2d(make([1, NaN, 3, 2], [1, 2, 2]), 2);
    expect(output.toTypedArray()[0]).toBeNaN();
    expect(indices.tolist()).toEqual([[[1]]]);
  });

  it('keeps the first of tied maxima', () => {
    expect(maxPool2d(make([4, 4, 4, 4], [1, 2, 2]), 2).indices.tolist()).toEqual([[[0]]]);
  });

  it('pools integer tensors in their own dtype', () => {
    const { output } = maxPool2d(arangeOf([1, 2, 2], 'int32'), 2);
    expect(output.dtype).toBe('int32');
    expect(output.tolist()).toEqual([[[3]]]);
  });

  it('reads non-contiguous input through its strides', () => {
    const base = arangeOf([1, 4, 4]);
    const transposed = new Tensor(base.storage, [1, 4, 4], [16, 1, 4], 0, 'float32');
    expect(maxPool2d(transposed, 2).output.tolist()).toEqual([[[5, 13], [7, 15]]]);
  });

  it('rejects padding above half the effective kernel', () => {
    expect(() => maxPool2d(arangeOf([1, 4, 4]), 2, { padding: 2 })).toThrow(InvalidArgumentError);
    expect(() => maxPool2d(arangeOf([1, 4, 4]), 2, { padding: 2 })).toThrow(
      'max_pool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1',
    );
  });

  it('rejects padding above half the kernel even when dilation widens the window', () => {
    expect(() => maxPool2d(arangeOf([1, 9, 9]), 3, { padding: 2, dilation: 2 })).toThrow(
      'max_pool2d: pad should be smaller than or equal to half of kernel size, but got pad=2 and kernel_size=3',
    );
  });

  it('rejects negative padding', () => {
    expect(() => maxPool2d(arangeOf([1, 4, 4]), 2, { padding: -1 })).toThrow('max_pool2d: pad must be non-negative, but got pad: -1');
  });

  it('rejects an output size below 1', () => {
    expect(() => maxPool2d(arangeOf([1, 4, 4]), 5)).toThrow(ShapeError);
    expect(() => maxPool2d(arangeOf([1, 4, 4]), 5)).toThrow(
      'max_pool2d: given input size (1x4x4), calculated output size (1x0x0): output size is too small',
    );
  });

  it('rejects inputs that are not 3d or 4d, or have empty non-batch dims', () => {
    expect(() => maxPool2d(arangeOf([4, 4]), 2)).toThrow(
      'max_pool2d: expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got [4,4]',
    );
    expect(() => maxPool2d(arangeOf([1, 0, 4, 4]), 2)).toThrow(ShapeError);
    expect(maxPool2d(arangeOf([0, 1, 4, 4]), 2).output.shape).toEqual([0, 1, 2, 2]);
  });

  it('rejects non-positive kernel, stride and dilation', () => {
    const x = arangeOf([1, 4, 4]);
    expect(() => maxPool2d(x, 0)).toThrow('max_pool2d: kernel size should be greater than zero, but got 0, 0');
    expect(() => maxPool2d(x, 2, { stride: [1, 0] })).toThrow('max_pool2d: stride should be greater than zero, but got 1, 0');
    expect(() => maxPool2d(x, 2, { dilation: 0 })).toThrow('max_pool2d: dilation should be greater than zero, but got 0, 0');
  });

  it('rejects sizes that are not one or two integers', () => {
    const x = arangeOf([1, 4, 4]);
    expect(() => maxPool2d(x, [1, 2, 3])).toThrow('max_pool2d: kernel_size must either be a single int, or a tuple of 2 ints, got [1,2,3]');
    expect(() => maxPool2d(x, 1.5)).toThrow(InvalidArgumentError);
  });

  it('rejects bool input', () => {
    expect(() => maxPool2d(arangeOf([1, 2, 2], 'bool'), 2)).toThrow(DTypeError);
    expect(() => maxPool2d(arangeOf([1, 2, 2], 'bool'), 2)).toThrow('max_pool2d: input must be a numeric tensor, got bool');
  });
});

describe('maxPool2dBackward', () => {
  it('matches finite differences with padding, stride and dilation', () => {
    const x = randomTensor([2, 2, 6, 7], 3);
    const options = { stride: [2, 1], padding: 1, dilation: [1, 2] } as const;
    const { output, indices } = maxPool2d(x, 3, options);
    const r = randomTensor(output.shape, 5);
    assertClose(maxPool2dBackward(r, indices, x.shape), numericGradient((t) => maxPool2d(t, 3, options).output, x, r), gradTolerance);
  });

  it('adds the gradients of overlapping windows that share a maximum', () => {
    const { indices } = maxPool2d(make([1, 9, 2, 0, 0, 0], [1, 2, 3]), [2, 2], { stride: 1 });
    expect(indices.tolist()).toEqual([[[1, 1]]]);
    expect(maxPool2dBackward(make([1, 2], [1, 1, 2]), indices, [1, 2, 3]).tolist()).toEqual([[[0, 3, 0], [0, 0, 0]]]);
  });

  it('rejects indices outside the input plane', () => {
    expect(() => maxPool2dBackward(make([1], [1, 1, 1]), make([4], [1, 1, 1], 'int64'), [1, 2, 2])).toThrow(IndexError);
    expect(() => maxPool2dBackward(make([1], [1, 1, 1]), make([4], [1, 1, 1], 'int64'), [1, 2, 2])).toThrow(
      'max_pool2d_backward: index 4 is out of range for an input plane of 4 elements',
    );
  });

  it('rejects mismatched gradOutput, indices and input shapes', () => {
    expect(() => maxPool2dBackward(make([1, 2], [1, 1, 2]), make([0], [1, 1, 1], 'int64'), [1, 2, 2])).toThrow(
      'max_pool2d_backward: gradOutput [1,1,2] and indices [1,1,1] differ in shape',
    );
    expect(() => maxPool2dBackward(make([1], [1, 1, 1]), make([0], [1, 1, 1], 'int64'), [2, 2, 2])).toThrow(
      'max_pool2d_backward: gradOutput [1,1,1] does not fit input [2,2,2]',
    );
  });

  it('rejects an input shape that is not 3d or 4d', () => {
    expect(() => maxPool2dBackward(make([1], [1, 1]), make([0], [1, 1], 'int64'), [2, 2])).toThrow(
      'max_pool2d_backward: expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got [2,2]',
    );
  });

  it('rejects integer gradOutput and float indices', () => {
    expect(() => maxPool2dBackward(make([1], [1, 1, 1], 'int64'), make([0], [1, 1, 1], 'int64'), [1, 2, 2])).toThrow(DTypeError);
    expect(() => maxPool2dBackward(make([1], [1, 1, 1]), make([0], [1, 1, 1]), [1, 2, 2])).toThrow(
      'max_pool2d_backward: indices must be an int64 tensor, got float32',
    );
  });
});

describe('maxPool1d', () => {
  it('pools the last dim of [N, C, L] with positions along L', () => {
    const { output, indices } = maxPool1d(make([1, 5, 2, 8, 3, 0, 4], [1, 1, 7]), 3, { stride: 2, padding: 1 });
    expect(output.tolist()).toEqual([[[5, 8, 8, 4]]]);
    expect(indices.tolist()).toEqual([[[1, 3, 3, 6]]]);
  });

  it('accepts unbatched [C, L] input', () => {
    expect(maxPool1d(make([1, 5, 2, 8], [2, 2]), 2).output.tolist()).toEqual([[5], [8]]);
  });

  it('rejects 1d and 4d input, and too large a kernel', () => {
    expect(() => maxPool1d(make([1, 2], [2]), 2)).toThrow(
      'max_pool1d: expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got [2]',
    );
    expect(() => maxPool1d(arangeOf([1, 4]), 5)).toThrow('max_pool1d: given input size (1x4), calculated output size (1x0): output size is too small');
    expect(() => maxPool1d(arangeOf([1, 4]), [2, 2] as unknown as [number])).toThrow(
      'max_pool1d: kernel_size must either be a single int, got [2,2]',
    );
  });
});

describe('maxPool1dBackward', () => {
  it('matches finite differences', () => {
    const x = randomTensor([2, 3, 9], 7);
    const options = { stride: 2, padding: 1, dilation: 2, ceilMode: true };
    const { output, indices } = maxPool1d(x, 2, options);
    const r = randomTensor(output.shape, 11);
    assertClose(maxPool1dBackward(r, indices, x.shape), numericGradient((t) => maxPool1d(t, 2, options).output, x, r), gradTolerance);
  });

  it('rejects gradOutput whose leading dims differ from the input', () => {
    expect(() => maxPool1dBackward(make([1], [1, 1]), make([0], [1, 1], 'int64'), [2, 4])).toThrow(
      'max_pool1d_backward: gradOutput [1,1] does not fit input [2,4]',
    );
  });
});

describe('avgPool2d', () => {
  it('matches PyTorch for F.avg_pool2d(x, 2), forward and backward', () => {
    const c = opCase('F.avg_pool2d(x, 2)');
    const x = fromRecord(c.inputs.x!);
    assertClose(avgPool2d(x, 2), c.output);
    assertClose(avgPool2dBackward(fromRecord(c.R), x.shape, 2), c.grads.x!);
  });

  it('counts padding in the divisor unless countIncludePad is false', () => {
    const ones = make(new Array(9).fill(1), [1, 3, 3]);
    const included = avgPool2d(ones, 3, { stride: 1, padding: 1 });
    assertClose(included, make([4, 6, 4, 6, 9, 6, 4, 6, 4].map((v) => v / 9), [1, 3, 3]));
    expect(avgPool2d(ones, 3, { stride: 1, padding: 1, countIncludePad: false }).tolist()).toEqual([[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]);
  });

  it('divides by divisorOverride when given', () => {
    expect(avgPool2d(make([1, 2, 3, 4], [1, 2, 2]), 2, { divisorOverride: 2 }).tolist()).toEqual([[[5]]]);
  });

  it('divides a ceilMode edge window by its clipped size', () => {
    // The last window [4, 6) is clipped to the input plus padding, [4, 5): divisor 1.
    expect(avgPool2d(arangeOf([1, 1, 5]), [1, 2], { ceilMode: true }).tolist()).toEqual([[[0.5, 2.5, 4]]]);
  });

  it('pools int64 with truncating division, as PyTorch', () => {
    const out = avgPool2d(arangeOf([1, 4, 4], 'int64'), 3, { padding: 1 });
    expect(out.dtype).toBe('int64');
    expect(out.tolist()).toEqual([[[1, 2], [4, 5]]]);
  });

  it('rejects a zero divisor, int32 input and too much padding', () => {
    const x = arangeOf([1, 4, 4]);
    expect(() => avgPool2d(x, 2, { divisorOverride: 0 })).toThrow('avg_pool2d: divisor must be a non-zero integer, got 0');
    expect(() => avgPool2d(arangeOf([1, 4, 4], 'int32'), 2)).toThrow('avg_pool2d: input must be a floating-point tensor, got int32');
    expect(() => avgPool2d(x, 2, { padding: 2 })).toThrow('avg_pool2d: pad should be at most half of effective kernel size');
    expect(() => avgPool2d(x, 5)).toThrow('avg_pool2d: given input size (1x4x4), calculated output size (1x0x0): output size is too small');
  });
});

describe('avgPool2dBackward', () => {
  it('matches finite differences with padding, ceilMode and countIncludePad false', () => {
    const x = randomTensor([2, 1, 5, 6], 13);
    const options = { stride: 2, padding: 1, ceilMode: true, countIncludePad: false };
    const r = randomTensor(avgPool2d(x, 3, options).shape, 17);
    assertClose(avgPool2dBackward(r, x.shape, 3, options), numericGradient((t) => avgPool2d(t, 3, options), x, r), gradTolerance);
  });

  it('matches finite differences with divisorOverride', () => {
    const x = randomTensor([3, 4, 4], 19);
    const options = { stride: 1, padding: [1, 0], divisorOverride: 3 };
    const r = randomTensor(avgPool2d(x, [2, 3], options).shape, 23);
    assertClose(avgPool2dBackward(r, x.shape, [2, 3], options), numericGradient((t) => avgPool2d(t, [2, 3], options), x, r), gradTolerance);
  });

  it('rejects integer gradOutput', () => {
    expect(() => avgPool2dBackward(make([1, 2, 3, 4], [1, 2, 2], 'int64'), [1, 4, 4], 2)).toThrow(
      'avg_pool2d_backward: gradOutput must be a floating-point tensor, got int64',
    );
  });

  it('rejects gradOutput of the wrong shape', () => {
    expect(() => avgPool2dBackward(make([1, 2], [1, 1, 2]), [1, 4, 4], 2)).toThrow(
      'avg_pool2d_backward: gradOutput [1,1,2] does not match the output shape [1,2,2] of input [1,4,4]',
    );
  });
});

describe('avgPool1d', () => {
  it('averages windows along the last dim', () => {
    expect(avgPool1d(make([1, 2, 3, 4, 5], [1, 5]), 2).tolist()).toEqual([[1.5, 3.5]]);
    expect(avgPool1d(make([1, 2, 3, 4], [1, 1, 4]), 3, { stride: 1, padding: 1, countIncludePad: false }).tolist()).toEqual([[[1.5, 2, 3, 3.5]]]);
  });

  it('rejects a kernel longer than the padded input', () => {
    expect(() => avgPool1d(arangeOf([1, 4]), 5)).toThrow('avg_pool1d: given input size (1x4), calculated output size (1x0): output size is too small');
  });
});

describe('avgPool1dBackward', () => {
  it('matches finite differences', () => {
    const x = randomTensor([2, 2, 8], 29);
    const options = { stride: 3, padding: 1, ceilMode: true };
    const r = randomTensor(avgPool1d(x, 3, options).shape, 31);
    assertClose(avgPool1dBackward(r, x.shape, 3, options), numericGradient((t) => avgPool1d(t, 3, options), x, r), gradTolerance);
  });
});

describe('adaptiveAvgPool2d', () => {
  it('matches PyTorch for F.adaptive_avg_pool2d(x, (2, 3)), forward and backward', () => {
    const c = opCase('F.adaptive_avg_pool2d(x, (2, 3))');
    const x = fromRecord(c.inputs.x!);
    assertClose(adaptiveAvgPool2d(x, [2, 3]), c.output);
    assertClose(adaptiveAvgPool2dBackward(fromRecord(c.R), x.shape), c.grads.x!);
  });

  it('uses overlapping windows [floor(i·in/out), ceil((i+1)·in/out))', () => {
    // 5 → 3: windows [0, 2), [1, 4), [3, 5).
    expect(adaptiveAvgPool2d(make([0, 1, 2, 3, 4], [1, 1, 5]), [1, 3]).tolist()).toEqual([[[0.5, 2, 3.5]]]);
  });

  it('keeps the input size for null entries and reads one number as both dims', () => {
    const x = arangeOf([1, 2, 4, 4]);
    expect(adaptiveAvgPool2d(x, [2, null]).shape).toEqual([1, 2, 2, 4]);
    expect(adaptiveAvgPool2d(x, [2, null]).tolist()).toEqual([[[[2, 3, 4, 5], [10, 11, 12, 13]], [[18, 19, 20, 21], [26, 27, 28, 29]]]]);
    expect(adaptiveAvgPool2d(x, 1).tolist()).toEqual([[[[7.5]], [[23.5]]]]);
  });

  it('rejects integer input, bad ranks, empty planes and bad output sizes', () => {
    expect(() => adaptiveAvgPool2d(arangeOf([1, 2, 2], 'int64'), 1)).toThrow('adaptive_avg_pool2d: input must be a floating-point tensor, got int64');
    expect(() => adaptiveAvgPool2d(arangeOf([2, 2]), 1)).toThrow('adaptive_avg_pool2d: expected 3D or 4D tensor, but got [2,2]');
    expect(() => adaptiveAvgPool2d(arangeOf([1, 0, 2]), 1)).toThrow(
      'adaptive_avg_pool2d: expected input to have non-zero size for non-batch dimensions, but input has sizes [1,0,2] with dimension 1 being empty',
    );
    expect(() => adaptiveAvgPool2d(arangeOf([1, 2, 2]), [1, 1, 1])).toThrow('adaptive_avg_pool2d: output_size must be 2, got [1,1,1]');
    expect(() => adaptiveAvgPool2d(arangeOf([1, 2, 2]), [-1, 1])).toThrow(
      'adaptive_avg_pool2d: elements of output_size must be non-negative integers, got [-1, 1]',
    );
  });
});

describe('adaptiveAvgPool2dBackward', () => {
  it('matches finite differences with overlapping windows', () => {
    const x = randomTensor([2, 5, 7], 37);
    const r = randomTensor([2, 3, 4], 41);
    assertClose(adaptiveAvgPool2dBackward(r, x.shape), numericGradient((t) => adaptiveAvgPool2d(t, [3, 4]), x, r), gradTolerance);
  });

  it('rejects integer gradOutput and an input shape that is not 3d or 4d', () => {
    expect(() => adaptiveAvgPool2dBackward(make([1], [1, 1, 1], 'int32'), [1, 3, 3])).toThrow(DTypeError);
    expect(() => adaptiveAvgPool2dBackward(make([1], [1, 1]), [3, 3])).toThrow(
      'adaptive_avg_pool2d_backward: expected 3D or 4D tensor, but got [3,3]',
    );
  });

  it('rejects gradOutput whose leading dims differ from the input', () => {
    expect(() => adaptiveAvgPool2dBackward(make([1], [1, 1, 1]), [2, 3, 3])).toThrow(
      'adaptive_avg_pool2d_backward: gradOutput [1,1,1] does not fit input [2,3,3]',
    );
  });
});
