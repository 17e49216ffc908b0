/**
 * Random sampling, drawing from a seeded {@link Generator} the way PyTorch's CPU kernels do, so a
 * seed gives PyTorch's numbers: `rand`, `randint`, `randperm`, `bernoulli` and float32 `randn`,
 * `normal` and `uniform_` bit for bit with PyTorch on x86-64 (whose AVX2 Box–Muller for 16+
 * float32 elements, and the fused multiply-adds its compiler emits, are reproduced here).
 * float64 normals agree to an ulp or two: JavaScript's `Math.log`, `Math.sin` and `Math.cos`
 * round differently from glibc in the last bit now and then.
 * @packageDocumentation
 */
import { allocate, checkDType, type DType, isFloatingPoint, requireFloat, type TypedArray } from '../dtype.js';
import { DTypeError, InvalidArgumentError } from '../errors/index.js';
import { elementOffsets } from '../iterate.js';
import { fusedMultiplyAdd, fusedMultiplyAddFloat32, logFloat32, sinCosFloat32 } from '../random/float-emulation.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { formatShape, numelOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { type SizeArgsWithOptions, splitSizeOptions } from './creation.js';

/** Options of ops that only draw: which generator (the default one unless told). */
export interface GeneratorOptions {
  generator?: Generator;
}

/** Options of ops that create a random tensor: the generator and the dtype. */
export interface RandomOptions extends GeneratorOptions {
  dtype?: DType;
}

/** Sizes as varargs or one array, then options: `rand(2, 3, { generator })`. */
export type RandomSizeArgs = readonly (number | readonly number[] | RandomOptions | undefined)[];

const TWO_POW_32 = 4294967296;

function sizesAndOptions(op: string, args: RandomSizeArgs): [number[], RandomOptions] {
  const [shape, options] = splitSizeOptions(op, args as SizeArgsWithOptions);
  return [shape, options as RandomOptions];
}

/** A new zero tensor of `shape` for a sampler to fill, in `dtype` (float32 unless told; floating point only). */
function floatTensor(op: string, shape: number[], dtype: DType | undefined): Tensor {
  const checked = checkDType(op, dtype ?? 'float32');
  if (!isFloatingPoint(checked)) throw new DTypeError(`${op}: dtype must be floating point, got ${checked}`);
  return Tensor.fromData(allocate(checked, numelOf(shape)), shape, checked);
}

/**
 * Uniform samples in [0, 1), float32 unless told: `rand(2, 3)`, `rand([2, 3], { generator })`.
 * Matches `torch.rand` for the same seed exactly.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * rand(3).tolist(); // [0.49625658988952637, 0.7682217955589294, 0.08847743272781372]
 * ```
 */
export function rand(...args: RandomSizeArgs): Tensor {
  const [shape, options] = sizesAndOptions('rand', args);
  const out = floatTensor('rand', shape, options.dtype);
  fillUniform(out, 0, 1, options.generator ?? defaultGenerator);
  return out;
}

/**
 * Standard normal samples, float32 unless told: `randn(2, 3)`. Matches `torch.randn` for the same
 * seed (on x86 CPUs, whose vectorised path PyTorch uses for float32 tensors of 16+ elements).
 */
export function randn(...args: RandomSizeArgs): Tensor {
  const [shape, options] = sizesAndOptions('randn', args);
  const out = floatTensor('randn', shape, options.dtype);
  fillNormal(out, 0, 1, options.generator ?? defaultGenerator);
  return out;
}

/**
 * Normal samples with the given mean and standard deviation: `normal(0, 0.02, [768, 768])`, as
 * `torch.normal(mean, std, size)`.
 */
export function normal(mean: number, std: number, size: readonly number[], options: RandomOptions = {}): Tensor {
  checkNormalArguments('normal', mean, std);
  const [shape] = sizesAndOptions('normal', [size]);
  const out = floatTensor('normal', shape, options.dtype);
  fillNormal(out, mean, std, options.generator ?? defaultGenerator);
  return out;
}

/** Uniform samples in [0, 1) shaped like `x`, with its dtype unless told (`torch.rand_like`). */
export function randLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return rand(x.shape, { dtype: options.dtype ?? x.dtype, generator: options.generator });
}

/** Standard normal samples shaped like `x`, with its dtype unless told (`torch.randn_like`). */
export function randnLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return randn(x.shape, { dtype: options.dtype ?? x.dtype, generator: options.generator });
}

