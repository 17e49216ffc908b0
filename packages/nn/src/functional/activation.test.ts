import { fromRaw, type Tensor, tensor } from '@torchlet/autograd';
import { assertClose, fromRecord, gradcheck } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import { opCases } from '../../test/fixtures.js';
import * as F from './activation.js';

/** The PyTorch calls of ops.json this file covers, as torchlet calls. */
const calls: Record<string, (inputs: Record<string, Tensor>) => Tensor> = {
  'F.leaky_relu(a, 0.1)': ({ a }) => F.leakyRelu(a!, 0.1),
  'F.elu(a)': ({ a }) => F.elu(a!),
  'F.gelu(a)': ({ a }) => F.gelu(a!),
  "F.gelu(a, approximate='tanh')": ({ a }) => F.gelu(a!, { approximate: 'tanh' }),
  'F.silu(a)': ({ a }) => F.silu(a!),
  'F.softplus(a)': ({ a }) => F.softplus(a!),
  'F.softmax(a, dim=-1)': ({ a }) => F.softmax(a!, -1),
  'F.log_softmax(a, dim=1)': ({ a }) => F.logSoftmax(a!, 1),
};

describe('activation functions against PyTorch (ops.json)', () => {
  for (const [call, run] of Object.entries(calls)) {
    const fixture = opCases.find((c) => c.call === call);
    it(`matches ${call} and the gradients of sum(output·R)`, () => {
      expect(fixture).toBeDefined();
      const inputs = Object.fromEntries(Object.entries(fixture!.inputs).map(([name, record]) => [name, fromRaw(fromRecord(record), { requiresGrad: true })]));
      const output = run(inputs);
      assertClose(output, fixture!.output);
      output.mul(fromRaw(fromRecord(fixture!.R))).sum().backward();
      for (const [name, expected] of Object.entries(fixture!.grads)) assertClose(inputs[name]!.grad!, expected);
    });
  }
});

describe('relu', () => {
  it('keeps positives and zeroes negatives', () => {
    expect(F.relu(tensor([-2, 0, 3])).tolist()).toEqual([0, 0, 3]);
  });
});

describe('sigmoid', () => {
  it('is 1/2 at 0 and symmetric', () => {
    const y = F.sigmoid(tensor([0, 2, -2], { dtype: 'float64' })).toTypedArray();
    expect(y[0]).toBe(0.5);
    expect(y[1]! + y[2]!).toBeCloseTo(1, 12);
  });
});

describe('tanh', () => {
  it('passes its gradient check', () => {
    expect(gradcheck((x) => F.tanh(x), [tensor([-1.5, 0.2, 0.7], { dtype: 'float64', requiresGrad: true })])).toBe(true);
  });
});

describe('hardtanh', () => {
  it('clamps to [minVal, maxVal]', () => {
    expect(F.hardtanh(tensor([-3, -0.5, 0.5, 3])).tolist()).toEqual([-1, -0.5, 0.5, 1]);
    expect(F.hardtanh(tensor([-3, 0, 3]), 0, 2).tolist()).toEqual([0, 0, 2]);
  });

  it('has zero gradient at the bounds, as PyTorch (tensor([0., 1., 0.]) at [-1, 0, 1])', () => {
    const x = tensor([-1, 0, 1], { dtype: 'float32', requiresGrad: true });
    F.hardtanh(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 1, 0]);
  });

  it('throws when minVal exceeds maxVal', () => {
    expect(() => F.hardtanh(tensor([1]), 2, 1)).toThrow('hardtanh: min_val cannot be greater than max_val, got min_val=2 and max_val=1');
  });
});
