import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opCase } from '../../test/fixtures.js';
import { type DType, storageConstructor } from '../dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { contiguousStrides, numelOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertClose, fromRecord } from '../testing.js';
import { tensor } from './creation.js';
import { addmm, bmm, dot, matmul, mm, mv, outer } from './linalg.js';

const f32 = { dtype: 'float32' } as const;
const f64 = { dtype: 'float64' } as const;

/** A contiguous tensor of `shape` filled with deterministic values in [-1, 1). */
function random(shape: number[], dtype: DType = 'float32', seed = 1): Tensor {
  const data = new (storageConstructor(dtype))(numelOf(shape));
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return Tensor.fromData(data, shape, dtype);
}

/** The transpose of the last two dims of a contiguous tensor as a strided view (no copy). */
function transposedView(x: Tensor): Tensor {
  const shape = [...x.shape];
  const strides = [...x.strides];
  const last = shape.length - 1;
  [shape[last - 1], shape[last]] = [shape[last]!, shape[last - 1]!];
  [strides[last - 1], strides[last]] = [strides[last]!, strides[last - 1]!];
  return new Tensor(x.storage, shape, strides, x.offset, x.dtype);
}

/** A [..., m, k] operand that is either contiguous or a transposed view of a [..., k, m] tensor. */
function operand(shape: number[], transposed: boolean, dtype: DType, seed: number): Tensor {
  if (!transposed) return random(shape, dtype, seed);
  const swapped = [...shape];
  const last = shape.length - 1;
  [swapped[last - 1], swapped[last]] = [shape[last]!, shape[last - 1]!];
  return transposedView(random(swapped, dtype, seed));
}

