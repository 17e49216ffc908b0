/**
 * Every differentiable op that the Tensor class's methods delegate to, by family. The neural-net
 * kernels (conv, pooling, normalization, embedding) are exported from index.ts directly: Tensor
 * has no methods for them, and keeping them out of this module keeps sparse.ts (which embedding
 * needs, and which extends Tensor) from loading before tensor.ts has finished.
 */
export * from './gradients/unary.js';
export * from './gradients/binary.js';
export * from './gradients/views.js';
export * from './gradients/reduce.js';
export * from './gradients/scan.js';
export * from './gradients/sort.js';
export * from './gradients/linalg.js';
export * from './gradients/join.js';
export * from './gradients/indexing.js';
export * from './gradients/rearrange.js';
export * from './gradients/softmax.js';
export * from './gradients/copy.js';
export * from './gradients/inplace.js';
export { sumToShape } from './gradients/broadcast.js';
export { onesLike, zerosLike } from './creation.js';
