import { randn, tensor } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import * as F from '../functional/layers.js';
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from './pooling.js';

describe('MaxPool1d', () => {
  it('returns output and indices with returnIndices', () => {
    const { output, indices } = new MaxPool1d(2, { returnIndices: true }).call(tensor([[[1, 3, 2, 5, 4, 0]]], { dtype: 'float32' }));
    expect(output.tolist()).toEqual([[[3, 5, 4]]]);
    expect(indices.tolist()).toEqual([[[1, 3, 4]]]);
  });

  it('prints as PyTorch', () => {
    expect(new MaxPool1d(2).toString()).toBe('MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
  });
});

describe('MaxPool2d', () => {
  it('computes F.maxPool2d with its hyperparameters', () => {
    const x = randn(2, 3, 7, 7);
    const pool = new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
    assertClose(pool.call(x), F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }));
    expect(pool.call(x).shape).toEqual([2, 3, 4, 4]);
  });

  it('prints sizes as given, the stride defaulting to the kernel', () => {
    expect(new MaxPool2d([2, 3]).toString()).toBe('MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)');
    expect(new MaxPool2d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }).toString()).toBe(
      'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)',
    );
  });

  it('throws on bad sizes', () => {
    expect(() => new MaxPool2d(0)).toThrow('MaxPool2d: kernel_size must be a positive integer or a tuple of 2, got 0');
    expect(() => new MaxPool2d(2, { stride: [1, 2, 3] })).toThrow('MaxPool2d: stride must be a positive integer or a tuple of 2, got (1, 2, 3)');
    expect(() => new MaxPool2d(2, { padding: -1 })).toThrow('MaxPool2d: padding must be a non-negative integer or a tuple of 2, got -1');
    expect(() => new MaxPool2d(2, { dilation: 0 })).toThrow('MaxPool2d: dilation must be a positive integer or a tuple of 2, got 0');
  });
});

describe('AvgPool1d', () => {
  it('computes F.avgPool1d and prints 1-tuples as PyTorch', () => {
    const x = randn(2, 3, 8);
    const pool = new AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false });
    assertClose(pool.call(x), F.avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false }));
    expect(new AvgPool1d(2).toString()).toBe('AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))');
  });

  it('throws on bad sizes', () => {
    expect(() => new AvgPool1d(-2)).toThrow('AvgPool1d: kernel_size must be a positive integer or a tuple of 1, got -2');
    expect(() => new AvgPool1d(2, { stride: 0 })).toThrow('AvgPool1d: stride must be a positive integer or a tuple of 1, got 0');
    expect(() => new AvgPool1d(2, { padding: -1 })).toThrow('AvgPool1d: padding must be a non-negative integer or a tuple of 1, got -1');
  });
});

describe('AvgPool2d', () => {
  it('computes F.avgPool2d, with divisorOverride', () => {
    const x = randn(2, 3, 4, 6);
    assertClose(new AvgPool2d(2).call(x), F.avgPool2d(x, 2));
    assertClose(new AvgPool2d(2, { divisorOverride: 2 }).call(x), F.avgPool2d(x, 2).mul(2));
  });

  it('prints as PyTorch', () => {
    expect(new AvgPool2d(2).toString()).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
  });

  it('throws on bad sizes', () => {
    expect(() => new AvgPool2d([2])).toThrow('AvgPool2d: kernel_size must be a positive integer or a tuple of 2, got (2,)');
    expect(() => new AvgPool2d(2, { stride: 0 })).toThrow('AvgPool2d: stride must be a positive integer or a tuple of 2, got 0');
    expect(() => new AvgPool2d(2, { padding: 0.5 })).toThrow('AvgPool2d: padding must be a non-negative integer or a tuple of 2, got 0.5');
  });
});

describe('AdaptiveAvgPool2d', () => {
  it('pools to the output size, null keeping an input size', () => {
    expect(new AdaptiveAvgPool2d([2, null]).call(randn(1, 2, 5, 7)).shape).toEqual([1, 2, 2, 7]);
    const x = randn(3, 4, 5);
    assertClose(new AdaptiveAvgPool2d(1).call(x), x.mean([1, 2], { keepdim: true }), { atol: 1e-6 });
  });

  it('prints as PyTorch', () => {
    expect(new AdaptiveAvgPool2d([2, null]).toString()).toBe('AdaptiveAvgPool2d(output_size=(2, None))');
    expect(new AdaptiveAvgPool2d(1).toString()).toBe('AdaptiveAvgPool2d(output_size=1)');
  });

  it('throws on a bad output size', () => {
    expect(() => new AdaptiveAvgPool2d([1, 2, 3])).toThrow(
      'AdaptiveAvgPool2d: output_size must be a non-negative integer or a pair of them (or None), got (1, 2, 3)',
    );
    expect(() => new AdaptiveAvgPool2d(-1)).toThrow('AdaptiveAvgPool2d: output_size must be a non-negative integer');
  });
});
