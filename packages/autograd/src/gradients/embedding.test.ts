import { assertClose, fromRecord } from '@torchlet/tensor/testing';
import { describe, expect, it } from 'vitest';
import { opCases } from '../../test/fixtures.js';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

const long = (data: A.NestedArray) => A.tensor(data, { dtype: 'int64' });

describe('embedding', () => {
  it('matches PyTorch (output and weight gradient)', () => {
    const testCase = opCases.find((c) => c.call === 'F.embedding(idx, w)')!;
    const idx = A.fromRaw(fromRecord(testCase.inputs.idx!));
    const w = A.fromRaw(fromRecord(testCase.inputs.w!), { requiresGrad: true });
    const out = A.embedding(idx, w);
    assertClose(out, testCase.output);
    out.mul(A.fromRaw(fromRecord(testCase.R))).sum().backward();
    assertClose(w.grad!, testCase.grads.w!);
  });

  it('matches finite differences with repeated indices on a non-contiguous weight', () => {
    const w = seededInputs(1).transposed(4, 3);
    expect(gradcheck((w) => A.embedding(long([[1, 3], [1, 1]]), w), [w])).toBe(true);
  });

  it('gives lookups of paddingIdx no gradient', () => {
    const w = seededInputs(2).randn(4, 2);
    A.embedding(long([0, 3, 3, 1]), w, { paddingIdx: -1 }).sum().backward();
    assertClose(w.grad!, A.tensor([[1, 1], [1, 1], [0, 0], [0, 0]], { dtype: 'float64' }));
  });

  it('divides each row gradient by its lookup count with scaleGradByFreq', () => {
    const w = seededInputs(3).randn(3, 2);
    A.embedding(long([2, 0, 2, 2]), w, { scaleGradByFreq: true }).sum().backward();
    assertClose(w.grad!, A.tensor([[1, 1], [0, 0], [1, 1]], { dtype: 'float64' }));
  });

  it('has second derivatives that match finite differences', () => {
    const w = seededInputs(4).randn(3, 2);
    expect(gradgradcheck((w) => A.embedding(long([[0, 2, 2], [1, 0, 2]]), w).square(), [w])).toBe(true);
  });

  it('has a padded, frequency-scaled gradient that is differentiable in the output gradient', () => {
    // Not in the weight: with paddingIdx or scaleGradByFreq the gradient is not the forward's derivative.
    const inputs = seededInputs(5);
    const w = inputs.randn(3, 2);
    const ids = long([[0, 2, 2], [1, 0, 2]]);
    const gradient = (g: A.Tensor) => A.grad(A.embedding(ids, w, { paddingIdx: 1, scaleGradByFreq: true }), w, { gradOutputs: g, createGraph: true })[0]!;
    expect(gradcheck(gradient, [inputs.randn(2, 3, 2)])).toBe(true);
  });

  it('renormalises the rows looked up in place with maxNorm', () => {
    const w = A.tensor([[3, 4], [0.3, 0.4]], { dtype: 'float64', requiresGrad: true });
    const out = A.embedding(long([0, 1]), w, { maxNorm: 1 });
    assertClose(out, A.tensor([[0.6, 0.8], [0.3, 0.4]], { dtype: 'float64' }), { atol: 1e-6 });
    assertClose(w.detach(), out.detach());
  });
});

describe('embedding with sparse: true', () => {
  it('gives the weight a SparseTensor gradient whose coalesced values equal the dense gradient', () => {
    const ids = long([[4, 0, 4], [2, 4, 0]]);
    const inputs = seededInputs(6);
    const dense = inputs.randn(5, 3);
    const sparse = dense.detach().clone().requiresGrad_();
    const weights = inputs.randn(2, 3, 3).detach();
    A.embedding(ids, dense).mul(weights).sum().backward();
    A.embedding(ids, sparse, { sparse: true }).mul(weights).sum().backward();
    const gradient = sparse.grad!;
    expect(gradient).toBeInstanceOf(A.SparseTensor);
    expect(gradient.isSparse).toBe(true);
    const coalesced = (gradient as A.SparseTensor).coalesce();
    expect(coalesced.indices.tolist()).toEqual([[0, 2, 4]]);
    assertClose(coalesced.values, A.indexSelect(dense.grad!, 0, long([0, 2, 4])), { rtol: 1e-12, atol: 1e-12 });
    assertClose(gradient, dense.grad!, { rtol: 1e-12, atol: 1e-12 });
  });

  it('has one uncoalesced entry per lookup, in lookup order', () => {
    const w = seededInputs(7).randn(4, 2);
    A.embedding(long([3, 1, 3]), w, { sparse: true }).sum().backward();
    const gradient = w.grad as A.SparseTensor;
    expect(gradient.indices.tolist()).toEqual([[3, 1, 3]]);
    expect(gradient.values.shape).toEqual([3, 2]);
    expect(gradient.isCoalesced()).toBe(false);
  });

  it('drops lookups of paddingIdx and scales by frequency like the dense gradient', () => {
    const ids = long([2, 0, 2, 1, 2]);
    const inputs = seededInputs(8);
    const dense = inputs.randn(3, 2);
    const sparse = dense.detach().clone().requiresGrad_();
    const weights = inputs.randn(5, 2).detach();
    const options = { paddingIdx: 0, scaleGradByFreq: true };
    A.embedding(ids, dense, options).mul(weights).sum().backward();
    A.embedding(ids, sparse, { ...options, sparse: true }).mul(weights).sum().backward();
    expect((sparse.grad as A.SparseTensor).indices.tolist()).toEqual([[2, 2, 1, 2]]);
    assertClose(sparse.grad!, dense.grad!, { rtol: 1e-12, atol: 1e-12 });
  });
});
