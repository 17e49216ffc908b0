/** Differentiable matrix products. Everything reduces to `matmul`, whose backward is two matmuls. */
import * as T from '@torchlet/tensor';
import { raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { sumToShape } from './broadcast.js';
import { reshape, transpose, unsqueeze } from './views.js';

function mT(x: Tensor): Tensor {
  return transpose(x, -1, -2);
}

/**
 * Matrix product with PyTorch's rules (1-D operands gain and lose a dim; batch dims broadcast).
 * Backward: dA = G·Bᵀ and dB = Aᵀ·G, summed back over broadcast batch dims.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return record('MatmulBackward', T.matmul(raw(a), raw(b)), [a, b], (g, needs) => {
    if (a.ndim === 1 && b.ndim === 1) return [needs[0] ? mul(g, b) : null, needs[1] ? mul(g, a) : null];
    const A = a.ndim === 1 ? unsqueeze(a, 0) : a;
    const B = b.ndim === 1 ? unsqueeze(b, -1) : b;
    let G = g;
    if (a.ndim === 1) G = unsqueeze(G, -2);
    if (b.ndim === 1) G = unsqueeze(G, -1);
    const ga = needs[0] ? reshape(sumToShape(matmul(G, mT(B)), A.shape), [...a.shape]) : null;
    const gb = needs[1] ? reshape(sumToShape(matmul(mT(A), G), B.shape), [...b.shape]) : null;
    return [ga, gb];
  }, [a, b]);
}

/** 2-D matrix product. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) T.mm(raw(a), raw(b));
  return matmul(a, b);
}

/** Batched 3-D matrix product. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) T.bmm(raw(a), raw(b));
  return matmul(a, b);
}

/** Dot product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) T.dot(raw(a), raw(b));
  return matmul(a, b);
}

/** Matrix-vector product. */
export function mv(matrix: Tensor, vector: Tensor): Tensor {
  if (matrix.ndim !== 2 || vector.ndim !== 1) T.mv(raw(matrix), raw(vector));
  return matmul(matrix, vector);
}

/** Outer product of two 1-D tensors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) T.outer(raw(a), raw(b));
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/** beta·input + alpha·(m1 @ m2). */
export function addmm(input: Tensor, m1: Tensor, m2: Tensor, options: T.AddmmOptions = {}): Tensor {
  const { beta = 1, alpha = 1 } = options;
  if (m1.ndim !== 2 || m2.ndim !== 2) T.addmm(raw(input), raw(m1), raw(m2), options);
  const product = matmul(m1, m2);
  return add(beta === 1 ? input : mul(input, beta), alpha === 1 ? product : mul(product, alpha));
}
