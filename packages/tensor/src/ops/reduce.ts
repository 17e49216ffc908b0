import { getBackend } from '../backend/index.js';
import { allocate, checkDType, type DType, isFloatingPoint, isIntegral } from '../dtype.js';
import { DTypeError, IndexError, InvalidArgumentError } from '../errors/index.js';
import { type Lanes, lanesAlong } from '../iterate.js';
import { normalizeDims } from '../shape.js';
import { Tensor } from '../tensor.js';

/** One dim, several dims, or (omitted) every dim. */
export type Dims = number | readonly number[];

/** Options shared by every reduction. */
export interface ReduceOptions {
  /** Keep each reduced dim as size 1 (default false). */
  keepdim?: boolean;
}

/** Options of {@link sum}, {@link prod} and {@link mean}. */
export interface SumOptions extends ReduceOptions {
  /** Convert the input to this dtype before reducing; the result has this dtype too. */
  dtype?: DType;
}

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions extends ReduceOptions {
  /** Divide by `N - correction` (default 1, Bessel's correction). */
  correction?: number;
  /** PyTorch's older spelling: `true` is `correction: 1`, `false` is `correction: 0`. */
  unbiased?: boolean;
}

/** The values and int64 indices that `max(x, dim)`, `sort` and `topk` return. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** A planned reduction: the input read as lanes, and the output shape. */
interface Plan {
  lanes: Lanes;
  shape: number[];
}

/** Normalizes `dim` (omitted or `[]` means every dim; a 0-d tensor accepts 0 and -1 but has none). */
function reducedDims(op: string, x: Tensor, dim: Dims | undefined): number[] {
  if (dim === undefined || (typeof dim !== 'number' && dim.length === 0)) return [...x.shape.keys()];
  const dims = normalizeDims(op, dim, x.ndim);
  return x.ndim === 0 ? [] : dims.sort((a, b) => a - b);
}

function plan(x: Tensor, dims: number[], keepdim: boolean): Plan {
  const shape: number[] = [];
  x.shape.forEach((n, d) => {
    if (!dims.includes(d)) shape.push(n);
    else if (keepdim) shape.push(1);
  });
  return { lanes: lanesAlong(x, dims), shape };
}

/** PyTorch's `zero_numel_check_dims`: reductions without an identity refuse empty lanes. */
function requireNonEmpty(op: string, x: Tensor, dims: number[], dimGiven: boolean): void {
  if (x.numel() !== 0) return;
  if (!dimGiven) {
    throw new InvalidArgumentError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  for (const d of dims) {
    if (x.shape[d] === 0) throw new IndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  }
}

function requireFloatInput(op: string, x: Tensor, what: string): void {
  if (!isFloatingPoint(x.dtype)) throw new DTypeError(`${op}(): ${what}, got ${x.dtype}`);
}

function output(values: Float64Array | Uint8Array, shape: number[], dtype: DType): Tensor {
  // float64 and int64 live in Float64Array, so the accumulator itself can be the result.
  if (values instanceof Float64Array && (dtype === 'float64' || dtype === 'int64')) return Tensor.fromData(values, shape, dtype);
  const data = allocate(dtype, values.length);
  if (dtype === 'bool') for (let j = 0; j < values.length; j++) data[j] = values[j] !== 0 ? 1 : 0;
  else data.set(values);
  return Tensor.fromData(data, shape, dtype);
}

// Kernels. Each walks lanes with the inner index innermost and accumulates in float64.
// Contiguous float lanes (inner = 1) of at least MIN_RUN elements go to the backend's `reduce`
// for sums and extremes (kernels/reduce.ts, or WebAssembly SIMD); shorter ones stay here, where a
// call and, for extremes, a lookup per lane would cost more than they save.

const MIN_RUN = 64;

function isFloatArray(data: Lanes['data']): data is Float32Array | Float64Array {
  return data instanceof Float32Array || data instanceof Float64Array;
}

function sumLanes({ data, offset, outer, size, inner }: Lanes): Float64Array {
  const acc = new Float64Array(outer * inner);
  const run = inner === 1 && size >= MIN_RUN && isFloatArray(data) ? data : undefined;
  const backend = run && getBackend();
  for (let o = 0; o < outer; o++) {
    let p = offset + o * size * inner;
    if (run && backend) {
      acc[o] = backend.reduce({ op: 'sum', n: size, x: run, xOffset: p });
      continue;
    }
    if (inner === 1) {
      let s = 0;
      for (let k = 0; k < size; k++) s += data[p + k]!;
      acc[o] = s;
      continue;
    }
    const base = o * inner;
    for (let k = 0; k < size; k++, p += inner) {
      for (let i = 0; i < inner; i++) acc[base + i]! += data[p + i]!;
    }
  }
  return acc;
}

function prodLanes({ data, offset, outer, size, inner }: Lanes): Float64Array {
  const acc = new Float64Array(outer * inner).fill(1);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let k = 0, p = offset + o * size * inner; k < size; k++, p += inner) {
      for (let i = 0; i < inner; i++) acc[base + i]! *= data[p + i]!;
    }
  }
  return acc;
}

