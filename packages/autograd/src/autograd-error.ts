import { TorchletError } from '@torchlet/tensor';

/** Misuse of the autograd tape: backward through a freed graph, a modified saved tensor, … */
export class AutogradError extends TorchletError {}
