import { IndexError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { contiguousStrides, formatShape, normalizeDim, numelOf, type SizeArgs } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A view of `x`'s storage with another shape, strides and offset. */
function viewOf(x: Tensor, shape: readonly number[], strides: readonly number[], offset = x.offset): Tensor {
  return new Tensor(x.storage, shape, strides, offset, x.dtype);
}

/** Resolves one `-1` in a requested shape against `numel`, checking the sizes multiply out. */
function inferSize(op: string, args: readonly number[], numel: number): number[] {
  const shape = [...args];
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i]!;
    if (s === -1) {
      if (infer >= 0) throw new ShapeError(`${op}: only one dimension can be inferred, got ${formatShape(args)}`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ShapeError(`${op}: invalid shape dimension ${s} in ${formatShape(args)}`);
    } else {
      known *= s;
    }
  }
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) throw new ShapeError(`${op}: shape ${formatShape(args)} is invalid for input of size ${numel}`);
    shape[infer] = numel / known;
  } else if (known !== numel) {
    throw new ShapeError(`${op}: shape ${formatShape(args)} is invalid for input of size ${numel}`);
  }
  return shape;
}

/**
 * Strides that let `shape` view memory laid out as (oldShape, oldStrides), or null when no such
 * strides exist. A port of PyTorch's `computeStride`: dims may merge only within runs that are
 * contiguous with each other.
 */
function computeStrides(oldShape: readonly number[], oldStrides: readonly number[], shape: readonly number[]): number[] | null {
  if (oldShape.length === 0 || numelOf(oldShape) === 0) return contiguousStrides(shape);
  const strides = new Array<number>(shape.length).fill(1);
  let viewD = shape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        strides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBaseStride = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? strides : null;
}

/** A view with a new shape (one size may be −1); fails when strides forbid it. Never copies. */
export function view(x: Tensor, ...sizes: SizeArgs): Tensor {
  const shape = inferSize('view', sizeArgs(sizes), x.numel());
  const strides = computeStrides(x.shape, x.strides, shape);
  if (strides === null) {
    throw new ShapeError(
      `view: size ${formatShape(shape)} is not compatible with input tensor's size ${formatShape(x.shape)} and stride ${formatShape(x.strides)} (at least one dimension spans across two contiguous subspaces). Use reshape(...) instead.`,
    );
  }
  return viewOf(x, shape, strides);
}

/** Like {@link view} but copies when the strides forbid a view, as PyTorch's `reshape` does. */
export function reshape(x: Tensor, ...sizes: SizeArgs): Tensor {
  const shape = inferSize('reshape', sizeArgs(sizes), x.numel());
  const strides = computeStrides(x.shape, x.strides, shape);
  if (strides !== null) return viewOf(x, shape, strides);
  const copy = x.clone();
  return viewOf(copy, shape, contiguousStrides(shape), 0);
}

function sizeArgs(sizes: SizeArgs): number[] {
  return sizes.length === 1 && Array.isArray(sizes[0]) ? [...sizes[0]] : [...(sizes as readonly number[])];
}

/** Swaps two dims (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  if (x.ndim === 0) return x;
  const shape = [...x.shape];
  const strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return viewOf(x, shape, strides);
}

/** Reorders the dims (a view): `permute(x, 2, 0, 1)` or `permute(x, [2, 0, 1])`. */
export function permute(x: Tensor, ...dims: SizeArgs): Tensor {
  const order = sizeArgs(dims).map((d) => normalizeDim('permute', d, x.ndim));
  if (order.length !== x.ndim || new Set(order).size !== order.length) {
    throw new ShapeError(`permute: dims ${formatShape(sizeArgs(dims))} must be a permutation of the ${x.ndim} dims of ${formatShape(x.shape)}`);
  }
  return viewOf(
    x,
    order.map((d) => x.shape[d]!),
    order.map((d) => x.strides[d]!),
  );
}

