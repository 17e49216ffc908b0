import { fromRaw, manualSeed, ones, randn, type Tensor, tensor, zeros } from '@torchlet/autograd';
import { assertClose, fromRecord, gradcheck } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import { opCases } from '../../test/fixtures.js';
import * as F from './layers.js';

/** The PyTorch calls of ops.json this file covers, as torchlet calls. */
const calls: Record<string, (inputs: Record<string, Tensor>) => Tensor> = {
  'F.linear(x, w, b)': ({ x, w, b }) => F.linear(x!, w!, b),
  'F.conv1d(x, w, b, stride=2, padding=1)': ({ x, w, b }) => F.conv1d(x!, w!, b, { stride: 2, padding: 1 }),
  'F.conv2d(x, w, b, stride=1, padding=1)': ({ x, w, b }) => F.conv2d(x!, w!, b, { stride: 1, padding: 1 }),
  'F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)': ({ x, w, b }) => F.conv2d(x!, w!, b, { stride: 2, padding: 2, dilation: 2, groups: 2 }),
  'F.conv_transpose2d(x, w, b, stride=2, padding=1)': ({ x, w, b }) => F.convTranspose2d(x!, w!, b, { stride: 2, padding: 1 }),
  'F.max_pool2d(x, 2)': ({ x }) => F.maxPool2d(x!, 2),
  'F.max_pool2d(x, 3, stride=2, padding=1)': ({ x }) => F.maxPool2d(x!, 3, { stride: 2, padding: 1 }),
  'F.avg_pool2d(x, 2)': ({ x }) => F.avgPool2d(x!, 2),
  'F.adaptive_avg_pool2d(x, (2, 3))': ({ x }) => F.adaptiveAvgPool2d(x!, [2, 3]),
  'F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)': ({ x, w, b }) => F.batchNorm(x!, null, null, { weight: w, bias: b, training: true, eps: 1e-5 }),
  'F.layer_norm(x, [4], w, b)': ({ x, w, b }) => F.layerNorm(x!, [4], { weight: w, bias: b }),
  'F.group_norm(x, 2, w, b)': ({ x, w, b }) => F.groupNorm(x!, 2, { weight: w, bias: b }),
  'F.embedding(idx, w)': ({ idx, w }) => F.embedding(idx!, w!),
};

describe('layer functions against PyTorch (ops.json)', () => {
  for (const [call, run] of Object.entries(calls)) {
    const fixture = opCases.find((c) => c.call === call);
    it(`matches ${call} and the gradients of sum(output·R)`, () => {
      expect(fixture).toBeDefined();
      const inputs = Object.fromEntries(
        Object.entries(fixture!.inputs).map(([name, record]) => [name, fromRaw(fromRecord(record), { requiresGrad: name in fixture!.grads })]),
      );
      const output = run(inputs);
      assertClose(output, fixture!.output);
      output.mul(fromRaw(fromRecord(fixture!.R))).sum().backward();
      for (const [name, expected] of Object.entries(fixture!.grads)) assertClose(inputs[name]!.grad!, expected);
    });
  }
});

describe('linear', () => {
  it('works on 1-d and 3-d inputs and without bias', () => {
    const w = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' });
    expect(F.linear(tensor([1, 1], { dtype: 'float32' }), w).tolist()).toEqual([3, 7, 11]);
    expect(F.linear(ones(2, 4, 2), w, tensor([1, 1, 1], { dtype: 'float32' })).shape).toEqual([2, 4, 3]);
  });

  it('throws on a feature mismatch with the shapes PyTorch prints', () => {
    expect(() => F.linear(zeros(4, 3), zeros(2, 4))).toThrow('linear: mat1 and mat2 shapes cannot be multiplied (4x3 and 4x2)');
  });

  it('throws on a weight that is not 2-d', () => {
    expect(() => F.linear(zeros(4, 3), zeros(3))).toThrow('linear: weight must be 2-D [out_features, in_features], got [3]');
  });

  it('throws on a bias of the wrong size', () => {
    expect(() => F.linear(zeros(4, 3), zeros(2, 3), zeros(3))).toThrow('linear: bias [3] must have one value per output feature (2)');
  });
});

