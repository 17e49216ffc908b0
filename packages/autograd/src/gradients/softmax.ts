/**
 * Differentiable softmax and logSoftmax. Backward uses the tensor layer's fused kernels; when the
 * backward pass is itself being recorded (createGraph), it uses the composed formulas instead,
 * which are differentiable again.
 */
import * as T from '@torchlet/tensor';
import { isGradEnabled } from '../grad-mode.js';
import { raw, recordWithOutput } from '../record.js';
import { Tensor } from '../tensor.js';
import { mul, sub } from './binary.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';

/** Numerically stable softmax along `dim`: d/dx = y·(g − Σ g·y). */
export function softmax(x: Tensor, dim: number, options: T.SoftmaxOptions = {}): Tensor {
  return recordWithOutput('SoftmaxBackward', T.softmax(raw(x), dim, options), [x], (g, _needs, y) => {
    if (!isGradEnabled()) return [Tensor.wrap(T.softmaxBackward(raw(g), raw(y), dim))];
    return [mul(y, sub(g, sum(mul(g, y), dim, { keepdim: true })))];
  });
}

/** Numerically stable log-softmax along `dim`: d/dx = g − e^y·Σ g. */
export function logSoftmax(x: Tensor, dim: number, options: T.SoftmaxOptions = {}): Tensor {
  return recordWithOutput('LogSoftmaxBackward', T.logSoftmax(raw(x), dim, options), [x], (g, _needs, y) => {
    if (!isGradEnabled()) return [Tensor.wrap(T.logSoftmaxBackward(raw(g), raw(y), dim))];
    return [sub(g, mul(exp(y), sum(g, dim, { keepdim: true })))];
  });
}
