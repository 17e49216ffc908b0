import { describe, expect, it } from 'vitest';
import { expectFixture } from '../../test/fixtures.js';
import { seededInputs } from '../../test/inputs.js';
import * as A from '../index.js';
import { gradcheck, gradgradcheck } from '../testing.js';

/** `x` with its last two dims' strides swapped: a non-contiguous leaf. */
function transposedLeaf(x: A.Tensor): A.Tensor {
  return x.transpose(-1, -2).detach().requiresGrad_();
}

describe('conv1d', () => {
  it('matches PyTorch for stride=2, padding=1 (output and gradients)', () => {
    expectFixture('F.conv1d(x, w, b, stride=2, padding=1)', ({ x, w, b }) => A.conv1d(x!, w!, b!, { stride: 2, padding: 1 }));
  });

  it('matches finite differences on a non-contiguous input with dilation and groups', () => {
    const inputs = seededInputs(1);
    const x = transposedLeaf(inputs.randn(2, 7, 4));
    expect(x.isContiguous()).toBe(false);
    const options = { padding: 1, dilation: 2, groups: 2 };
    expect(gradcheck((x, w, b) => A.conv1d(x, w, b, options), [x, inputs.randn(4, 2, 2), inputs.randn(4)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(2);
    expect(gradgradcheck((x, w, b) => A.conv1d(x, w, b, { stride: 2 }), [inputs.randn(1, 2, 5), inputs.randn(2, 2, 2), inputs.randn(2)])).toBe(true);
  });
});

describe('conv2d', () => {
  it('matches PyTorch for stride=1, padding=1 (output and gradients)', () => {
    expectFixture('F.conv2d(x, w, b, stride=1, padding=1)', ({ x, w, b }) => A.conv2d(x!, w!, b!, { stride: 1, padding: 1 }));
  });

  it('matches PyTorch for stride=2, padding=2, dilation=2, groups=2 (output and gradients)', () => {
    expectFixture('F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2)', ({ x, w, b }) =>
      A.conv2d(x!, w!, b!, { stride: 2, padding: 2, dilation: 2, groups: 2 }),
    );
  });

  it('matches finite differences on a non-contiguous input and weight', () => {
    const inputs = seededInputs(3);
    const x = transposedLeaf(inputs.randn(1, 2, 4, 3));
    const w = transposedLeaf(inputs.randn(3, 2, 2, 3));
    expect(gradcheck((x, w, b) => A.conv2d(x, w, b, { stride: [1, 2], padding: 1 }), [x, w, inputs.randn(3)])).toBe(true);
  });

  it("matches finite differences with padding 'same' and an even kernel (uneven padding)", () => {
    const inputs = seededInputs(4);
    expect(gradcheck((x, w) => A.conv2d(x, w, null, { padding: 'same' }), [inputs.randn(1, 1, 3, 4), inputs.randn(2, 1, 2, 2)])).toBe(true);
  });

  it('sums the bias gradient over every dim but the channels of an unbatched input', () => {
    const inputs = seededInputs(5);
    expect(gradcheck((x, w, b) => A.conv2d(x, w, b), [inputs.randn(2, 3, 3), inputs.randn(3, 2, 2, 2), inputs.randn(3)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(6);
    const options = { padding: 1, groups: 2 };
    expect(gradgradcheck((x, w, b) => A.conv2d(x, w, b, options), [inputs.randn(1, 2, 3, 3), inputs.randn(2, 1, 2, 2), inputs.randn(2)])).toBe(true);
  });

  it('gives no gradient to inputs that do not require one', () => {
    const inputs = seededInputs(7);
    const x = inputs.randn(1, 1, 3, 3).detach();
    const w = inputs.randn(1, 1, 2, 2);
    A.conv2d(x, w).sum().backward();
    expect(x.grad).toBeNull();
    expect(w.grad!.shape).toEqual([1, 1, 2, 2]);
  });
});

describe('convTranspose2d', () => {
  it('matches PyTorch for stride=2, padding=1 (output and gradients)', () => {
    expectFixture('F.conv_transpose2d(x, w, b, stride=2, padding=1)', ({ x, w, b }) => A.convTranspose2d(x!, w!, b!, { stride: 2, padding: 1 }));
  });

  it('matches finite differences on a non-contiguous input with groups and outputPadding', () => {
    const inputs = seededInputs(8);
    const x = transposedLeaf(inputs.randn(1, 2, 3, 2));
    const options = { stride: 2, padding: 1, outputPadding: 1, groups: 2 };
    expect(gradcheck((x, w, b) => A.convTranspose2d(x, w, b, options), [x, inputs.randn(2, 1, 2, 2), inputs.randn(2)])).toBe(true);
  });

  it('has second derivatives that match finite differences', () => {
    const inputs = seededInputs(9);
    expect(gradgradcheck((x, w, b) => A.convTranspose2d(x, w, b, { stride: 2 }), [inputs.randn(1, 2, 2, 2), inputs.randn(2, 1, 2, 2), inputs.randn(1)])).toBe(true);
  });
});

describe('convTranspose1d', () => {
  it('matches finite differences with stride, padding and dilation', () => {
    const inputs = seededInputs(10);
    const x = transposedLeaf(inputs.randn(2, 4, 2));
    const options = { stride: 2, padding: 1, dilation: 2 };
    expect(gradcheck((x, w, b) => A.convTranspose1d(x, w, b, options), [x, inputs.randn(2, 3, 3), inputs.randn(3)])).toBe(true);
  });
});
