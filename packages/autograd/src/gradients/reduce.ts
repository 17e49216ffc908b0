/**
 * Differentiable reductions. Backward re-inserts the reduced dims (size 1) and broadcasts the
 * gradient over them; max-like reductions route it to the winning elements.
 */
import * as T from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { constant, raw, record, recordWithOutput } from '../record.js';
import type { Tensor } from '../tensor.js';
import { div, mul, pow, sub, where } from './binary.js';
import { scatterInto } from './indexing.js';
import { abs, exp, sign } from './unary.js';
import { expand, permute, reshape, unsqueeze } from './views.js';

/** The input's dims that a reduction over `dim` removes, as the kernels read it: all when omitted or `[]`. */
function reducedDims(op: string, x: T.Tensor, dim: T.Dims | undefined): number[] {
  if (dim === undefined || (typeof dim !== 'number' && dim.length === 0)) return [...x.shape.keys()];
  const dims = T.normalizeDims(op, dim, x.ndim);
  return x.ndim === 0 ? [] : dims;
}

/** Broadcasts a reduced gradient back over `shape`, re-inserting the reduced dims first. */
function unreduce(g: Tensor, shape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : reshape(g, shape.map((s, d) => (dims.includes(d) ? 1 : s)));
  return expand(kept, [...shape]);
}

function countOf(shape: readonly number[], dims: readonly number[]): number {
  return dims.reduce((n, d) => n * shape[d]!, 1);
}

/** Sum over `dim` (all dims when omitted). */
export function sum(x: Tensor, dim?: T.Dims, options: T.SumOptions = {}): Tensor {
  const dims = reducedDims('sum', x, dim);
  return record('SumBackward', T.sum(raw(x), dim, options), [x], (g) => [unreduce(g, x.shape, dims, options.keepdim ?? false)]);
}

/** Mean over `dim`. */
export function mean(x: Tensor, dim?: T.Dims, options: T.SumOptions = {}): Tensor {
  const dims = reducedDims('mean', x, dim);
  const n = countOf(x.shape, dims);
  return record('MeanBackward', T.mean(raw(x), dim, options), [x], (g) => [div(unreduce(g, x.shape, dims, options.keepdim ?? false), n)]);
}

/** Product over `dim`; the gradient is g·prod/x, computed without dividing where x is 0. */
export function prod(x: Tensor, dim?: T.Dims, options: T.SumOptions = {}): Tensor {
  const dims = reducedDims('prod', x, dim);
  const keepdim = options.keepdim ?? false;
  return recordWithOutput('ProdBackward', T.prod(raw(x), dim, options), [x], (g, _needs, y) => {
    const hasZero = T.any(T.eq(raw(x), 0)).item();
    if (!hasZero) return [div(mul(unreduce(g, x.shape, dims, keepdim), unreduce(y, x.shape, dims, keepdim)), x)];
    // With zeros, the product of the other elements: exclusive products from both sides, or, when
    // this backward is itself recorded (createGraph), a composed form with derivatives of its own.
    const others = isGradEnabled() ? composedProductOfOthers(x, dims) : constant(productOfOthers(raw(x), dims));
    return [mul(unreduce(g, x.shape, dims, keepdim), others)];
  }, [x]);
}

/**
 * {@link productOfOthers} from differentiable ops: each lane of n reduced elements becomes an n×n
 * matrix whose row i is the lane with element i replaced by 1, and rows are multiplied out.
 * O(n²) memory, so only for double backward.
 */
function composedProductOfOthers(x: Tensor, dims: readonly number[]): Tensor {
  const kept = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const order = [...kept, ...dims];
  const keptShape = kept.map((d) => x.shape[d]!);
  const n = countOf(x.shape, dims);
  const lanes = reshape(permute(x, order), [...keptShape, n]);
  const rows = expand(unsqueeze(lanes, -2), [...keptShape, n, n]);
  const others = prod(where(constant(T.eye(n, n, { dtype: 'bool' })), 1, rows), -1);
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => (inverse[d] = i));
  return permute(reshape(others, order.map((d) => x.shape[d]!)), inverse);
}

