/**
 * TensorFlow.js's process, on the backend named by the third argument: `cpu` (pure JavaScript)
 * or `wasm` (loaded from the .wasm files its npm package ships; nothing is downloaded). Under Node
 * the WASM backend runs on one thread: it turns its threaded build on only in a browser. The full
 * `@tensorflow/tfjs` package is loaded because its CommonJS build registers the gradients, which
 * `@tensorflow/tfjs-core`'s does not (its own registration is an ES module Node cannot load).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type BenchCase, type CaseFile, type ChainCase, type Conv2dCase, type Hyperparameter, inputData, initialParameters, type MatmulCase, type OptimizerCase, sampleOf, type TrainingCase, trainingLabels } from '../cases.js';
import { byKind, CannotError, type Measured, progress, runChild } from '../child.js';
import { timeMedian } from '../measure.js';

const backend = process.argv[4] === 'wasm' ? 'wasm' : 'cpu';

/** Reads a tensor back and disposes it: the work a caller waits for. */
function read(x: tf.Tensor): Float32Array {
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return values;
}

function measureMatmul(spec: MatmulCase, file: CaseFile): Measured {
  const shape: [number, number] = [spec.n, spec.n];
  const a = tf.tensor2d(inputData(shape, spec.seeds[0]), shape);
  const b = tf.tensor2d(inputData(shape, spec.seeds[1]), shape);
  const run = (): Float32Array => read(tf.matMul(a, b));
  return { outputs: { product: sampleOf(run()) }, timing: timeMedian(run, file.timing) };
}

/** NCHW input ↔ tfjs's NHWC, and [out, in, kh, kw] weights ↔ its [kh, kw, in, out]. */
const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];
const TO_HWIO = [2, 3, 1, 0];
const TO_OIHW = [3, 2, 0, 1];

function laidOut(x: tf.Tensor, permutation: number[]): Float32Array {
  return read(tf.tidy(() => tf.transpose(x, permutation)));
}

/**
 * Forward: `tf.fused.conv2d` with the bias folded in, tfjs's fastest path. Forward + backward:
 * `tf.valueAndGrads` of conv2d + bias for the same upstream gradient as torchlet's, reading back
 * the output and the three gradients. Both on NHWC data, tfjs's layout, transposed outside the timing.
 */
function measureConv2d(spec: Conv2dCase, file: CaseFile): Measured {
  const [outChannels] = spec.weightShape;
  const x = tf.tidy(() => tf.transpose(tf.tensor4d(inputData(spec.inputShape, spec.seed), spec.inputShape), TO_NHWC)) as tf.Tensor4D;
  const filter = tf.tidy(() => tf.transpose(tf.tensor4d(inputData(spec.weightShape, spec.seed + 1), spec.weightShape), TO_HWIO)) as tf.Tensor4D;
  const bias = tf.tensor1d(inputData([outChannels], spec.seed + 2));
  const pad = spec.padding;
  if (!spec.backward) {
    const forward = (): tf.Tensor4D => tf.fused.conv2d({ x, filter, bias, strides: 1, pad });
    const output = laidOut(forward(), TO_NCHW);
    return { outputs: { output: sampleOf(output) }, timing: timeMedian(() => read(forward()), file.timing) };
  }
  const layer = (input: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, 1, pad), b);
  const outputShape = tf.tidy(() => layer(x, filter, bias).shape);
  const [batch, height, width] = outputShape;
  const upstreamShape = [batch!, outChannels, height!, width!];
  const upstream = tf.tidy(() => tf.transpose(tf.tensor(inputData(upstreamShape, spec.seed + 3), upstreamShape), TO_NHWC));
  const step = (): tf.Tensor[] => {
    const { value, grads } = tf.valueAndGrads(layer)([x, filter, bias], upstream);
    return [value, ...grads];
  };
  const [output, inputGradient, weightGradient, biasGradient] = step() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const outputs = {
    output: sampleOf(laidOut(output, TO_NCHW)),
    inputGradient: sampleOf(laidOut(inputGradient, TO_NCHW)),
    weightGradient: sampleOf(laidOut(weightGradient, TO_OIHW)),
    biasGradient: sampleOf(read(biasGradient)),
  };
  return { outputs, timing: timeMedian(() => step().forEach(read), file.timing) };
}

function linear(x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  // PyTorch's Linear weight is [out, in]: y = x·Wᵀ + b.
  return tf.add(tf.matMul(x, weight as tf.Tensor2D, false, true), bias);
}

/** The logits of each training model, for the input in torchlet's layout. */
const FORWARD: Record<TrainingCase['model'], (x: tf.Tensor, variables: readonly tf.Variable[]) => tf.Tensor2D> = {
  mlp: (x, [w0, b0, w1, b1, w2, b2]) => {
    const h0 = tf.relu(linear(x as tf.Tensor2D, w0!, b0!));
    const h1 = tf.relu(linear(h0, w1!, b1!));
    return linear(h1, w2!, b2!);
  },
  lenet: (x, [c0, cb0, c1, cb1, w0, b0, w1, b1, w2, b2]) => {
    const batch = x.shape[0]!;
    const nhwc = tf.transpose(x, TO_NHWC) as tf.Tensor4D;
    const h0 = tf.maxPool(tf.relu(tf.add(tf.conv2d(nhwc, c0 as tf.Tensor4D, 1, 2), cb0!)) as tf.Tensor4D, 2, 2, 'valid');
    const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h0, c1 as tf.Tensor4D, 1, 'valid'), cb1!)) as tf.Tensor4D, 2, 2, 'valid');
    // Back to NCHW before flattening, so the Linear weights line up with PyTorch's.
    const flat = tf.reshape(tf.transpose(h1, TO_NCHW), [batch, 400]) as tf.Tensor2D;
    const h2 = tf.relu(linear(flat, w0!, b0!));
    const h3 = tf.relu(linear(h2, w1!, b1!));
    return linear(h3, w2!, b2!);
  },
};