/**
 * Uniform integers in [low, high), int64 unless told: `randint(0, 10, [3])`, or `randint(10, [3])`
 * with low 0. Matches `torch.randint` for the same seed exactly.
 */
export function randint(high: number, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number, high: number, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(...args: (number | readonly number[] | RandomOptions | undefined)[]): Tensor {
  const withLow = typeof args[1] === 'number';
  const low = withLow ? (args[0] as number) : 0;
  const high = (withLow ? args[1] : args[0]) as number;
  const size = (withLow ? args[2] : args[1]) as readonly number[] | undefined;
  const options = ((withLow ? args[3] : args[2]) ?? {}) as RandomOptions;
  if (!Array.isArray(size)) {
    throw new InvalidArgumentError(`randint: size must be an array of sizes, got ${String(size)}`);
  }
  for (const [name, value] of [['low', low], ['high', high]] as const) {
    if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`randint: ${name} must be an integer, got ${value}`);
  }
  if (low >= high) throw new InvalidArgumentError(`randint: low ${low} must be less than high ${high}`);
  const [shape] = sizesAndOptions('randint', [size]);
  const dtype = checkDType('randint', options.dtype ?? 'int64');
  const [smallest, largest] = integerRange(dtype);
  if (low < smallest || high - 1 > largest) {
    throw new InvalidArgumentError(`randint: range [${low}, ${high}) does not fit dtype ${dtype} ([${smallest}, ${largest}])`);
  }
  const generator = options.generator ?? defaultGenerator;
  const out = allocate(dtype, numelOf(shape));
  const range = high - low;
  if (range < TWO_POW_32) {
    for (let i = 0; i < out.length; i++) out[i] = (generator.nextUint32() % range) + low;
  } else {
    // PyTorch draws 64 bits for ranges of 2^32 and more; 64-bit modulo needs BigInt.
    const bigRange = BigInt(range);
    for (let i = 0; i < out.length; i++) out[i] = Number(nextUint64(generator) % bigRange) + low;
  }
  return Tensor.fromData(out, shape, dtype);
}

/**
 * A random permutation of 0..n-1, int64 unless told (`torch.randperm`): PyTorch's Fisher–Yates
 * shuffle, so the same seed gives the same permutation.
 */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`randperm: n must be a non-negative integer, got ${n}`);
  const dtype = checkDType('randperm', options.dtype ?? 'int64');
  const [, largest] = integerRange(dtype);
  if (n - 1 > largest) throw new InvalidArgumentError(`randperm: n ${n} is too large for dtype ${dtype}`);
  const generator = options.generator ?? defaultGenerator;
  const out = allocate(dtype, n);
  if (n < Math.floor((TWO_POW_32 - 1) / 20)) {
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = generator.nextUint32() % (n - i);
      const saved = out[i]!;
      out[i] = out[z + i]!;
      out[z + i] = saved;
    }
  } else {
    // PyTorch switches to the inside-out shuffle with 64-bit draws when 32-bit draws would skew.
    for (let i = 0; i < n; i++) {
      const z = Number(nextUint64(generator) % BigInt(i + 1));
      out[i] = out[z]!;
      out[z] = i;
    }
  }
  return Tensor.fromData(out, [n], dtype);
}

/**
 * Draws 0 or 1 for each element of `p` with probability `p` (`torch.bernoulli`): the result has
 * `p`'s shape and dtype. Every probability must lie in [0, 1].
 */
export function bernoulli(p: Tensor, options: GeneratorOptions = {}): Tensor {
  requireFloat('bernoulli', 'p', p.dtype);
  const probabilities = p.toTypedArray();
  for (let i = 0; i < probabilities.length; i++) {
    const value = probabilities[i]!;
    if (!(value >= 0 && value <= 1)) {
      throw new InvalidArgumentError(`bernoulli: p must lie in [0, 1], got ${value} at flat index ${i} of p ${formatShape(p.shape)}`);
    }
  }
  const generator = options.generator ?? defaultGenerator;
  const out = allocate(p.dtype, probabilities.length);
  // PyTorch compares a float32 draw with float32 probabilities and a float64 draw with float64 ones.
  if (p.dtype === 'float32') {
    for (let i = 0; i < out.length; i++) out[i] = generator.nextFloat32() < probabilities[i]! ? 1 : 0;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = generator.nextFloat64() < probabilities[i]! ? 1 : 0;
  }
  return Tensor.fromData(out, p.shape, p.dtype);
}

