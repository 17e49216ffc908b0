/**
 * Whole training steps (forward, cross-entropy, backward, Adam step) of an MLP and of the demo's
 * LeNet, and an elementwise chain on a million floats: torchlet on each backend against tfjs's CPU
 * and WASM backends, starting from the same weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Adam, Conv2d, Flatten, functional as F, Linear, manualSeed, MaxPool2d, ReLU, Sequential, tensor, type Tensor as AutogradTensor, useBackend } from '@torchlet/optim';
import { add, type BackendName, mul, tanh, Tensor } from '@torchlet/tensor';
import { maxDifference, randomData } from './data.js';
import { timeMedian } from './measure.js';
import { MismatchError } from './mismatch-error.js';
import { progress, type Row } from './report.js';
import { missingKernel, onTfjsBackend } from './tfjs-wasm.js';

/** The torchlet backends each case runs on: the default first, then the pure-TypeScript one. */
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];

/** A tfjs training step slower than this (its first run, in ms) is not timed: the row says —. */
const TOO_SLOW_MS = 5000;

/** Adam's hyperparameters (PyTorch's defaults), for torchlet and tfjs alike. */
const LR = 1e-3;
const BETAS = [0.9, 0.999] as const;
const EPS = 1e-8;

/** One weight or bias of a torchlet model, as tfjs needs it. */
interface Weight {
  data: Float32Array;
  shape: number[];
}

/** A model trained in both frameworks: how to build it in torchlet, and its forward pass in tfjs. */
interface TrainingCase {
  name: string;
  batch: number;
  /** The input's shape in torchlet (NCHW for images). */
  inputShape: number[];
  torchlet: () => Sequential;
  /** The tfjs variables for the torchlet weights, in the order of `parameters()`. */
  tfjsVariables: (weights: readonly Weight[]) => tf.Variable[];
  /** The logits in tfjs, for the input in torchlet's layout. */
  tfjsForward: (x: tf.Tensor, variables: readonly tf.Variable[]) => tf.Tensor2D;
}

function linear(x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  // torchlet's (PyTorch's) Linear weight is [out, in]: y = x·Wᵀ + b.
  return tf.add(tf.matMul(x, weight as tf.Tensor2D, false, true), bias);
}

/** Linear weights stay [out, in]; conv weights [out, in, kh, kw] become tfjs's [kh, kw, in, out]. */
function toVariables(weights: readonly Weight[]): tf.Variable[] {
  return weights.map(({ data, shape }) => {
    const value = tf.tensor(data, shape, 'float32');
    const laidOut = shape.length === 4 ? tf.transpose(value, [2, 3, 1, 0]) : value;
    const variable = tf.variable(laidOut, true);
    laidOut.dispose();
    value.dispose();
    return variable;
  });
}

const MLP: TrainingCase = {
  name: 'MLP training step 784-256-128-10, batch 64, Adam',
  batch: 64,
  inputShape: [64, 784],
  torchlet: () => new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10)),
  tfjsVariables: toVariables,
  tfjsForward: (x, [w0, b0, w1, b1, w2, b2]) => {
    const h0 = tf.relu(linear(x as tf.Tensor2D, w0!, b0!));
    const h1 = tf.relu(linear(h0, w1!, b1!));
    return linear(h1, w2!, b2!);
  },
};

/** The demo's model (examples/mnist-cnn/src/lenet.ts): LeNet-5 with ReLU and max pooling. */
const LENET: TrainingCase = {
  name: "CNN training step (the demo's LeNet-5, 1×28×28), batch 32, Adam",
  batch: 32,
  inputShape: [32, 1, 28, 28],
  torchlet: () =>
    new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(6, 16, 5),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(400, 120),
      new ReLU(),
      new Linear(120, 84),
      new ReLU(),
      new Linear(84, 10),
    ),
  tfjsVariables: toVariables,
  tfjsForward: (x, [c0, cb0, c1, cb1, w0, b0, w1, b1, w2, b2]) => {
    const batch = x.shape[0]!;
    // tfjs convolves NHWC; back to NCHW before flattening so the Linear weights line up.
    const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
    const h0 = tf.maxPool(tf.relu(tf.add(tf.conv2d(nhwc, c0 as tf.Tensor4D, 1, 'same'), cb0!)) as tf.Tensor4D, 2, 2, 'valid');
    const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h0, c1 as tf.Tensor4D, 1, 'valid'), cb1!)) as tf.Tensor4D, 2, 2, 'valid');
    const flat = tf.reshape(tf.transpose(h1, [0, 3, 1, 2]), [batch, 400]) as tf.Tensor2D;
    const h2 = tf.relu(linear(flat, w0!, b0!));
    const h3 = tf.relu(linear(h2, w1!, b1!));
    return linear(h3, w2!, b2!);
  },
};

