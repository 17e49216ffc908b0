export { TorchletError } from './torchlet-error.js';
export { ShapeError } from './shape-error.js';
export { DTypeError } from './dtype-error.js';
export { InvalidArgumentError } from './invalid-argument-error.js';
export { IndexError } from './index-error.js';
