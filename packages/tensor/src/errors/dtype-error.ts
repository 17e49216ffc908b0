import { TorchletError } from './torchlet-error.js';

/** A dtype the op does not accept, such as a float tensor where integers are required. */
export class DTypeError extends TorchletError {}
