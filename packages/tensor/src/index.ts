/**
 * @torchlet/tensor: strided n-d arrays over typed-array storage, with PyTorch's dtypes, views,
 * broadcasting and forward kernels.
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './dtype.js';
export * from './shape.js';
export { Storage } from './storage.js';
export { Tensor, type NestedArray } from './tensor.js';
export { elementOffsets, broadcastStrides } from './iterate.js';
export * from './backend/index.js';
export * from './ops/creation.js';
export * from './ops/map.js';
export * from './ops/unary.js';
export * from './ops/binary.js';
export * from './ops/views.js';
export * from './ops/reduce.js';
export * from './ops/scan.js';
export * from './ops/sort.js';
export * from './ops/linalg.js';
export * from './ops/join.js';
export * from './ops/indexing.js';
export * from './ops/rearrange.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/normalization.js';
export * from './ops/softmax.js';
export * from './ops/embedding.js';
export * from './random/generator.js';
export * from './ops/random.js';
export * from './format.js';
