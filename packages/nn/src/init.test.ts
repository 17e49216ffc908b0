import { empty, manualSeed, ones, Tensor, tensor, zeros } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import * as init from './init.js';
import { Parameter } from './parameter.js';

/** Mean and (biased) variance of a tensor's values. */
function moments(t: Tensor): { mean: number; variance: number } {
  const values = Array.from(t.toTypedArray() as ArrayLike<number>);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, variance: values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length };
}

describe('calculateGain', () => {
  it('gives PyTorch’s gains', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv_transpose2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(init.calculateGain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBe(Math.sqrt(1 / 3.0000000000000004));
  });

  it('throws on an unknown nonlinearity or slope', () => {
    expect(() => init.calculateGain('swish' as 'relu')).toThrow('calculateGain: Unsupported nonlinearity swish');
    expect(() => init.calculateGain('leaky_relu', Number.NaN)).toThrow('calculateGain: negative_slope NaN not a valid number');
  });
});

describe('calculateFanInAndFanOut', () => {
  it('multiplies the channel dims by the receptive field', () => {
    expect(init.calculateFanInAndFanOut(empty(16, 3, 5, 5))).toEqual({ fanIn: 75, fanOut: 400 });
    expect(init.calculateFanInAndFanOut(empty(8, 4))).toEqual({ fanIn: 4, fanOut: 8 });
  });

  it('throws for tensors with fewer than 2 dims', () => {
    expect(() => init.calculateFanInAndFanOut(empty(5))).toThrow(
      'calculateFanInAndFanOut: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got [5]',
    );
  });
});

describe('uniform_', () => {
  it('fills with U(a, b) in place and returns the tensor', () => {
    const t = empty(1000);
    expect(init.uniform_(t, { a: -2, b: 3 })).toBe(t);
    expect(t.amin().item()).toBeGreaterThanOrEqual(-2);
    expect(t.amax().item()).toBeLessThan(3);
  });

  it('runs without recording gradients on a parameter', () => {
    const p = new Parameter(empty(3));
    init.uniform_(p);
    expect(p.gradFn).toBeNull();
    expect(p.isLeaf).toBe(true);
  });
});

describe('normal_', () => {
  it('draws PyTorch’s numbers for a seed', () => {
    manualSeed(0);
    // torch.manual_seed(0); nn.init.normal_(torch.empty(20), 1, 2)[:4]
    const t = init.normal_(empty(20), { mean: 1, std: 2 });
    assertClose(t.narrow(0, 0, 4), tensor([-1.2516796588897705, -1.304720401763916, 0.49884283542633057, 0.1322423815727234]));
  });
});

describe('constant_, ones_, zeros_', () => {
  it('fill with one value', () => {
    expect(init.constant_(empty(3), 0.5).tolist()).toEqual([0.5, 0.5, 0.5]);
    expect(init.ones_(empty(2)).tolist()).toEqual([1, 1]);
    expect(init.zeros_(ones(2)).tolist()).toEqual([0, 0]);
  });
});

describe('eye_', () => {
  it('fills a (non-square) matrix with the identity', () => {
    expect(init.eye_(ones(2, 3)).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });

  it('throws unless the tensor is 2-d', () => {
    expect(() => init.eye_(empty(2, 2, 2))).toThrow('eye_: Only tensors with 2 dimensions are supported, got [2,2,2]');
  });
});

describe('xavierUniform_', () => {
  it('draws PyTorch’s numbers for a seed', () => {
    manualSeed(0);
    const expected = [-0.016402801498770714, 1.1752890348434448, -1.8032015562057495, -1.6123616695404053, -0.843830943107605, 0.5875033736228943];
    assertClose(init.xavierUniform_(empty(2, 3), { gain: 2 }), tensor(expected).reshape(2, 3));
  });

  it('stays within gain·√(6/(fan_in + fan_out)) with the variance of that uniform', () => {
    manualSeed(1);
    const t = init.xavierUniform_(empty(300, 200));
    const bound = Math.sqrt(6 / 500);
    const { mean, variance } = moments(t);
    expect(t.abs().amax().item()).toBeLessThanOrEqual(bound);
    // 60000 draws: the standard error of the mean is bound/√(3·60000) ≈ 2.6e-4.
    expect(Math.abs(mean)).toBeLessThan(5 * 2.6e-4);
    expect(variance / (bound ** 2 / 3)).toBeCloseTo(1, 1);
  });
});

describe('xavierNormal_', () => {
  it('has standard deviation gain·√(2/(fan_in + fan_out))', () => {
    manualSeed(2);
    const { mean, variance } = moments(init.xavierNormal_(empty(300, 200), { gain: 3 }));
    const std = 3 * Math.sqrt(2 / 500);
    expect(Math.abs(mean)).toBeLessThan((5 * std) / Math.sqrt(60_000));
    expect(Math.sqrt(variance) / std).toBeCloseTo(1, 1);
  });
});

describe('kaimingUniform_', () => {
  it('with a = √5 draws PyTorch’s Linear(3, 2) weight for seed 0', () => {
    manualSeed(0);
    const expected = [-0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437, -0.2223689705133438, 0.15482072532176971];
    expect(Array.from(init.kaimingUniform_(empty(2, 3), { a: Math.sqrt(5) }).toTypedArray())).toEqual(expected);
  });

  it('stays within gain·√(3/fan) for mode fan_out', () => {
    manualSeed(0);
    const t = init.kaimingUniform_(empty(50, 20, 3, 3), { mode: 'fan_out', nonlinearity: 'relu' });
    expect(t.abs().amax().item()).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / 450));
    expect(t.abs().amax().item()).toBeGreaterThan(0.99 * Math.SQRT2 * Math.sqrt(3 / 450));
  });

  it('leaves tensors with no elements alone', () => {
    expect(init.kaimingUniform_(empty(0, 3)).shape).toEqual([0, 3]);
  });

  it('throws on an unknown mode', () => {
    expect(() => init.kaimingUniform_(empty(2, 2), { mode: 'fan_avg' as 'fan_in' })).toThrow(
      "kaimingUniform_: Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']",
    );
  });
});

