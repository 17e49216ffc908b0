import { describe, expect, it } from 'vitest';
import { expectFixture } from '../../test/fixtures.js';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

/** `x` with its last two dims' strides swapped: a non-contiguous leaf. */
function transposedLeaf(x: A.Tensor): A.Tensor {
  return x.transpose(-1, -2).detach().requiresGrad_();
}

describe('maxPool2d', () => {
  it('matches PyTorch for kernel 2 (output and gradient)', () => {
    expectFixture('F.max_pool2d(x, 2)', ({ x }) => A.maxPool2d(x!, 2).output);
  });

  it('matches PyTorch for kernel 3, stride 2, padding 1 (output and gradient)', () => {
    expectFixture('F.max_pool2d(x, 3, stride=2, padding=1)', ({ x }) => A.maxPool2d(x!, 3, { stride: 2, padding: 1 }).output);
  });

  it('matches finite differences on a non-contiguous input with overlapping windows', () => {
    const x = transposedLeaf(seededInputs(1).randn(2, 1, 4, 3));
    expect(gradcheck((x) => A.maxPool2d(x, 2, { stride: 1 }).output, [x])).toBe(true);
  });

  it('matches finite differences with dilation and ceilMode on an unbatched input', () => {
    const x = seededInputs(2).randn(2, 5, 4);
    expect(gradcheck((x) => A.maxPool2d(x, 2, { dilation: 2, ceilMode: true, stride: 2 }).output, [x])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    expect(gradgradcheck((x) => A.maxPool2d(x, 2, { stride: 1 }).output, [seededInputs(3).randn(1, 1, 3, 3)])).toBe(true);
  });

  it('returns int64 indices that take no gradient', () => {
    const { indices } = A.maxPool2d(seededInputs(4).randn(1, 1, 2, 2), 2);
    expect(indices.dtype).toBe('int64');
    expect(indices.requiresGrad).toBe(false);
  });
});

describe('maxPool1d', () => {
  it('matches finite differences with padding', () => {
    const x = transposedLeaf(seededInputs(5).randn(2, 6, 2));
    expect(gradcheck((x) => A.maxPool1d(x, 3, { stride: 2, padding: 1 }).output, [x])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    expect(gradgradcheck((x) => A.maxPool1d(x, 2, { stride: 1 }).output, [seededInputs(6).randn(1, 4)])).toBe(true);
  });
});

describe('avgPool2d', () => {
  it('matches PyTorch for kernel 2 (output and gradient)', () => {
    expectFixture('F.avg_pool2d(x, 2)', ({ x }) => A.avgPool2d(x!, 2));
  });

  it('matches finite differences on a non-contiguous input with padding excluded from the divisor', () => {
    const x = transposedLeaf(seededInputs(7).randn(1, 2, 4, 3));
    expect(gradcheck((x) => A.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [x])).toBe(true);
  });

  it('matches finite differences with divisorOverride', () => {
    expect(gradcheck((x) => A.avgPool2d(x, [2, 1], { divisorOverride: 3 }), [seededInputs(8).randn(1, 4, 2)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    expect(gradgradcheck((x) => A.avgPool2d(x, 2, { stride: 1, padding: 1 }), [seededInputs(9).randn(1, 1, 2, 3)])).toBe(true);
  });
});

describe('avgPool1d', () => {
  it('matches finite differences with padding', () => {
    const x = transposedLeaf(seededInputs(10).randn(2, 5, 2));
    expect(gradcheck((x) => A.avgPool1d(x, 3, { stride: 2, padding: 1 }), [x])).toBe(true);
  });
});

describe('adaptiveAvgPool2d', () => {
  it('matches PyTorch for output size (2, 3) (output and gradient)', () => {
    expectFixture('F.adaptive_avg_pool2d(x, (2, 3))', ({ x }) => A.adaptiveAvgPool2d(x!, [2, 3]));
  });

  it('matches finite differences on a non-contiguous input with overlapping windows', () => {
    const x = transposedLeaf(seededInputs(11).randn(1, 2, 4, 5));
    expect(gradcheck((x) => A.adaptiveAvgPool2d(x, [3, null]), [x])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    expect(gradgradcheck((x) => A.adaptiveAvgPool2d(x, 2), [seededInputs(12).randn(1, 3, 3)])).toBe(true);
  });
});
