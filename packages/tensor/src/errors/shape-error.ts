import { TorchletError } from './torchlet-error.js';

/** Shapes that do not fit the op: broadcasting, matmul dimensions, views, sizes. */
export class ShapeError extends TorchletError {}
