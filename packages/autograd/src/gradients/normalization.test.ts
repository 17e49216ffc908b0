import { assertClose } from '@torchlet/tensor/testing';
import { describe, expect, it } from 'vitest';
import { expectFixture } from '../../test/fixtures.js';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

/** `x` with its last two dims' strides swapped: a non-contiguous leaf. */
function transposedLeaf(x: A.Tensor): A.Tensor {
  return x.transpose(-1, -2).detach().requiresGrad_();
}

/** The fused kernels' gradients equal those of the composed formulas (used when createGraph). */
function expectFusedMatchesComposed(fn: (...inputs: A.Tensor[]) => A.Tensor, inputs: A.Tensor[], seed: number): void {
  const gradOutputs = A.randn([...fn(...inputs).shape], { dtype: 'float64', generator: new A.Generator(seed) });
  const fused = A.grad(fn(...inputs), inputs, { gradOutputs });
  const composed = A.grad(fn(...inputs), inputs, { gradOutputs, createGraph: true });
  composed.forEach((g, i) => assertClose(g!, fused[i]!, { rtol: 1e-10, atol: 1e-12 }));
}

describe('batchNorm', () => {
  it('matches PyTorch in training without running statistics (output and gradients)', () => {
    expectFixture('F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)', ({ x, w, b }) =>
      A.batchNorm(x!, null, null, w!, b!, { training: true, eps: 1e-5 }),
    );
  });

  it('matches finite differences in training on a non-contiguous input', () => {
    const inputs = seededInputs(1);
    const x = transposedLeaf(inputs.randn(3, 2, 2, 2));
    expect(gradcheck((x, w, b) => A.batchNorm(x, null, null, w, b, { training: true }), [x, inputs.randn(2), inputs.randn(2)])).toBe(true);
  });

  it('matches finite differences in evaluation, with the running statistics as constants', () => {
    const inputs = seededInputs(2);
    const runningMean = A.tensor([0.5, -1], { dtype: 'float64' });
    const runningVar = A.tensor([2, 0.5], { dtype: 'float64' });
    const fn = (x: A.Tensor, w: A.Tensor, b: A.Tensor) => A.batchNorm(x, runningMean, runningVar, w, b);
    expect(gradcheck(fn, [inputs.randn(3, 2), inputs.randn(2), inputs.randn(2)])).toBe(true);
  });

  it('updates the running statistics in place without differentiating them', () => {
    const x = A.tensor([[1, 2], [3, 6]], { dtype: 'float64', requiresGrad: true });
    const runningMean = A.zeros(2, { dtype: 'float64' });
    const runningVar = A.ones(2, { dtype: 'float64' });
    A.batchNorm(x, runningMean, runningVar, null, null, { training: true, momentum: 0.5 }).square().sum().backward();
    assertClose(runningMean, A.tensor([1, 2], { dtype: 'float64' }));
    assertClose(runningVar, A.tensor([1.5, 4.5], { dtype: 'float64' })); // 0.5·unbiased var + 0.5·1
    expect(runningMean.requiresGrad).toBe(false);
    expect(runningMean.grad).toBeNull();
  });

  it('gives the same gradients from the fused kernel as from the composed formula', () => {
    const inputs = seededInputs(3);
    const fn = (x: A.Tensor, w: A.Tensor, b: A.Tensor) => A.batchNorm(x, null, null, w, b, { training: true });
    expectFusedMatchesComposed(fn, [inputs.randn(4, 3, 2), inputs.randn(3), inputs.randn(3)], 30);
    const running = [inputs.randn(3).detach(), inputs.positive(3).detach()] as const;
    const evaluation = (x: A.Tensor, w: A.Tensor, b: A.Tensor) => A.batchNorm(x, running[0], running[1], w, b);
    expectFusedMatchesComposed(evaluation, [inputs.randn(4, 3, 2), inputs.randn(3), inputs.randn(3)], 31);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(4);
    const fn = (x: A.Tensor, w: A.Tensor, b: A.Tensor) => A.batchNorm(x, null, null, w, b, { training: true });
    expect(gradgradcheck(fn, [inputs.randn(3, 2), inputs.randn(2), inputs.randn(2)])).toBe(true);
  });
});

describe('layerNorm', () => {
  it('matches PyTorch over the last dim (output and gradients)', () => {
    expectFixture('F.layer_norm(x, [4], w, b)', ({ x, w, b }) => A.layerNorm(x!, [4], w!, b!));
  });

  it('matches finite differences over two dims of a non-contiguous input', () => {
    const inputs = seededInputs(5);
    const x = transposedLeaf(inputs.randn(2, 3, 2));
    expect(gradcheck((x, w, b) => A.layerNorm(x, [2, 3], w, b), [x, inputs.randn(2, 3), inputs.randn(2, 3)])).toBe(true);
  });

  it('matches finite differences without weight and bias', () => {
    expect(gradcheck((x) => A.layerNorm(x, 4, null, null, { eps: 1e-3 }), [seededInputs(6).randn(2, 4)])).toBe(true);
  });

  it('gives the same gradients from the fused kernel as from the composed formula', () => {
    const inputs = seededInputs(7);
    expectFusedMatchesComposed((x, w, b) => A.layerNorm(x, [3], w, b), [inputs.randn(2, 2, 3), inputs.randn(3), inputs.randn(3)], 70);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(8);
    expect(gradgradcheck((x, w, b) => A.layerNorm(x, [3], w, b), [inputs.randn(2, 3), inputs.randn(3), inputs.randn(3)])).toBe(true);
  });
});

describe('groupNorm', () => {
  it('matches PyTorch with 2 groups (output and gradients)', () => {
    expectFixture('F.group_norm(x, 2, w, b)', ({ x, w, b }) => A.groupNorm(x!, 2, w!, b!));
  });

  it('matches finite differences on a non-contiguous input', () => {
    const inputs = seededInputs(9);
    const x = transposedLeaf(inputs.randn(2, 4, 2, 2));
    expect(gradcheck((x, w, b) => A.groupNorm(x, 2, w, b), [x, inputs.randn(4), inputs.randn(4)])).toBe(true);
  });

  it('gives the same gradients from the fused kernel as from the composed formula', () => {
    const inputs = seededInputs(10);
    expectFusedMatchesComposed((x, w, b) => A.groupNorm(x, 3, w, b), [inputs.randn(2, 6, 2), inputs.randn(6), inputs.randn(6)], 100);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(11);
    expect(gradgradcheck((x, w, b) => A.groupNorm(x, 2, w, b), [inputs.randn(1, 4, 2), inputs.randn(4), inputs.randn(4)])).toBe(true);
  });
});