/** Max or min of each lane and the index of its first occurrence; the first NaN wins, as in PyTorch. */
function extremeLanes({ data, offset, outer, size, inner }: Lanes, largest: boolean): { values: Float64Array; indices: Float64Array } {
  const values = new Float64Array(outer * inner);
  const indices = new Float64Array(outer * inner);
  if (size === 0) return { values, indices };
  if (inner === 1 && size >= MIN_RUN && isFloatArray(data)) {
    extremeRuns(data, offset, outer, size, largest, values, indices);
    return { values, indices };
  }
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let p = offset + o * size * inner;
    for (let i = 0; i < inner; i++) values[base + i] = data[p + i]!;
    p += inner;
    for (let k = 1; k < size; k++, p += inner) {
      for (let i = 0; i < inner; i++) {
        const v = data[p + i]!;
        const best = values[base + i]!;
        if (largest ? v > best : v < best) {
          values[base + i] = v;
          indices[base + i] = k;
        } else if (v !== v && best === best) {
          values[base + i] = NaN;
          indices[base + i] = k;
        }
      }
    }
  }
  return { values, indices };
}

/**
 * {@link extremeLanes} over contiguous float lanes, through the backend's `reduce`: the extreme
 * found, its first occurrence is looked up, which gives the index and, for a zero, its sign
 * (the first zero equal to the extreme is what the comparison loop above keeps).
 */
function extremeRuns(
  data: Float32Array | Float64Array, offset: number, outer: number, size: number, largest: boolean,
  values: Float64Array, indices: Float64Array,
): void {
  const backend = getBackend();
  const op = largest ? 'max' : 'min';
  for (let o = 0, p = offset; o < outer; o++, p += size) {
    const extreme = backend.reduce({ op, n: size, x: data, xOffset: p });
    let k = 0;
    if (extreme === extreme) k = data.subarray(p, p + size).indexOf(extreme);
    else while (data[p + k] === data[p + k]) k++;
    values[o] = data[p + k]!;
    indices[o] = k;
  }
}

/** Sum of squared deviations from the lane mean (two passes, float64). */
function squaredDeviationLanes(lanes: Lanes): Float64Array {
  const { data, offset, outer, size, inner } = lanes;
  const mean = sumLanes(lanes);
  for (let j = 0; j < mean.length; j++) mean[j]! /= size;
  const acc = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let k = 0, p = offset + o * size * inner; k < size; k++, p += inner) {
      for (let i = 0; i < inner; i++) {
        const d = data[p + i]! - mean[base + i]!;
        acc[base + i]! += d * d;
      }
    }
  }
  return acc;
}

/** Σ|x|^p per lane (p finite and nonzero), or the count of nonzeros for p = 0. */
function powerSumLanes({ data, offset, outer, size, inner }: Lanes, p: number): Float64Array {
  const acc = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let k = 0, q = offset + o * size * inner; k < size; k++, q += inner) {
      for (let i = 0; i < inner; i++) {
        const a = Math.abs(data[q + i]!);
        acc[base + i]! += p === 2 ? a * a : p === 1 ? a : p === 0 ? (a !== 0 ? 1 : 0) : a ** p;
      }
    }
  }
  return acc;
}

