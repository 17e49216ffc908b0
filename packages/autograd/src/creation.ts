/**
 * Tensor creation for the autograd layer: the tensor layer's factories, returning differentiable
 * tensors and accepting `requiresGrad`.
 */
import * as T from '@torchlet/tensor';
import { Tensor } from './tensor.js';

/** `requiresGrad` makes the new tensor a leaf that requires grad. */
export interface GradOptions {
  requiresGrad?: boolean;
}

function lastOptions(args: readonly unknown[]): GradOptions {
  const last = args[args.length - 1];
  return typeof last === 'object' && last !== null && !Array.isArray(last) && !ArrayBuffer.isView(last) ? (last as GradOptions) : {};
}

/** Wraps a factory so it returns a differentiable leaf, honouring a trailing `{ requiresGrad }`. */
function factory<A extends readonly unknown[]>(make: (...args: A) => T.Tensor): (...args: A) => Tensor {
  return (...args) => {
    const out = Tensor.wrap(make(...args));
    return lastOptions(args).requiresGrad ? out.requiresGrad_() : out;
  };
}

type WithGrad<O> = O & GradOptions;

/** Creates a tensor from nested arrays or a typed array; see the tensor layer's `tensor`. */
export const tensor: (data: T.NestedArray | T.TypedArray, options?: WithGrad<T.CreationOptions>) => Tensor = factory(T.tensor);
/** Zeros: `zeros(2, 3, { requiresGrad: true })`. */
export const zeros: (...args: readonly (number | readonly number[] | WithGrad<T.CreationOptions> | undefined)[]) => Tensor = factory(T.zeros);
/** Ones. */
export const ones: typeof zeros = factory(T.ones);
/** Zero-filled (torchlet's `empty`). */
export const empty: typeof zeros = factory(T.empty);
/** A tensor filled with `value`. */
export const full: (size: readonly number[], value: number | boolean, options?: WithGrad<T.CreationOptions>) => Tensor = factory(T.full);
/** Zeros shaped like `x`. */
export const zerosLike: (x: T.Tensor, options?: WithGrad<T.CreationOptions>) => Tensor = factory(T.zerosLike);
/** Ones shaped like `x`. */
export const onesLike: typeof zerosLike = factory(T.onesLike);
/** Zero-filled, shaped like `x`. */
export const emptyLike: typeof zerosLike = factory(T.emptyLike);
/** `value` shaped like `x`. */
export const fullLike: (x: T.Tensor, value: number | boolean, options?: WithGrad<T.CreationOptions>) => Tensor = factory(T.fullLike);
/** A range of values; see the tensor layer's `arange`. */
export const arange: (...args: (number | WithGrad<T.CreationOptions> | undefined)[]) => Tensor = factory(T.arange as (...args: (number | T.CreationOptions | undefined)[]) => T.Tensor);
/** Evenly spaced values. */
export const linspace: (start: number, end: number, steps: number, options?: WithGrad<T.CreationOptions>) => Tensor = factory(T.linspace);
/** An identity matrix. */
export const eye: (n: number, m?: number, options?: WithGrad<T.CreationOptions>) => Tensor = factory(T.eye);
/** A 0-d tensor. */
export const scalarTensor: (value: number | boolean, dtype?: T.DType) => Tensor = factory(T.scalarTensor);
/** Uniform samples in [0, 1). */
export const rand: (...args: readonly (number | readonly number[] | WithGrad<T.RandomOptions> | undefined)[]) => Tensor = factory(T.rand);
/** Standard normal samples. */
export const randn: typeof rand = factory(T.randn);
/** Normal samples with the given mean and std. */
export const normal: (mean: number, std: number, size: readonly number[], options?: WithGrad<T.RandomOptions>) => Tensor = factory(T.normal);
/** Uniform samples shaped like `x`. */
export const randLike: (x: T.Tensor, options?: WithGrad<T.RandomOptions>) => Tensor = factory(T.randLike);
/** Normal samples shaped like `x`. */
export const randnLike: typeof randLike = factory(T.randnLike);
/** Random integers in [low, high). */
export const randint: (...args: (number | readonly number[] | T.RandomOptions | undefined)[]) => Tensor = factory(T.randint as (...args: (number | readonly number[] | T.RandomOptions | undefined)[]) => T.Tensor);
/** A random permutation of 0 … n − 1. */
export const randperm: (n: number, options?: T.RandomOptions) => Tensor = factory(T.randperm);
/** 0/1 samples with probabilities `p`. */
export const bernoulli: (p: T.Tensor, options?: T.GeneratorOptions) => Tensor = factory(T.bernoulli);
/** A differentiable view of a tensor-layer tensor (no copy); the tensor becomes a leaf. */
export function fromRaw(x: T.Tensor, options: GradOptions = {}): Tensor {
  const out = x instanceof Tensor ? x : Tensor.wrap(x);
  return options.requiresGrad ? out.requiresGrad_() : out;
}
