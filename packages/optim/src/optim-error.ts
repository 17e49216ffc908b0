import { TorchletError } from '@torchlet/nn';

/** A bad optimizer or scheduler option, parameter group or state dict (PyTorch's ValueError/TypeError). */
export class OptimError extends TorchletError {}