/** Largest or smallest |x| per lane, NaN propagating. */
function extremeAbsLanes({ data, offset, outer, size, inner }: Lanes, largest: boolean): Float64Array {
  const acc = new Float64Array(outer * inner).fill(largest ? 0 : Infinity);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let k = 0, q = offset + o * size * inner; k < size; k++, q += inner) {
      for (let i = 0; i < inner; i++) {
        const a = Math.abs(data[q + i]!);
        if (a !== a) acc[base + i] = NaN;
        else if (largest ? a > acc[base + i]! : a < acc[base + i]!) acc[base + i] = a;
      }
    }
  }
  return acc;
}

function truthLanes({ data, offset, outer, size, inner }: Lanes, every: boolean): Uint8Array {
  const acc = new Uint8Array(outer * inner).fill(every ? 1 : 0);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let k = 0, p = offset + o * size * inner; k < size; k++, p += inner) {
      for (let i = 0; i < inner; i++) {
        // NaN is truthy, as in PyTorch: `NaN !== 0`.
        if (every) acc[base + i]! &= data[p + i] !== 0 ? 1 : 0;
        else acc[base + i]! |= data[p + i] !== 0 ? 1 : 0;
      }
    }
  }
  return acc;
}

/** PyTorch's result dtype for sum/prod without `dtype`: integers and bool accumulate into int64. */
function accumulateDType(dtype: DType): DType {
  return isIntegral(dtype) ? 'int64' : dtype;
}

/**
 * Sum over `dim` (one dim, several, or every dim when omitted). Integer and bool inputs give int64,
 * as in PyTorch; float sums accumulate in float64. An empty reduction gives 0.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);
 * sum(x).item();                    // 10
 * sum(x, 1, { keepdim: true });     // [[3], [7]]
 * ```
 */
export function sum(x: Tensor, dim?: Dims, options: SumOptions = {}): Tensor {
  const source = options.dtype === undefined ? x : x.to(checkDType('sum', options.dtype));
  const { lanes, shape } = plan(source, reducedDims('sum', x, dim), options.keepdim ?? false);
  return output(sumLanes(lanes), shape, options.dtype ?? accumulateDType(x.dtype));
}

/** Product over `dim` (or every dim), with {@link sum}'s dtype rules. An empty reduction gives 1. */
export function prod(x: Tensor, dim?: Dims, options: SumOptions = {}): Tensor {
  const source = options.dtype === undefined ? x : x.to(checkDType('prod', options.dtype));
  const { lanes, shape } = plan(source, reducedDims('prod', x, dim), options.keepdim ?? false);
  return output(prodLanes(lanes), shape, options.dtype ?? accumulateDType(x.dtype));
}

/**
 * Mean over `dim` (or every dim) of a float tensor; integer inputs need `{ dtype }` as in PyTorch.
 * An empty reduction gives NaN.
 */
