import { describe, expect, it } from 'vitest';
import { expectOptimError, expectResumeExact, expectValues, floats, type MakeOptimizer, trainMlp } from '../../test/optimizer-checks.js';
import { AdamW, adjustLr, manualSeed, Muon, Parameter, randn, SparseTensor, type Tensor, tensor, zeros, zeropowerViaNewtonSchulz } from '../index.js';
import { roundToBfloat16 } from './rounding.js';

const COEFFICIENTS = [3.4445, -4.775, 2.0315];

function values(t: Tensor): number[] {
  return [...t.toTypedArray()].map(Number);
}

/** The quintic iterate on one singular value, in float64. */
function quintic(s: number, steps: number): number {
  const [a, b, c] = COEFFICIENTS as [number, number, number];
  for (let k = 0; k < steps; k++) s = a * s + b * s ** 3 + c * s ** 5;
  return s;
}

describe('roundToBfloat16', () => {
  it('rounds to 8 significant bits, ties to even', () => {
    expect(roundToBfloat16(1 + 2 ** -8)).toBe(1);
    expect(roundToBfloat16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6);
    expect(roundToBfloat16(1 + 2 ** -8 + 2 ** -20)).toBe(1 + 2 ** -7);
    expect(roundToBfloat16(-3.14159)).toBe(-3.140625);
  });

  it('keeps NaN and infinities, and overflows past the largest bfloat16', () => {
    expect(roundToBfloat16(NaN)).toBeNaN();
    expect(roundToBfloat16(-Infinity)).toBe(-Infinity);
    expect(roundToBfloat16(3.4e38)).toBe(Infinity);
  });
});