/** Inputs in [-1, 1) and labels 0–9, the same for every framework. */
function batchData(spec: TrainingCase, seed: number): { x: Float32Array; labels: Uint8Array } {
  const x = randomData(spec.inputShape.reduce((a, b) => a * b, 1), seed);
  const labels = Uint8Array.from({ length: spec.batch }, (_, i) => (i * 7 + 3) % 10);
  return { x, labels };
}

/** Losses of the first two steps agree when within 1e-3 of each other, relative to the loss. */
function checkLosses(what: string, expected: readonly number[], actual: readonly number[]): void {
  expected.forEach((loss, i) => {
    const difference = Math.abs(loss - actual[i]!);
    if (!(difference <= 1e-3 * Math.max(1, Math.abs(loss)))) throw new MismatchError(`${what}: loss of step ${i + 1} is ${actual[i]}, torchlet's is ${loss}`);
  });
}

/** torchlet on `backend`: the model built with seed 0, so every backend starts from the same weights. */
function torchletTraining(spec: TrainingCase, backend: BackendName, x: Float32Array, labels: Uint8Array): { ms: number; losses: number[]; weights: Weight[] } {
  useBackend(backend);
  manualSeed(0);
  const model = spec.torchlet();
  const parameters = [...model.parameters()];
  const weights = parameters.map((p) => ({ data: (p.toTypedArray() as Float32Array).slice(), shape: [...p.shape] }));
  const optimizer = new Adam(parameters, { lr: LR, betas: [BETAS[0], BETAS[1]], eps: EPS });
  const input = tensor(x).reshape(...spec.inputShape);
  const target = tensor(labels, { dtype: 'int64' });
  const step = (): number => {
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.call(input) as AutogradTensor, target);
    loss.backward();
    optimizer.step();
    return loss.item() as number;
  };
  const losses = [step(), step()];
  const ms = timeMedian(step).ms;
  return { ms, losses, weights };
}

/**
 * tfjs on `backend` from the same weights: a run is one `optimizer.minimize` returning the loss,
 * which is read back. A kernel the backend lacks makes the cell say so.
 */
function tfjsTraining(spec: TrainingCase, backend: 'cpu' | 'wasm', weights: readonly Weight[], x: Float32Array, labels: Uint8Array, expected: readonly number[]): number | string {
  const variables = spec.tfjsVariables(weights);
  const input = tf.tensor(x, spec.inputShape, 'float32');
  const target = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 10));
  const optimizer = tf.train.adam(LR, BETAS[0], BETAS[1], EPS);
  const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(target, spec.tfjsForward(input, variables));
  const step = (): number => {
    const cost = optimizer.minimize(loss, true, variables)!;
    const value = cost.dataSync()[0]!;
    cost.dispose();
    return value;
  };
  try {
    const start = performance.now();
    const losses = [step()];
    const first = performance.now() - start;
    losses.push(step());
    checkLosses(`${spec.name} (tfjs ${backend})`, expected, losses);
    if (first > TOO_SLOW_MS) return `— (too slow: ${(first / 1000).toFixed(1)} s a step)`;
    // Already two untimed steps; slow cases get the minimum three timed runs.
    return timeMedian(step, { warmup: 0 }).ms;
  } catch (error) {
    // tfjs-core registers its gradients only in dist/register_all_gradients.js, an ES module that
    // imports a directory, which Node's ESM loader refuses; its CommonJS build has no gradients.
    const gradient = /gradient function not found for (\w+)/.exec(error instanceof Error ? error.message : String(error))?.[1];
    if (gradient !== undefined) return `not measured: no tfjs gradient for ${gradient} under Node`;
    const kernel = missingKernel(error);
    if (kernel === null) throw error;
    return `cannot (no ${kernel} kernel)`;
  } finally {
    optimizer.dispose();
    input.dispose();
    target.dispose();
    for (const variable of variables) variable.dispose();
  }
}