export function mean(x: Tensor, dim?: Dims, options: SumOptions = {}): Tensor {
  let source = x;
  if (options.dtype !== undefined) {
    const dtype = checkDType('mean', options.dtype);
    if (!isFloatingPoint(dtype)) {
      throw new DTypeError(`mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: ${dtype}`);
    }
    source = x.to(dtype);
  }
  if (!isFloatingPoint(source.dtype)) {
    throw new DTypeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${source.dtype}`);
  }
  const { lanes, shape } = plan(source, reducedDims('mean', x, dim), options.keepdim ?? false);
  const acc = sumLanes(lanes);
  for (let j = 0; j < acc.length; j++) acc[j]! /= lanes.size;
  return output(acc, shape, source.dtype);
}

function extreme(op: 'max' | 'min', x: Tensor, dim: number | undefined, keepdim: boolean): ValuesIndices {
  const dims = reducedDims(op, x, dim);
  requireNonEmpty(op, x, dims, dim !== undefined);
  const { lanes, shape } = plan(x, dims, keepdim);
  const { values, indices } = extremeLanes(lanes, op === 'max');
  return { values: output(values, shape, x.dtype), indices: output(indices, shape, 'int64') };
}

/**
 * The largest element (NaN if any element is NaN). With `dim`, the largest along it and the index
 * of its first occurrence, like PyTorch's `max(dim)`.
 *
 * @example
 * ```ts
 * max(tensor([3, 7, 7])).item();          // 7
 * max(tensor([[1, 5], [4, 2]]), 1);       // { values: [5, 4], indices: [1, 0] }
 * ```
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function max(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  const result = extreme('max', x, dim, options.keepdim ?? false);
  return dim === undefined ? result.values : result;
}

/** The smallest element, or with `dim` the smallest along it and its first index (see {@link max}). */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, options?: ReduceOptions): ValuesIndices;
export function min(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor | ValuesIndices {
  const result = extreme('min', x, dim, options.keepdim ?? false);
  return dim === undefined ? result.values : result;
}

function extremeValues(op: 'amax' | 'amin', x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  const dims = reducedDims(op, x, dim);
  requireNonEmpty(op, x, dims, dim !== undefined && (typeof dim === 'number' || dim.length > 0));
  const { lanes, shape } = plan(x, dims, keepdim);
  return output(extremeLanes(lanes, op === 'amax').values, shape, x.dtype);
}

/** Largest values over one or several dims (or all), NaN propagating; no indices. */
export function amax(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return extremeValues('amax', x, dim, options.keepdim ?? false);
}

/** Smallest values over one or several dims (or all), NaN propagating; no indices. */
export function amin(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return extremeValues('amin', x, dim, options.keepdim ?? false);
}

function extremeIndex(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (x.dtype === 'bool') throw new DTypeError(`${op}(): not implemented for bool tensors`);
  const dims = reducedDims(op, x, dim);
  requireNonEmpty(op, x, dims, dim !== undefined);
  const { lanes, shape } = plan(x, dims, keepdim);
  return output(extremeLanes(lanes, op === 'argmax').indices, shape, 'int64');
}

/** Index of the first largest element along `dim`, or in the flattened tensor when `dim` is omitted. */
export function argmax(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor {
  return extremeIndex('argmax', x, dim, options.keepdim ?? false);
}

/** Index of the first smallest element along `dim`, or in the flattened tensor when `dim` is omitted. */
export function argmin(x: Tensor, dim?: number, options: ReduceOptions = {}): Tensor {
  return extremeIndex('argmin', x, dim, options.keepdim ?? false);
}

function correctionOf(op: string, options: VarianceOptions): number {
  if (options.unbiased !== undefined) {
    if (options.correction !== undefined) throw new InvalidArgumentError(`${op}(): pass either correction or unbiased, not both`);
    return options.unbiased ? 1 : 0;
  }
  return options.correction ?? 1;
}

/**
 * Variance over `dim` (or every dim): Σ(x − mean)² / max(0, N − correction), PyTorch's `var`.
 * Also exported as `var`. One element with the default correction gives NaN, as in PyTorch.
 *
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4], { dtype: 'float32' })).item();                 // 1.6667
 * variance(tensor([1, 2, 3, 4], { dtype: 'float32' }), 0, { correction: 0 });  // 1.25
 * ```
 */
export function variance(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  return varianceAs('var', x, dim, options, false);
}

/** Standard deviation: the square root of {@link variance}, with the same options. */
export function std(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  return varianceAs('std', x, dim, options, true);
}

function varianceAs(op: string, x: Tensor, dim: Dims | undefined, options: VarianceOptions, root: boolean): Tensor {
  requireFloatInput(op, x, 'std and var only support floating point and complex dtypes');
  const correction = correctionOf(op, options);
  const { lanes, shape } = plan(x, reducedDims(op, x, dim), options.keepdim ?? false);
  const acc = squaredDeviationLanes(lanes);
  const divisor = Math.max(0, lanes.size - correction);
  for (let j = 0; j < acc.length; j++) acc[j] = root ? Math.sqrt(acc[j]! / divisor) : acc[j]! / divisor;
  return output(acc, shape, x.dtype);
}

export { variance as var };

/**
 * log Σ exp(x) over `dim`, computed stably as PyTorch does: subtract the lane max (taken as 0 when
 * it is infinite, so rows of -inf give -inf and rows holding +inf give +inf). Integer inputs give
 * float32; an empty reduction gives -inf.
 */
export function logsumexp(x: Tensor, dim: Dims, options: ReduceOptions = {}): Tensor {
  const dtype = isFloatingPoint(x.dtype) ? x.dtype : 'float32';
  const { lanes, shape } = plan(x, reducedDims('logsumexp', x, dim), options.keepdim ?? false);
  const { data, offset, outer, size, inner } = lanes;
  const shift = size === 0 ? new Float64Array(outer * inner) : extremeLanes(lanes, true).values;
  for (let j = 0; j < shift.length; j++) if (Math.abs(shift[j]!) === Infinity) shift[j] = 0;
  const acc = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let k = 0, p = offset + o * size * inner; k < size; k++, p += inner) {
      for (let i = 0; i < inner; i++) acc[base + i]! += Math.exp(data[p + i]! - shift[base + i]!);
    }
  }
  for (let j = 0; j < acc.length; j++) acc[j] = Math.log(acc[j]!) + shift[j]!;
  return output(acc, shape, dtype);
}

