import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { gradTolerance, make, numericGradient, randomTensor } from '../../test/numeric.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { assertClose, fromRecord } from '../testing.js';
import { Tensor } from '../tensor.js';
import { batchNorm, batchNormBackward, groupNorm, groupNormBackward, layerNorm, layerNormBackward } from './normalization.js';

const invSqrt = (v: number) => 1 / Math.sqrt(v + 1e-5);

describe('batchNorm', () => {
  it('matches PyTorch for F.batch_norm(x, None, None, w, b, training=True, eps=1e-5), forward and backward', () => {
    const c = opCase('F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)');
    const x = fromRecord(c.inputs.x!);
    const w = fromRecord(c.inputs.w!);
    const { output, saveMean, saveInvstd } = batchNorm(x, null, null, w, fromRecord(c.inputs.b!), { training: true, eps: 1e-5 });
    assertClose(output, c.output);
    const grads = batchNormBackward(fromRecord(c.R), x, w, saveMean, saveInvstd, { training: true });
    assertClose(grads.gradInput, c.grads.x!);
    assertClose(grads.gradWeight, c.grads.w!);
    assertClose(grads.gradBias, c.grads.b!);
  });

  it('updates running stats in place with the unbiased variance and bumps their version', () => {
    // Channel 0 holds 1 and 3 (mean 2, biased var 1, unbiased 2); channel 1 holds 2 and 6 (mean 4, var 4, unbiased 8).
    const x = make([1, 2, 3, 6], [2, 2], 'float64');
    const runningMean = make([0, 0], [2], 'float64');
    const runningVar = make([1, 1], [2], 'float64');
    const { output, saveMean, saveInvstd } = batchNorm(x, runningMean, runningVar, null, null, { training: true });
    assertClose(runningMean, make([0.2, 0.4], [2], 'float64'), { rtol: 1e-15 });
    assertClose(runningVar, make([0.9 + 0.1 * 2, 0.9 + 0.1 * 8], [2], 'float64'), { rtol: 1e-15 });
    expect(runningMean.version).toBe(1);
    expect(runningVar.version).toBe(1);
    expect(saveMean.tolist()).toEqual([2, 4]);
    assertClose(saveInvstd, make([invSqrt(1), invSqrt(4)], [2], 'float64'), { rtol: 1e-15 });
    assertClose(output, make([-invSqrt(1), -2 * invSqrt(4), invSqrt(1), 2 * invSqrt(4)], [2, 2], 'float64'), { rtol: 1e-15 });
  });

  it('applies momentum to the running stats', () => {
    const runningMean = make([10], [1], 'float64');
    const runningVar = make([10], [1], 'float64');
    batchNorm(make([1, 3, 5], [3, 1], 'float64'), runningMean, runningVar, null, null, { training: true, momentum: 0.5 });
    // Batch mean 3, unbiased variance (4 + 0 + 4) / 2 = 4.
    expect(runningMean.tolist()).toEqual([6.5]);
    expect(runningVar.tolist()).toEqual([7]);
  });

  it('writes running stats through their strides', () => {
    const storage = make([0, -1, 0, -1], [4], 'float64').storage;
    const runningMean = new Tensor(storage, [2], [2], 0, 'float64');
    batchNorm(make([1, 2, 3, 6], [2, 2], 'float64'), runningMean, null, null, null, { training: true, momentum: 1 });
    expect([...storage.data]).toEqual([2, -1, 4, -1]);
  });

  it('normalises with the running stats in evaluation and leaves them alone', () => {
    const runningMean = make([1, -1], [2]);
    const runningVar = make([4, 0.25], [2]);
    const x = make([3, 0, 5, 1, 1, -1], [1, 2, 3]);
    const { output, saveMean, saveInvstd } = batchNorm(x, runningMean, runningVar, make([2, 1], [2]), make([0, 10], [2]));
    const s0 = 2 * invSqrt(4);
    const s1 = invSqrt(0.25);
    assertClose(output, make([2 * s0, -s0, 4 * s0, 10 + 2 * s1, 10 + 2 * s1, 10], [1, 2, 3]));
    expect(runningMean.tolist()).toEqual([1, -1]);
    expect(runningMean.version).toBe(0);
    expect(saveMean.tolist()).toEqual([1, -1]);
    assertClose(saveInvstd, make([invSqrt(4), invSqrt(0.25)], [2]));
  });

  it('rejects one value per channel in training', () => {
    expect(() => batchNorm(make([1, 2, 3], [1, 3]), null, null, null, null, { training: true })).toThrow(InvalidArgumentError);
    expect(() => batchNorm(make([1, 2, 3], [1, 3]), null, null, null, null, { training: true })).toThrow(
      'batch_norm: expected more than 1 value per channel when training, got input size [1,3]',
    );
  });

  it('rejects evaluation without running stats', () => {
    expect(() => batchNorm(make([1, 2], [2, 1]), null, null, null, null)).toThrow(
      'batch_norm: running_mean and running_var must be defined in evaluation mode',
    );
  });

  it('rejects parameters of the wrong size, integer input and 1-D input', () => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => batchNorm(x, null, null, make([1, 1], [2]), null, { training: true })).toThrow(ShapeError);
    expect(() => batchNorm(x, make([0, 0, 0, 0], [4]), null, null, null, { training: true })).toThrow(
      'batch_norm: running_mean should contain 3 elements (one per channel of input [2,3]), got [4]',
    );
    expect(() => batchNorm(make([1, 2], [1, 2], 'int64'), null, null, null, null, { training: true })).toThrow(DTypeError);
    expect(() => batchNorm(x, null, null, make([1, 1, 1], [3], 'int64'), null, { training: true })).toThrow(
      'batch_norm: weight must be a floating-point tensor, got int64',
    );
    expect(() => batchNorm(make([1, 2], [2]), null, null, null, null, { training: true })).toThrow(
      'batch_norm: expected input with at least 2 dims [N, C, *], got [2]',
    );
  });
});

