import { describe, expect, it } from 'vitest';
import { arange, InvalidArgumentError, ones, randn, ShapeError, type Tensor, tensor, zeros } from '@torchlet/autograd';
import { assertClose, gradcheck } from '@torchlet/autograd/testing';
import { multiHeadAttentionForward, scaledDotProductAttention } from './attention.js';

/** cos(f·j) over a tensor of `shape`, float64 (the inputs of the PyTorch script). */
function input(shape: number[], f = 0.3): Tensor {
  return arange(0, shape.reduce((a, b) => a * b, 1), { dtype: 'float64' }).mul(f).cos().reshape(shape);
}
const close = (actual: Tensor, expected: number[]) => assertClose(actual.reshape([-1]), tensor(expected, { dtype: 'float64' }), { rtol: 1e-9, atol: 1e-10 });

// softmax(q·kᵀ·scale + mask)·v computed with PyTorch 1.13 in float64 on q = input([2, 3, 4]),
// k = input([2, 4, 4], 0.5), v = input([2, 4, 3], 0.7).
const plain = [0.78622221484, 0.639557658925, 0.192099142653, 0.283698405354, 0.140021281608, -0.069510038771, -0.345644246107, -0.597826933392, -0.5688422726, -0.406306100209, -0.475747609409, -0.321437584143, 0.274106240653, 0.223261851892, 0.067413925624, 0.670188211718, 0.491248362358, 0.081266732213];
const causal = [1.0, 0.764842187284, 0.1699671429, 0.20543575882, -0.13649412023, -0.414228681757, -0.409234802321, -0.661711754464, -0.602975328951, -0.519288654117, -0.947721602131, -0.930426272105, -0.488165466691, -0.129141887653, 0.290619139046, 0.75720487779, 0.595644807861, 0.153943677588];
const scaled = [0.629755306766, 0.525780446079, 0.174522826055, 0.274277049825, 0.161599163259, -0.027081334844, -0.160641510854, -0.317018767194, -0.324297143768, -0.330683482654, -0.410029110997, -0.296531641556, 0.106926259929, 0.047811242726, -0.033790149002, 0.371705587496, 0.236752551081, -0.009548909468];

describe('scaledDotProductAttention', () => {
  const q = input([2, 3, 4]);
  const k = input([2, 4, 4], 0.5);
  const v = input([2, 4, 3], 0.7);

  it('matches PyTorch with the default 1/√E scale', () => {
    close(scaledDotProductAttention(q, k, v), plain);
  });

  it('applies a lower-triangular mask with isCausal, also when L ≠ S', () => {
    close(scaledDotProductAttention(q, k, v, { isCausal: true }), causal);
  });

  it('treats a boolean mask as "may attend" and a float mask as added', () => {
    const allowed = ones([3, 4], { dtype: 'bool' }).tril();
    close(scaledDotProductAttention(q, k, v, { attnMask: allowed }), causal);
    const bias = zeros([3, 4], { dtype: 'float64' }).maskedFill(allowed.logicalNot(), -Infinity);
    close(scaledDotProductAttention(q, k, v, { attnMask: bias }), causal);
  });

  it('uses a given scale', () => {
    close(scaledDotProductAttention(q, k, v, { scale: 0.3 }), scaled);
  });

  it('gives NaN for a query whose keys are all masked out', () => {
    const none = zeros([3, 4], { dtype: 'bool' });
    expect(Number.isNaN(scaledDotProductAttention(q, k, v, { attnMask: none }).toTypedArray()[0])).toBe(true);
  });

  it('zeroes everything with dropoutP = 1', () => {
    expect(scaledDotProductAttention(q, k, v, { dropoutP: 1 }).abs().sum().item()).toBe(0);
  });

  it('passes gradcheck in float64', () => {
    const args = [randn(2, 3, 2, { dtype: 'float64', requiresGrad: true }), randn(2, 4, 2, { dtype: 'float64', requiresGrad: true }), randn(2, 4, 3, { dtype: 'float64', requiresGrad: true })];
    expect(gradcheck((q: Tensor, k: Tensor, v: Tensor) => scaledDotProductAttention(q, k, v, { isCausal: true }), args)).toBe(true);
  });

  it('rejects a mask together with isCausal, mismatched sizes and a bad dropoutP', () => {
    expect(() => scaledDotProductAttention(q, k, v, { isCausal: true, attnMask: zeros(3, 4) })).toThrow(new InvalidArgumentError('scaledDotProductAttention: Explicit attn_mask should not be set when is_causal=True'));
    expect(() => scaledDotProductAttention(q, input([2, 4, 5]), v)).toThrow(new ShapeError("scaledDotProductAttention: query's last dim 4 must equal key's last dim 5"));
    expect(() => scaledDotProductAttention(q, k, input([2, 5, 3]))).toThrow(new ShapeError("scaledDotProductAttention: key's sequence length 4 must equal value's 5"));
    expect(() => scaledDotProductAttention(input([4]), k, v)).toThrow(/at least 2-D, got \[4\]/);
    expect(() => scaledDotProductAttention(q, k, v, { dropoutP: 2 })).toThrow(InvalidArgumentError);
  });
});

