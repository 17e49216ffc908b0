/** Differentiable sorting: values carry the gradient back to where they came from. */
import * as T from '@torchlet/tensor';
import { constant, raw } from '../record.js';
import type { Tensor } from '../tensor.js';
import { valuesAt } from './reduce.js';

/** Sorts along `dim`, returning `{ values, indices }`. */
export function sort(x: Tensor, dim = -1, options: T.SortOptions = {}): { values: Tensor; indices: Tensor } {
  const result = T.sort(raw(x), dim, options);
  return { values: valuesAt('SortBackward', x, dim, result), indices: constant(result.indices) };
}

/** Indices that sort `x` along `dim` (no gradient). */
export function argsort(x: Tensor, dim = -1, options: T.SortOptions = {}): Tensor {
  return constant(T.argsort(raw(x), dim, options));
}

/** The `k` largest (or smallest) elements along `dim`, as `{ values, indices }`. */
export function topk(x: Tensor, k: number, dim = -1, options: T.TopkOptions = {}): { values: Tensor; indices: Tensor } {
  const result = T.topk(raw(x), k, dim, options);
  return { values: valuesAt('TopkBackward', x, dim, result), indices: constant(result.indices) };
}
