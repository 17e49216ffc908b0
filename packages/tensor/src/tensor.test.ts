import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, TorchletError } from './errors/index.js';
import { arange, tensor, zeros } from './ops/creation.js';
import { Tensor } from './tensor.js';

describe('Tensor', () => {
  it('prints like PyTorch through toString and util.inspect', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    expect(x.toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(inspect(tensor([0.5, 1.25]))).toBe('tensor([0.5000, 1.2500])');
    expect(String(tensor([1, 2], { dtype: 'int32' }))).toBe('tensor([1, 2], dtype=torch.int32)');
  });

  it('chains methods that read like PyTorch', () => {
    const x = arange(6, { dtype: 'float32' }).reshape(2, 3);
    expect(x.t().mul(2).sum().item()).toBe(30);
    expect(x.sum(1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(x.max(1).indices.tolist()).toEqual([2, 2]);
    expect(x.T.shape).toEqual([3, 2]);
    expect(x.matmul(x.T).tolist()).toEqual([[5, 14], [14, 50]]);
  });

  it('reports size, stride and contiguity', () => {
    const x = zeros(2, 3, 4).transpose(0, 2);
    expect(x.size()).toEqual([4, 3, 2]);
    expect(x.size(-1)).toBe(2);
    expect(x.stride()).toEqual([1, 4, 12]);
    expect(x.isContiguous()).toBe(false);
    expect(x.contiguous().isContiguous()).toBe(true);
  });

  it('converts dtypes, truncating toward zero for integers', () => {
    expect(tensor([1.7, -1.7]).to('int64').tolist()).toEqual([1, -1]);
    expect(tensor([0, 2]).bool().tolist()).toEqual([false, true]);
    expect(tensor([1, 2]).to({ dtype: 'float64' }).dtype).toBe('float64');
  });

  it('stores int64 exactly up to 2^53', () => {
    const big = 2 ** 53;
    expect(tensor([big - 1, -(big - 1)]).add(0).tolist()).toEqual([big - 1, -(big - 1)]);
  });

  it('item() needs exactly one element', () => {
    expect(() => zeros(2).item()).toThrow(InvalidArgumentError);
    expect(() => zeros(2).item()).toThrow('item: a tensor with 2 elements cannot be converted to a scalar');
  });

  it('rejects data that does not fill the shape', () => {
    expect(() => Tensor.fromData(new Float32Array(5), [2, 3], 'float32')).toThrow(ShapeError);
  });

  it('errors are recognisable across package copies', () => {
    try {
      zeros(2).view(3);
    } catch (error) {
      expect(TorchletError.isInstance(error)).toBe(true);
      expect(ShapeError.isInstance(error)).toBe(true);
      expect(InvalidArgumentError.isInstance(error)).toBe(false);
    }
    expect.assertions(3);
  });
});
