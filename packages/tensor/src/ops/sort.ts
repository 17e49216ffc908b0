import { allocate } from '../dtype.js';
import { InvalidArgumentError } from '../errors/index.js';
import { lanesAlong } from '../iterate.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { ValuesIndices } from './reduce.js';

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** Largest first (default false). */
  descending?: boolean;
  /** Keep equal elements in their original order. Accepted for PyTorch parity: torchlet always sorts stably. */
  stable?: boolean;
}

/** Options of {@link topk}. */
export interface TopkOptions {
  /** Take the k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Return them in sorted order (default true). torchlet always does, which `sorted: false` permits. */
  sorted?: boolean;
}

/** NaN compares greater than every number, as in PyTorch's sort; equal values (and -0, 0) tie. */
function ascending(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  if (x !== x) return y !== y ? 0 : 1;
  return -1;
}

/**
 * Puts the indices of the first `k` lane elements in sort order into `order[0..k)` by insertion into
 * a bounded buffer: O(size·k), far cheaper than a full sort when k is small. An element only
 * passes those it strictly precedes, so ties keep index order, as in the stable sort.
 */
function selectFirst(lane: Float64Array, size: number, k: number, precedes: (a: number, b: number) => boolean, order: number[]): void {
  let filled = 0;
  for (let j = 0; j < size; j++) {
    const v = lane[j]!;
    if (filled === k && !precedes(v, lane[order[k - 1]!]!)) continue;
    let p = filled === k ? k - 1 : filled++;
    for (; p > 0 && precedes(v, lane[order[p - 1]!]!); p--) order[p] = order[p - 1]!;
    order[p] = j;
  }
}

/** Below this k, topk selects with {@link selectFirst} instead of sorting whole lanes. */
const SELECT_MAX_K = 32;

/**
 * Sorts every lane of `x` along `dim` stably and keeps the first `k` of each: the shared core of
 * sort, argsort and topk. Returns the values and int64 indices with `dim` resized to `k`.
 */
function sortLanes(op: string, x: Tensor, dim: number, descending: boolean, k?: number): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  const source = x.contiguous();
  // A contiguous tensor's lanes along one dim are read in place, so output (o, k, i) sits at (o*kept + k)*inner + i.
  const { data, offset, outer, size, inner } = lanesAlong(source, x.ndim === 0 ? [] : [d]);
  // A 0-d tensor is its own one-element lane; PyTorch returns it whole even for k = 0.
  const kept = x.ndim === 0 ? 1 : (k ?? size);
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = kept;
  const values = allocate(x.dtype, outer * kept * inner);
  const indices = new Float64Array(outer * kept * inner);
  const lane = new Float64Array(size);
  const order = Array.from({ length: size }, (_, j) => j);
  const compare = descending ? (a: number, b: number) => ascending(lane[b]!, lane[a]!) : (a: number, b: number) => ascending(lane[a]!, lane[b]!);
  const select = k !== undefined && k > 0 && k < size && k <= SELECT_MAX_K;
  const precedes = descending ? (a: number, b: number) => ascending(a, b) > 0 : (a: number, b: number) => ascending(a, b) < 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0, p = offset + o * size * inner + i; j < size; j++, p += inner) {
        lane[j] = data[p]!;
        order[j] = j;
      }
      if (select) selectFirst(lane, size, kept, precedes, order);
      // Array.prototype.sort is stable (ES2019), which gives PyTorch's stable tie order.
      else order.sort(compare);
      for (let j = 0, q = o * kept * inner + i; j < kept; j++, q += inner) {
        values[q] = lane[order[j]!]!;
        indices[q] = order[j]!;
      }
    }
  }
  return { values: Tensor.fromData(values, shape, x.dtype), indices: Tensor.fromData(indices, shape, 'int64') };
}

/**
 * Sorts along `dim` (default the last), returning the sorted values and the int64 index of each in
 * the input. NaN sorts as the greatest value; equal elements keep their order.
 *
 * @example
 * ```ts
 * sort(tensor([3, 1, 2]));                          // { values: [1, 2, 3], indices: [1, 2, 0] }
 * sort(tensor([3, 1, 2]), -1, { descending: true }); // { values: [3, 2, 1], indices: [0, 2, 1] }
 * ```
 */
export function sort(x: Tensor, dim = -1, options: SortOptions = {}): ValuesIndices {
  return sortLanes('sort', x, dim, options.descending ?? false);
}

/** The int64 indices that sort `x` along `dim` (see {@link sort}). */
export function argsort(x: Tensor, dim = -1, options: SortOptions = {}): Tensor {
  return sortLanes('argsort', x, dim, options.descending ?? false).indices;
}

/**
 * The `k` largest (or smallest) elements along `dim` and their int64 indices, largest first (smallest
 * first with `largest: false`). NaN counts as the largest value. Throws unless 0 ≤ k ≤ the dim's size.
 *
 * @example
 * ```ts
 * topk(tensor([1, 5, 3, 4]), 2); // { values: [5, 4], indices: [1, 3] }
 * ```
 */
export function topk(x: Tensor, k: number, dim = -1, options: TopkOptions = {}): ValuesIndices {
  const d = normalizeDim('topk', dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new InvalidArgumentError(`topk(): selected index k out of range: k = ${k}, but dim ${d} has size ${size}`);
  }
  return sortLanes('topk', x, d, options.largest ?? true, k);
}
