import { InvalidArgumentError, type Tensor } from '@torchlet/autograd';
import { formatValue } from '../arguments.js';
import { Module } from '../module.js';

/**
 * Flattens dims `startDim` … `endDim` into one (defaults 1 and −1: everything but the batch dim).
 *
 * @example
 * ```ts
 * new Flatten().call(zeros(5, 2, 4, 4)).shape; // [5, 32]
 * ```
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, value] of [['start_dim', startDim], ['end_dim', endDim]] as const) {
      if (!Number.isInteger(value)) throw new InvalidArgumentError(`Flatten: ${name} must be an integer, got ${value}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (whose product must equal that dim's size; one entry may
 * be −1 to infer it).
 *
 * @example
 * ```ts
 * new Unflatten(1, [2, 5]).call(zeros(3, 10)).shape; // [3, 2, 5]
 * ```
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isInteger(dim)) throw new InvalidArgumentError(`Unflatten: dim must be an integer, got ${dim}`);
    if (!Array.isArray(unflattenedSize)) {
      throw new InvalidArgumentError(`Unflatten: unflattened_size must be a tuple of ints, got ${formatValue(unflattenedSize)}`);
    }
    unflattenedSize.forEach((size, i) => {
      if (!Number.isInteger(size)) {
        throw new InvalidArgumentError(`Unflatten: unflattened_size must be tuple of ints, but found element of type ${typeof size} at pos ${i}`);
      }
    });
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${formatValue(this.unflattenedSize)}`;
  }
}