describe('kaimingNormal_', () => {
  it('draws PyTorch’s numbers for a seed', () => {
    manualSeed(0);
    const expected = [1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427, -1.3985954523086548];
    assertClose(init.kaimingNormal_(empty(2, 3), { mode: 'fan_out', nonlinearity: 'relu' }), tensor(expected).reshape(2, 3));
  });

  it('throws on an unknown mode', () => {
    expect(() => init.kaimingNormal_(empty(2, 2), { mode: 'in' as 'fan_in' })).toThrow("kaimingNormal_: Mode in not supported");
  });
});

describe('orthogonal_', () => {
  it('gives PyTorch’s wide matrix for seed 0', () => {
    manualSeed(0);
    const expected = [0.5222307443618774, -0.09944060444831848, -0.7383735179901123, 0.1926366090774536, -0.3675355911254883, -0.5364794731140137,
      0.21056243777275085, -0.1428942084312439, -0.3587685525417328, -0.7202219367027283, -0.4409164488315582, 0.06626056134700775,
      -0.045655086636543274, 0.8897528052330017, -0.08635791391134262];
    assertClose(init.orthogonal_(empty(3, 5)), tensor(expected).reshape(3, 5), { atol: 1e-5 });
  });

  it('gives PyTorch’s tall matrix, times gain, for seed 0', () => {
    manualSeed(0);
    const expected = [1.5900402069091797, 0.34062016010284424, -0.5570913553237915, 0.5865222811698914, -1.004418134689331, -1.1030973196029663,
      0.41618385910987854, 1.148084282875061, 0.03253422677516937, -0.41618043184280396, -0.8686691522598267, -0.4526003897190094,
      -0.8839393258094788, 0.8957891464233398, -1.5056294202804565];
    assertClose(init.orthogonal_(empty(5, 3), { gain: 2 }), tensor(expected).reshape(5, 3), { atol: 1e-5 });
  });

  it('has orthonormal rows after flattening trailing dims', () => {
    manualSeed(4);
    const w = init.orthogonal_(empty(4, 3, 2, 2)).reshape(4, 12);
    assertClose(w.matmul(w.t()), tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], { dtype: 'float32' }), { atol: 1e-6 });
  });

  it('throws for tensors with fewer than 2 dims', () => {
    expect(() => init.orthogonal_(empty(4))).toThrow('orthogonal_: Only tensors with 2 or more dimensions are supported, got [4]');
  });
});

describe('truncNormal_', () => {
  it('gives PyTorch’s numbers for a seed', () => {
    manualSeed(0);
    const expected = [0.7917462587356567, 1.7841429710388184, -0.6319477558135986, -0.464652419090271, 0.15692514181137085, 1.270728349685669,
      0.7709100246429443, 2.3707618713378906, 0.6548665761947632, 1.264341950416565, 0.29707419872283936, 0.47424712777137756];
    assertClose(init.truncNormal_(empty(2, 6), { mean: 0.5, std: 2, a: -1, b: 3 }), tensor(expected).reshape(2, 6), { atol: 1e-6 });
  });

  it('stays in [a, b] with the truncated normal’s variance', () => {
    manualSeed(5);
    const t = init.truncNormal_(zeros(100_000), { std: 1, a: -2, b: 2 });
    expect(t.amin().item()).toBeGreaterThanOrEqual(-2);
    expect(t.amax().item()).toBeLessThanOrEqual(2);
    const { mean, variance } = moments(t);
    // N(0, 1) truncated to [-2, 2]: variance 1 − 4φ(2)/(2Φ(2) − 1) ≈ 0.7737.
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(0.7737 / 100_000));
    expect(Math.abs(variance - 0.7737)).toBeLessThan(0.01);
  });

  it('throws on an empty interval or a non-positive std', () => {
    expect(() => init.truncNormal_(empty(2), { a: 1, b: 1 })).toThrow('truncNormal_: the lower bound a=1 must be less than the upper bound b=1');
    expect(() => init.truncNormal_(empty(2), { std: 0 })).toThrow('truncNormal_: std must be positive, got 0');
  });
});
