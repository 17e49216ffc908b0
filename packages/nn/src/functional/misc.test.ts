import { arange, DTypeError, IndexError, InvalidArgumentError, ShapeError, type Tensor, tensor } from '@torchlet/autograd';
import { assertClose, gradcheck } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import { cosineSimilarity, interpolate, normalize, oneHot, pad, pairwiseDistance } from './misc.js';

// Expected values are PyTorch 1.13's (float32 unless said otherwise).
const f32 = (data: number[], shape: number[]): Tensor => tensor(data, { dtype: 'float32' }).reshape(shape);
const f64 = (data: number[], shape: number[], requiresGrad = false): Tensor => tensor(data, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_(requiresGrad);
const expectValues = (actual: Tensor, data: number[], shape: number[]): void => assertClose(actual, f32(data, shape));

/** [[[1, 2, 3], [4, 5, 6]]] and [[[[1 … 12]]]] as [1, 1, 3, 4]. */
const row = () => arange(1, 7, { dtype: 'float32' }).reshape(1, 2, 3);
const grid = () => arange(1, 13, { dtype: 'float32' }).reshape(1, 1, 3, 4);

describe('pad', () => {
  it('pads the last dim with a constant', () => {
    expectValues(pad(row(), [2, 1], { value: -1 }), [-1, -1, 1, 2, 3, -1, -1, -1, 4, 5, 6, -1], [1, 2, 6]);
  });
  it('takes the last dim first, then the second-last', () => {
    expectValues(pad(row(), [1, 0, 0, 1]), [0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0], [1, 3, 4]);
  });
  it('crops with negative amounts', () => {
    expectValues(pad(row(), [-1, 1, 1, -1], { value: 9 }), [9, 9, 9, 2, 3, 9], [1, 2, 3]);
  });
  it('pads three dims with a constant', () => {
    expectValues(pad(row(), [0, 1, 0, 0, 1, 0]), [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0], [2, 2, 4]);
  });
  it('reflects the last dim', () => expectValues(pad(row(), [2, 1], { mode: 'reflect' }), [3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5], [1, 2, 6]));
  it('reflects with a negative amount', () => expectValues(pad(row(), [-1, 2], { mode: 'reflect' }), [2, 3, 2, 1, 5, 6, 5, 4], [1, 2, 4]));
  it('replicates the last dim', () => {
    expectValues(pad(row(), [2, 3], { mode: 'replicate' }), [1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 4, 5, 6, 6, 6, 6], [1, 2, 8]);
  });
  it('wraps the last dim circularly', () => {
    expectValues(pad(row(), [2, 3], { mode: 'circular' }), [2, 3, 1, 2, 3, 1, 2, 3, 5, 6, 4, 5, 6, 4, 5, 6], [1, 2, 8]);
  });
  it('reflects the last two dims', () => {
    const expected = [10, 9, 10, 11, 12, 11, 10, 6, 5, 6, 7, 8, 7, 6, 2, 1, 2, 3, 4, 3, 2, 6, 5, 6, 7, 8, 7, 6, 10, 9, 10, 11, 12, 11, 10, 6, 5, 6, 7, 8, 7, 6];
    expectValues(pad(grid(), [1, 2, 2, 1], { mode: 'reflect' }), expected, [1, 1, 6, 7]);
  });
  it('replicates the last two dims', () => {
    expectValues(pad(grid(), [1, 0, 0, 2], { mode: 'replicate' }), [1, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 9, 10, 11, 12, 9, 9, 10, 11, 12, 9, 9, 10, 11, 12], [1, 1, 5, 5]);
  });
  it('wraps the last two dims circularly', () => {
    expectValues(pad(grid(), [1, 1, 1, 0], { mode: 'circular' }), [12, 9, 10, 11, 12, 9, 4, 1, 2, 3, 4, 1, 8, 5, 6, 7, 8, 5, 12, 9, 10, 11, 12, 9], [1, 1, 4, 6]);
  });
  it('passes gradcheck in every mode', () => {
    const x = f64([0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9, 2.2, -0.6, 1.8, 0.05, -2.1], [1, 1, 3, 4], true);
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      expect(gradcheck((a) => pad(a, [2, 1, -1, 2], { mode }), [x])).toBe(true);
    }
  });
  it('adds the gradient of every copy of an element', () => {
    const x = f64([1, 2, 3], [1, 1, 3], true);
    pad(x, [2, 2], { mode: 'replicate' }).sum().backward();
    assertClose(x.grad!, f64([3, 1, 3], [1, 1, 3]));
  });
  it('rejects an odd padding length', () => expect(() => pad(row(), [1])).toThrow(/Padding length must be divisible by 2/));
  it('rejects more padded dims than the input has', () => {
    expect(() => pad(row(), [1, 1, 1, 1, 1, 1, 1, 1])).toThrow(/Padding length should be less than or equal to two times the input dimension but got padding length 8 and input of dimension 3/);
  });
  it('rejects non-integer amounts', () => expect(() => pad(row(), [0.5, 1])).toThrow(InvalidArgumentError));
  it('rejects a crop larger than the dim', () => {
    expect(() => pad(row(), [-2, -2])).toThrow(/The input size 3, plus negative padding -2 and -2 resulted in a negative output size/);
  });
  it('rejects a reflection as wide as the dim', () => {
    expect(() => pad(row(), [3, 0], { mode: 'reflect' })).toThrow(/Padding size should be less than the corresponding input dimension, but got: padding \(3, 0\) at dimension 2 of input \[1, 2, 3\]/);
  });
  it('rejects circular padding that wraps more than once', () => expect(() => pad(row(), [4, 0], { mode: 'circular' })).toThrow(/wrapping around more than once/));
  it('rejects a replication that leaves nothing', () => expect(() => pad(row(), [-2, -1], { mode: 'replicate' })).toThrow(/calculated output size 0/));
  it('rejects a value with a non-constant mode', () => expect(() => pad(row(), [1, 1], { mode: 'reflect', value: 1 })).toThrow(/Padding mode "reflect" doesn't take in value argument/));
  it('rejects a non-constant mode on unsupported dims', () => {
    expect(() => pad(row(), [1, 1, 1, 1, 1, 1], { mode: 'replicate' })).toThrow(/Only 2D, 3D, 4D, 5D padding with non-constant padding are supported/);
    expect(() => pad(tensor([1, 2, 3], { dtype: 'float32' }), [1, 1], { mode: 'reflect' })).toThrow(ShapeError);
  });
  it('rejects an unknown mode', () => expect(() => pad(row(), [1, 1], { mode: 'mirror' as 'reflect' })).toThrow(/Unrecognised padding mode "mirror"/));
});

describe('interpolate', () => {
  const line = () => f32([1, 3, 2, 5], [1, 1, 4]);
  const image = () => f32([1, 2, 4, 3, 0, -1], [1, 1, 2, 3]);

  it('upsamples 3-D inputs by nearest neighbour to a size', () => {
    expectValues(interpolate(line(), { size: 6 }), [1, 1, 3, 2, 2, 5], [1, 1, 6]);
    expectValues(interpolate(line(), { size: 3 }), [1, 3, 2], [1, 1, 3]);
  });
  it('upsamples by a scale factor', () => expectValues(interpolate(line(), { scaleFactor: 2 }), [1, 1, 3, 3, 2, 2, 5, 5], [1, 1, 8]));
  it("samples pixel centres in 'nearest-exact' mode", () => expectValues(interpolate(line(), { size: 6, mode: 'nearest-exact' }), [1, 3, 3, 2, 5, 5], [1, 1, 6]));
  it('interpolates linearly with aligned corners', () => {
    expectValues(interpolate(line(), { size: 7, mode: 'linear', alignCorners: true }), [1, 2, 3, 2.5, 2, 3.5, 5], [1, 1, 7]);
  });
  it('interpolates linearly without aligned corners', () => {
    expectValues(interpolate(line(), { size: 7, mode: 'linear' }), [1.0, 1.7142857313156128, 2.857142925262451, 2.5, 2.2142860889434814, 3.928571939468384, 5.0], [1, 1, 7]);
    expectValues(interpolate(line(), { size: 3, mode: 'linear' }), [1.3333333730697632, 2.5, 4.5], [1, 1, 3]);
  });
  it('samples at 1/scaleFactor unless the scale is recomputed', () => {
    expectValues(interpolate(line(), { scaleFactor: 1.5, mode: 'linear' }), [1.0, 2.0, 2.8333332538604736, 2.1666665077209473, 3.500000238418579, 5.0], [1, 1, 6]);
    const sampled = [1.0, 1.3823530673980713, 1.9705883264541626, 3.117647171020508, 4.0, 1.764706015586853, 1.5622838735580444, 1.25086510181427, 1.7119377851486206, 2.0882351398468018, 2.941176652908325, 1.8391004800796509, 0.14359818398952484, -0.45069244503974915, -0.852941632270813];
    expectValues(interpolate(image(), { scaleFactor: 1.7, mode: 'bilinear' }), sampled, [1, 1, 3, 5]);
    const recomputed = [1.0, 1.4000000953674316, 2.0, 3.200000286102295, 4.0, 2.0, 1.5999999046325684, 1.0, 1.3000000715255737, 1.5, 3.0, 1.7999998331069946, 0, -0.6000000238418579, -1.0];
    expectValues(interpolate(image(), { scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true }), recomputed, [1, 1, 3, 5]);
  });
  it('interpolates 4-D inputs bilinearly', () => {
    expectValues(interpolate(image(), { size: [3, 4], mode: 'bilinear' }), [1.0, 1.625, 2.75, 4.0, 2.0, 1.375, 1.1875, 1.5, 3.0, 1.125, -0.375, -1.0], [1, 1, 3, 4]);
    const aligned = [1.0, 1.6666667461395264, 2.6666667461395264, 4.0, 2.0, 1.3333332538604736, 1.1666667461395264, 1.5, 3.0, 0.9999999403953552, -0.3333333730697632, -1.0];
    expectValues(interpolate(image(), { size: [3, 4], mode: 'bilinear', alignCorners: true }), aligned, [1, 1, 3, 4]);
  });
  it('upsamples 4-D inputs by nearest neighbour', () => {
    expectValues(interpolate(image(), { size: [4, 5] }), [1, 1, 2, 2, 4, 1, 1, 2, 2, 4, 3, 3, 0, 0, -1, 3, 3, 0, 0, -1], [1, 1, 4, 5]);
  });
  it("gives PyTorch's bilinear gradient", () => {
    const x = image().detach().requiresGrad_();
    interpolate(x, { size: [3, 5], mode: 'bilinear' }).backward(arange(15, { dtype: 'float32' }).reshape(1, 1, 3, 5));
    expectValues(x.grad!, [4.899999618530273, 9.899998664855957, 12.700000762939453, 20.89999771118164, 27.89999771118164, 28.700000762939453], [1, 1, 2, 3]);
  });
  it('passes gradcheck in every mode', () => {
    const x3 = f64([0.3, -1.2, 2.5, 0.7, 1.1, -0.4], [1, 2, 3], true);
    const x4 = f64([0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9, 2.2], [1, 2, 2, 2], true);
    expect(gradcheck((a) => interpolate(a, { size: 5, mode: 'linear' }), [x3])).toBe(true);
    expect(gradcheck((a) => interpolate(a, { size: 2, mode: 'nearest' }), [x3])).toBe(true);
    expect(gradcheck((a) => interpolate(a, { size: [3, 5], mode: 'bilinear', alignCorners: true }), [x4])).toBe(true);
    expect(gradcheck((a) => interpolate(a, { scaleFactor: 1.5, mode: 'bilinear' }), [x4])).toBe(true);
  });
  it('rejects both or neither of size and scaleFactor', () => {
    expect(() => interpolate(line(), { size: 2, scaleFactor: 2 })).toThrow(/only one of size or scale_factor should be defined/);
    expect(() => interpolate(line(), {})).toThrow(/either size or scale_factor should be defined/);
  });
  it('rejects alignCorners with nearest modes', () => expect(() => interpolate(line(), { size: 2, alignCorners: false })).toThrow(/align_corners option can only be set with the interpolating modes/));
  it('rejects a mode that does not fit the input', () => {
    expect(() => interpolate(line(), { size: 2, mode: 'bilinear' })).toThrow(/Got 3D input, but bilinear mode needs 4D input/);
    expect(() => interpolate(image(), { size: 2, mode: 'linear' })).toThrow(/Got 4D input, but linear mode needs 3D input/);
    expect(() => interpolate(f32([1, 2], [2]), { size: 2 })).toThrow(/Only 3D and 4D input Tensors supported \(got 1D\)/);
    expect(() => interpolate(line(), { size: 2, mode: 'bicubic' as 'linear' })).toThrow(InvalidArgumentError);
  });
  it('rejects a size list of the wrong length', () => expect(() => interpolate(image(), { size: [2] })).toThrow(/Input and output size must have the same number of spatial dimensions/));
  it('rejects an empty output', () => expect(() => interpolate(line(), { scaleFactor: 0.1 })).toThrow(/Input and output sizes should be greater than 0, but got input \[4\] output \[0\]/));
  it('rejects recomputeScaleFactor with a size', () => expect(() => interpolate(line(), { size: 2, recomputeScaleFactor: true })).toThrow(/recompute_scale_factor is not meaningful with an explicit size/));
});

describe('oneHot', () => {
  it('encodes int64 indices', () => {
    const out = oneHot(tensor([0, 2, 1], { dtype: 'int64' }), 4);
    expect(out.dtype).toBe('int64');
    expect(out.tolist()).toEqual([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]);
  });
  it('infers the number of classes', () => expect(oneHot(tensor([1, 3], { dtype: 'int64' })).shape).toEqual([2, 4]));
  it('rejects an index out of range', () => expect(() => oneHot(tensor([5], { dtype: 'int64' }), 3)).toThrow(IndexError));
});

describe('normalize', () => {
  const u = () => f32([3, 4, 0, 0, 1, -2], [3, 2]);
  it('divides by the 2-norm along dim 1, leaving zero vectors at zero', () => {
    expectValues(normalize(u()), [0.6000000238418579, 0.800000011920929, 0, 0, 0.4472135901451111, -0.8944271802902222], [3, 2]);
  });
  it('takes p and dim', () => expectValues(normalize(u(), { p: 1, dim: 0 }), [0.75, 0.6666666865348816, 0, 0, 0.25, -0.3333333432674408], [3, 2]));
  it('passes gradcheck', () => expect(gradcheck((a) => normalize(a), [f64([3, 4, 0.1, -0.2, 1, -2], [3, 2], true)])).toBe(true));
});

describe('cosineSimilarity', () => {
  it('gives the cosine of the angle along dim 1', () => {
    const out = cosineSimilarity(f32([1, 0, 1, 1, 3, 4], [3, 2]), f32([0, 1, 2, 2, 6, 8], [3, 2]));
    expectValues(out, [0, 1, 1], [3]);
  });
  it('gives 0 for a zero vector (the norm is clamped at eps)', () => expectValues(cosineSimilarity(f32([0, 0], [1, 2]), f32([1, 1], [1, 2])), [0], [1]));
  it('broadcasts its inputs', () => expect(cosineSimilarity(f32([1, 2, 3, 4, 5, 6], [2, 3]), f32([1, 0, 0], [3]), { dim: -1 }).shape).toEqual([2]));
  it("has PyTorch 2.x's gradient below eps: the clamp of each norm is invisible to autograd", () => {
    // f = Σ x1·x2 / (max(‖x1‖, eps)·‖x2‖), where d max(‖x1‖, eps)/dx1 is taken as x1/‖x1‖:
    // ∂f/∂x1 = [(1e8 − 1e7)/√2, 1e8/√2]. (PyTorch 1.13, which clamped squared norms, gave
    // [70003571.34, 70710678.12].)
    const x1 = f64([1e-9, 0], [1, 2], true);
    const out = cosineSimilarity(x1, f64([1, 1], [1, 2]));
    out.backward();
    expect(out.item()).toBeCloseTo(0.1 / Math.SQRT2, 12);
    assertClose(x1.grad!, f64([9e7 / Math.SQRT2, 1e8 / Math.SQRT2], [1, 2]), { rtol: 1e-10 });
  });
  it('passes gradcheck', () => {
    expect(gradcheck((a, b) => cosineSimilarity(a, b), [f64([1, 2, -1, 0.5, 3, 1], [2, 3], true), f64([0.2, -1, 2, 1, 1, 1], [2, 3], true)])).toBe(true);
  });
  it('rejects integer inputs', () => expect(() => cosineSimilarity(tensor([1, 2]), tensor([1, 2]), { dim: 0 })).toThrow(DTypeError));
});

describe('pairwiseDistance', () => {
  const u = () => f32([3, 4, 0, 0, 1, -2], [3, 2]);
  const v = () => f32([1, 0, 1, 1, 2, 1], [3, 2]);
  it('gives ‖x1 − x2 + eps‖ along the last dim', () => expectValues(pairwiseDistance(u(), v()), [4.472137451171875, 1.4142121076583862, 3.16227650642395], [3]));
  it('takes p and keepdim', () => expectValues(pairwiseDistance(u(), v(), { p: 1, keepdim: true }), [6.000001907348633, 1.9999979734420776, 3.999998092651367], [3, 1]));
});
