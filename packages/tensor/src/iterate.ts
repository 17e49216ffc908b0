import { allocate, type TypedArray } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * Storage offsets of every element of a strided view, in row-major order. Kernels use this to walk
 * non-contiguous operands with one flat loop; contiguous operands skip it.
 */
export function elementOffsets(shape: Shape, strides: Shape, offset: number): Int32Array {
  let n = 1;
  for (const s of shape) n *= s;
  const out = new Int32Array(n);
  if (n === 0) return out;
  const ndim = shape.length;
  if (ndim === 0) {
    out[0] = offset;
    return out;
  }
  const last = ndim - 1;
  const innerSize = shape[last]!;
  const innerStride = strides[last]!;
  const counter = new Array<number>(ndim).fill(0);
  let base = offset;
  let k = 0;
  while (k < n) {
    for (let i = 0, o = base; i < innerSize; i++, o += innerStride) out[k++] = o;
    // Carry the counter over the outer dims.
    let d = last - 1;
    for (; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      counter[d] = 0;
    }
    if (d < 0) break;
  }
  return out;
}

/** Strides that read `shape` as if broadcast to `target` (0 on every broadcast dim). */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/**
 * A tensor read as `outer × size × inner`: element `k` of lane `(o, i)` is
 * `data[offset + (o * size + k) * inner + i]`, and lane `(o, i)` is output element `o * inner + i`.
 * Reductions, scans and sorts loop over `k` with `i` innermost, so contiguous memory is read in
 * order instead of striding through it once per lane.
 */
export interface Lanes {
  data: TypedArray;
  offset: number;
  outer: number;
  size: number;
  inner: number;
}

/**
 * Reads `x` as {@link Lanes} along `dims` (normalized, ascending). A contiguous tensor whose `dims`
 * are adjacent (size-1 dims ignored) is read in place; otherwise its elements are copied once, kept
 * dims first, so that the reduced dims become one run.
 */
export function lanesAlong(x: Tensor, dims: readonly number[]): Lanes {
  const reduced = new Set(dims);
  let outer = 1;
  let size = 1;
  let inner = 1;
  let runs = 0;
  let inRun = false;
  for (let d = 0; d < x.ndim; d++) {
    const n = x.shape[d]!;
    if (reduced.has(d)) {
      if (n !== 1 && !inRun) {
        runs++;
        inRun = true;
      }
      size *= n;
    } else if (n !== 1) {
      inRun = false;
      if (runs === 0) outer *= n;
      else inner *= n;
    }
  }
  if (runs <= 1 && x.isContiguous()) return { data: x.storage.data, offset: x.offset, outer, size, inner };
  // Several runs, or a strided view: gather kept dims first, then the reduced ones.
  const order = [...x.shape.keys()].filter((d) => !reduced.has(d)).concat(dims);
  const data = gather(
    x.storage.data,
    allocate(x.dtype, x.numel()),
    order.map((d) => x.shape[d]!),
    order.map((d) => x.strides[d]!),
    x.offset,
  );
  return { data, offset: 0, outer: outer * inner, size, inner: 1 };
}

/** Below this many contiguous elements a run is copied element by element rather than by `set`. */
const MIN_COPY_RUN = 16;

/**
 * Copies the view `shape`/`strides`/`offset` of `source` into `out` in row-major order. The
 * trailing dims that are contiguous in `source` are copied as whole runs (a bias gradient's
 * `sum(dims [0, 2, 3])` gathers runs of H·W), which is much faster than one offset per element.
 */
function gather(source: TypedArray, out: TypedArray, shape: number[], strides: number[], offset: number): TypedArray {
  let run = 1;
  let d = shape.length - 1;
  for (; d >= 0 && (strides[d] === run || shape[d] === 1); d--) run *= shape[d]!;
  if (run < MIN_COPY_RUN) {
    const offsets = elementOffsets(shape, strides, offset);
    for (let k = 0; k < offsets.length; k++) out[k] = source[offsets[k]!]!;
    return out;
  }
  const starts = elementOffsets(shape.slice(0, d + 1), strides.slice(0, d + 1), offset);
  // `set` needs both arrays of one kind; `out` was allocated with `source`'s dtype.
  const target = out as Float64Array;
  for (let r = 0, k = 0; r < starts.length; r++, k += run) target.set(source.subarray(starts[r]!, starts[r]! + run) as Float64Array, k);
  return out;
}

/**
 * The elements of `x` in row-major order: a subarray of its storage (no copy) when `x` is
 * contiguous, else a fresh copy. Kernels read their inputs through this; never write to it.
 */
export function contiguousData(x: Tensor): TypedArray {
  if (!x.isContiguous()) return x.toTypedArray();
  return x.storage.data.subarray(x.offset, x.offset + x.numel()) as TypedArray;
}
