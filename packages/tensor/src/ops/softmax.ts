/**
 * Softmax and log-softmax along one dim, with their backward kernels. These are fused kernels
 * rather than compositions of exp/sum/div: subtracting the row maximum first keeps them finite
 * for large inputs, which the composed form is not.
 */
import { allocate, type DType, requireFloat, type TypedArray } from '../dtype.js';
import { ShapeError } from '../errors/index.js';
import { formatShape, normalizeDim, sameShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from '../iterate.js';

/** Options of {@link softmax} and {@link logSoftmax}. */
export interface SoftmaxOptions {
  /** Compute and return in this floating dtype (the input is converted first), as PyTorch's `dtype=`. */
  dtype?: DType;
}

/**
 * The tensor as `outer` blocks of `size × inner` elements, `size` being the length of `dim`.
 * Kernels walk each block row by row and keep one accumulator per inner position, so memory is
 * read in order whatever the dim.
 */
function layout(op: string, shape: Shape, dim: number): { outer: number; size: number; inner: number } {
  const d = normalizeDim(op, dim, shape.length);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i]!;
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, size: shape.length === 0 ? 1 : shape[d]!, inner };
}

function prepare(op: string, x: Tensor, dim: number, options: SoftmaxOptions): { data: TypedArray; dtype: DType; outer: number; size: number; inner: number } {
  const dtype = options.dtype ?? x.dtype;
  if (options.dtype === undefined) requireFloat(op, 'input', dtype);
  else requireFloat(op, 'dtype', dtype);
  const source = contiguousData(x);
  let data = source;
  if (dtype !== x.dtype) {
    data = allocate(dtype, source.length);
    data.set(source);
  }
  return { data, dtype, ...layout(op, x.shape, dim) };
}

/** Per inner position, the maximum of each row of a block (NaN is skipped; it poisons the sum later). */
function rowMaxima(x: TypedArray, base: number, size: number, inner: number, max: Float64Array): void {
  max.fill(-Infinity);
  for (let j = 0, row = base; j < size; j++, row += inner) {
    for (let i = 0; i < inner; i++) {
      const v = x[row + i]!;
      if (v > max[i]!) max[i] = v;
    }
  }
}

/**
 * For the block at `base`: `max` gets each inner position's row maximum, `out` the shifted
 * exponentials `exp(x - max)`, and `sum` their total per inner position.
 */
function shiftedExponentials(x: TypedArray, out: TypedArray, base: number, size: number, inner: number, max: Float64Array, sum: Float64Array): void {
  rowMaxima(x, base, size, inner, max);
  sum.fill(0);
  for (let j = 0, row = base; j < size; j++, row += inner) {
    for (let i = 0; i < inner; i++) {
      const e = Math.exp(x[row + i]! - max[i]!);
      out[row + i] = e;
      sum[i] += e;
    }
  }
}

/**
 * Softmax along `dim`: `exp(x - max) / sum(exp(x - max))`, like `F.softmax(x, dim)`. A row of
 * all -Infinity gives NaN, as in PyTorch.
 *
 * @example
 * ```ts
 * softmax(logits, -1);                        // rows sum to 1
 * softmax(counts, 1, { dtype: 'float64' });   // integer input converted first
 * ```
 */
export function softmax(x: Tensor, dim: number, options: SoftmaxOptions = {}): Tensor {
  const { data, dtype, outer, size, inner } = prepare('softmax', x, dim, options);
  const out = allocate(dtype, data.length);
  const max = new Float64Array(inner);
  const sum = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    shiftedExponentials(data, out, base, size, inner, max, sum);
    for (let j = 0, row = base; j < size; j++, row += inner) {
      for (let i = 0; i < inner; i++) out[row + i] = out[row + i]! / sum[i]!;
    }
  }
  return Tensor.fromData(out, x.shape, dtype);
}

/**
 * Log-softmax along `dim`: `x - max - log(sum(exp(x - max)))`, like `F.log_softmax(x, dim)`;
 * exact where `log(softmax(x))` would underflow to -Infinity.
 */
export function logSoftmax(x: Tensor, dim: number, options: SoftmaxOptions = {}): Tensor {
  const { data, dtype, outer, size, inner } = prepare('log_softmax', x, dim, options);
  const out = allocate(dtype, data.length);
  const max = new Float64Array(inner);
  const sum = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    // `out` holds the exponentials only until the log-sum-exp is subtracted below.
    shiftedExponentials(data, out, base, size, inner, max, sum);
    for (let i = 0; i < inner; i++) sum[i] = max[i]! + Math.log(sum[i]!);
    for (let j = 0, row = base; j < size; j++, row += inner) {
      for (let i = 0; i < inner; i++) out[row + i] = data[row + i]! - sum[i]!;
    }
  }
  return Tensor.fromData(out, x.shape, dtype);
}

/** Checks a backward's operands and returns their data, a zeroed gradient and the layout along `dim`. */
function prepareBackward(
  op: string,
  gradOutput: Tensor,
  output: Tensor,
  dim: number,
): { dy: TypedArray; y: TypedArray; dx: TypedArray; outer: number; size: number; inner: number } {
  requireFloat(op, 'gradOutput', gradOutput.dtype);
  requireFloat(op, 'output', output.dtype);
  if (!sameShape(gradOutput.shape, output.shape)) {
    throw new ShapeError(`${op}: gradOutput ${formatShape(gradOutput.shape)} and output ${formatShape(output.shape)} differ in shape`);
  }
  const { outer, size, inner } = layout(op, output.shape, dim);
  const dy = contiguousData(gradOutput);
  return { dy, y: contiguousData(output), dx: allocate(gradOutput.dtype, dy.length), outer, size, inner };
}

/** Gradient of {@link softmax} from its output `y`: `y · (dy - sum(dy · y))` along `dim`. */
export function softmaxBackward(gradOutput: Tensor, output: Tensor, dim: number): Tensor {
  const { dy, y, dx, outer, size, inner } = prepareBackward('softmax_backward', gradOutput, output, dim);
  const dot = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    dot.fill(0);
    for (let j = 0, row = base; j < size; j++, row += inner) {
      for (let i = 0; i < inner; i++) dot[i] += dy[row + i]! * y[row + i]!;
    }
    for (let j = 0, row = base; j < size; j++, row += inner) {
      for (let i = 0; i < inner; i++) dx[row + i] = y[row + i]! * (dy[row + i]! - dot[i]!);
    }
  }
  return Tensor.fromData(dx, output.shape, gradOutput.dtype);
}

/** Gradient of {@link logSoftmax} from its output `y`: `dy - exp(y) · sum(dy)` along `dim`. */
export function logSoftmaxBackward(gradOutput: Tensor, output: Tensor, dim: number): Tensor {
  const { dy, y, dx, outer, size, inner } = prepareBackward('log_softmax_backward', gradOutput, output, dim);
  const sum = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    sum.fill(0);
    for (let j = 0, row = base; j < size; j++, row += inner) {
      for (let i = 0; i < inner; i++) sum[i] += dy[row + i]!;
    }
    for (let j = 0, row = base; j < size; j++, row += inner) {
      for (let i = 0; i < inner; i++) dx[row + i] = dy[row + i]! - Math.exp(y[row + i]!) * sum[i]!;
    }
  }
  return Tensor.fromData(dx, output.shape, gradOutput.dtype);
}
