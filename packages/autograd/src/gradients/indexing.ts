/** Differentiable gather/scatter-style indexing. Index and mask arguments get no gradient. */
import * as T from '@torchlet/tensor';
import { constant, raw, record } from '../record.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { mul } from './binary.js';
import { embedWindow } from './views.js';

/**
 * Zeros of `shape` with `g` added at `index` along `dim` (scatter-add). The backward of every op
 * that picks elements by index; its own backward gathers them again, so it is twice differentiable.
 */
export function scatterInto(shape: readonly number[], dim: number, index: T.Tensor, g: Tensor): Tensor {
  const out = T.scatterAdd(T.zeros([...shape], { dtype: g.dtype }), dim, index, raw(g));
  return record('ScatterAddBackward', out, [g], (gg) => [gather(gg, dim, index)]);
}

/** Elements of `x` at `index` along `dim`. */
export function gather(x: Tensor, dim: number, index: T.Tensor): Tensor {
  return record('GatherBackward', T.gather(raw(x), dim, raw(index)), [x], (g) => [scatterInto(x.shape, T.normalizeDim('gather', dim, x.ndim), raw(index), g)]);
}

/** Slices of `x` at `index` along `dim`. */
export function indexSelect(x: Tensor, dim: number, index: T.Tensor): Tensor {
  return record('IndexSelectBackward', T.indexSelect(raw(x), dim, raw(index)), [x], (g) => [indexAdd(constant(T.zeros([...x.shape], { dtype: g.dtype })), dim, index, g)]);
}

/** `x` with `src` written at `index` along `dim`; overwritten elements of `x` get no gradient. */
export function scatter(x: Tensor, dim: number, index: T.Tensor, src: Tensor | number, options: T.ScatterOptions = {}): Tensor {
  if (options.reduce !== undefined) {
    return record('ScatterReduceBackward', T.scatter(raw(x), dim, raw(index), raw(src), options), [x, src], () => {
      throw new T.InvalidArgumentError(`scatter: the gradient of scatter with reduce='${options.reduce}' is not implemented`);
    });
  }
  return record('ScatterBackward', T.scatter(raw(x), dim, raw(index), raw(src)), [x, src], (g, needs) => [
    needs[0] ? constantMaskedScatter(g, dim, index) : null,
    needs[1] ? sourceGradient(g, dim, index, (src as Tensor).shape) : null,
  ]);
}

/**
 * The gradient of scatter's `src`: g gathered at `index`, placed in the corner of src's shape that
 * index covers (src may be larger than index; the rest of it is unused and gets zeros).
 */
function sourceGradient(g: Tensor, dim: number, index: T.Tensor, srcShape: readonly number[]): Tensor {
  const gathered = gather(g, dim, index);
  if (T.sameShape(index.shape, srcShape)) return gathered;
  return embedWindow(gathered, srcShape, (t) => index.shape.reduce((corner, size, d) => T.narrow(corner, d, 0, size), t));
}

function constantMaskedScatter(g: Tensor, dim: number, index: T.Tensor): Tensor {
  return mul(g, constant(T.scatter(T.ones([...g.shape], { dtype: g.dtype }), dim, raw(index), 0)));
}

/** `x` plus `src` added at `index` along `dim`. */
export function scatterAdd(x: Tensor, dim: number, index: T.Tensor, src: Tensor): Tensor {
  return record('ScatterAddBackward', T.scatterAdd(raw(x), dim, raw(index), raw(src)), [x, src], (g, needs) => [needs[0] ? g : null, needs[1] ? sourceGradient(g, dim, index, src.shape) : null]);
}

/** `x` plus alpha·`source` added at `index` along `dim`. */
export function indexAdd(x: Tensor, dim: number, index: T.Tensor, source: Tensor, options: T.IndexAddOptions = {}): Tensor {
  const alpha = options.alpha ?? 1;
  return record('IndexAddBackward', T.indexAdd(raw(x), dim, raw(index), raw(source), options), [x, source], (g, needs) => [
    needs[0] ? g : null,
    needs[1] ? mul(indexSelect(g, dim, index), alpha) : null,
  ]);
}

/** `x` with `value` where `mask` is true. */
export function maskedFill(x: Tensor, mask: T.Tensor, value: number | boolean | Tensor): Tensor {
  const keep = constant(T.logicalNot(raw(mask)));
  return record('MaskedFillBackward', T.maskedFill(raw(x), raw(mask), raw(value) as number | T.Tensor), [x, value], (g, needs) => [
    needs[0] ? sumToShape(mul(g, keep), x.shape) : null,
    needs[1] ? sumToShape(mul(g, constant(raw(mask))), (value as Tensor).shape) : null,
  ]);
}

/** The elements of `x` where `mask` is true, as a 1-D tensor. */
export function maskedSelect(x: Tensor, mask: T.Tensor): Tensor {
  const shape = T.broadcastShapes('maskedSelect', x.shape, mask.shape);
  return record('MaskedSelectBackward', T.maskedSelect(raw(x), raw(mask)), [x], (g) => {
    const positions = T.nonzero(T.broadcastTo(raw(mask), shape).contiguous());
    // Flat positions of the selected elements, then scatter g there.
    const flat = T.zeros([positions.shape[0]!], { dtype: 'int64' });
    const strides = T.contiguousStrides(shape);
    const p = positions.toTypedArray();
    for (let i = 0; i < positions.shape[0]!; i++) {
      let offset = 0;
      for (let d = 0; d < shape.length; d++) offset += p[i * shape.length + d]! * strides[d]!;
      flat.storage.data[i] = offset;
    }
    const full = scatterInto([T.numelOf(shape)], 0, flat, g);
    return [sumToShape(full.reshape(shape), x.shape)];
  });
}

/** Indices of nonzero elements, [n, ndim] (no gradient). */
export function nonzero(x: Tensor): Tensor {
  return constant(T.nonzero(raw(x)));
}

/** One-hot encoding of integer indices (no gradient). */
export function oneHot(indices: T.Tensor, numClasses = -1): Tensor {
  return constant(T.oneHot(raw(indices), numClasses));
}