describe('multiHeadAttentionForward', () => {
  // E = 4, 2 heads; weights chosen so each head sees its own slice.
  const inProjWeight = input([12, 4], 0.9).mul(0.5);
  const inProjBias = input([12], 0.2).mul(0.1);
  const outProjWeight = input([4, 4], 1.1).mul(0.5);
  const x = input([3, 2, 4]);
  const run = (options = {}) => multiHeadAttentionForward(x, x, x, 4, 2, inProjWeight, inProjBias, 0, outProjWeight, null, options);

  it('gives the same output with and without weights, the weights summing to one', () => {
    const [withWeights, weights] = run();
    const [withoutWeights, none] = run({ needWeights: false });
    assertClose(withoutWeights, withWeights, { rtol: 1e-12, atol: 1e-12 });
    expect(none).toBeNull();
    expect(weights!.shape).toEqual([2, 3, 3]);
    assertClose(weights!.sum(-1), ones([2, 3], { dtype: 'float64' }));
  });

  it('drops the attention mask for the isCausal hint only when it may (no padding mask, no weights)', () => {
    // With the hint, a non-causal mask is ignored in favour of the causal one, as in PyTorch 2.x.
    const upper = zeros([3, 3], { dtype: 'bool' });
    const causalMask = ones([3, 3], { dtype: 'bool' }).triu(1);
    const [hinted] = run({ attnMask: upper, isCausal: true, needWeights: false });
    assertClose(hinted, run({ attnMask: causalMask })[0], { rtol: 1e-12, atol: 1e-12 });
    assertClose(run({ attnMask: upper, isCausal: true })[0], run()[0], { rtol: 1e-12, atol: 1e-12 });
  });

  it('rejects the isCausal hint without a mask, and masks of the wrong shape or dtype', () => {
    expect(() => run({ isCausal: true })).toThrow(/Need attn_mask if specifying the is_causal hint/);
    expect(() => run({ attnMask: zeros(3, 2) })).toThrow(new ShapeError('multiHeadAttentionForward: The shape of the 2D attn_mask is [3,2], but should be [3,3].'));
    expect(() => run({ attnMask: zeros(2, 3, 3) })).toThrow(new ShapeError('multiHeadAttentionForward: The shape of the 3D attn_mask is [2,3,3], but should be [4,3,3].'));
    expect(() => run({ keyPaddingMask: zeros([2, 2], { dtype: 'bool' }) })).toThrow(new ShapeError('multiHeadAttentionForward: expecting key_padding_mask shape of [2,3], but got [2,2]'));
    expect(() => run({ attnMask: zeros([3, 3], { dtype: 'int64' }) })).toThrow(new InvalidArgumentError('multiHeadAttentionForward: only bool and floating types of attn_mask are supported, got int64'));
  });

  it('rejects inputs of the wrong rank or size', () => {
    const mha = (q: Tensor, k: Tensor, v: Tensor, embedDim = 4, heads = 2) => multiHeadAttentionForward(q, k, v, embedDim, heads, inProjWeight, inProjBias, 0, outProjWeight, null);
    expect(() => mha(input([1, 3, 2, 4]), x, x)).toThrow(new ShapeError('multiHeadAttentionForward: query should be unbatched 2D or batched 3D tensor but received 4-D query tensor'));
    expect(() => mha(x, input([3, 4]), x)).toThrow(/For batched \(3-D\) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D tensors respectively/);
    expect(() => mha(x, x, x, 5)).toThrow(new ShapeError('multiHeadAttentionForward: was expecting embedding dimension of 5, but got 4'));
    expect(() => mha(x, x, x, 4, 3)).toThrow(new InvalidArgumentError('multiHeadAttentionForward: embed_dim 4 not divisible by num_heads 3'));
    expect(() => mha(x, x, input([2, 2, 4]))).toThrow(new ShapeError('multiHeadAttentionForward: key shape [3,2,4] does not match value shape [2,2,4]'));
    expect(() => mha(x, input([3, 2, 5]), input([3, 2, 5]))).toThrow(new ShapeError('multiHeadAttentionForward: key has 5 features but its projection expects 4'));
  });
});
