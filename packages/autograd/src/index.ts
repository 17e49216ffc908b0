/**
 * @torchlet/autograd: the differentiable Tensor, its reverse-mode tape, and a gradient for every
 * op of @torchlet/tensor. Everything a user needs from the tensor layer is re-exported here, so
 * `@torchlet/autograd` is the only import a training script needs below `nn`.
 * @packageDocumentation
 */
export {
  // Errors, dtypes and shapes
  TorchletError,
  ShapeError,
  DTypeError,
  InvalidArgumentError,
  IndexError,
  type DType,
  type TypedArray,
  DTYPES,
  isFloatingPoint,
  isIntegral,
  promoteTypes,
  type Shape,
  type SizeArgs,
  formatShape,
  broadcastShapes,
  normalizeDim,
  normalizeDims,
  numelOf,
  sameShape,
  contiguousStrides,
  Storage,
  type NestedArray,
  // Backends, randomness and printing
  type Backend,
  type GemmArgs,
  getBackend,
  setBackend,
  jsBackend,
  wasmBackend,
  useBackend,
  wasmSimdAvailable,
  type BackendName,
  Generator,
  defaultGenerator,
  manualSeed,
  initialSeed,
  getRngState,
  setRngState,
  formatTensor,
  type FormatOptions,
  // Option types of the ops
  type CreationOptions,
  type RandomOptions,
  type GeneratorOptions,
  type DivOptions,
  type IsCloseOptions,
  type Dims,
  type ReduceOptions,
  type SumOptions,
  type VarianceOptions,
  type ScanOptions,
  type SortOptions,
  type TopkOptions,
  type SoftmaxOptions,
  type AddmmOptions,
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvTranspose1dOptions,
  type ConvTranspose2dOptions,
  type ScatterOptions,
  type IndexAddOptions,
  type IndexSpec,
  Tensor as RawTensor,
} from '@torchlet/tensor';
export { Tensor, type RemovableHandle, type TensorBackwardOptions } from './tensor.js';
export { Node, type BackwardFn, type GradHook } from './node.js';
export { AutogradError } from './autograd-error.js';
export { isGradEnabled, setGradEnabled, noGrad, enableGrad } from './grad-mode.js';
export { detectAnomaly, isAnomalyEnabled } from './anomaly.js';
export { grad, type GradFunctionOptions } from './functional.js';
export type { BackwardOptions } from './engine.js';
export { record, raw, constant, type Operand } from './record.js';
export * from './creation.js';
export * from './sparse.js';
export * from './ops.js';
export * from './gradients/conv.js';
export * from './gradients/pool.js';
export * from './gradients/normalization.js';
export * from './gradients/embedding.js';