describe('bilinear', () => {
  // torch.manual_seed(0); b = nn.Bilinear(2, 3, 2), in PyTorch 1.13.
  const weight = tensor([-0.005293981172144413, 0.37932288646698, -0.5819807648658752, -0.5203874707221985, -0.27234524488449097, 0.1896158903837204,
    -0.014010033570230007, 0.5606575012207031, -0.06275151669979095, 0.1871093362569809, -0.2136969119310379, -0.13899271190166473], { dtype: 'float32' }).reshape(2, 2, 3);
  const bias = tensor([-0.6755334138870239, -0.4683041572570801], { dtype: 'float32' });

  it('matches PyTorch', () => {
    const x1 = tensor([[1, 2], [-1, 0.5]], { dtype: 'float32' });
    const x2 = tensor([[0.5, -1, 2], [1, 1, 1]], { dtype: 'float32' });
    assertClose(F.bilinear(x1, x2, weight, bias), tensor([[-1.4386982917785645, -1.1029373407363892], [-0.7691400051116943, -1.0349903106689453]]));
  });

  it('passes its gradient check in every input', () => {
    manualSeed(1);
    const make = (...shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a, b, w, c) => F.bilinear(a!, b!, w!, c), [make(2, 3, 2), make(2, 3, 4), make(5, 2, 4), make(5)])).toBe(true);
  });

  it('throws on mismatched inputs, naming the sizes', () => {
    expect(() => F.bilinear(zeros(2, 2), zeros(2), weight)).toThrow('bilinear(): input dimensions do not match: got 2 and 1');
    expect(() => F.bilinear(zeros(2, 2), zeros(3, 3), weight)).toThrow('bilinear(): input batch dimensions do not match: got 2 and 3');
    expect(() => F.bilinear(zeros(2, 3), zeros(2, 3), weight)).toThrow('bilinear(): input1 size does not match weight size: got 3 but expected 2');
    expect(() => F.bilinear(zeros(2, 2), zeros(2, 2), weight)).toThrow('bilinear(): input2 size does not match weight size: got 2 but expected 3');
    expect(() => F.bilinear(zeros(2, 2), zeros(2, 3), weight, zeros(3))).toThrow('bilinear(): bias size does not match weight size: got 3 but expected 2');
    expect(() => F.bilinear(zeros(2, 2), zeros(2, 3), zeros(2, 2))).toThrow('bilinear(): weight must be 3-D [out, in1, in2], got [2,2]');
    expect(() => F.bilinear(zeros([]), zeros([]), weight)).toThrow('bilinear(): inputs must have at least 1 dimension, got 0-d tensors');
  });
});

describe('maxPool1d', () => {
  it('returns PyTorch’s maxima and indices with returnIndices', () => {
    const { output, indices } = F.maxPool1d(tensor([[[1, 3, 2, 5, 4, 0]]], { dtype: 'float32' }), 2, { returnIndices: true });
    expect(output.tolist()).toEqual([[[3, 5, 4]]]);
    expect(indices.tolist()).toEqual([[[1, 3, 4]]]);
    expect(indices.dtype).toBe('int64');
  });
});

describe('maxPool2d', () => {
  it('returns PyTorch’s maxima and indices with returnIndices', () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => 4 * Math.floor(i / 4) + 3 - (i % 4)), { dtype: 'float32' }).reshape(1, 1, 4, 4);
    const { output, indices } = F.maxPool2d(x, 2, { returnIndices: true });
    expect(output.flatten().tolist()).toEqual([7, 5, 15, 13]);
    expect(indices.flatten().tolist()).toEqual([4, 6, 12, 14]);
  });
});

describe('avgPool1d', () => {
  it('averages windows of the last dim', () => {
    expect(F.avgPool1d(tensor([[[1, 3, 2, 6]]], { dtype: 'float32' }), 2).tolist()).toEqual([[[2, 4]]]);
  });
});

describe('batchNorm', () => {
  it('updates the running statistics in training and uses them in evaluation', () => {
    const x = tensor([[1, 10], [3, 20]], { dtype: 'float32' });
    const runningMean = zeros(2);
    const runningVar = ones(2);
    F.batchNorm(x, runningMean, runningVar, { training: true, momentum: 0.5 });
    assertClose(runningMean, tensor([1, 7.5]));
    assertClose(runningVar, tensor([1.5, 25.5])); // 0.5·1 + 0.5·(unbiased variances 2 and 50)
    assertClose(F.batchNorm(x, runningMean, runningVar, { eps: 0 }), tensor([[0, 2.5 / Math.sqrt(25.5)], [2 / Math.sqrt(1.5), 12.5 / Math.sqrt(25.5)]]));
  });
});

