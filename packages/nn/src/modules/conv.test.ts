import { manualSeed, randn, type Tensor } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import * as F from '../functional/layers.js';
import { Conv1d, Conv2d, ConvTranspose2d } from './conv.js';

function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number>);
}

describe('Conv2d', () => {
  it('draws exactly PyTorch’s weight and bias for torch.manual_seed(0); nn.Conv2d(1, 2, 3)', () => {
    manualSeed(0);
    const conv = new Conv2d(1, 2, 3);
    expect(values(conv.weight).slice(0, 4)).toEqual([-0.0024956068955361843, 0.17881453037261963, -0.2743483781814575, -0.24531301856040955]);
    expect(values(conv.bias!)).toEqual([-0.22598037123680115, -0.14515428245067596]);
  });

  it('draws weight and bias from U(±1/√fan_in), fan_in = in/groups·kH·kW', () => {
    manualSeed(1);
    const conv = new Conv2d(8, 64, [3, 5], { groups: 2 });
    const bound = 1 / Math.sqrt(4 * 15);
    expect(conv.weight.shape).toEqual([64, 4, 3, 5]);
    expect(conv.weight.abs().amax().item()).toBeLessThanOrEqual(bound);
    expect(conv.weight.abs().amax().item()).toBeGreaterThan(0.99 * bound);
    expect(conv.bias!.abs().amax().item()).toBeLessThanOrEqual(bound);
  });

  it('registers weight then bias', () => {
    const state = new Conv2d(1, 2, 3).stateDict();
    expect(Object.entries(state).map(([k, v]) => [k, v.shape])).toEqual([['weight', [2, 1, 3, 3]], ['bias', [2]]]);
  });

  it('computes F.conv2d with its hyperparameters', () => {
    const conv = new Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: 1, dilation: 2, groups: 2 });
    const x = randn(2, 4, 9, 8);
    assertClose(conv.call(x), F.conv2d(x, conv.weight, conv.bias, { stride: [2, 1], padding: 1, dilation: 2, groups: 2 }));
  });

  it("keeps the input size with padding 'same'", () => {
    expect(new Conv2d(3, 4, 4, { padding: 'same' }).call(randn(1, 3, 7, 6)).shape).toEqual([1, 4, 7, 6]);
  });

  it('prints as PyTorch', () => {
    expect(new Conv2d(1, 2, 3).toString()).toBe('Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))');
    expect(new Conv2d(4, 6, [3, 5], { stride: [2, 1], padding: [1, 2], dilation: 2, groups: 2, bias: false }).toString()).toBe(
      'Conv2d(4, 6, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(2, 2), groups=2, bias=False)',
    );
    expect(new Conv2d(1, 2, 3, { padding: 'same' }).toString()).toBe('Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)');
  });

  it('throws on bad groups', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 0 })).toThrow('Conv2d: groups must be a positive integer, got 0');
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: in_channels must be divisible by groups, got in_channels=3 and groups=2');
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow('Conv2d: out_channels must be divisible by groups, got out_channels=3 and groups=2');
  });

  it('throws on bad channels and sizes', () => {
    expect(() => new Conv2d(-1, 3, 3)).toThrow('Conv2d: in_channels must be an integer >= 0, got -1');
    expect(() => new Conv2d(1, 2.5, 3)).toThrow('Conv2d: out_channels must be an integer >= 0, got 2.5');
    expect(() => new Conv2d(1, 2, [3, 3, 3])).toThrow('Conv2d: kernel_size must be a positive integer or a tuple of 2, got (3, 3, 3)');
    expect(() => new Conv2d(1, 2, 3, { stride: 0 })).toThrow('Conv2d: stride must be a positive integer or a tuple of 2, got 0');
    expect(() => new Conv2d(1, 2, 3, { padding: -1 })).toThrow('Conv2d: padding must be a non-negative integer or a tuple of 2, got -1');
    expect(() => new Conv2d(1, 2, 3, { dilation: [1, 0] })).toThrow('Conv2d: dilation must be a positive integer or a tuple of 2, got (1, 0)');
  });

  it('throws on a bad padding string, and on padding same with a stride', () => {
    expect(() => new Conv2d(4, 4, 3, { padding: 'full' as 'same' })).toThrow("Conv2d: Invalid padding string 'full', should be one of 'valid', 'same'");
    expect(() => new Conv2d(4, 4, 3, { padding: 'same', stride: 2 })).toThrow("Conv2d: padding='same' is not supported for strided convolutions, got stride=(2, 2)");
  });

  it('throws on padding modes other than zeros', () => {
    expect(() => new Conv2d(4, 4, 3, { paddingMode: 'reflect' })).toThrow("Conv2d: padding_mode 'reflect' is not implemented; only 'zeros' is supported");
    expect(() => new Conv2d(4, 4, 3, { paddingMode: 'zero' as 'zeros' })).toThrow(
      "Conv2d: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got padding_mode='zero'",
    );
  });
});

describe('Conv1d', () => {
  it('computes F.conv1d with weight [out, in/groups, k]', () => {
    const conv = new Conv1d(3, 4, 3, { stride: 2, padding: 1 });
    expect(conv.weight.shape).toEqual([4, 3, 3]);
    const x = randn(2, 3, 9);
    expect(conv.call(x).shape).toEqual([2, 4, 5]);
    assertClose(conv.call(x), F.conv1d(x, conv.weight, conv.bias, { stride: 2, padding: 1 }));
  });

  it('prints as PyTorch', () => {
    expect(new Conv1d(1, 2, 3).toString()).toBe('Conv1d(1, 2, kernel_size=(3,), stride=(1,))');
    expect(new Conv1d(2, 4, 3, { padding: 'valid', groups: 2 }).toString()).toBe('Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=valid, groups=2)');
  });
});

describe('ConvTranspose2d', () => {
  it('has weight [in, out/groups, kH, kW] with fan_in from dim 1', () => {
    manualSeed(2);
    const conv = new ConvTranspose2d(4, 6, 3, { groups: 2 });
    expect(conv.weight.shape).toEqual([4, 3, 3, 3]);
    const bound = 1 / Math.sqrt(3 * 9);
    expect(conv.weight.abs().amax().item()).toBeLessThanOrEqual(bound);
    expect(conv.bias!.abs().amax().item()).toBeLessThanOrEqual(bound);
  });

  it('computes F.convTranspose2d, with outputPadding adding to the output size', () => {
    const conv = new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
    const x = randn(1, 2, 3, 3);
    expect(conv.call(x).shape).toEqual([1, 3, 6, 6]);
    assertClose(conv.call(x), F.convTranspose2d(x, conv.weight, conv.bias, { stride: 2, padding: 1, outputPadding: 1 }));
  });

  it('prints as PyTorch', () => {
    expect(new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }).toString()).toBe(
      'ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))',
    );
  });

  it('throws on a padding string', () => {
    expect(() => new ConvTranspose2d(2, 3, 3, { padding: 'same' as unknown as number })).toThrow(
      "ConvTranspose2d: padding must be a number or a tuple of 2 numbers, got 'same'",
    );
  });
});