/**
 * Fills `x` in place with uniform samples in [from, to) and returns it (`Tensor.uniform_`). `x`
 * may be a non-contiguous view; elements are drawn in memory order, as PyTorch does.
 */
export function uniform_(x: Tensor, from = 0, to = 1, options: GeneratorOptions = {}): Tensor {
  requireFloat('uniform_', 'x', x.dtype);
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new InvalidArgumentError(`uniform_: from and to must be finite, got from=${from} and to=${to}`);
  }
  if (from > to) throw new InvalidArgumentError(`uniform_: from ${from} must not exceed to ${to}`);
  const span = x.dtype === 'float32' ? Math.fround(Math.fround(to) - Math.fround(from)) : to - from;
  if (span === Infinity) {
    throw new InvalidArgumentError(`uniform_: to - from overflows ${x.dtype}, got from=${from} and to=${to}`);
  }
  fillUniform(x, from, to, options.generator ?? defaultGenerator);
  x.bumpVersion();
  return x;
}

/**
 * Fills `x` in place with normal samples of mean `mean` and standard deviation `std` and returns
 * it (`Tensor.normal_`). `x` may be a non-contiguous view.
 */
export function normal_(x: Tensor, mean = 0, std = 1, options: GeneratorOptions = {}): Tensor {
  requireFloat('normal_', 'x', x.dtype);
  checkNormalArguments('normal_', mean, std);
  fillNormal(x, mean, std, options.generator ?? defaultGenerator);
  x.bumpVersion();
  return x;
}

/**
 * Fills `x` in place with 1 with probability `p` and 0 otherwise, and returns it
 * (`Tensor.bernoulli_`); `x` may have any dtype. One float64 uniform per element, as current
 * PyTorch does (older x86 builds with MKL sampled this op with MKL's own generator).
 */
export function bernoulli_(x: Tensor, p: number, options: GeneratorOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(`bernoulli_: p must lie in [0, 1], got ${p}`);
  const generator = options.generator ?? defaultGenerator;
  const data = x.storage.data;
  const offsets = writeOffsets('bernoulli_', x);
  const n = x.numel();
  for (let i = 0; i < n; i++) data[offsets === null ? x.offset + i : offsets[i]!] = generator.nextFloat64() < p ? 1 : 0;
  x.bumpVersion();
  return x;
}

function checkNormalArguments(op: string, mean: number, std: number): void {
  if (!Number.isFinite(mean)) throw new InvalidArgumentError(`${op}: mean must be finite, got ${mean}`);
  if (!(std >= 0) || !Number.isFinite(std)) throw new InvalidArgumentError(`${op}: std must be non-negative, got ${std}`);
}

/** The integers a dtype holds exactly, as [smallest, largest]. */
function integerRange(dtype: DType): [number, number] {
  switch (dtype) {
    case 'bool':
      return [0, 1];
    case 'uint8':
      return [0, 255];
    case 'int32':
      return [-(2 ** 31), 2 ** 31 - 1];
    case 'float32':
      return [-(2 ** 24), 2 ** 24];
    default:
      return [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  }
}

function nextUint64(generator: Generator): bigint {
  const high = generator.nextUint32();
  const low = generator.nextUint32();
  return (BigInt(high) << 32n) | BigInt(low);
}

/**
 * Storage offsets of `x` in the order PyTorch's TensorIterator visits a lone output: dims sorted
 * by stride so memory is walked forwards (a transposed view fills in storage order). Null when
 * `x` is contiguous, meaning offsets `x.offset + i`.
 */
function writeOffsets(op: string, x: Tensor): Int32Array | null {
  if (x.isContiguous()) return null;
  const ndim = x.ndim;
  for (let d = 0; d < ndim; d++) {
    if (x.strides[d] === 0 && x.shape[d]! > 1) {
      throw new InvalidArgumentError(`${op}: x ${formatShape(x.shape)} with strides ${formatShape(x.strides)} has several elements at one memory location; clone() it first`);
    }
  }
  // TensorIterator::reorder_dimensions: start innermost-first, then insertion-sort by stride.
  const order = Array.from({ length: ndim }, (_, i) => ndim - 1 - i);
  const shouldSwap = (dim0: number, dim1: number): number => {
    const stride0 = x.strides[dim0]!;
    const stride1 = x.strides[dim1]!;
    if (stride0 === 0 || stride1 === 0) return 0;
    if (stride0 !== stride1) return stride0 < stride1 ? -1 : 1;
    return x.shape[dim0]! > x.shape[dim1]! ? 1 : 0;
  };
  for (let i = 1; i < ndim; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const comparison = shouldSwap(order[dim0]!, order[dim1]!);
      if (comparison > 0) {
        [order[dim0], order[dim1]] = [order[dim1]!, order[dim0]!];
        dim1 = dim0;
      } else if (comparison < 0) {
        break;
      }
    }
  }
  const outerFirst = order.reverse();
  const shape: Shape = outerFirst.map((d) => x.shape[d]!);
  const strides: Shape = outerFirst.map((d) => x.strides[d]!);
  return elementOffsets(shape, strides, x.offset);
}

