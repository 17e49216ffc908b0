/**
 * One optimizer step over a million float32 parameters: each @torchlet/optim optimizer against
 * the TensorFlow.js optimizer with the same rule, where tfjs has one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, ASGD, type Hyperparameters, NAdam, type Optimizer, Parameter, RAdam, RawTensor, RMSprop, Rprop, SGD, type Tensor } from '@torchlet/optim';
import { randomData, stepMismatch } from './data.js';
import { timeMedian } from './measure.js';
import { MismatchError } from './mismatch-error.js';
import { progress, type Row } from './report.js';

const SIZE = 1_000_000;

/**
 * Untimed steps before timing. RAdam takes its plain (unrectified) branch while ρₜ ≤ 5, that is
 * for t ≤ 5: one first step plus these puts every timed step at t ≥ 7, where it is steady.
 */
const WARMUP = 5;

/** One optimizer: how to build it in torchlet and, from its hyperparameters, the same one in tfjs. */
interface OptimizerCase<H extends Hyperparameters = Hyperparameters> {
  name: string;
  torchlet: (params: Tensor[]) => Optimizer<H>;
  tfjs?: (defaults: H) => tf.Optimizer;
  /** Why tfjs's rule gives a different first step, when it does: then only its moving is checked. */
  tfjsDiffers?: string;
}

/** Ties a case's tfjs constructor to the hyperparameter type of its torchlet optimizer. */
function optimizerCase<H extends Hyperparameters>(name: string, torchlet: (params: Tensor[]) => Optimizer<H>, tfjs?: (defaults: H) => tf.Optimizer, tfjsDiffers?: string): OptimizerCase {
  return { name, torchlet, tfjs, tfjsDiffers } as OptimizerCase;
}

/**
 * PyTorch's default hyperparameters, except Adagrad's accumulator, which starts at tfjs's 0.1 so
 * the two first steps can be compared. tfjs gets the torchlet optimizer's values.
 */
const CASES: OptimizerCase[] = [
  optimizerCase('SGD', (params) => new SGD(params), (o) => tf.train.sgd(o.lr)),
  optimizerCase('SGD (momentum 0.9)', (params) => new SGD(params, { momentum: 0.9 }), (o) => tf.train.momentum(o.lr, o.momentum)),
  optimizerCase('Adagrad', (params) => new Adagrad(params, { initialAccumulatorValue: 0.1 }), (o) => tf.train.adagrad(o.lr, o.initialAccumulatorValue)),
  optimizerCase('RMSprop', (params) => new RMSprop(params), (o) => tf.train.rmsprop(o.lr, o.alpha, o.momentum, o.eps, o.centered)),
  optimizerCase('Adadelta', (params) => new Adadelta(params), (o) => tf.train.adadelta(o.lr, o.rho, o.eps), 'tfjs divides by the previous E[g²] instead of the updated one (Zeiler and PyTorch use the updated one)'),
  optimizerCase('Adam', (params) => new Adam(params), (o) => tf.train.adam(o.lr, o.betas[0], o.betas[1], o.eps)),
  optimizerCase('AdamW', (params) => new AdamW(params)),
  optimizerCase('Adamax', (params) => new Adamax(params), (o) => tf.train.adamax(o.lr, o.betas[0], o.betas[1], o.eps)),
  optimizerCase('ASGD', (params) => new ASGD(params)),
  optimizerCase('Rprop', (params) => new Rprop(params)),
  optimizerCase('NAdam', (params) => new NAdam(params)),
  optimizerCase('RAdam', (params) => new RAdam(params)),
];

function float32Tensor(data: Float32Array): RawTensor {
  return RawTensor.fromData(data, [data.length], 'float32');
}

/** True when `after` differs from `start` and is finite (where |g| ≥ 0.1, as {@link stepMismatch} looks). */
function moved(start: Float32Array, gradient: Float32Array, after: ArrayLike<number>): boolean {
  // Against the start itself the mismatch is 1 when anything moved, Infinity when nothing did, NaN for NaN.
  return stepMismatch(start, gradient, after, start) === 1;
}

function optimizerRow(spec: OptimizerCase, index: number): Row {
  const start = randomData(SIZE, 100 + index);
  const gradient = randomData(SIZE, 200 + index);

  const parameter = new Parameter(float32Tensor(start.slice()));
  parameter.grad = float32Tensor(gradient);
  const optimizer = spec.torchlet([parameter]);
  // The first step creates the state; it is also the step compared with tfjs.
  optimizer.step();
  const torchletFirst = (parameter.storage.data as Float32Array).slice();
  if (!moved(start, gradient, torchletFirst)) throw new MismatchError(`${spec.name}: torchlet's first step left the parameters unchanged or not finite`);
  const torchlet = timeMedian(() => optimizer.step(), { warmup: WARMUP });

  let tfjs: number | string = '—';
  if (spec.tfjs !== undefined) {
    const name = `bench-${index}`;
    const initial = tf.tensor1d(start.slice());
    const variable = tf.variable(initial, true, name);
    initial.dispose();
    const tfjsGradient = tf.tensor1d(gradient.slice());
    const tfjsOptimizer = spec.tfjs(optimizer.defaults);
    // The CPU backend runs kernels synchronously: when applyGradients returns, the variable holds the new values.
    const run = (): void => tfjsOptimizer.applyGradients({ [name]: tfjsGradient });
    run();
    const tfjsFirst = variable.dataSync();
    if (spec.tfjsDiffers !== undefined) {
      if (!moved(start, gradient, tfjsFirst)) throw new MismatchError(`${spec.name}: tfjs's first step left the parameters unchanged or not finite`);
    } else {
      const mismatch = stepMismatch(start, gradient, torchletFirst, tfjsFirst);
      if (!(mismatch <= 1e-3)) throw new MismatchError(`${spec.name}: the first steps of torchlet and tfjs differ by ${mismatch} of the largest step`);
    }
    tfjs = timeMedian(run, { warmup: WARMUP }).ms;
    tfjsOptimizer.dispose();
    variable.dispose();
    tfjsGradient.dispose();
  }
  progress(`${spec.name}: torchlet ${torchlet.ms.toFixed(2)} ms (${torchlet.runs} runs), tfjs ${typeof tfjs === 'number' ? `${tfjs.toFixed(2)} ms` : tfjs}`);
  return { name: `${spec.name} step, 1M f32 parameters`, unit: 'ms', torchlet: torchlet.ms, tfjs };
}

/** One step per optimizer in {@link CASES}, steady state (state created, code compiled). */
export function optimizerRows(): Row[] {
  return CASES.map(optimizerRow);
}
