import { randn, tensor, zeros } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import * as F from '../functional/layers.js';
import { BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm } from './normalization.js';

const x1 = tensor([[1, 10], [3, 20], [2, 0]], { dtype: 'float32' });
const x2 = tensor([[0, 1], [4, 3]], { dtype: 'float32' });

describe('BatchNorm1d', () => {
  it('normalises with batch statistics in training, as PyTorch', () => {
    const y = new BatchNorm1d(2).call(x1);
    assertClose(y, tensor([[-1.2247356176376343, -2.9802322387695312e-8], [1.2247356176376343, 1.2247447967529297], [0, -1.2247447967529297]]));
  });

  it('updates running stats with momentum 0.1 and the unbiased variance, counting batches', () => {
    const bn = new BatchNorm1d(2);
    bn.call(x1);
    bn.call(x2);
    assertClose(bn.running_mean!, tensor([0.38, 1.1]));
    assertClose(bn.running_var!, tensor([1.7, 10.01]));
    expect(bn.num_batches_tracked!.item()).toBe(2);
    expect(bn.num_batches_tracked!.dtype).toBe('int64');
    expect(bn.num_batches_tracked!.shape).toEqual([]);
  });

  it('keeps a cumulative moving average when momentum is null', () => {
    const bn = new BatchNorm1d(2, { momentum: null });
    bn.call(x1);
    bn.call(x2);
    assertClose(bn.running_mean!, tensor([2, 6]));
    assertClose(bn.running_var!, tensor([4.5, 51]));
  });

  it('uses the running stats in eval mode without changing them', () => {
    const bn = new BatchNorm1d(2);
    bn.call(x1);
    bn.call(x2);
    bn.eval();
    assertClose(bn.call(x2), tensor([[-0.2914458215236664, -0.031606972217559814], [2.776405096054077, 0.6005322933197021]]));
    assertClose(bn.running_mean!, tensor([0.38, 1.1]));
    expect(bn.num_batches_tracked!.item()).toBe(2);
  });

  it('always uses batch statistics without trackRunningStats, and has no buffers', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false }).eval();
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    assertClose(bn.call(x1), new BatchNorm1d(2).call(x1));
  });

  it('has no parameters without affine', () => {
    expect(Object.keys(new BatchNorm1d(2, { affine: false }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
  });

  it('accepts [N, C, L] input', () => {
    const x = randn(4, 3, 5);
    assertClose(new BatchNorm1d(3).call(x), F.batchNorm(x, null, null, { training: true }));
  });

  it('resets its statistics and affine parameters', () => {
    const bn = new BatchNorm1d(2);
    bn.call(x1);
    bn.weight!.detach().fill_(3);
    bn.resetParameters();
    expect(bn.running_mean!.tolist()).toEqual([0, 0]);
    expect(bn.running_var!.tolist()).toEqual([1, 1]);
    expect(bn.num_batches_tracked!.item()).toBe(0);
    expect(bn.weight!.tolist()).toEqual([1, 1]);
  });

  it('prints as PyTorch', () => {
    expect(new BatchNorm1d(3, { momentum: null, affine: false }).toString()).toBe('BatchNorm1d(3, eps=1e-05, momentum=None, affine=False, track_running_stats=True)');
  });

  it('throws on inputs that are not 2-d or 3-d', () => {
    expect(() => new BatchNorm1d(2).call(zeros(2, 2, 2, 2))).toThrow('BatchNorm1d: expected 2D or 3D input (got 4D input)');
  });

  it('throws on a single value per channel in training', () => {
    expect(() => new BatchNorm1d(2).call(zeros(1, 2))).toThrow(/expected more than 1 value per channel when training/i);
  });

  it('throws on bad options', () => {
    expect(() => new BatchNorm1d(0)).toThrow('BatchNorm1d: num_features must be an integer >= 1, got 0');
    expect(() => new BatchNorm1d(2, { momentum: 2 })).toThrow('BatchNorm1d: momentum must lie in [0, 1] or be null, got 2');
    expect(() => new BatchNorm1d(2, { eps: -1 })).toThrow('BatchNorm1d: eps must be non-negative, got -1');
  });
});

describe('BatchNorm2d', () => {
  it('has PyTorch’s state-dict keys, shapes and order', () => {
    const state = new BatchNorm2d(2).stateDict();
    expect(Object.entries(state).map(([k, v]) => [k, v.shape, v.dtype])).toEqual([
      ['weight', [2], 'float32'],
      ['bias', [2], 'float32'],
      ['running_mean', [2], 'float32'],
      ['running_var', [2], 'float32'],
      ['num_batches_tracked', [], 'int64'],
    ]);
  });

  it('prints as PyTorch', () => {
    expect(new BatchNorm2d(2).toString()).toBe('BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });

  it('throws on inputs that are not 4-d', () => {
    expect(() => new BatchNorm2d(2).call(zeros(2, 2))).toThrow('BatchNorm2d: expected 4D input (got 2D input)');
  });
});

describe('LayerNorm', () => {
  it('has weight ones and bias zeros of the normalised shape', () => {
    const ln = new LayerNorm([2, 3]);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(ln.weight!.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(ln.bias!.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('computes F.layerNorm', () => {
    const x = randn(2, 3, 4);
    const ln = new LayerNorm(4, { eps: 1e-3 });
    assertClose(ln.call(x), F.layerNorm(x, [4], { weight: ln.weight, bias: ln.bias, eps: 1e-3 }));
  });

  it('omits parameters without elementwiseAffine, and the bias with bias: false', () => {
    expect(Object.keys(new LayerNorm(4, { elementwiseAffine: false }).stateDict())).toEqual([]);
    expect(Object.keys(new LayerNorm(4, { bias: false }).stateDict())).toEqual(['weight']);
  });

  it('prints as PyTorch', () => {
    expect(new LayerNorm(4, { elementwiseAffine: false }).toString()).toBe('LayerNorm((4,), eps=1e-05, elementwise_affine=False)');
    expect(new LayerNorm([2, 3]).toString()).toBe('LayerNorm((2, 3), eps=1e-05, elementwise_affine=True)');
  });

  it('throws on a bad normalised shape', () => {
    expect(() => new LayerNorm([2, -1])).toThrow('LayerNorm: normalized_shape must be non-negative integers, got (2, -1)');
  });
});

describe('GroupNorm', () => {
  it('normalises groups of channels as PyTorch', () => {
    const y = new GroupNorm(2, 4).call(tensor(Array.from({ length: 16 }, (_, i) => i), { dtype: 'float32' }).reshape(2, 4, 2));
    const row = [-1.3416354656219482, -0.4472118020057678, 0.4472118616104126, 1.3416354656219482];
    assertClose(y.flatten(), tensor([...row, ...row, ...row, ...row]), { atol: 1e-6 });
  });

  it('has weight and bias [C], or none without affine', () => {
    expect(Object.entries(new GroupNorm(2, 4).stateDict()).map(([k, v]) => [k, v.shape])).toEqual([['weight', [4]], ['bias', [4]]]);
    expect(Object.keys(new GroupNorm(2, 4, { affine: false }).stateDict())).toEqual([]);
  });

  it('prints as PyTorch', () => {
    expect(new GroupNorm(2, 4).toString()).toBe('GroupNorm(2, 4, eps=1e-05, affine=True)');
  });

  it('throws when the channels do not divide into groups', () => {
    expect(() => new GroupNorm(3, 4)).toThrow('GroupNorm: num_channels must be divisible by num_groups, got num_channels=4 and num_groups=3');
    expect(() => new GroupNorm(0, 4)).toThrow('GroupNorm: num_groups must be an integer >= 1, got 0');
    expect(() => new GroupNorm(2, -4)).toThrow('GroupNorm: num_channels must be an integer >= 0, got -4');
  });
});