async function trainingRows(spec: TrainingCase, seed: number, wasmReady: string | null): Promise<Row[]> {
  const { x, labels } = batchData(spec, seed);
  const runs = BACKENDS.map((backend) => ({ backend, ...torchletTraining(spec, backend, x, labels) }));
  useBackend('wasm');
  const [reference] = runs;
  if (reference === undefined) return [];
  for (const run of runs.slice(1)) checkLosses(`${spec.name} (torchlet ${run.backend})`, reference.losses, run.losses);
  const tfjs = await onTfjsBackend('cpu', () => tfjsTraining(spec, 'cpu', reference.weights, x, labels, reference.losses));
  const tfjsWasm = wasmReady ?? (await onTfjsBackend('wasm', () => tfjsTraining(spec, 'wasm', reference.weights, x, labels, reference.losses)));
  const show = (value: number | string): string => (typeof value === 'number' ? `${value.toFixed(2)} ms` : value);
  return runs.map(({ backend, ms }) => {
    progress(`${spec.name} (${backend}): torchlet ${ms.toFixed(2)} ms, tfjs cpu ${show(tfjs)}, tfjs wasm ${show(tfjsWasm)}`);
    return { name: spec.name, backend, unit: 'ms', torchlet: ms, tfjs, tfjsWasm };
  });
}

/** The MLP and CNN training steps; `wasmReady` is null when tfjs's WASM backend loaded, else why not. */
export async function trainingStepRows(wasmReady: string | null): Promise<Row[]> {
  return [...(await trainingRows(MLP, 11, wasmReady)), ...(await trainingRows(LENET, 12, wasmReady))];
}

const CHAIN_SIZE = 1_000_000;

/** tanh(x·2+1)·x on a million float32 values, torchlet's tensor ops against tfjs's. */
export async function elementwiseRows(wasmReady: string | null): Promise<Row[]> {
  const data = randomData(CHAIN_SIZE, 13);
  const tfjsRun = (x: tf.Tensor): Float32Array => {
    const y = tf.tidy(() => tf.mul(tf.tanh(tf.add(tf.mul(x, 2), 1)), x));
    const values = y.dataSync() as Float32Array;
    y.dispose();
    return values;
  };
  const tfjsOn = (backend: 'cpu' | 'wasm') =>
    onTfjsBackend(backend, () => {
      const x = tf.tensor1d(data, 'float32');
      const expected = tfjsRun(x);
      const ms = timeMedian(() => tfjsRun(x)).ms;
      x.dispose();
      return { expected, ms };
    });
  const cpu = await tfjsOn('cpu');
  const wasm = wasmReady === null ? await tfjsOn('wasm') : null;
  const x = Tensor.fromData(data, [CHAIN_SIZE], 'float32');
  const rows = BACKENDS.map((backend): Row => {
    useBackend(backend);
    const run = (): Tensor => mul(tanh(add(mul(x, 2), 1)), x);
    for (const [what, expected] of [['cpu', cpu.expected], ['wasm', wasm?.expected]] as const) {
      if (expected === undefined) continue;
      const difference = maxDifference(run().toTypedArray(), expected);
      if (difference > 1e-5) throw new MismatchError(`tanh(x·2+1)·x (${backend}): torchlet and tfjs ${what} differ by ${difference}`);
    }
    const ms = timeMedian(run).ms;
    progress(`tanh(x·2+1)·x (${backend}): torchlet ${ms.toFixed(2)} ms, tfjs cpu ${cpu.ms.toFixed(2)} ms, tfjs wasm ${wasm === null ? wasmReady : `${wasm.ms.toFixed(2)} ms`}`);
    return { name: 'elementwise tanh(x·2+1)·x, 1M f32', backend, unit: 'ms', torchlet: ms, tfjs: cpu.ms, tfjsWasm: wasm?.ms ?? wasmReady ?? '—' };
  });
  useBackend('wasm');
  return rows;
}
