import { allocate, castScalar, checkDType, type DType, scalarDType, type TypedArray } from '../dtype.js';
import { InvalidArgumentError, ShapeError } from '../errors/index.js';
import { numelOf, type SizeArgs, sizeFromArgs } from '../shape.js';
import { type NestedArray, Tensor } from '../tensor.js';

/** Options accepted by every creation function. */
export interface CreationOptions {
  dtype?: DType;
}

/** Trailing options after varargs sizes: `zeros(2, 3, { dtype: 'int32' })`. */
export type SizeArgsWithOptions = readonly (number | readonly number[] | CreationOptions | undefined)[];

/** Splits `(...sizes, options?)` into sizes and options. */
export function splitSizeOptions(op: string, args: SizeArgsWithOptions): [number[], CreationOptions] {
  let options: CreationOptions = {};
  let sizes = args;
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && !Array.isArray(last)) {
    options = last as CreationOptions;
    sizes = args.slice(0, -1);
  } else if (last === undefined && args.length > 0) {
    sizes = args.slice(0, -1);
  }
  return [sizeFromArgs(op, sizes as SizeArgs), options];
}

function typedArrayDType(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/**
 * Creates a tensor from nested arrays, a scalar or a typed array, like `torch.tensor`. The dtype
 * is inferred as PyTorch does: booleans give bool, integral numbers int64, any fraction float32;
 * typed arrays keep their own type. JavaScript cannot tell `1.0` from `1`, so pass
 * `{ dtype: 'float32' }` for float data written with whole numbers.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);                       // int64
 * tensor([0.5, 1], { dtype: 'float64' });
 * tensor(new Float32Array([1, 2, 3]));            // float32
 * ```
 */
export function tensor(data: NestedArray | TypedArray, options: CreationOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const source = data as TypedArray;
    const dtype = options.dtype === undefined ? typedArrayDType(source) : checkDType('tensor', options.dtype);
    const out = allocate(dtype, source.length);
    for (let i = 0; i < source.length; i++) out[i] = castScalar(source[i]!, dtype);
    return Tensor.fromData(out, [source.length], dtype);
  }
  const shape: number[] = [];
  for (let level: NestedArray = data; Array.isArray(level); level = level[0] as NestedArray) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const flat: (number | boolean)[] = [];
  const walk = (value: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof value !== 'number' && typeof value !== 'boolean') {
        throw new ShapeError(`tensor: expected a number or boolean at index [${path.join(',')}], got ${Array.isArray(value) ? 'an array (ragged nesting)' : typeof value}`);
      }
      flat.push(value);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      throw new ShapeError(`tensor: ragged nested array: expected length ${shape[depth]} at index [${path.join(',')}], got ${Array.isArray(value) ? value.length : typeof value}`);
    }
    value.forEach((v, i) => walk(v, depth + 1, [...path, i]));
  };
  walk(data, 0, []);
  let dtype: DType;
  if (options.dtype !== undefined) dtype = checkDType('tensor', options.dtype);
  else if (flat.length === 0) dtype = 'float32';
  else if (flat.every((v) => typeof v === 'boolean')) dtype = 'bool';
  else dtype = flat.some((v) => typeof v === 'number' && scalarDType(v) === 'float32') ? 'float32' : 'int64';
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = castScalar(Number(flat[i]), dtype);
  return Tensor.fromData(out, shape, dtype);
}

/** A tensor of `shape` filled with `value`. */
export function full(size: readonly number[], value: number | boolean, options: CreationOptions = {}): Tensor {
  const shape = sizeFromArgs('full', [size]);
  const dtype = options.dtype === undefined ? scalarDType(value) : checkDType('full', options.dtype);
  const out = allocate(dtype, numelOf(shape));
  out.fill(castScalar(Number(value), dtype));
  return Tensor.fromData(out, shape, dtype);
}

/** A tensor of zeros: `zeros(2, 3)`, `zeros([2, 3], { dtype: 'int64' })`. Float32 unless told. */
export function zeros(...args: SizeArgsWithOptions): Tensor {
  const [shape, options] = splitSizeOptions('zeros', args);
  return full(shape, 0, { dtype: options.dtype ?? 'float32' });
}

/** A tensor of ones: `ones(2, 3)`. Float32 unless told. */
export function ones(...args: SizeArgsWithOptions): Tensor {
  const [shape, options] = splitSizeOptions('ones', args);
  return full(shape, 1, { dtype: options.dtype ?? 'float32' });
}

/** An uninitialised tensor; torchlet zero-fills it, since typed arrays are always initialised. */
export function empty(...args: SizeArgsWithOptions): Tensor {
  const [shape, options] = splitSizeOptions('empty', args);
  return full(shape, 0, { dtype: options.dtype ?? 'float32' });
}

/** Zeros shaped like `x`, with its dtype unless told. */
export function zerosLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return full(x.shape, 0, { dtype: options.dtype ?? x.dtype });
}

/** Ones shaped like `x`, with its dtype unless told. */
export function onesLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return full(x.shape, 1, { dtype: options.dtype ?? x.dtype });
}

/** Like `zerosLike` (torchlet's empty tensors are zero-filled). */
export function emptyLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return zerosLike(x, options);
}

/** `value` shaped like `x`, with its dtype unless told. */
export function fullLike(x: Tensor, value: number | boolean, options: CreationOptions = {}): Tensor {
  return full(x.shape, value, { dtype: options.dtype ?? x.dtype });
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`: `arange(5)`, `arange(1, 2, 0.25)`.
 * The dtype is int64 when every argument is integral, else float32.
 */
export function arange(end: number, options?: CreationOptions): Tensor;
export function arange(start: number, end: number, options?: CreationOptions): Tensor;
export function arange(start: number, end: number, step: number, options?: CreationOptions): Tensor;
export function arange(...args: (number | CreationOptions | undefined)[]): Tensor {
  const last = args[args.length - 1];
  const options: CreationOptions = typeof last === 'object' ? last : {};
  const numbers = args.filter((a): a is number => typeof a === 'number');
  const [start, end, step] =
    numbers.length === 1 ? [0, numbers[0]!, 1] : numbers.length === 2 ? [numbers[0]!, numbers[1]!, 1] : [numbers[0]!, numbers[1]!, numbers[2]!];
  if (step === 0 || !Number.isFinite(step)) throw new InvalidArgumentError(`arange: step must be nonzero and finite, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new InvalidArgumentError(`arange: start and end must be finite, got ${start} and ${end}`);
  if ((end - start) * step < 0) {
    throw new InvalidArgumentError(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  }
  const integral = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = options.dtype ?? (integral ? 'int64' : 'float32');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = castScalar(start + i * step, dtype);
  return Tensor.fromData(out, [n], dtype);
}

/** `steps` evenly spaced values from `start` to `end` inclusive (float32 unless told). */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new InvalidArgumentError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = options.dtype ?? 'float32';
  const out = allocate(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half backwards from `end` so both endpoints are exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = castScalar(i < half ? start + step * i : end - step * (steps - 1 - i), dtype);
  return Tensor.fromData(out, [steps], dtype);
}

/** An `n`×`m` matrix with ones on the diagonal (`m` defaults to `n`). */
export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  const shape = sizeFromArgs('eye', [n, m]);
  const dtype = options.dtype ?? 'float32';
  const out = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return Tensor.fromData(out, shape, dtype);
}

/** A 0-d tensor holding `value` (used where an op needs a scalar as a tensor). */
export function scalarTensor(value: number | boolean, dtype: DType = scalarDType(value)): Tensor {
  return full([], value, { dtype });
}