describe('zeropowerViaNewtonSchulz', () => {
  it('maps each singular value through the quintic, for a diagonal input', () => {
    // NS acts on singular values alone: diag(3, 4) / ‖·‖ = diag(0.6, 0.8).
    const out = zeropowerViaNewtonSchulz(floats([[3, 0], [0, 4]]), COEFFICIENTS, 5, 1e-7);
    const got = values(out);
    expect(got[1]).toBe(0);
    expect(got[2]).toBe(0);
    expect(got[0]).toBeCloseTo(quintic(0.6, 5), 1);
    expect(got[3]).toBeCloseTo(quintic(0.8, 5), 1);
  });

  it('returns roughly orthogonal rows: O Oᵀ ≈ I with singular values near 1', () => {
    manualSeed(0);
    const out = zeropowerViaNewtonSchulz(randn(3, 5), COEFFICIENTS, 5, 1e-7);
    const gram = values(out.matmul(out.t()));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        if (i === j) expect(gram[i * 3 + j]).toBeGreaterThan(0.4), expect(gram[i * 3 + j]).toBeLessThan(1.8);
        else expect(Math.abs(gram[i * 3 + j]!)).toBeLessThan(0.35);
      }
    }
  });

  it('transposes tall inputs: NS(Gᵀ) is NS(G)ᵀ bit for bit', () => {
    manualSeed(1);
    const g = randn(3, 6);
    const wide = zeropowerViaNewtonSchulz(g, COEFFICIENTS, 5, 1e-7);
    const tall = zeropowerViaNewtonSchulz(g.t(), COEFFICIENTS, 5, 1e-7);
    expect(tall.shape).toEqual([6, 3]);
    expect(values(tall.contiguous())).toEqual(values(wide.t().contiguous()));
  });

  it('computes in bfloat16, as PyTorch does', () => {
    manualSeed(2);
    const out = values(zeropowerViaNewtonSchulz(randn(4, 4), COEFFICIENTS, 3, 1e-7));
    for (const v of out) expect(roundToBfloat16(v)).toBe(v);
  });

  it('maps zero to zero (the norm is floored at eps)', () => {
    expect(values(zeropowerViaNewtonSchulz(zeros([2, 3]), COEFFICIENTS, 5, 1e-7))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("checks its arguments with PyTorch's messages", () => {
    expectOptimError(() => zeropowerViaNewtonSchulz(floats([1, 2]), COEFFICIENTS, 5, 1e-7), 'Input tensor gradient must be a 2D matrix');
    expectOptimError(() => zeropowerViaNewtonSchulz(floats([[1, 2]]), COEFFICIENTS, 100, 1e-7), 'Number of steps must be less than 100 for computational efficiency');
    expectOptimError(() => zeropowerViaNewtonSchulz(floats([[1, 2]]), [1, 2], 5, 1e-7), 'Coefficients must be a tuple of exactly 3 values');
  });
});

describe('adjustLr', () => {
  it("scales by √max(1, A/B) ('original', the default) or 0.2·√max(A, B) ('match_rms_adamw')", () => {
    expect(adjustLr(0.1, null, [3, 4])).toBe(0.1);
    expect(adjustLr(0.1, 'original', [8, 2])).toBe(0.2);
    expect(adjustLr(0.1, 'match_rms_adamw', [3, 16])).toBeCloseTo(0.08, 15);
  });
});

describe('Muon', () => {
  it('validates every option with PyTorch messages', () => {
    const p = [new Parameter(zeros([2, 2]))];
    expectOptimError(() => new Muon(p, { lr: -1 }), 'Learning rate should be >= 0 but is: -1');
    expectOptimError(() => new Muon(p, { momentum: -0.5 }), 'momentum should be >= 0 but is: -0.5');
    expectOptimError(() => new Muon(p, { weightDecay: -1 }), 'weight decay should be >= 0 but is: -1');
    expectOptimError(() => new Muon(p, { adjustLrFn: 'spectral' as never }), 'Adjust learning rate function spectral is not supported');
  });

  it('refuses parameters that are not 2-D, naming the shape', () => {
    expectOptimError(() => new Muon([new Parameter(zeros([3]))]), 'Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([3])');
    expectOptimError(() => new Muon([new Parameter(zeros([2, 3, 4]))]), 'Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([2, 3, 4])');
    expectOptimError(() => new Muon([new Parameter(zeros([]))]), 'Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([])');
    const optimizer = new Muon([new Parameter(zeros([2, 2]))]);
    expectOptimError(() => optimizer.addParamGroup({ params: [new Parameter(zeros([4]))] }), 'Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([4])');
    expect(optimizer.paramGroups.length).toBe(1);
  });

  it("has PyTorch's defaults and keeps only momentum_buffer", () => {
    const p = new Parameter(floats([[1, 2], [3, 4]]));
    const optimizer = new Muon([p]);
    expect(optimizer.defaults).toEqual({ lr: 1e-3, weightDecay: 0.1, momentum: 0.95, nesterov: true, nsCoefficients: COEFFICIENTS, eps: 1e-7, nsSteps: 5, adjustLrFn: null });
    p.grad = floats([[1, 0], [0, 1]]);
    optimizer.step();
    expect(Object.keys(optimizer.state.get(p)!)).toEqual(['momentum_buffer']);
    expect(optimizer.stateDict().param_groups[0]).toEqual({ lr: 1e-3, weight_decay: 0.1, momentum: 0.95, nesterov: true, ns_coefficients: COEFFICIENTS, eps: 1e-7, ns_steps: 5, adjust_lr_fn: null, params: [0] });
  });

  it('steps by −γ′·NS(g) after decaying θ by 1 − γλ (no momentum)', () => {
    manualSeed(3);
    const theta = randn(3, 5);
    const g = randn(3, 5);
    const p = new Parameter(theta.clone());
    const optimizer = new Muon([p], { lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0.5 });
    p.grad = g.clone();
    optimizer.step();
    const o = values(zeropowerViaNewtonSchulz(g, COEFFICIENTS, 5, 1e-7));
    expectValues(p, values(theta).map((x, i) => x * 0.95 - 0.1 * o[i]!));
    expectValues(optimizer.state.get(p)!['momentum_buffer'] as Tensor, values(g), 0);
  });

  it('keeps B as the exponential average μB + (1 − μ)g and feeds (1 − μ)g + μB with Nesterov', () => {
    const p = new Parameter(zeros([2, 2]));
    const optimizer = new Muon([p], { momentum: 0.5 });
    for (const grad of [floats([[2, 0], [0, 2]]), floats([[4, 0], [0, 0]])]) {
      p.grad = grad;
      optimizer.step();
    }
    expectValues(optimizer.state.get(p)!['momentum_buffer'] as Tensor, [2.5, 0, 0, 0.5], 0);
  });

  it("scales the step for 'match_rms_adamw' by 0.2·√max(A, B)", () => {
    const step = (adjustLrFn: 'original' | 'match_rms_adamw') => {
      const p = new Parameter(zeros([4, 16]));
      const optimizer = new Muon([p], { lr: 0.01, weightDecay: 0, adjustLrFn });
      manualSeed(4);
      p.grad = randn(4, 16);
      optimizer.step();
      return values(p);
    };
    const original = step('original');
    step('match_rms_adamw').forEach((v, i) => expect(v).toBeCloseTo(0.8 * original[i]!, 7));
  });

  it('scales tall matrices by √(A/B) by default', () => {
    const p = new Parameter(zeros([8, 2]));
    const optimizer = new Muon([p], { lr: 0.01, weightDecay: 0, momentum: 0, nesterov: false });
    p.grad = floats([[1, 0], [0, 1], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]);
    optimizer.step();
    // NS(diag-like) ≈ the same pattern scaled towards 1; the lr is doubled (√(8/2) = 2).
    const o = values(zeropowerViaNewtonSchulz(p.grad!, COEFFICIENTS, 5, 1e-7));
    expectValues(p, o.map((x) => -0.02 * x));
  });

  it('refuses 1-D parameters, and sparse gradients', () => {
    expectOptimError(() => new Muon([new Parameter(zeros([3]))], { lr: 0.02 }), 'Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([3])');
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new Muon([p]);
    p.grad = new SparseTensor(tensor([[0]], { dtype: 'int64' }), floats([[1, 1]]), [1, 2]);
    expectOptimError(() => optimizer.step(), 'Muon does not support sparse gradients');
  });

  it('checks nsSteps and nsCoefficients when it steps', () => {
    const p = new Parameter(floats([[1, 2]]));
    const optimizer = new Muon([p], { nsSteps: 100 });
    p.grad = floats([[1, 1]]);
    expectOptimError(() => optimizer.step(), 'Number of steps must be less than 100 for computational efficiency');
  });

  it('resumes from a state dict exactly', () => {
    expectResumeExact((params) => new Muon([params[0]!], { lr: 0.02, weightDecay: 0.01 }), 4, 6);
    expectResumeExact((params) => new Muon([params[0]!], { lr: 0.01, momentum: 0.8, nesterov: false, adjustLrFn: 'match_rms_adamw', nsSteps: 3 }), 3, 5);
  });

  it('trains a small MLP (matrices with Muon, biases with AdamW)', () => {
    const make: MakeOptimizer = (params) => {
      const muon = new Muon(params.filter((p) => p.ndim === 2), { lr: 0.05, weightDecay: 0 });
      const adam = new AdamW(params.filter((p) => p.ndim !== 2), { lr: 0.01 });
      return {
        step: () => (muon.step(), adam.step(), null),
        zeroGrad: () => (muon.zeroGrad(), adam.zeroGrad()),
        stateDict: () => muon.stateDict(),
        loadStateDict: (state) => muon.loadStateDict(state),
      };
    };
    // Measured: 0.854 → 0.0075.
    const { before, after } = trainMlp(make, 300);
    expect(after).toBeLessThan(before / 50);
  });
});
