/**
 * @torchlet/nn: modules, layers, `functional`, `init` and losses, with PyTorch's state-dict keys.
 * Re-exports @torchlet/autograd, so models and training loops import from here alone.
 * @packageDocumentation
 */
export * from '@torchlet/autograd';
export { Module, type StateDict, type LoadResult, type ForwardHook, type ForwardPreHook } from './module.js';
export { Parameter } from './parameter.js';
export { addHook } from './hooks.js';
export { ModuleError } from './nn-error.js';
export * from './modules/container.js';
export * from './modules/linear.js';
export * from './modules/flatten.js';
export * from './modules/conv.js';
export * from './modules/pooling.js';
export * from './modules/normalization.js';
export * from './modules/dropout.js';
export * from './modules/embedding.js';
export * from './modules/activation.js';
export * from './modules/rnn.js';
export * from './modules/transformer.js';
export * from './modules/loss.js';
export * as functional from './functional/index.js';
export * as init from './init.js';
export * as utils from './utils.js';
