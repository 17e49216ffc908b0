/**
 * Padding, resizing, one-hot encoding and vector similarities (PyTorch's `F.pad`,
 * `F.interpolate`, `F.one_hot`, `F.normalize`, `F.cosine_similarity`, `F.pairwise_distance`).
 * Everything is composed from differentiable ops: padding and resizing pick input elements with
 * `indexSelect` (whose gradient adds back into the picked positions) and blend them with weights.
 */
import {
  add,
  broadcastShapes,
  cat,
  div,
  full,
  indexSelect,
  InvalidArgumentError,
  isFloatingPoint,
  DTypeError,
  mul,
  noGrad,
  norm,
  oneHot as oneHotIndices,
  type RawTensor,
  ShapeError,
  sub,
  tensor,
  type Tensor,
} from '@torchlet/autograd';

/** A shape as PyTorch prints it in messages: `[2, 3]`. */
function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** How {@link pad} fills the new border. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link pad}. */
export interface PadOptions {
  /** Default `'constant'`. */
  mode?: PadMode;
  /** The fill of `'constant'` padding (default 0); the other modes take none. */
  value?: number | null;
}

/**
 * Pads (or, with negative amounts, crops) the last dims of `input`. `pad` lists
 * `[left, right]` for the last dim first, then for the second-last, and so on, as in PyTorch:
 * `pad(x, [1, 1, 2, 0])` adds a column on each side and two rows on top. `'reflect'`,
 * `'replicate'` and `'circular'` pad the last 1–3 dims of a batched or unbatched input.
 *
 * @example
 * ```ts
 * pad(tensor([[1, 2, 3]]), [2, 1], { mode: 'reflect' }).tolist(); // [[3, 2, 1, 2, 3, 2]]
 * ```
 */
export function pad(input: Tensor, pad: readonly number[], options: PadOptions = {}): Tensor {
  const { mode = 'constant', value = null } = options;
  if (pad.length % 2 !== 0) throw new InvalidArgumentError(`pad: Padding length must be divisible by 2 (got [${pad.join(', ')}])`);
  if (pad.length > 2 * input.ndim) {
    throw new ShapeError(`pad: Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${input.ndim}`);
  }
  if (!pad.every(Number.isInteger)) throw new InvalidArgumentError(`pad: padding amounts must be integers, got [${pad.join(', ')}]`);
  if (mode === 'constant') return constantPad(input, pad, value ?? 0);
  if (!['reflect', 'replicate', 'circular'].includes(mode)) {
    throw new InvalidArgumentError(`pad: Unrecognised padding mode ${JSON.stringify(mode)} (expected 'constant', 'reflect', 'replicate' or 'circular')`);
  }
  if (value !== null && value !== 0) throw new InvalidArgumentError(`pad: Padding mode "${mode}" doesn't take in value argument (got value=${value})`);
  const dims = pad.length / 2;
  if (dims < 1 || dims > 3 || (input.ndim !== dims + 1 && input.ndim !== dims + 2)) {
    throw new ShapeError(`pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now (padding ${dims} dims of an input of shape ${shapeText(input.shape)} with mode '${mode}')`);
  }
  let out = input;
  for (let i = 0; i < dims; i++) {
    const dim = input.ndim - 1 - i;
    const index = sourceIndices(mode, input, dim, pad[2 * i]!, pad[2 * i + 1]!);
    out = indexSelect(out, dim, tensor(index, { dtype: 'int64' }));
  }
  return out;
}

/** For each output position along `dim`, the input position it copies. */
function sourceIndices(mode: Exclude<PadMode, 'constant'>, input: Tensor, dim: number, left: number, right: number): number[] {
  const n = input.shape[dim]!;
  const size = n + left + right;
  if (mode === 'reflect' && (left >= n || right >= n)) {
    throw new ShapeError(`pad: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${left}, ${right}) at dimension ${dim} of input ${shapeText(input.shape)}`);
  }
  if (mode === 'circular' && (left > n || right > n)) throw new ShapeError(`pad: Padding value causes wrapping around more than once (padding (${left}, ${right}) at dimension ${dim} of input ${shapeText(input.shape)})`);
  if (size < 1 || n < 1) throw new ShapeError(`pad: input of shape ${shapeText(input.shape)} is too small for padding (${left}, ${right}) at dimension ${dim}: calculated output size ${size}`);
  return Array.from({ length: size }, (_, j) => {
    const p = j - left;
    if (mode === 'replicate') return Math.min(Math.max(p, 0), n - 1);
    if (mode === 'circular') return ((p % n) + n) % n;
    return p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p;
  });
}