/** PyTorch's `uniform_real_distribution`: float32 arithmetic for float32 tensors. */
function fillUniform(x: Tensor, from: number, to: number, generator: Generator): void {
  const data = x.storage.data;
  const offsets = writeOffsets('uniform_', x);
  const n = x.numel();
  const base = x.offset;
  if (x.dtype === 'float32') {
    const from32 = Math.fround(from);
    const range32 = Math.fround(Math.fround(to) - from32);
    for (let i = 0; i < n; i++) {
      data[offsets === null ? base + i : offsets[i]!] = fusedMultiplyAddFloat32(generator.nextFloat32(), range32, from32);
    }
  } else {
    const range = to - from;
    for (let i = 0; i < n; i++) data[offsets === null ? base + i : offsets[i]!] = fusedMultiplyAdd(generator.nextFloat64(), range, from);
  }
}

/**
 * PyTorch's CPU `normal_kernel`: contiguous tensors of 16+ elements take the blockwise Box–Muller
 * of `normal_fill` (float32: the AVX2 variant); the rest draw one `normal_distribution<double>`
 * sample per element in iteration order.
 */
function fillNormal(x: Tensor, mean: number, std: number, generator: Generator): void {
  const n = x.numel();
  if (n >= 16 && x.isContiguous()) {
    if (x.dtype === 'float32') {
      normalFillFloat32(x.storage.data.subarray(x.offset, x.offset + n) as Float32Array, Math.fround(mean), Math.fround(std), generator);
    } else {
      normalFillFloat64(x.storage.data.subarray(x.offset, x.offset + n) as Float64Array, mean, std, generator);
    }
    return;
  }
  const data = x.storage.data;
  const offsets = writeOffsets('normal_', x);
  for (let i = 0; i < n; i++) data[offsets === null ? x.offset + i : offsets[i]!] = fusedMultiplyAdd(generator.nextNormal(), std, mean);
}

/** Fills `data` with uniforms, transforms each block of 16, then redraws and redoes the last 16. */
function blockwiseBoxMuller<T extends TypedArray>(data: T, draw: () => number, transform16: (block: T, start: number) => void): void {
  const n = data.length;
  for (let i = 0; i < n; i++) data[i] = draw();
  for (let i = 0; i + 16 <= n; i += 16) transform16(data, i);
  if (n % 16 !== 0) {
    const start = n - 16;
    for (let i = 0; i < 16; i++) data[start + i] = draw();
    transform16(data, start);
  }
}

function normalFillFloat64(data: Float64Array, mean: number, std: number, generator: Generator): void {
  const twoPi = 2 * Math.PI;
  blockwiseBoxMuller(data, () => generator.nextFloat64(), (block, start) => {
    for (let j = start; j < start + 8; j++) {
      const radius = Math.sqrt(-2 * Math.log(1 - block[j]!));
      const theta = twoPi * block[j + 8]!;
      block[j] = fusedMultiplyAdd(radius * Math.cos(theta), std, mean);
      block[j + 8] = fusedMultiplyAdd(radius * Math.sin(theta), std, mean);
    }
  });
}

const fround = Math.fround;
const TWO_PI_FLOAT = fround(2 * Math.PI);

function normalFillFloat32(data: Float32Array, mean: number, std: number, generator: Generator): void {
  const sinCos = new Float64Array(2);
  blockwiseBoxMuller(data, () => generator.nextFloat32(), (block, start) => {
    for (let j = start; j < start + 8; j++) {
      const radius = fround(Math.sqrt(fround(-2 * logFloat32(fround(1 - block[j]!)))));
      sinCosFloat32(fround(TWO_PI_FLOAT * block[j + 8]!), sinCos);
      block[j] = fusedMultiplyAddFloat32(fround(radius * sinCos[1]!), std, mean);
      block[j + 8] = fusedMultiplyAddFloat32(fround(radius * sinCos[0]!), std, mean);
    }
  });
}
