import { TorchletError } from './torchlet-error.js';

/** An index or dimension out of range. */
export class IndexError extends TorchletError {}