/** A run is one `optimizer.minimize` returning the loss, which is read back. */
function measureTraining(spec: TrainingCase, file: CaseFile): Measured {
  const variables = initialParameters(spec).map((values, i) => {
    const { shape } = spec.parameters[i]!;
    return tf.variable(tf.tidy(() => (shape.length === 4 ? tf.transpose(tf.tensor(values, shape), TO_HWIO) : tf.tensor(values, shape))));
  });
  const input = tf.tensor(inputData(spec.inputShape, spec.seed), spec.inputShape);
  const target = tf.tidy(() => tf.oneHot(tf.tensor1d(trainingLabels(spec.inputShape[0]!), 'int32'), 10));
  const optimizer = tf.train.adam(spec.lr, spec.betas[0], spec.betas[1], spec.eps);
  const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(target, FORWARD[spec.model](input, variables));
  const step = (): number => read(optimizer.minimize(loss, true, variables)!)[0]!;
  const firstLoss = step();
  const secondLoss = step();
  return { outputs: { firstLoss: [firstLoss], secondLoss: [secondLoss] }, timing: timeMedian(step, file.timing) };
}

function measureChain(spec: ChainCase, file: CaseFile): Measured {
  const x = tf.tensor1d(inputData([spec.size], spec.seed));
  const run = (): Float32Array => read(tf.tidy(() => tf.mul(tf.tanh(tf.add(tf.mul(x, 2), 1)), x)));
  return { outputs: { values: sampleOf(run()) }, timing: timeMedian(run, file.timing) };
}

type Hyperparameters = Readonly<Record<string, Hyperparameter>>;

/** tfjs's optimizer with PyTorch's rule, where it has one. */
const OPTIMIZERS: Partial<Record<OptimizerCase['optimizer'], (h: Hyperparameters) => tf.Optimizer>> = {
  SGD: (h) => (h.momentum === undefined ? tf.train.sgd(h.lr as number) : tf.train.momentum(h.lr as number, h.momentum as number)),
  Adagrad: (h) => tf.train.adagrad(h.lr as number, h.initialAccumulatorValue as number),
  RMSprop: (h) => tf.train.rmsprop(h.lr as number, h.alpha as number, h.momentum as number, h.eps as number, h.centered as boolean),
  Adadelta: (h) => tf.train.adadelta(h.lr as number, h.rho as number, h.eps as number),
  Adam: (h) => tf.train.adam(h.lr as number, (h.betas as number[])[0], (h.betas as number[])[1], h.eps as number),
  Adamax: (h) => tf.train.adamax(h.lr as number, (h.betas as number[])[0], (h.betas as number[])[1], h.eps as number),
};

/**
 * A run is one `applyGradients` on a `tf.variable`. Both backends run kernels synchronously, so
 * the variable holds its new values when it returns and nothing is read back.
 */
function measureOptimizer(spec: OptimizerCase, file: CaseFile): Measured {
  const make = OPTIMIZERS[spec.optimizer];
  if (make === undefined) throw new CannotError(`no ${spec.optimizer}`);
  const variable = tf.variable(tf.tensor1d(inputData([spec.size], spec.seed)), true, spec.id);
  const gradient = tf.tensor1d(inputData([spec.size], spec.seed + 1));
  const optimizer = make(spec.hyperparameters);
  const run = (): void => optimizer.applyGradients({ [spec.id]: gradient });
  run();
  const step = sampleOf(variable.dataSync());
  // Zeiler and PyTorch divide by the updated E[g²]; tfjs by the previous one.
  const differs = spec.optimizer === 'Adadelta' ? 'tfjs divides by the previous E[g²], not the updated one' : undefined;
  return { outputs: { step }, differs, timing: timeMedian(run, { ...file.timing, warmup: file.optimizerWarmup }) };
}

const measureCase = byKind({ matmul: measureMatmul, conv2d: measureConv2d, training: measureTraining, chain: measureChain, optimizer: measureOptimizer });

/** Measures a case in a scope of its own, freeing its tensors and variables afterwards. */
function measure(spec: BenchCase, file: CaseFile): Measured {
  tf.engine().startScope();
  try {
    return measureCase(spec, file);
  } finally {
    tf.engine().endScope();
    tf.disposeVariables();
  }
}

/**
 * The kernel a tfjs backend lacks, as the cell's text, when `error` is one of tfjs's two messages
 * for that (from the engine, and from the gradient of an op, which looks the kernel up itself);
 * otherwise null.
 */
function missingKernel(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const kernel = /'(\w+)' not yet implemented or not found in the registry|Kernel '(\w+)' not registered for backend/.exec(message)?.slice(1).find((name) => name !== undefined);
  return kernel === undefined ? null : `cannot: no ${kernel} kernel`;
}

/** Points the WASM backend at its package's dist folder (a file path: under Node it reads the .wasm with fs). */
async function useWasm(): Promise<void> {
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
}

// The WASM backend is imported only in its own process: it detaches ArrayBuffers, which would slow the CPU backend.
if (backend === 'wasm') await useWasm();
if (!(await tf.setBackend(backend))) {
  progress(`tfjs ${backend}: the backend did not initialise`);
  process.exit(1);
}
tf.enableProdMode();
await runChild(`tfjs ${backend}`, measure, [], missingKernel);