describe('batchNormBackward', () => {
  const x = randomTensor([3, 2, 4], 1);
  const w = randomTensor([2], 2);
  const b = randomTensor([2], 3);
  const r = randomTensor([3, 2, 4], 4);

  it('matches finite differences in training for input, weight and bias', () => {
    const train = { training: true };
    const { saveMean, saveInvstd } = batchNorm(x, null, null, w, b, train);
    const grads = batchNormBackward(r, x, w, saveMean, saveInvstd, train);
    assertClose(grads.gradInput, numericGradient((t) => batchNorm(t, null, null, w, b, train).output, x, r), gradTolerance);
    assertClose(grads.gradWeight, numericGradient((t) => batchNorm(x, null, null, t, b, train).output, w, r), gradTolerance);
    assertClose(grads.gradBias, numericGradient((t) => batchNorm(x, null, null, w, t, train).output, b, r), gradTolerance);
  });

  it('matches finite differences in evaluation, where the statistics are constants', () => {
    const runningMean = randomTensor([2], 5);
    const runningVar = make([0.5, 2], [2], 'float64');
    const { saveMean, saveInvstd } = batchNorm(x, runningMean, runningVar, w, b);
    const grads = batchNormBackward(r, x, w, saveMean, saveInvstd, { training: false });
    assertClose(grads.gradInput, numericGradient((t) => batchNorm(t, runningMean, runningVar, w, b).output, x, r), gradTolerance);
    assertClose(grads.gradWeight, numericGradient((t) => batchNorm(x, runningMean, runningVar, t, b).output, w, r), gradTolerance);
  });

  it('treats a missing weight as ones', () => {
    const { saveMean, saveInvstd } = batchNorm(x, null, null, null, null, { training: true });
    const grads = batchNormBackward(r, x, null, saveMean, saveInvstd, { training: true });
    assertClose(grads.gradInput, numericGradient((t) => batchNorm(t, null, null, null, null, { training: true }).output, x, r), gradTolerance);
  });

  it('rejects gradOutput of another shape and statistics of the wrong size', () => {
    const mean = make([0, 0], [2], 'float64');
    expect(() => batchNormBackward(randomTensor([3, 2], 1), x, null, mean, mean, { training: true })).toThrow(
      'batch_norm_backward: gradOutput [3,2] and input [3,2,4] differ in shape',
    );
    expect(() => batchNormBackward(r, x, null, make([0], [1], 'float64'), mean, { training: true })).toThrow(
      'batch_norm_backward: saveMean [1] should hold 2 values for input [3,2,4]',
    );
  });
});