/** For every element, the product of the other elements along the reduced dims (no division). */
function productOfOthers(x: T.Tensor, dims: readonly number[]): T.Tensor {
  const kept = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const moved = T.permute(x, [...kept, ...dims]).contiguous();
  const outer = kept.reduce((n, d) => n * x.shape[d]!, 1);
  const size = countOf(x.shape, dims);
  const data = moved.toTypedArray();
  const out = new Float64Array(data.length);
  for (let o = 0; o < outer; o++) {
    let left = 1;
    for (let i = 0; i < size; i++) {
      out[o * size + i] = left;
      left *= data[o * size + i]!;
    }
    let right = 1;
    for (let i = size - 1; i >= 0; i--) {
      out[o * size + i]! *= right;
      right *= data[o * size + i]!;
    }
  }
  const result = T.Tensor.fromData(out, moved.shape, 'float64').to(x.dtype);
  const inverse = new Array<number>(x.ndim);
  [...kept, ...dims].forEach((d, i) => (inverse[d] = i));
  return T.permute(result, inverse);
}

/** Gradient of an extreme value reached by several elements: shared evenly among them. */
function evenlyToWinners(g: Tensor, x: Tensor, y: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const winners = T.eq(raw(x), raw(unreduce(y, x.shape, dims, keepdim)));
  const counts = T.sum(winners, dims, { keepdim: true });
  // Multiply and divide in g's dtype: T.div(winners, counts) would be float32 (1/3 rounded).
  return div(mul(unreduce(g, x.shape, dims, keepdim), constant(winners)), constant(counts));
}

/** The maximum of all elements, or `{ values, indices }` along `dim`. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, options?: T.ReduceOptions): { values: Tensor; indices: Tensor };
export function max(x: Tensor, dim?: number, options: T.ReduceOptions = {}): Tensor | { values: Tensor; indices: Tensor } {
  return extreme('max', x, dim, options);
}

/** The minimum of all elements, or `{ values, indices }` along `dim`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, options?: T.ReduceOptions): { values: Tensor; indices: Tensor };
export function min(x: Tensor, dim?: number, options: T.ReduceOptions = {}): Tensor | { values: Tensor; indices: Tensor } {
  return extreme('min', x, dim, options);
}

function extreme(op: 'max' | 'min', x: Tensor, dim: number | undefined, options: T.ReduceOptions): Tensor | { values: Tensor; indices: Tensor } {
  const name = op === 'max' ? 'MaxBackward' : 'MinBackward';
  if (dim === undefined) {
    return recordWithOutput(name, op === 'max' ? T.max(raw(x)) : T.min(raw(x)), [x], (g, _needs, y) => [evenlyToWinners(g, x, y, reducedDims(op, x, undefined), false)]);
  }
  const result = op === 'max' ? T.max(raw(x), dim, options) : T.min(raw(x), dim, options);
  return { values: valuesAt(name, x, dim, result, options.keepdim ?? false), indices: constant(result.indices) };
}

/** Values picked at `indices` along `dim` (max/min/sort/topk): the gradient scatters back there. */
export function valuesAt(name: string, x: Tensor, dim: number, result: { values: T.Tensor; indices: T.Tensor }, keepdim = true): Tensor {
  const d = T.normalizeDim(name, dim, x.ndim);
  const indices = keepdim ? result.indices : T.unsqueeze(result.indices, d);
  return record(name, result.values, [x], (g) => [scatterInto(x.shape, d, indices, keepdim ? g : reshape(g, [...indices.shape]))]);
}

/** Maximum over `dim` (several allowed); ties share the gradient evenly. */
export function amax(x: Tensor, dim?: T.Dims, options: T.ReduceOptions = {}): Tensor {
  return recordWithOutput('AmaxBackward', T.amax(raw(x), dim, options), [x], (g, _needs, y) => [evenlyToWinners(g, x, y, reducedDims('amax', x, dim), options.keepdim ?? false)]);
}

/** Minimum over `dim` (several allowed); ties share the gradient evenly. */
export function amin(x: Tensor, dim?: T.Dims, options: T.ReduceOptions = {}): Tensor {
  return recordWithOutput('AminBackward', T.amin(raw(x), dim, options), [x], (g, _needs, y) => [evenlyToWinners(g, x, y, reducedDims('amin', x, dim), options.keepdim ?? false)]);
}

/** Index of the maximum (no gradient). */
export function argmax(x: Tensor, dim?: number, options?: T.ReduceOptions): Tensor {
  return constant(T.argmax(raw(x), dim, options));
}