function constantPad(input: Tensor, pad: readonly number[], value: number): Tensor {
  let out = input;
  for (let i = 0; i < pad.length / 2; i++) {
    const dim = input.ndim - 1 - i;
    const left = pad[2 * i]!;
    const right = pad[2 * i + 1]!;
    const n = out.shape[dim]!;
    const cropLeft = Math.max(-left, 0);
    const cropRight = Math.max(-right, 0);
    if (n + left + right < 0 || cropLeft + cropRight > n) {
      throw new ShapeError(`pad: The input size ${n}, plus negative padding ${left} and ${right} resulted in a negative output size, which is invalid. Check dimension ${dim} of your input.`);
    }
    if (cropLeft + cropRight > 0) out = out.narrow(dim, cropLeft, n - cropLeft - cropRight);
    const border = (amount: number): Tensor[] =>
      amount > 0 ? [full(out.shape.map((s, d) => (d === dim ? amount : s)), value, { dtype: out.dtype })] : [];
    if (left > 0 || right > 0) out = cat([...border(left), out, ...border(right)], dim);
  }
  return out;
}

/** How {@link interpolate} computes new values. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear';

/** Options of {@link interpolate}: give exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size (the output size is floor(size · factor)). */
  scaleFactor?: number | readonly number[] | null;
  /** Default `'nearest'`; `'linear'` needs a 3-D input, `'bilinear'` a 4-D one. */
  mode?: InterpolateMode;
  /** Linear modes: align the centres of the corner pixels (default false). */
  alignCorners?: boolean | null;
  /** Compute the sampling scale from the output size instead of using `scaleFactor` itself. */
  recomputeScaleFactor?: boolean | null;
}

/**
 * Resizes the spatial dims of a 3-D [N, C, W] or 4-D [N, C, H, W] input, with PyTorch's
 * sampling positions (and its float32 arithmetic for them, so indices match at the edges).
 *
 * @example
 * ```ts
 * interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }); // [N, C, 2H, 2W]
 * ```
 */
export function interpolate(input: Tensor, options: InterpolateOptions = {}): Tensor {
  const { size = null, scaleFactor = null, mode = 'nearest', recomputeScaleFactor = null } = options;
  const nearest = mode === 'nearest' || mode === 'nearest-exact';
  if (!nearest && mode !== 'linear' && mode !== 'bilinear') {
    throw new InvalidArgumentError(`interpolate: mode must be 'nearest', 'nearest-exact', 'linear' or 'bilinear', got ${JSON.stringify(mode)}`);
  }
  if (nearest && options.alignCorners !== undefined && options.alignCorners !== null) {
    throw new InvalidArgumentError('interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  const alignCorners = options.alignCorners ?? false;
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(`interpolate: Input Error: Only 3D and 4D input Tensors supported (got ${input.ndim}D) for the modes: nearest | nearest-exact | linear | bilinear`);
  }
  if (mode === 'bilinear' && input.ndim === 3) throw new ShapeError('interpolate: Got 3D input, but bilinear mode needs 4D input');
  if (mode === 'linear' && input.ndim === 4) throw new ShapeError('interpolate: Got 4D input, but linear mode needs 3D input');
  const spatial = input.shape.slice(2);
  if (size !== null && scaleFactor !== null) throw new InvalidArgumentError('interpolate: only one of size or scale_factor should be defined');
  if (size === null && scaleFactor === null) throw new InvalidArgumentError('interpolate: either size or scale_factor should be defined');
  if (recomputeScaleFactor && size !== null) throw new InvalidArgumentError('interpolate: recompute_scale_factor is not meaningful with an explicit size.');
  const perDim = (value: number | readonly number[], name: string): number[] => {
    if (typeof value === 'number') return spatial.map(() => value);
    if (value.length !== spatial.length) {
      throw new ShapeError(`interpolate: Input and ${name} must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(', ')}] and ${name} of [${value.join(', ')}]`);
    }
    return [...value];
  };
  const factors = scaleFactor === null ? null : perDim(scaleFactor, 'scale_factor');
  const outSize = size !== null ? perDim(size, 'output size') : spatial.map((s, i) => Math.floor(s * factors![i]!));
  if (outSize.some((s) => !(Number.isInteger(s) && s > 0))) {
    throw new ShapeError(`interpolate: Input and output sizes should be greater than 0, but got input [${spatial.join(', ')}] output [${outSize.join(', ')}]`);
  }
  const scales = recomputeScaleFactor ? null : factors;
  let out = input;
  // Last dim first: PyTorch blends along W inside the blend along H.
  for (let i = spatial.length - 1; i >= 0; i--) {
    const dim = 2 + i;
    const scale = scales?.[i] ?? null;
    out = nearest ? nearestAlong(out, dim, mode === 'nearest-exact', outSize[i]!, scale) : linearAlong(out, dim, outSize[i]!, alignCorners, scale);
  }
  return out;
}

/** PyTorch's `compute_scales_value`: 1/factor when a factor was given, else in/out. */
function samplingScale(round: (x: number) => number, inSize: number, outSize: number, factor: number | null): number {
  return factor !== null && factor > 0 ? round(1 / factor) : round(inSize / outSize);
}

function nearestAlong(x: Tensor, dim: number, exact: boolean, outSize: number, factor: number | null): Tensor {
  const inSize = x.shape[dim]!;
  // Sampling positions are computed in float32 whatever the dtype, as PyTorch does.
  const scale = samplingScale(Math.fround, inSize, outSize, factor);
  const index = Array.from({ length: outSize }, (_, j) => {
    if (!exact && outSize === inSize) return j;
    if (!exact && outSize === 2 * inSize) return j >> 1;
    return Math.min(Math.floor(Math.fround((exact ? j + 0.5 : j) * scale)), inSize - 1);
  });
  return indexSelect(x, dim, tensor(index, { dtype: 'int64' }));
}

function linearAlong(x: Tensor, dim: number, outSize: number, alignCorners: boolean, factor: number | null): Tensor {
  const inSize = x.shape[dim]!;
  // PyTorch computes positions and weights in the input's float type.
  const round = x.dtype === 'float64' ? (v: number) => v : Math.fround;
  const scale = alignCorners ? (outSize > 1 ? round((inSize - 1) / (outSize - 1)) : 0) : samplingScale(round, inSize, outSize, factor);
  const i0: number[] = [];
  const i1: number[] = [];
  const w0: number[] = [];
  const w1: number[] = [];
  for (let j = 0; j < outSize; j++) {
    const source = alignCorners ? round(scale * j) : Math.max(round(round(scale * (j + 0.5)) - 0.5), 0);
    const index = Math.min(Math.floor(source), inSize - 1);
    const lambda = Math.min(Math.max(round(source - index), 0), 1);
    i0.push(index);
    i1.push(index < inSize - 1 ? index + 1 : index);
    w0.push(round(1 - lambda));
    w1.push(lambda);
  }
  const weightShape = x.shape.map((_, d) => (d === dim ? outSize : 1));
  const weight = (w: number[]): Tensor => tensor(w, { dtype: x.dtype }).reshape(weightShape);
  const pick = (index: number[]): Tensor => indexSelect(x, dim, tensor(index, { dtype: 'int64' }));
  return add(mul(pick(i0), weight(w0)), mul(pick(i1), weight(w1)));
}

/**
 * One-hot encoding of int64 class indices: shape [..., numClasses], int64, no gradient.
 * `numClasses = -1` (the default) uses the largest index plus one.
 */
export function oneHot(tensor: RawTensor, numClasses = -1): Tensor {
  return oneHotIndices(tensor, numClasses);
}

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** Default 1. */
  dim?: number;
  /** Lower bound of the divisor (default 1e-12). */
  eps?: number;
}

