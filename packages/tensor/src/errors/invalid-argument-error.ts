import { TorchletError } from './torchlet-error.js';

/** An argument out of its allowed range or of the wrong kind. */
export class InvalidArgumentError extends TorchletError {}
