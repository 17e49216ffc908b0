/**
 * js-pytorch's process: the cases it can express with its ops (on its `cpu` device: nested
 * JavaScript arrays of doubles). It has no convolution and one optimizer, an Adam without bias
 * correction; its ReLU module is leaky (it keeps 0.001·x below zero) and it has no tanh, so the
 * bench builds those two from its ops.
 */
import { torch } from 'js-pytorch';
import { type CaseFile, type ChainCase, inputData, initialParameters, type MatmulCase, type OptimizerCase, sampleOf, type TrainingCase, trainingLabels } from '../cases.js';
import { byKind, CannotError, type Measured, runChild } from '../child.js';
import { timeMedian } from '../measure.js';

type JsTensor = InstanceType<typeof torch.Tensor>;

const ADAM_DIFFERS = "js-pytorch's Adam leaves out Adam's bias correction";

/** A flat array as nested arrays of `shape`, js-pytorch's storage. */
function nested(data: ArrayLike<number>, shape: readonly number[]): unknown[] {
  const values = Array.from(data);
  const build = (offset: number, [first, ...rest]: readonly number[]): unknown[] => {
    if (rest.length === 0) return values.slice(offset, offset + first!);
    const stride = rest.reduce((a, b) => a * b, 1);
    return Array.from({ length: first! }, (_, i) => build(offset + i * stride, rest));
  };
  return build(0, shape);
}

/** The [cols, rows] transpose of a row-major [rows, cols] matrix. */
function transpose(data: ArrayLike<number>, rows: number, cols: number): number[] {
  const out = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** Every number of a js-pytorch tensor's data, in row-major order. */
function flat(x: JsTensor): number[] {
  const data: unknown = x.data;
  return Array.isArray(data) ? (data.flat(Infinity) as number[]) : [data as number];
}

function measureMatmul(spec: MatmulCase, file: CaseFile): Measured {
  const shape = [spec.n, spec.n];
  const a = torch.tensor(nested(inputData(shape, spec.seeds[0]), shape));
  const b = torch.tensor(nested(inputData(shape, spec.seeds[1]), shape));
  const run = (): JsTensor => a.matmul(b);
  return { outputs: { product: sampleOf(flat(run())) }, timing: timeMedian(run, file.timing) };
}

/** ReLU as a mask multiply, the way js-pytorch's own (leaky) ReLU module is built, with 0 below zero. */
function relu(z: JsTensor): JsTensor {
  const mask = (values: unknown[]): unknown[] => values.map((value) => (Array.isArray(value) ? mask(value) : (value as number) > 0 ? 1 : 0));
  return z.mul(torch.tensor(mask(z.data)));
}

/** The MLP with js-pytorch's Linear (weights stored [in, out]) from the case's weights. */
function measureTraining(spec: TrainingCase, file: CaseFile): Measured {
  if (spec.model !== 'mlp') throw new CannotError('no convolution');
  const layers = [new torch.nn.Linear(784, 256), new torch.nn.Linear(256, 128), new torch.nn.Linear(128, 10)];
  const weights = initialParameters(spec);
  layers.forEach((layer, i) => {
    const [outFeatures, inFeatures] = spec.parameters[2 * i]!.shape as [number, number];
    layer.W._data = nested(transpose(weights[2 * i]!, outFeatures, inFeatures), [inFeatures, outFeatures]);
    layer.b._data = Array.from(weights[2 * i + 1]!);
  });
  const [l0, l1, l2] = layers as [InstanceType<typeof torch.nn.Linear>, InstanceType<typeof torch.nn.Linear>, InstanceType<typeof torch.nn.Linear>];
  const parameters = layers.flatMap((layer) => layer.parameters());
  const optimizer = new torch.optim.Adam(parameters, spec.lr, 0, spec.betas, spec.eps);
  const input = torch.tensor(nested(inputData(spec.inputShape, spec.seed), spec.inputShape));
  const target = torch.tensor(Array.from(trainingLabels(spec.inputShape[0]!)));
  const lossFunction = new torch.nn.CrossEntropyLoss();
  const step = (): number => {
    optimizer.zero_grad();
    const logits = l2.forward(relu(l1.forward(relu(l0.forward(input)))));
    const loss = lossFunction.forward(logits, target);
    loss.backward();
    optimizer.step();
    return flat(loss)[0]!;
  };
  const firstLoss = step();
  step();
  // The first loss comes before any update; the second follows js-pytorch's Adam, which is not PyTorch's.
  return { outputs: { firstLoss: [firstLoss] }, differs: ADAM_DIFFERS, timing: timeMedian(step, file.timing) };
}

/**
 * tanh(z) = (e^{2z} − 1)/(e^{2z} + 1): js-pytorch has exp but no tanh (and its pow takes only
 * positive integer powers). z = 2x + 1 stays below 3 here, so e^{2z} cannot overflow.
 */
function measureChain(spec: ChainCase, file: CaseFile): Measured {
  const x = torch.tensor(Array.from(inputData([spec.size], spec.seed)));
  const run = (): JsTensor => {
    const z = x.mul(2).add(1);
    const e = z.mul(2).exp();
    const tanh = e.sub(1).div(e.add(1));
    return tanh.mul(x);
  };
  return { outputs: { values: sampleOf(flat(run())) }, timing: timeMedian(run, file.timing) };
}

function measureOptimizer(spec: OptimizerCase, file: CaseFile): Measured {
  if (spec.optimizer !== 'Adam') throw new CannotError(`no ${spec.optimizer}`);
  const parameter = new torch.Parameter(Array.from(inputData([spec.size], spec.seed)));
  parameter._grad = torch.tensor(Array.from(inputData([spec.size], spec.seed + 1)));
  const { lr, betas, eps } = spec.hyperparameters as { lr: number; betas: number[]; eps: number };
  const optimizer = new torch.optim.Adam([parameter], lr, 0, betas, eps);
  optimizer.step();
  const step = sampleOf(flat(parameter));
  return { outputs: { step }, differs: ADAM_DIFFERS, timing: timeMedian(() => optimizer.step(), { ...file.timing, warmup: file.optimizerWarmup }) };
}

await runChild(
  'js-pytorch',
  byKind({
    matmul: measureMatmul,
    conv2d: () => {
      throw new CannotError('no convolution');
    },
    training: measureTraining,
    chain: measureChain,
    optimizer: measureOptimizer,
  }),
);