/** Index of the minimum (no gradient). */
export function argmin(x: Tensor, dim?: number, options?: T.ReduceOptions): Tensor {
  return constant(T.argmin(raw(x), dim, options));
}

function correctionOf(options: T.VarianceOptions): number {
  if (options.correction !== undefined) return options.correction;
  return options.unbiased === false ? 0 : 1;
}

/** Variance with Bessel's correction by default; d/dx = 2(x − mean)/(N − correction). */
export function variance(x: Tensor, dim?: T.Dims, options: T.VarianceOptions = {}): Tensor {
  const dims = reducedDims('var', x, dim);
  const keepdim = options.keepdim ?? false;
  return record('VarBackward', T.variance(raw(x), dim, options), [x], (g) => {
    const n = countOf(x.shape, dims) - correctionOf(options);
    const centred = sub(x, mean(x, dims, { keepdim: true }));
    return [mul(unreduce(g, x.shape, dims, keepdim), mul(centred, 2 / n))];
  }, [x]);
}

/** Standard deviation; d/dx = (x − mean)/((N − correction)·std). */
export function std(x: Tensor, dim?: T.Dims, options: T.VarianceOptions = {}): Tensor {
  const dims = reducedDims('std', x, dim);
  const keepdim = options.keepdim ?? false;
  return recordWithOutput('StdBackward', T.std(raw(x), dim, options), [x], (g, _needs, y) => {
    const n = countOf(x.shape, dims) - correctionOf(options);
    const centred = sub(x, mean(x, dims, { keepdim: true }));
    const yx = unreduce(y, x.shape, dims, keepdim);
    // Zero where std is 0 (constant lanes), as PyTorch masks it, rather than 0/0.
    const scale = where(constant(T.eq(raw(yx), 0)), 0, div(unreduce(g, x.shape, dims, keepdim), yx));
    return [mul(scale, div(centred, n))];
  }, [x]);
}

/** log Σ e^x over `dim`; d/dx = softmax. */
export function logsumexp(x: Tensor, dim: T.Dims, options: T.ReduceOptions = {}): Tensor {
  const dims = reducedDims('logsumexp', x, dim);
  const keepdim = options.keepdim ?? false;
  return recordWithOutput('LogsumexpBackward', T.logsumexp(raw(x), dim, options), [x], (g, _needs, y) => [mul(unreduce(g, x.shape, dims, keepdim), exp(sub(x, unreduce(y, x.shape, dims, keepdim))))], [x]);
}

/**
 * p-norm over `dim` (0, 1, 2, ±∞, 'fro' or any positive p). As in PyTorch, the gradient is 0 for
 * p = 0, for an all-zero lane, and at zero elements when p < 1.
 */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: T.Dims, options: T.ReduceOptions = {}): Tensor {
  const dims = reducedDims('norm', x, dim);
  const keepdim = options.keepdim ?? false;
  const order = p === 'fro' ? 2 : p;
  return recordWithOutput('NormBackward', T.norm(raw(x), p, dim, options), [x], (g, _needs, y) => {
    const gx = unreduce(g, x.shape, dims, keepdim);
    const yx = unreduce(y, x.shape, dims, keepdim);
    const zeroNorm = constant(T.eq(raw(yx), 0));
    if (order === 0) return [mul(gx, 0)];
    if (order === 1) return [mul(gx, sign(x))];
    if (order === 2) return [mul(gx, where(zeroNorm, 0, div(x, yx)))];
    if (!Number.isFinite(order)) return [mul(evenlyToWinners(g, abs(x), y, dims, keepdim), sign(x))];
    // sign(x)·|x|^(p−1) / ‖x‖^(p−1), written so that neither zero elements nor zero lanes give 0/0
    const scaled = where(constant(T.eq(raw(x), 0)), 0, mul(sign(x), pow(abs(x), order - 1)));
    return [mul(gx, where(zeroNorm, 0, div(scaled, pow(yx, order - 1))))];
  }, [x]);
}

/** True where all elements along `dim` are nonzero (no gradient). */
export function all(x: Tensor, dim?: T.Dims, options?: T.ReduceOptions): Tensor {
  return constant(T.all(raw(x), dim, options));
}

/** True where any element along `dim` is nonzero (no gradient). */
export function any(x: Tensor, dim?: T.Dims, options?: T.ReduceOptions): Tensor {
  return constant(T.any(raw(x), dim, options));
}