/** Naive batched product of ≥2-D tensors with broadcast batch dims, in float64 on nested indices. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; data: Float64Array } {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.ndim - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const ndim = Math.max(batchA.length, batchB.length);
  const pad = (s: readonly number[]) => [...new Array<number>(ndim - s.length).fill(1), ...s];
  const paddedA = pad(batchA);
  const paddedB = pad(batchB);
  const batch = paddedA.map((size, i) => (size === 1 ? paddedB[i]! : size));
  const batchCount = numelOf(batch);
  const out = new Float64Array(batchCount * m * n);
  const stridesA = contiguousStrides(paddedA);
  const stridesB = contiguousStrides(paddedB);
  for (let index = 0; index < batchCount; index++) {
    let rest = index;
    let matrixA = 0;
    let matrixB = 0;
    for (let d = ndim - 1; d >= 0; d--) {
      const coordinate = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      if (paddedA[d] !== 1) matrixA += coordinate * stridesA[d]!;
      if (paddedB[d] !== 1) matrixB += coordinate * stridesB[d]!;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += x[matrixA * m * k + i * k + p]! * y[matrixB * k * n + p * n + j]!;
        out[index * m * n + i * n + j] = sum;
      }
    }
  }
  return { shape: [...batch, m, n], data: out };
}

describe('matmul', () => {
  it('matches PyTorch for 2-D, batched and broadcast-batched products (fixtures a @ b)', () => {
    for (const nth of [0, 1, 2]) {
      const fixture = opCase('a @ b', nth);
      assertClose(matmul(fromRecord(fixture.inputs.a!), fromRecord(fixture.inputs.b!)), fixture.output, { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it('matches PyTorch for a matrix times a vector (fixture a @ v)', () => {
    const fixture = opCase('a @ v');
    const result = matmul(fromRecord(fixture.inputs.a!), fromRecord(fixture.inputs.v!));
    expect(result.shape).toEqual([3]);
    assertClose(result, fixture.output, { rtol: 1e-5, atol: 1e-6 });
  });

  it('returns a 0-d dot product for two 1-D tensors', () => {
    const result = matmul(tensor([1, 2, 3], f32), tensor([4, 5, 6], f32));
    expect(result.shape).toEqual([]);
    expect(result.item()).toBe(32);
  });

  it('treats a 1-D first argument as a row and removes that dim', () => {
    const result = matmul(tensor([1, 2], f32), tensor([[1, 2, 3], [4, 5, 6]], f32));
    expect(result.shape).toEqual([3]);
    expect(result.tolist()).toEqual([9, 12, 15]);
  });

  it('treats a 1-D second argument as a column and removes that dim', () => {
    const result = matmul(tensor([[1, 2], [3, 4], [5, 6]], f32), tensor([1, -1], f32));
    expect(result.tolist()).toEqual([-1, -1, -1]);
  });

  it('broadcasts a 1-D argument against a batch: [2] @ [3,2,4] gives [3,4], [3,2,4] @ [4] gives [3,2]', () => {
    const batch = random([3, 2, 4]);
    const row = matmul(tensor([1, 0], f32), batch);
    expect(row.shape).toEqual([3, 4]);
    assertClose(row, Tensor.fromData(new Float32Array([0, 1, 2].flatMap((i) => Array.from(batch.toTypedArray().slice(i * 8, i * 8 + 4)))), [3, 4], 'float32'));
    const column = matmul(batch, tensor([0, 0, 1, 0], f32));
    expect(column.shape).toEqual([3, 2]);
    assertClose(column, Tensor.fromData(new Float32Array([2, 6, 10, 14, 18, 22].map((i) => batch.toTypedArray()[i]!)), [3, 2], 'float32'));
  });

  it('broadcasts batch dims: [2,1,3,4] @ [5,4,2] gives [2,5,3,2]', () => {
    const a = random([2, 1, 3, 4], 'float64', 3);
    const b = random([5, 4, 2], 'float64', 4);
    const expected = naiveMatmul(a, b);
    const result = matmul(a, b);
    expect(result.shape).toEqual([2, 5, 3, 2]);
    assertClose(result, Tensor.fromData(expected.data, expected.shape, 'float64'), { rtol: 1e-12, atol: 1e-12 });
  });

  it('multiplies transposed views without copying them first', () => {
    const base = tensor([[1, 2, 3], [4, 5, 6]], f32);
    const transposed = transposedView(base);
    expect(transposed.isContiguous()).toBe(false);
    expect(matmul(transposed, base).tolist()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    expect(matmul(base, transposed).tolist()).toEqual([[14, 32], [32, 77]]);
  });

  it('folds a contiguous batch times one matrix into one product with the same result', () => {
    const a = random([4, 5, 6], 'float64', 5);
    const b = random([6, 3], 'float64', 6);
    const expected = naiveMatmul(a, b);
    assertClose(matmul(a, b), Tensor.fromData(expected.data, expected.shape, 'float64'), { rtol: 1e-12, atol: 1e-12 });
  });

  it('promotes float32 @ float64 to float64', () => {
    const result = matmul(tensor([[0.1, 0.2]], f32), tensor([[1], [1]], f64));
    expect(result.dtype).toBe('float64');
    expect(result.tolist()).toEqual([[Math.fround(0.1) + Math.fround(0.2)]]);
  });

  it('computes integer products exactly, wrapping int32 like PyTorch', () => {
    const result = matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]));
    expect(result.dtype).toBe('int64');
    expect(result.tolist()).toEqual([[19, 22], [43, 50]]);
    const wrapped = matmul(tensor([[2147483647, 2]], { dtype: 'int32' }), tensor([[2], [3]], { dtype: 'int32' }));
    expect(wrapped.tolist()).toEqual([[4]]);
    expect(matmul(tensor([200, 1], { dtype: 'uint8' }), tensor([2, 1], { dtype: 'uint8' })).item()).toBe(145);
  });

  it('promotes int32 @ float32 to float32', () => {
    const result = matmul(tensor([[1, 2]], { dtype: 'int32' }), tensor([[0.5], [0.25]], f32));
    expect(result.dtype).toBe('float32');
    expect(result.tolist()).toEqual([[1]]);
  });

  it('handles zero-sized dims: [0,3] @ [3,2] is [0,2] and [2,0] @ [0,2] is zeros', () => {
    expect(matmul(random([0, 3]), random([3, 2])).shape).toEqual([0, 2]);
    expect(matmul(random([2, 0]), random([0, 2])).tolist()).toEqual([[0, 0], [0, 0]]);
    expect(matmul(random([2, 0]), random([0])).tolist()).toEqual([0, 0]);
    expect(matmul(random([0]), random([0])).item()).toBe(0);
    expect(matmul(random([0, 2, 3]), random([3, 4])).shape).toEqual([0, 2, 4]);
    expect(matmul(tensor([[1, 2]]), tensor([[], []])).shape).toEqual([1, 0]);
  });

  it('matches a naive product on random shapes, strides and broadcast batches', () => {
    const size = fc.integer({ min: 0, max: 7 });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        size,
        size,
        size,
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<DType>('float32', 'float64'),
        fc.integer({ min: 1, max: 100_000 }),
        (batch, onesA, onesB, dropA, dropB, m, k, n, transposeA, transposeB, dtype, seed) => {
          // Each operand takes a suffix of the batch shape with some dims set to 1.
          const batchA = batch.map((s, i) => (onesA[i] ? 1 : s)).slice(Math.min(dropA, batch.length));
          const batchB = batch.map((s, i) => (onesB[i] ? 1 : s)).slice(Math.min(dropB, batch.length));
          const a = operand([...batchA, m, k], transposeA, dtype, seed);
          const b = operand([...batchB, k, n], transposeB, dtype, seed + 7);
          const expected = naiveMatmul(a, b);
          const result = matmul(a, b);
          expect(result.dtype).toBe(dtype);
          assertClose(result, Tensor.fromData(expected.data, expected.shape, 'float64'), { rtol: 1e-5, atol: 1e-6 });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches a naive product for larger shapes that cross the kernel blocks', () => {
    const a = operand([2, 130, 260], true, 'float32', 8);
    const b = operand([260, 9], false, 'float32', 9);
    const expected = naiveMatmul(a, b);
    assertClose(matmul(a, b), Tensor.fromData(expected.data, expected.shape, 'float64'), { rtol: 1e-5, atol: 1e-5 });
  });

  it('rejects inner sizes that differ, naming both shapes', () => {
    expect(() => matmul(random([2, 3]), random([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(random([2, 3]), random([4, 5]))).toThrow('matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)');
    expect(() => matmul(random([3]), random([4]))).toThrow('matmul: shapes [3] and [4] cannot be multiplied (3 != 4)');
    expect(() => matmul(random([3]), random([4, 5]))).toThrow('matmul: shapes [3] and [4,5] cannot be multiplied (3 != 4)');
    expect(() => matmul(random([2, 3]), random([4]))).toThrow('matmul: shapes [2,3] and [4] cannot be multiplied (3 != 4)');
  });

  it('rejects 0-d arguments', () => {
    expect(() => matmul(tensor(2, f32), random([3]))).toThrow('matmul: both arguments need at least 1 dim, got shapes [] and [3]');
  });

  it('rejects batch dims that do not broadcast', () => {
    expect(() => matmul(random([2, 2, 3]), random([3, 3, 2]))).toThrow(
      'matmul: batch dims of shapes [2,2,3] and [3,3,2] cannot be broadcast ([2] and [3])',
    );
  });

  it('rejects bool tensors', () => {
    expect(() => matmul(tensor([[true]]), tensor([[true]]))).toThrow(DTypeError);
    expect(() => matmul(tensor([[true]]), tensor([[true]]))).toThrow('matmul: bool tensors are not supported, got bool and bool');
  });
});

describe('mm', () => {
  it('multiplies two matrices', () => {
    expect(mm(tensor([[1, 2], [3, 4]], f32), tensor([[0, 1], [1, 0]], f32)).tolist()).toEqual([[2, 1], [4, 3]]);
  });

  it('rejects operands that are not 2-D', () => {
    expect(() => mm(random([3]), random([3, 2]))).toThrow('mm: expected 2-D tensors, got shapes [3] and [3,2]');
  });

  it('rejects inner sizes that differ', () => {
    expect(() => mm(random([2, 3]), random([4, 5]))).toThrow('mm: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)');
  });
});

describe('bmm', () => {
  it('multiplies matching batches of matrices', () => {
    const a = random([3, 2, 4], 'float64', 10);
    const b = random([3, 4, 5], 'float64', 11);
    const expected = naiveMatmul(a, b);
    assertClose(bmm(a, b), Tensor.fromData(expected.data, expected.shape, 'float64'), { rtol: 1e-12, atol: 1e-12 });
  });

  it('rejects operands that are not 3-D', () => {
    expect(() => bmm(random([2, 3]), random([2, 3, 4]))).toThrow('bmm: expected 3-D tensors, got shapes [2,3] and [2,3,4]');
  });

  it('does not broadcast batch sizes', () => {
    expect(() => bmm(random([1, 2, 3]), random([2, 3, 4]))).toThrow('bmm: batch sizes of shapes [1,2,3] and [2,3,4] differ (1 != 2)');
  });

  it('rejects inner sizes that differ', () => {
    expect(() => bmm(random([2, 2, 3]), random([2, 4, 4]))).toThrow('bmm: shapes [2,2,3] and [2,4,4] cannot be multiplied (3 != 4)');
  });
});

describe('dot', () => {
  it('returns a 0-d tensor', () => {
    const result = dot(tensor([1.5, 2], f64), tensor([2, -1], f64));
    expect(result.shape).toEqual([]);
    expect(result.dtype).toBe('float64');
    expect(result.item()).toBe(1);
  });

  it('works on strided vectors', () => {
    const matrix = tensor([[1, 2], [3, 4]], f32);
    const column = new Tensor(matrix.storage, [2], [2], 1, 'float32');
    expect(dot(column, column).item()).toBe(20);
  });

  it('rejects operands that are not 1-D', () => {
    expect(() => dot(random([2, 3]), random([3]))).toThrow('dot: expected 1-D tensors, got shapes [2,3] and [3]');
  });

  it('rejects lengths that differ', () => {
    expect(() => dot(random([3]), random([4]))).toThrow('dot: shapes [3] and [4] cannot be multiplied (3 != 4)');
  });

  it('rejects bool tensors', () => {
    expect(() => dot(tensor([true]), tensor([true]))).toThrow('dot: bool tensors are not supported, got bool and bool');
  });
});

describe('mv', () => {
  it('multiplies a matrix by a vector', () => {
    expect(mv(tensor([[1, 2], [3, 4], [5, 6]], f32), tensor([1, 1], f32)).tolist()).toEqual([3, 7, 11]);
  });

  it('multiplies a transposed matrix by a vector', () => {
    const matrix = transposedView(tensor([[1, 2, 3], [4, 5, 6]], f32));
    expect(mv(matrix, tensor([1, 10], f32)).tolist()).toEqual([41, 52, 63]);
  });

  it('rejects a non-matrix or non-vector', () => {
    expect(() => mv(random([3]), random([3]))).toThrow('mv: expected a 2-D matrix and a 1-D vector, got shapes [3] and [3]');
  });

  it('rejects sizes that differ', () => {
    expect(() => mv(random([2, 3]), random([4]))).toThrow('mv: shapes [2,3] and [4] cannot be multiplied (3 != 4)');
  });
});

describe('outer', () => {
  it('multiplies every pair of elements', () => {
    const result = outer(tensor([1, 2]), tensor([3, 4, 5]));
    expect(result.dtype).toBe('int64');
    expect(result.tolist()).toEqual([[3, 4, 5], [6, 8, 10]]);
  });

  it('promotes int32 with float32 to float32', () => {
    const result = outer(tensor([1, 2], { dtype: 'int32' }), tensor([0.5], f32));
    expect(result.dtype).toBe('float32');
    expect(result.tolist()).toEqual([[0.5], [1]]);
  });

  it('is a logical and for bool tensors', () => {
    expect(outer(tensor([true, false]), tensor([true, false])).tolist()).toEqual([[true, false], [false, false]]);
  });

  it('wraps int32 products like PyTorch', () => {
    expect(outer(tensor([65536], { dtype: 'int32' }), tensor([65536], { dtype: 'int32' })).tolist()).toEqual([[0]]);
  });

  it('rejects operands that are not 1-D', () => {
    expect(() => outer(random([2, 3]), random([4]))).toThrow('outer: expected 1-D tensors, got shapes [2,3] and [4]');
  });
});

describe('addmm', () => {
  it('computes beta·input + alpha·(m1 @ m2) with a broadcast input', () => {
    const result = addmm(tensor([10, 20], f32), tensor([[1, 2]], f32), tensor([[1, 1], [1, 1]], f32), { beta: 2, alpha: 3 });
    expect(result.tolist()).toEqual([[29, 49]]);
  });

  it('defaults to beta = alpha = 1 and accepts 0-d, [1,1] and full inputs', () => {
    const m1 = tensor([[1, 2], [3, 4]], f64);
    const m2 = tensor([[1, 0], [0, 1]], f64);
    expect(addmm(tensor(1, f64), m1, m2).tolist()).toEqual([[2, 3], [4, 5]]);
    expect(addmm(tensor([[1]], f64), m1, m2).tolist()).toEqual([[2, 3], [4, 5]]);
    expect(addmm(tensor([[1], [2]], f64), m1, m2).tolist()).toEqual([[2, 3], [5, 6]]);
    expect(addmm(m1, m1, m2).tolist()).toEqual([[2, 4], [6, 8]]);
  });

  it('ignores NaN in input when beta is 0', () => {
    const result = addmm(tensor([Number.NaN, Number.NaN], f32), tensor([[1, 2]], f32), tensor([[1, 1], [1, 1]], f32), { beta: 0 });
    expect(result.tolist()).toEqual([[3, 3]]);
  });

  it('promotes a float32 input with float64 matrices to float64', () => {
    const result = addmm(tensor([0.1], f32), tensor([[1]], f64), tensor([[1]], f64));
    expect(result.dtype).toBe('float64');
    expect(result.item()).toBe(Math.fround(0.1) + 1);
  });

  it('multiplies transposed matrices (a linear layer x @ W^T + b)', () => {
    const x = random([5, 7], 'float64', 12);
    const weight = random([3, 7], 'float64', 13);
    const bias = random([3], 'float64', 14);
    const product = naiveMatmul(x, transposedView(weight));
    const expected = product.data.map((v, i) => v + bias.toTypedArray()[i % 3]!);
    assertClose(addmm(bias, x, transposedView(weight)), Tensor.fromData(expected, [5, 3], 'float64'), { rtol: 1e-12, atol: 1e-12 });
  });

  it('computes integer results with integer alpha and beta', () => {
    const result = addmm(tensor([1, 1]), tensor([[1, 2]]), tensor([[3, 4], [5, 6]]), { alpha: 2, beta: -1 });
    expect(result.dtype).toBe('int64');
    expect(result.tolist()).toEqual([[25, 31]]);
  });

  it('rejects fractional alpha or beta for integer tensors', () => {
    expect(() => addmm(tensor([1]), tensor([[1]]), tensor([[1]]), { alpha: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => addmm(tensor([1]), tensor([[1]]), tensor([[1]]), { alpha: 0.5 })).toThrow('addmm: alpha (0.5) and beta (1) must be integers for int64 tensors');
  });

  it('rejects an input that does not broadcast to the product', () => {
    expect(() => addmm(random([3]), random([2, 3]), random([3, 4]))).toThrow('addmm: input [3] cannot be broadcast to [2,4]');
    expect(() => addmm(random([1, 2, 4]), random([2, 3]), random([3, 4]))).toThrow('addmm: input [1,2,4] cannot be broadcast to [2,4]');
  });

  it('rejects matrices that are not 2-D or do not fit', () => {
    expect(() => addmm(random([2]), random([2]), random([2, 2]))).toThrow('addmm: expected 2-D matrices, got shapes [2] and [2,2]');
    expect(() => addmm(random([2]), random([2, 3]), random([2, 2]))).toThrow('addmm: shapes [2,3] and [2,2] cannot be multiplied (3 != 2)');
  });

  it('rejects bool tensors', () => {
    expect(() => addmm(tensor([true]), tensor([[true]]), tensor([[true]]))).toThrow('addmm: bool tensors are not supported, got bool and bool');
  });
});
