import type { Tensor } from '@torchlet/autograd';
import { checkDropoutProbability, formatFloat } from '../arguments.js';
import * as F from '../functional/layers.js';
import { Module } from '../module.js';

/** What the dropouts share: the probability `p`, checked to lie in [0, 1]. */
abstract class DropoutNd extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    checkDropoutProbability(this.constructor.name, p);
    this.p = p;
  }

  override extraRepr(): string {
    return `p=${formatFloat(this.p)}, inplace=False`;
  }
}

/**
 * In training, zeroes each element with probability `p` and scales the rest by 1/(1 − p), so the
 * expected value is unchanged; in evaluation, the identity. Draws from the default generator.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.2);
 * drop.call(x);        // training: some elements zeroed
 * drop.eval().call(x); // x itself
 * ```
 */
export class Dropout extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout(input, { p: this.p, training: this.training });
  }
}

/**
 * In training, zeroes whole channels of [N, C, H, W] with probability `p` (one draw per sample and
 * channel) and scales the rest by 1/(1 − p); in evaluation, the identity.
 */
export class Dropout2d extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout2d(input, { p: this.p, training: this.training });
  }
}