/**
 * The vector p-norm over `dim` (or every element): (Σ|x|^p)^(1/p) for any number p, max |x| for
 * Infinity, min |x| for -Infinity, the count of nonzeros for 0; `'fro'` is the 2-norm. Float inputs only.
 *
 * @example
 * ```ts
 * norm(tensor([3, 4], { dtype: 'float32' })).item();            // 5
 * norm(tensor([[1, -2], [3, 0]], { dtype: 'float32' }), 1, 1);  // [3, 3]
 * ```
 */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: Dims, options: ReduceOptions = {}): Tensor {
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p))) {
    throw new InvalidArgumentError(`norm(): p must be a number or 'fro', got ${String(p)}`);
  }
  requireFloatInput('norm', x, 'input dtype should be floating point');
  const order = p === 'fro' ? 2 : p;
  const dims = reducedDims('norm', x, dim);
  if (p === 'fro' && dim !== undefined && dims.length > 2) {
    throw new InvalidArgumentError(`norm(): the 'fro' norm takes at most 2 dims, got ${dims.length}`);
  }
  const { lanes, shape } = plan(x, dims, options.keepdim ?? false);
  if (lanes.size === 0 && (order < 0 || order === Infinity)) {
    throw new InvalidArgumentError(`norm(): cannot compute the ${order} norm on an empty tensor because the operation does not have an identity`);
  }
  if (Math.abs(order) === Infinity) return output(extremeAbsLanes(lanes, order > 0), shape, x.dtype);
  const acc = powerSumLanes(lanes, order);
  if (order !== 0 && order !== 1) {
    for (let j = 0; j < acc.length; j++) acc[j] = order === 2 ? Math.sqrt(acc[j]!) : acc[j]! ** (1 / order);
  }
  return output(acc, shape, x.dtype);
}

function truth(op: 'all' | 'any', x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  const { lanes, shape } = plan(x, reducedDims(op, x, dim), keepdim);
  // PyTorch keeps uint8 for uint8 inputs (a legacy rule) and gives bool otherwise.
  return output(truthLanes(lanes, op === 'all'), shape, x.dtype === 'uint8' ? 'uint8' : 'bool');
}

/** True where every element along `dim` (or of the whole tensor) is nonzero; an empty reduction gives true. */
export function all(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return truth('all', x, dim, options.keepdim ?? false);
}

/** True where some element along `dim` (or of the whole tensor) is nonzero; an empty reduction gives false. */
export function any(x: Tensor, dim?: Dims, options: ReduceOptions = {}): Tensor {
  return truth('any', x, dim, options.keepdim ?? false);
}

