import { describe, expect, it } from 'vitest';
import { inputData, type MatmulCase, type OptimizerCase, sampleOf, type TrainingCase } from './cases.js';
import type { CaseOutcome } from './child.js';
import { disagreement, relativeDifference } from './verify.js';

describe('relativeDifference', () => {
  it('divides the largest difference by the largest reference value', () => {
    expect(relativeDifference([10, -20], [10.1, -20])).toBeCloseTo(0.005, 12);
  });

  it('compares values below 1 absolutely', () => {
    expect(relativeDifference([0.001, 0], [0.002, 0])).toBeCloseTo(0.001, 12);
  });

  it('is Infinity for different lengths and NaN for NaN', () => {
    expect(relativeDifference([1, 2], [1])).toBe(Infinity);
    expect(relativeDifference([1, 2], [1, NaN])).toBeNaN();
  });
});

const matmul: MatmulCase = { kind: 'matmul', id: 'matmul-2', name: 'matmul 2', perConfiguration: true, tolerance: 1e-4, n: 2, seeds: [1, 2] };
const reference: CaseOutcome = { id: 'matmul-2', ms: 1, runs: 3, outputs: { product: [1, 2, 30, 4] } };

describe('disagreement', () => {
  it('accepts outputs within the tolerance, relative to the largest value', () => {
    expect(disagreement(matmul, reference, { id: 'matmul-2', ms: 2, outputs: { product: [1, 2.002, 30, 4] } })).toBeNull();
  });

  it('names the output that differs and by how much', () => {
    expect(disagreement(matmul, reference, { id: 'matmul-2', ms: 2, outputs: { product: [1, 2.03, 30, 4] } })).toBe("product differs from torchlet's by 0.0010 of its largest value");
    expect(disagreement(matmul, reference, { id: 'matmul-2', ms: 2, outputs: { product: [1, NaN, 30, 4] } })).toBe("product differs from torchlet's by NaN of its largest value");
  });

  it('refuses a missing output unless the framework says why its results differ', () => {
    expect(disagreement(matmul, reference, { id: 'matmul-2', ms: 2, outputs: {} })).toBe('reports no product');
    expect(disagreement(matmul, reference, { id: 'matmul-2', ms: 2, outputs: {}, differs: 'another rule' })).toBe('reports nothing to compare');
  });

  it('compares what a framework whose rule differs does report', () => {
    const training: TrainingCase = { kind: 'training', id: 'mlp', name: 'mlp', perConfiguration: true, tolerance: 1e-3, model: 'mlp', inputShape: [1, 784], parameters: [], lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, seed: 1 };
    const losses: CaseOutcome = { id: 'mlp', ms: 1, outputs: { firstLoss: [2.3], secondLoss: [2.2] } };
    expect(disagreement(training, losses, { id: 'mlp', ms: 5, outputs: { firstLoss: [2.3001] }, differs: 'no bias correction' })).toBeNull();
    expect(disagreement(training, losses, { id: 'mlp', ms: 5, outputs: { firstLoss: [2.4] }, differs: 'no bias correction' })).toBe("firstLoss differs from torchlet's by 0.043 of its largest value");
  });

  it('has nothing to say about a case without a time', () => {
    expect(disagreement(matmul, reference, { id: 'matmul-2', missing: 'cannot: no convolution' })).toBeNull();
  });

  describe('of an optimizer', () => {
    const optimizer: OptimizerCase = { kind: 'optimizer', id: 'sgd', name: 'SGD', perConfiguration: false, tolerance: 1e-3, optimizer: 'SGD', hyperparameters: { lr: 0.01 }, size: 8, seed: 5 };
    const start = sampleOf(inputData([8], 5));
    const gradient = sampleOf(inputData([8], 6));
    const stepBy = (scale: number): number[] => start.map((x, i) => x - scale * gradient[i]!);
    const torchletStep: CaseOutcome = { id: 'sgd', ms: 1, outputs: { step: stepBy(0.01) } };

    it("compares the first step with torchlet's, rebuilding the start and gradient from the seeds", () => {
      expect(disagreement(optimizer, torchletStep, { id: 'sgd', ms: 3, outputs: { step: stepBy(0.01) } })).toBeNull();
      expect(disagreement(optimizer, torchletStep, { id: 'sgd', ms: 3, outputs: { step: stepBy(0.02) } })).toBe("its first step differs from torchlet's by 1.0 of the largest step");
    });

    it('only checks that a different rule moved the parameters', () => {
      expect(disagreement(optimizer, torchletStep, { id: 'sgd', ms: 3, outputs: { step: stepBy(0.5) }, differs: 'another rule' })).toBeNull();
      expect(disagreement(optimizer, torchletStep, { id: 'sgd', ms: 3, outputs: { step: start }, differs: 'another rule' })).toBe('its first step left the parameters unchanged or not finite');
    });
  });
});