/** Transposes a matrix; 0-d and 1-d tensors come back as they are (PyTorch's `t`). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with <= 2 dimensions, but self is ${x.ndim}D ${formatShape(x.shape)}`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** Broadcasts size-1 dims to larger sizes without copying (−1 keeps a size). */
export function expand(x: Tensor, ...sizes: SizeArgs): Tensor {
  const target = sizeArgs(sizes);
  if (target.length < x.ndim) {
    throw new ShapeError(`expand: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  }
  const lead = target.length - x.ndim;
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < target.length; i++) {
    const want = target[i]!;
    if (i < lead) {
      if (want < 0) throw new ShapeError(`expand: the expanded size ${want} is not allowed in a leading, non-existing dimension ${i}`);
      shape.push(want);
      strides.push(0);
      continue;
    }
    const have = x.shape[i - lead]!;
    if (want === -1 || want === have) {
      shape.push(have);
      strides.push(x.strides[i - lead]!);
    } else if (have === 1 && want >= 0) {
      shape.push(want);
      strides.push(0);
    } else {
      throw new ShapeError(`expand: the expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${i}; target sizes ${formatShape(target)}, tensor sizes ${formatShape(x.shape)}`);
    }
  }
  return viewOf(x, shape, strides);
}

/** Expands `x` to `shape` (a view). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, [...shape]);
}

/** Elements `start` … `start + length − 1` along `dim` (a view). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  const begin = start < 0 ? start + size : start;
  if (!Number.isInteger(begin) || begin < 0 || begin > size) throw new IndexError(`narrow: start ${start} is out of range for dim ${dim} of size ${size}`);
  if (!Number.isInteger(length) || length < 0 || begin + length > size) {
    throw new IndexError(`narrow: start (${begin}) + length (${length}) exceeds dimension size (${size})`);
  }
  const shape = [...x.shape];
  shape[d] = length;
  return viewOf(x, shape, x.strides, x.offset + begin * x.strides[d]!);
}

/** Picks index `index` along `dim`, removing that dim (a view): PyTorch's `x.select(dim, i)`. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new IndexError('select: cannot be applied to a 0-dim tensor');
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(`select: index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  return viewOf(
    x,
    x.shape.filter((_, k) => k !== d),
    x.strides.filter((_, k) => k !== d),
    x.offset + i * x.strides[d]!,
  );
}

/** Python slicing along one dim, `x[..., start:end:step]` (a view). Bounds clamp as in Python. */
export function slice(x: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new InvalidArgumentError(`slice: step must be a positive integer, got ${step}`);
  const size = x.shape[d]!;
  const clampBound = (v: number | null, fallback: number): number => {
    if (v === null) return fallback;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const begin = clampBound(start, 0);
  const stop = clampBound(end, size);
  const length = stop > begin ? Math.ceil((stop - begin) / step) : 0;
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = length;
  strides[d] = x.strides[d]! * step;
  return viewOf(x, shape, strides, x.offset + (length > 0 ? begin * x.strides[d]! : 0));
}

/**
 * One entry of {@link index}: a number selects (and drops the dim), a string is a Python slice
 * (`':'`, `'1:3'`, `'::2'`, `'-1:'`) or `'...'`, and `null` inserts a new dim of size 1.
 */
export type IndexSpec = number | string | null;

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

/**
 * Compact Python-style indexing that always returns a view: `index(x, ':', '1:3')` is `x[:, 1:3]`,
 * `index(x, '::2', '1:')` is `x[::2, 1:]`, `index(x, 0, '...', null)` is `x[0, ..., None]`.
 * Assign through the view: `index(x, ':', 0).fill_(1)`.
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  const ellipses = specs.filter((s) => s === '...').length;
  if (ellipses > 1) throw new IndexError('index: an index can only have a single ellipsis (\'...\')');
  const consumed = specs.filter((s) => s !== null && s !== '...').length;
  if (consumed > x.ndim) throw new IndexError(`index: too many indices for tensor of dimension ${x.ndim} (got ${consumed})`);
  const expanded: IndexSpec[] = [];
  for (const s of specs) {
    if (s === '...') for (let i = 0; i < x.ndim - consumed; i++) expanded.push(':');
    else expanded.push(s);
  }
  let out = x;
  let dim = 0;
  for (const spec of expanded) {
    if (spec === null) {
      out = unsqueeze(out, dim);
      dim++;
    } else if (typeof spec === 'number') {
      out = select(out, dim, spec);
    } else {
      const match = SLICE.exec(spec);
      if (!match) throw new InvalidArgumentError(`index: cannot parse slice ${JSON.stringify(spec)}; expected 'start:stop:step', '...' or a number`);
      const parse = (v: string | undefined): number | null => (v === undefined ? null : Number(v));
      out = slice(out, dim, parse(match[1]), parse(match[2]), parse(match[3]) ?? 1);
      dim++;
    }
  }
  return out;
}

/** Removes size-1 dims: all of them, or only the given ones (others are left alone, as in PyTorch). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims =
    dim === undefined
      ? x.shape.map((_, i) => i)
      : (typeof dim === 'number' ? [dim] : dim).map((d) => normalizeDim('squeeze', d, x.ndim));
  const drop = new Set(dims.filter((d) => x.shape[d] === 1));
  return viewOf(
    x,
    x.shape.filter((_, i) => !drop.has(i)),
    x.strides.filter((_, i) => !drop.has(i)),
  );
}

/** Inserts a size-1 dim at `dim` (which may be ndim, or negative counting from ndim + 1). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  const stride = d < x.ndim ? x.shape[d]! * x.strides[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return viewOf(x, shape, strides);
}

/** Merges dims `startDim` … `endDim` into one (a view when strides allow, else a copy). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new InvalidArgumentError(`flatten: startDim ${startDim} cannot come after endDim ${endDim}`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Splits dim `dim` into `sizes` (one may be −1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim('unflatten', dim, x.ndim);
  const inner = inferSize('unflatten', sizes, x.shape[d]!);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/** Moves one dim to a new position (a view). */
export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const s = normalizeDim('movedim', source, x.ndim);
  const d = normalizeDim('movedim', destination, x.ndim);
  const order = x.shape.map((_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(x, order);
}