/** `input / max(‖input‖_p, eps)` along `dim`: unit vectors (PyTorch's `F.normalize`). */
export function normalize(input: Tensor, options: NormalizeOptions = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  return div(input, norm(input, p, dim, { keepdim: true }).clamp(eps).expandAs(input));
}

/** Options of {@link cosineSimilarity}. */
export interface CosineSimilarityOptions {
  /** Default 1. */
  dim?: number;
  /** Lower bound of each norm (default 1e-8). */
  eps?: number;
}

/**
 * Cosine similarity along `dim` of broadcast `x1` and `x2`, with PyTorch 2.x's formula
 * Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps)), which stays within [−1, 1].
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  const { dim = 1, eps = 1e-8 } = options;
  if (!isFloatingPoint(x1.dtype) || !isFloatingPoint(x2.dtype)) {
    throw new DTypeError(`cosineSimilarity: expected floating point inputs, got ${x1.dtype} and ${x2.dtype}`);
  }
  const shape = broadcastShapes('cosineSimilarity', x1.shape, x2.shape);
  const a = x1.broadcastTo(shape);
  const b = x2.broadcastTo(shape);
  return mul(div(a, clampedNorm(a, dim, eps)), div(b, clampedNorm(b, dim, eps))).sum(dim);
}

/**
 * max(‖x‖, eps) along `dim` (kept), whose gradient is the unclamped norm's: PyTorch clamps the
 * norm in place under no_grad, so the clamp itself is invisible to autograd.
 */
function clampedNorm(x: Tensor, dim: number, eps: number): Tensor {
  const n = norm(x, 2, dim, { keepdim: true });
  const shift = noGrad(() => n.detach().clamp(eps).sub(n.detach()));
  return add(n, shift);
}

/** Options of {@link pairwiseDistance}. */
export interface PairwiseDistanceOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** Added to the difference to avoid a zero norm (default 1e-6). */
  eps?: number;
  /** Default false. */
  keepdim?: boolean;
}

/** ‖x1 − x2 + eps‖_p along the last dim (PyTorch's `F.pairwise_distance`). */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: PairwiseDistanceOptions = {}): Tensor {
  const { p = 2, eps = 1e-6, keepdim = false } = options;
  return norm(sub(x1, x2).add(eps), p, Math.max(x1.ndim, x2.ndim) - 1, { keepdim });
}
