import { type RawTensor, Tensor } from '@torchlet/autograd';

/**
 * A tensor that is a module parameter: a leaf that requires grad by default, found by
 * `Module.parameters()` when assigned to a module property. It shares storage with the tensor it
 * was made from.
 *
 * @example
 * ```ts
 * this.scale = new Parameter(ones(4));
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: RawTensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    if (requiresGrad) this.requiresGrad_();
  }

  /** `Parameter containing:` followed by the tensor, as PyTorch prints parameters. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
