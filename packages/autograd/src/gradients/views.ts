/**
 * Differentiable views. A view's backward puts the gradient back where the view came from:
 * reshape-like views reshape it, permutations permute it back, expand sums it, and views that
 * pick a window (narrow, select, slice, index) write it into zeros of the input's shape.
 */
import * as T from '@torchlet/tensor';
import type { SizeArgs, Tensor as RawTensor } from '@torchlet/tensor';
import { raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';

function sizeList(sizes: SizeArgs): number[] {
  return sizes.length === 1 && Array.isArray(sizes[0]) ? [...sizes[0]] : [...(sizes as readonly number[])];
}

/** Records a view of `x`, remembering its base so in-place ops on it can be refused. */
function recordView(name: string, x: Tensor, out: RawTensor, backward: (g: Tensor) => Tensor): Tensor {
  return markView(record(name, out, [x], (g) => [backward(g)]), x);
}

/** Marks `view` as sharing the storage of `x` (and of x's own base). */
function markView(view: Tensor, x: Tensor): Tensor {
  view.viewBase = x.viewBase ?? x;
  view.viewBaseGradFn = view.viewBase.gradFn;
  return view;
}

/**
 * Gradient of a window view: zeros shaped like the input with `g` written into the window.
 * Its own backward takes the same window of the incoming gradient, so it is twice differentiable.
 */
export function embedWindow(g: Tensor, inputShape: readonly number[], window: (t: RawTensor) => RawTensor): Tensor {
  const out = T.zeros([...inputShape], { dtype: g.dtype });
  window(out).copy_(raw(g));
  return record('EmbedWindowBackward', out, [g], (gg) => [windowOf(gg, window)]);
}

function windowOf(x: Tensor, window: (t: RawTensor) => RawTensor): Tensor {
  const rawOut = window(raw(x));
  return record('WindowBackward', rawOut, [x], (g) => [embedWindow(g, x.shape, window)]);
}

/** A view with a new shape; never copies (see `@torchlet/tensor`'s `view`). */
export function view(x: Tensor, ...sizes: SizeArgs): Tensor {
  const shape = x.shape;
  return recordView('ViewBackward', x, T.view(raw(x), ...sizes), (g) => reshape(g, [...shape]));
}

/** A view with a new shape, or a copy when strides forbid one. */
export function reshape(x: Tensor, ...sizes: SizeArgs): Tensor {
  const shape = x.shape;
  const out = T.reshape(raw(x), ...sizes);
  const result = record('ReshapeBackward', out, [x], (g) => [reshape(g, [...shape])]);
  return out.storage === x.storage ? markView(result, x) : result;
}

/** Swaps two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  return recordView('TransposeBackward', x, T.transpose(raw(x), dim0, dim1), (g) => transpose(g, dim0, dim1));
}

/** Reorders the dims. */
export function permute(x: Tensor, ...dims: SizeArgs): Tensor {
  const order = sizeList(dims).map((d) => T.normalizeDim('permute', d, x.ndim));
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => (inverse[d] = i));
  return recordView('PermuteBackward', x, T.permute(raw(x), order), (g) => permute(g, inverse));
}

/** Matrix transpose (≤ 2 dims). */
export function t(x: Tensor): Tensor {
  return recordView('TBackward', x, T.t(raw(x)), (g) => t(g));
}

/** Broadcasts size-1 dims without copying; the gradient sums over them. */
export function expand(x: Tensor, ...sizes: SizeArgs): Tensor {
  const shape = x.shape;
  return recordView('ExpandBackward', x, T.expand(raw(x), ...sizes), (g) => sumToShape(g, shape));
}

/** Expands to `shape`. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, [...shape]);
}

/** Elements `start` … `start + length − 1` along `dim`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const window = (t: RawTensor) => T.narrow(t, dim, start, length);
  return recordView('NarrowBackward', x, window(raw(x)), (g) => embedWindow(g, x.shape, window));
}

/** Index `index` along `dim`, dropping the dim. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const window = (t: RawTensor) => T.select(t, dim, index);
  return recordView('SelectBackward', x, window(raw(x)), (g) => embedWindow(g, x.shape, window));
}

/** Python slicing along one dim. */
export function slice(x: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
  const window = (t: RawTensor) => T.slice(t, dim, start, end, step);
  return recordView('SliceBackward', x, window(raw(x)), (g) => embedWindow(g, x.shape, window));
}

/** Python-style basic indexing (`x.index(':', '1:3')` is `x[:, 1:3]`). */
export function index(x: Tensor, ...specs: T.IndexSpec[]): Tensor {
  const window = (t: RawTensor) => T.index(t, ...specs);
  return recordView('IndexBackward', x, window(raw(x)), (g) => embedWindow(g, x.shape, window));
}

/** Removes size-1 dims. */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const shape = x.shape;
  return recordView('SqueezeBackward', x, T.squeeze(raw(x), dim), (g) => reshape(g, [...shape]));
}

/** Inserts a size-1 dim. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const shape = x.shape;
  return recordView('UnsqueezeBackward', x, T.unsqueeze(raw(x), dim), (g) => reshape(g, [...shape]));
}

/** Merges a range of dims. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const shape = x.shape;
  const out = T.flatten(raw(x), startDim, endDim);
  const result = record('FlattenBackward', out, [x], (g) => [reshape(g, [...shape])]);
  return out.storage === x.storage ? markView(result, x) : result;
}

/** Splits one dim into several. */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const shape = x.shape;
  return recordView('UnflattenBackward', x, T.unflatten(raw(x), dim, sizes), (g) => reshape(g, [...shape]));
}

/** Moves one dim to another position. */
export function movedim(x: Tensor, source: number, destination: number): Tensor {
  return recordView('MovedimBackward', x, T.movedim(raw(x), source, destination), (g) => movedim(g, destination, source));
}

/** Splits into views of `splitSizeOrSections` along `dim`; each piece's gradient reaches `x`. */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = T.normalizeDim('split', dim, x.ndim);
  let start = 0;
  return T.split(raw(x), splitSizeOrSections, d).map((piece) => {
    const at = start;
    start += piece.shape[d]!;
    return narrow(x, d, at, piece.shape[d]!);
  });
}

/** Splits into `chunks` nearly equal views along `dim`. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = T.normalizeDim('chunk', dim, x.ndim);
  return split(x, T.chunk(raw(x), chunks, d).map((p) => p.shape[d]!), d);
}

/** Views of every index along `dim`, with the dim removed. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = T.normalizeDim('unbind', dim, x.ndim);
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}
