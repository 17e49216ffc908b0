import { randn, tensor } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import * as F from '../functional/activation.js';
import { ELU, GELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh } from './activation.js';

const x = randn(3, 4, 5);

describe('ReLU, SiLU, Sigmoid, Tanh', () => {
  it('compute their functions and print with empty parentheses', () => {
    for (const [layer, fn, text] of [
      [new ReLU(), F.relu, 'ReLU()'],
      [new SiLU(), F.silu, 'SiLU()'],
      [new Sigmoid(), F.sigmoid, 'Sigmoid()'],
      [new Tanh(), F.tanh, 'Tanh()'],
    ] as const) {
      assertClose(layer.call(x), fn(x));
      expect(layer.toString()).toBe(text);
    }
  });
});

describe('LeakyReLU', () => {
  it('uses its slope and prints as PyTorch', () => {
    assertClose(new LeakyReLU(0.2).call(x), F.leakyRelu(x, 0.2));
    expect(new LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
  });
});

describe('ELU', () => {
  it('uses its alpha and prints as PyTorch', () => {
    assertClose(new ELU(2).call(x), F.elu(x, 2));
    expect(new ELU().toString()).toBe('ELU(alpha=1.0)');
  });
});

describe('GELU', () => {
  it('uses its approximation and prints as PyTorch', () => {
    assertClose(new GELU({ approximate: 'tanh' }).call(x), F.gelu(x, { approximate: 'tanh' }));
    expect(new GELU().toString()).toBe("GELU(approximate='none')");
    expect(new GELU({ approximate: 'tanh' }).toString()).toBe("GELU(approximate='tanh')");
  });

  it('throws on an unknown approximation', () => {
    expect(() => new GELU({ approximate: 'erf' as 'none' })).toThrow("GELU: approximate must be 'none' or 'tanh', got 'erf'");
  });
});

describe('Softmax', () => {
  it('normalises along its dim', () => {
    assertClose(new Softmax(-1).call(x), F.softmax(x, -1));
    expect(new Softmax(1).toString()).toBe('Softmax(dim=1)');
  });

  it('picks PyTorch’s legacy dim when none is given: 0 for 1-d and 3-d inputs, 1 for 2-d', () => {
    assertClose(new Softmax().call(x), F.softmax(x, 0));
    const m = randn(2, 3);
    assertClose(new Softmax().call(m), F.softmax(m, 1));
    expect(new Softmax().toString()).toBe('Softmax(dim=None)');
  });
});

describe('LogSoftmax', () => {
  it('computes log-softmax along its dim', () => {
    assertClose(new LogSoftmax(2).call(x), F.logSoftmax(x, 2));
    assertClose(new LogSoftmax().call(x), F.logSoftmax(x, 0));
    expect(new LogSoftmax().toString()).toBe('LogSoftmax(dim=None)');
  });
});

describe('Softplus', () => {
  it('uses beta and threshold and prints as PyTorch 2.x', () => {
    assertClose(new Softplus({ beta: 2, threshold: 5 }).call(x), F.softplus(x, { beta: 2, threshold: 5 }));
    expect(new Softplus().toString()).toBe('Softplus(beta=1.0, threshold=20.0)');
  });
});

describe('Hardtanh', () => {
  it('clamps to its bounds and prints as PyTorch', () => {
    expect(new Hardtanh(-2, 2).call(tensor([-3, 1, 3], { dtype: 'float32' })).tolist()).toEqual([-2, 1, 2]);
    expect(new Hardtanh().toString()).toBe('Hardtanh(min_val=-1.0, max_val=1.0)');
  });

  it('throws unless maxVal exceeds minVal', () => {
    expect(() => new Hardtanh(1, 1)).toThrow('Hardtanh: max_val must be greater than min_val, got min_val=1 and max_val=1');
  });
});
