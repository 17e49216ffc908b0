import { TorchletError } from '@torchlet/autograd';

/** Misuse of a module: a bad state dict, a clashing name, a wrong input to a layer. */
export class ModuleError extends TorchletError {}
