import type { TypedArray } from './dtype.js';

/**
 * The flat buffer behind one or more tensors. Views share a Storage, and with it the version
 * counter that every in-place op bumps: autograd compares versions to detect that a tensor
 * saved for backward was modified in place, as PyTorch does.
 */
export class Storage {
  /** Bumped by every in-place write through any view of this storage. */
  version = 0;

  constructor(readonly data: TypedArray) {}
}