describe('layerNorm', () => {
  it('matches PyTorch for F.layer_norm(x, [4], w, b), forward and backward', () => {
    const c = opCase('F.layer_norm(x, [4], w, b)');
    const x = fromRecord(c.inputs.x!);
    const w = fromRecord(c.inputs.w!);
    const { output, mean, rstd } = layerNorm(x, [4], w, fromRecord(c.inputs.b!));
    assertClose(output, c.output);
    const grads = layerNormBackward(fromRecord(c.R), x, [4], mean, rstd, w);
    assertClose(grads.gradInput, c.grads.x!);
    assertClose(grads.gradWeight, c.grads.w!);
    assertClose(grads.gradBias, c.grads.b!);
  });

  it('returns mean and rstd with the normalised dims kept as 1', () => {
    const { output, mean, rstd } = layerNorm(make([1, 2, 3, 4, 2, 2, 2, 2], [2, 1, 4], 'float64'), 4, null, null);
    expect(mean.shape).toEqual([2, 1, 1]);
    expect(mean.tolist()).toEqual([[[2.5]], [[2]]]);
    assertClose(rstd, make([invSqrt(1.25), invSqrt(0)], [2, 1, 1], 'float64'), { rtol: 1e-15 });
    const s = invSqrt(1.25);
    assertClose(output, make([-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s, 0, 0, 0, 0], [2, 1, 4], 'float64'), { rtol: 1e-15 });
  });

  it('normalises over several trailing dims', () => {
    const { mean } = layerNorm(make([1, 2, 3, 4, 5, 6], [1, 2, 3]), [2, 3], null, null);
    expect(mean.shape).toEqual([1, 1, 1]);
    expect(mean.tolist()).toEqual([[[3.5]]]);
  });

  it('rejects a normalized_shape that does not end the input shape', () => {
    expect(() => layerNorm(make([1, 2, 3, 4, 5, 6], [2, 3]), [4], null, null)).toThrow(ShapeError);
    expect(() => layerNorm(make([1, 2, 3, 4, 5, 6], [2, 3]), [4], null, null)).toThrow(
      'layer_norm: given normalized_shape=[4], expected input with shape [*, 4], but got input of size [2,3]',
    );
    expect(() => layerNorm(make([1, 2], [2]), [], null, null)).toThrow(InvalidArgumentError);
  });

  it('rejects a weight or bias not shaped like normalized_shape, and integer input', () => {
    const x = make([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => layerNorm(x, [3], make([1, 1], [2]), null)).toThrow(
      'layer_norm: expected weight to be of same shape as normalized_shape, but got weight of shape [2] and normalized_shape = [3]',
    );
    expect(() => layerNorm(x, [3], null, make([1, 1, 1], [1, 3]))).toThrow(ShapeError);
    expect(() => layerNorm(make([1, 2], [2], 'int32'), [2], null, null)).toThrow('layer_norm: input must be a floating-point tensor, got int32');
  });
});

describe('layerNormBackward', () => {
  it('matches finite differences over two normalised dims for input, weight and bias', () => {
    const x = randomTensor([2, 2, 3], 7);
    const w = randomTensor([2, 3], 8);
    const b = randomTensor([2, 3], 9);
    const r = randomTensor([2, 2, 3], 10);
    const { mean, rstd } = layerNorm(x, [2, 3], w, b);
    const grads = layerNormBackward(r, x, [2, 3], mean, rstd, w);
    assertClose(grads.gradInput, numericGradient((t) => layerNorm(t, [2, 3], w, b).output, x, r), gradTolerance);
    assertClose(grads.gradWeight, numericGradient((t) => layerNorm(x, [2, 3], t, b).output, w, r), gradTolerance);
    assertClose(grads.gradBias, numericGradient((t) => layerNorm(x, [2, 3], w, t).output, b, r), gradTolerance);
  });

  it('matches finite differences without a weight', () => {
    const x = randomTensor([3, 5], 11);
    const r = randomTensor([3, 5], 12);
    const { mean, rstd } = layerNorm(x, 5, null, null);
    assertClose(layerNormBackward(r, x, 5, mean, rstd, null).gradInput, numericGradient((t) => layerNorm(t, 5, null, null).output, x, r), gradTolerance);
  });

  it('rejects statistics of the wrong size', () => {
    const x = randomTensor([3, 5], 11);
    expect(() => layerNormBackward(x, x, 5, make([0], [1], 'float64'), make([1], [1], 'float64'), null)).toThrow(
      'layer_norm_backward: mean [1] should hold 3 values for input [3,5]',
    );
  });
});

describe('groupNorm', () => {
  it('matches PyTorch for F.group_norm(x, 2, w, b), forward and backward', () => {
    const c = opCase('F.group_norm(x, 2, w, b)');
    const x = fromRecord(c.inputs.x!);
    const w = fromRecord(c.inputs.w!);
    const { output, mean, rstd } = groupNorm(x, 2, w, fromRecord(c.inputs.b!));
    assertClose(output, c.output);
    const grads = groupNormBackward(fromRecord(c.R), x, mean, rstd, w, 2);
    assertClose(grads.gradInput, c.grads.x!);
    assertClose(grads.gradWeight, c.grads.w!);
    assertClose(grads.gradBias, c.grads.b!);
  });

  it('normalises each group of channels together and returns [N, G] statistics', () => {
    // Group 0 = channels 0 and 1 = [1, 3, 5, 7]: mean 4, variance 5. Group 1 = [2, 2, 2, 2].
    const x = make([1, 3, 5, 7, 2, 2, 2, 2], [1, 4, 2], 'float64');
    const { output, mean, rstd } = groupNorm(x, 2, make([1, 2, 1, 1], [4], 'float64'), make([0, 0, 5, 5], [4], 'float64'));
    expect(mean.shape).toEqual([1, 2]);
    expect(mean.tolist()).toEqual([[4, 2]]);
    const s = invSqrt(5);
    assertClose(rstd, make([s, invSqrt(0)], [1, 2], 'float64'), { rtol: 1e-15 });
    assertClose(output, make([-3 * s, -s, 2 * s, 6 * s, 5, 5, 5, 5], [1, 4, 2], 'float64'), { rtol: 1e-14 });
  });

  it('rejects a channel count not divisible by num_groups', () => {
    expect(() => groupNorm(make(new Array(24).fill(0), [2, 4, 3]), 3, null, null)).toThrow(InvalidArgumentError);
    expect(() => groupNorm(make(new Array(24).fill(0), [2, 4, 3]), 3, null, null)).toThrow(
      'group_norm: expected number of channels in input to be divisible by num_groups, but got input of shape [2,4,3] and num_groups=3',
    );
  });

  it('rejects a weight that is not one value per channel, integer input and 1-D input', () => {
    const x = make(new Array(8).fill(0), [2, 4]);
    expect(() => groupNorm(x, 2, make([1, 1, 1], [3]), null)).toThrow(
      'group_norm: expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [3] and input of shape [2,4]',
    );
    expect(() => groupNorm(make([1, 2], [1, 2], 'int64'), 1, null, null)).toThrow(DTypeError);
    expect(() => groupNorm(make([1, 2], [2]), 1, null, null)).toThrow(
      'group_norm: expected at least 2 dimensions for input tensor [N, C, *], but got [2]',
    );
  });
});

describe('groupNormBackward', () => {
  it('matches finite differences over spatial dims for input, weight and bias', () => {
    const x = randomTensor([2, 4, 2, 3], 13);
    const w = randomTensor([4], 14);
    const b = randomTensor([4], 15);
    const r = randomTensor([2, 4, 2, 3], 16);
    const { mean, rstd } = groupNorm(x, 2, w, b);
    const grads = groupNormBackward(r, x, mean, rstd, w, 2);
    assertClose(grads.gradInput, numericGradient((t) => groupNorm(t, 2, w, b).output, x, r), gradTolerance);
    assertClose(grads.gradWeight, numericGradient((t) => groupNorm(x, 2, t, b).output, w, r), gradTolerance);
    assertClose(grads.gradBias, numericGradient((t) => groupNorm(x, 2, w, t).output, b, r), gradTolerance);
  });

  it('matches finite differences without a weight and with one group', () => {
    const x = randomTensor([3, 2, 2], 17);
    const r = randomTensor([3, 2, 2], 18);
    const { mean, rstd } = groupNorm(x, 1, null, null);
    assertClose(groupNormBackward(r, x, mean, rstd, null, 1).gradInput, numericGradient((t) => groupNorm(t, 1, null, null).output, x, r), gradTolerance);
  });

  it('rejects gradOutput of another shape', () => {
    const x = randomTensor([2, 2], 1);
    expect(() => groupNormBackward(randomTensor([2], 1), x, x, x, null, 1)).toThrow(
      'group_norm_backward: gradOutput [2] and input [2,2] differ in shape',
    );
  });
});
