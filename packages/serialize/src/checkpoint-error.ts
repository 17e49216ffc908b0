import { TorchletError } from '@torchlet/optim';

/**
 * A file or value that cannot be saved or loaded: a truncated or corrupted `.pt` or safetensors
 * file, a pickle global outside the allowlist, an unsupported dtype, a value with no pickle form.
 * The message names the part of the file (record, opcode offset, tensor name) and the value.
 */
export class CheckpointError extends TorchletError {}
