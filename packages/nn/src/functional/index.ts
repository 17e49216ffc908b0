/**
 * `functional`: every layer and loss as a function (PyTorch's `torch.nn.functional`, usually
 * imported as `F`), with PyTorch's argument names in camelCase.
 * @packageDocumentation
 */
export * from './activation.js';
export * from './layers.js';
export * from './loss.js';
export * from './misc.js';
export * from './attention.js';
export * from './recurrent.js';