describe('groupNorm', () => {
  it('throws on inputs with fewer than 2 dims', () => {
    expect(() => F.groupNorm(zeros(4), 2)).toThrow('group_norm: Expected at least 2 dimensions for input tensor but received 1');
  });
});

describe('dropout', () => {
  it('zeroes and rescales exactly as PyTorch after manualSeed(0)', () => {
    manualSeed(0);
    expect(F.dropout(ones(12), { p: 0.5 }).tolist()).toEqual([0, 0, 2, 0, 0, 0, 2, 2, 0, 2, 2, 2]);
  });

  it('is the identity when not training or with p = 0', () => {
    const x = randn(5);
    expect(F.dropout(x, { training: false })).toBe(x);
    expect(F.dropout(x, { p: 0 })).toBe(x);
  });

  it('zeroes everything with p = 1', () => {
    expect(F.dropout(ones(4), { p: 1 }).tolist()).toEqual([0, 0, 0, 0]);
  });

  it('keeps the mean: about (1 − p) of 100000 ones survive, scaled by 1/(1 − p)', () => {
    manualSeed(3);
    const y = F.dropout(ones(100_000), { p: 0.3 });
    const kept = y.gt(0).sum().item() as number;
    // Binomial(100000, 0.7): standard deviation ≈ 145.
    expect(Math.abs(kept - 70_000)).toBeLessThan(5 * 145);
    expect(y.amax().item()).toBeCloseTo(1 / 0.7, 6);
  });

  it('passes gradients only through the kept elements, scaled', () => {
    manualSeed(0);
    const x = ones(12, { requiresGrad: true });
    F.dropout(x, { p: 0.5 }).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 2, 0, 0, 0, 2, 2, 0, 2, 2, 2]);
  });

  it('throws on a probability outside [0, 1]', () => {
    expect(() => F.dropout(ones(2), { p: 1.5 })).toThrow('dropout: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => F.dropout(ones(2), { p: -0.1 })).toThrow('dropout: dropout probability has to be between 0 and 1, but got -0.1');
  });
});

describe('dropout2d', () => {
  it('zeroes whole channels exactly as PyTorch after manualSeed(0)', () => {
    manualSeed(0);
    const y = F.dropout2d(ones(2, 3, 2, 2), { p: 0.5 });
    expect(y.flatten().tolist()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('is the identity when not training, whatever the input’s dims (PyTorch checks them only when it draws)', () => {
    const x = ones(4);
    expect(F.dropout2d(x, { training: false })).toBe(x);
  });

  it('throws on inputs with fewer than 2 dims and on a bad probability', () => {
    expect(() => F.dropout2d(ones(4))).toThrow('dropout2d: Feature dropout requires at least 2 dimensions in the input, got [4]');
    expect(() => F.dropout2d(ones(2, 2), { p: 2 })).toThrow('dropout2d: dropout probability has to be between 0 and 1, but got 2');
  });
});

describe('embedding', () => {
  const weight = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' });

  it('accepts a negative paddingIdx and gives that row no gradient', () => {
    const w = weight.clone().detach().requiresGrad_();
    F.embedding(tensor([[2, 0]], { dtype: 'int64' }), w, { paddingIdx: -1 }).sum().backward();
    expect(w.grad!.tolist()).toEqual([[1, 1], [0, 0], [0, 0]]);
  });

  it('renormalises the looked-up rows to maxNorm in place', () => {
    const w = weight.clone();
    F.embedding(tensor([1], { dtype: 'int64' }), w, { maxNorm: 1 });
    expect(w.select(0, 1).norm().item()).toBeCloseTo(1, 5);
    expect(w.select(0, 0).tolist()).toEqual([1, 2]);
  });

  it('throws on a paddingIdx outside the table and on a weight that is not 2-d', () => {
    expect(() => F.embedding(tensor([0], { dtype: 'int64' }), weight, { paddingIdx: 3 })).toThrow(
      'embedding: Padding_idx must be within num_embeddings, got padding_idx=3 for num_embeddings=3',
    );
    expect(() => F.embedding(tensor([0], { dtype: 'int64' }), weight, { paddingIdx: -4 })).toThrow('Padding_idx must be within num_embeddings');
    expect(() => F.embedding(tensor([0], { dtype: 'int64' }), zeros(3))).toThrow('embedding: weight must be 2-D [num_embeddings, embedding_dim], got [3]');
  });
});
