import { formatShape, sameShape } from '@torchlet/tensor';
import { AutogradError } from '../autograd-error.js';
import type { Tensor } from '../tensor.js';
import { sum } from './reduce.js';
import { reshape } from './views.js';

/**
 * Sums a gradient back to the shape of an operand that was broadcast: over the leading dims the
 * operand lacked and over every dim where it had size 1. This is how every broadcasting op's
 * backward undoes the broadcast.
 */
export function sumToShape(gradient: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(gradient.shape, shape)) return gradient;
  const lead = gradient.ndim - shape.length;
  if (lead < 0) throw new AutogradError(`sumToShape: gradient ${formatShape(gradient.shape)} has fewer dims than ${formatShape(shape)}`);
  const dims: number[] = [];
  for (let d = 0; d < gradient.ndim; d++) {
    if (d < lead || (shape[d - lead] === 1 && gradient.shape[d] !== 1)) dims.push(d);
  }
  const summed = dims.length > 0 ? sum(gradient, dims, { keepdim: true }) : gradient;
  return reshape(summed, [...shape]);
}
