import { TorchletError } from '@torchlet/serialize';

/**
 * A command line the demo cannot run: an unknown flag, a missing or bad value, an optimizer that
 * cannot train this model, a `--resume` that contradicts the checkpoint. The CLI prints the
 * message and exits with code 2.
 */
export class UsageError extends TorchletError {}
