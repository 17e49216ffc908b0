import { manualSeed, randn, type Tensor, tensor, zeros } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import * as F from '../functional/layers.js';
import { Sequential } from './container.js';
import { ReLU } from './activation.js';
import { Bilinear, Identity, Linear } from './linear.js';

function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number>);
}

/** Mean and (biased) variance of a tensor's values. */
function moments(t: Tensor): { mean: number; variance: number } {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
}

describe('Identity', () => {
  it('returns its input', () => {
    const x = randn(2, 3);
    expect(new Identity().call(x)).toBe(x);
    expect(new Identity().toString()).toBe('Identity()');
  });
});

describe('Linear', () => {
  it('draws exactly PyTorch’s weight and bias for torch.manual_seed(0); nn.Linear(3, 2)', () => {
    manualSeed(0);
    const fc = new Linear(3, 2);
    expect(values(fc.weight)).toEqual([-0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437, -0.2223689705133438, 0.15482072532176971]);
    expect(values(fc.bias!)).toEqual([-0.011439144611358643, 0.45777493715286255]);
  });

  it('draws weights from U(±1/√in_features) (Linear(1000, 500))', () => {
    manualSeed(7);
    const fc = new Linear(1000, 500);
    const bound = 1 / Math.sqrt(1000);
    const { mean, variance } = moments(fc.weight);
    expect(fc.weight.abs().amax().item()).toBeLessThanOrEqual(bound);
    // 500000 draws of U(±b): mean has standard error b/√(3·500000), the variance b²/3 has ≈ 0.2% relative error.
    expect(Math.abs(mean)).toBeLessThan((5 * bound) / Math.sqrt(1_500_000));
    expect(Math.abs(variance / (bound ** 2 / 3) - 1)).toBeLessThan(0.01);
    expect(fc.bias!.abs().amax().item()).toBeLessThanOrEqual(bound);
  });

  it('registers weight [out, in] then bias [out], both requiring grad', () => {
    const fc = new Linear(4, 8);
    const state = fc.stateDict();
    expect(Object.keys(state)).toEqual(['weight', 'bias']);
    expect(state.weight!.shape).toEqual([8, 4]);
    expect(state.bias!.shape).toEqual([8]);
    expect([...fc.parameters()].every((p) => p.requiresGrad)).toBe(true);
  });

  it('has no bias with { bias: false }', () => {
    const fc = new Linear(4, 8, { bias: false });
    expect(fc.bias).toBeNull();
    expect(Object.keys(fc.stateDict())).toEqual(['weight']);
    expect(fc.toString()).toBe('Linear(in_features=4, out_features=8, bias=False)');
  });

  it('computes F.linear with its parameters', () => {
    const fc = new Linear(3, 2, { dtype: 'float64' });
    const x = randn([5, 3], { dtype: 'float64' });
    assertClose(fc.call(x), F.linear(x, fc.weight, fc.bias));
    expect(fc.weight.dtype).toBe('float64');
  });

  it('prints as PyTorch inside a Sequential', () => {
    expect(new Sequential(new Linear(4, 8), new ReLU()).toString()).toBe(
      'Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): ReLU()\n)',
    );
  });

  it('accepts in_features = 0, with a zero bias (bound 0)', () => {
    expect(new Linear(0, 3).call(zeros(2, 0)).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('throws on a negative or fractional size', () => {
    expect(() => new Linear(-1, 2)).toThrow('Linear: in_features must be an integer >= 0, got -1');
    expect(() => new Linear(2, 1.5)).toThrow('Linear: out_features must be an integer >= 0, got 1.5');
  });
});

describe('Bilinear', () => {
  it('draws exactly PyTorch’s weight and bias for torch.manual_seed(0); nn.Bilinear(2, 3, 2)', () => {
    manualSeed(0);
    const layer = new Bilinear(2, 3, 2);
    expect(layer.weight.shape).toEqual([2, 2, 3]);
    assertClose(layer.bias!, tensor([-0.6755334138870239, -0.4683041572570801]));
    assertClose(layer.weight.select(0, 0).select(0, 0), tensor([-0.005293981172144413, 0.37932288646698, -0.5819807648658752]));
  });

  it('computes F.bilinear and prints as PyTorch', () => {
    const layer = new Bilinear(2, 3, 4);
    const x1 = randn(5, 2);
    const x2 = randn(5, 3);
    assertClose(layer.call(x1, x2), F.bilinear(x1, x2, layer.weight, layer.bias));
    expect(layer.toString()).toBe('Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)');
    expect(Object.keys(new Bilinear(2, 3, 4, { bias: false }).stateDict())).toEqual(['weight']);
  });

  it('throws on a negative size', () => {
    expect(() => new Bilinear(2, -3, 4)).toThrow('Bilinear: in2_features must be an integer >= 0, got -3');
    expect(() => new Bilinear(-2, 3, 4)).toThrow('Bilinear: in1_features must be an integer >= 0, got -2');
    expect(() => new Bilinear(2, 3, -4)).toThrow('Bilinear: out_features must be an integer >= 0, got -4');
  });
});
