/**
 * torchlet's process: the cases of one configuration (a backend and a thread count), given by name
 * as the third argument. The first configuration also runs the cases that do not depend on it
 * (optimizer steps) and is the reference the other frameworks are checked against.
 */
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  type Tensor as AutogradTensor,
  Conv2d,
  Flatten,
  fromRaw,
  functional as F,
  Linear,
  MaxPool2d,
  NAdam,
  type Optimizer,
  Parameter,
  RAdam,
  RawTensor,
  ReLU,
  RMSprop,
  Rprop,
  Sequential,
  SGD,
  tensor,
} from '@torchlet/optim';
import { add, conv2d, matmul, mul, setNumThreads, tanh, Tensor, threadsReady, useBackend } from '@torchlet/tensor';
import { type BenchCase, type CaseFile, type ChainCase, type Conv2dCase, inputData, initialParameters, type MatmulCase, type OptimizerCase, type OptimizerName, runsCase, sampleOf, TORCHLET_CONFIGURATIONS, type TorchletConfiguration, type TrainingCase, trainingLabels } from '../cases.js';
import { byKind, type Measured, progress, runChild } from '../child.js';
import { timeMedian } from '../measure.js';

/** The configuration named by the third argument (the default without one); exits on an unknown name. */
function chosenConfiguration(name: string | undefined): TorchletConfiguration {
  const found = name === undefined ? TORCHLET_CONFIGURATIONS[0] : TORCHLET_CONFIGURATIONS.find((configuration) => configuration.name === name);
  if (found !== undefined) return found;
  progress(`torchlet: no configuration named ${name}`);
  return process.exit(2);
}

const configuration = chosenConfiguration(process.argv[4]);
const isReference = configuration === TORCHLET_CONFIGURATIONS[0];

function float32(data: Float32Array, shape: readonly number[]): Tensor {
  return Tensor.fromData(data, [...shape], 'float32');
}

function measureMatmul(spec: MatmulCase, file: CaseFile): Measured {
  const a = float32(inputData([spec.n, spec.n], spec.seeds[0]), [spec.n, spec.n]);
  const b = float32(inputData([spec.n, spec.n], spec.seeds[1]), [spec.n, spec.n]);
  const product = matmul(a, b).toTypedArray();
  return { timing: timeMedian(() => matmul(a, b), file.timing), outputs: { product: sampleOf(product) } };
}

/** Forward only on the tensor layer; forward + backward through autograd, for a given upstream gradient. */
function measureConv2d(spec: Conv2dCase, file: CaseFile): Measured {
  const [outChannels] = spec.weightShape;
  const input = float32(inputData(spec.inputShape, spec.seed), spec.inputShape);
  const weight = float32(inputData(spec.weightShape, spec.seed + 1), spec.weightShape);
  const bias = float32(inputData([outChannels], spec.seed + 2), [outChannels]);
  const options = { padding: spec.padding };
  if (!spec.backward) {
    const output = conv2d(input, weight, bias, options).toTypedArray();
    return { timing: timeMedian(() => conv2d(input, weight, bias, options), file.timing), outputs: { output: sampleOf(output) } };
  }
  const leaves = [input, weight, bias].map((x) => fromRaw(x, { requiresGrad: true }));
  const [x, w, b] = leaves as [AutogradTensor, AutogradTensor, AutogradTensor];
  let upstream: RawTensor | undefined;
  const run = (): AutogradTensor => {
    for (const leaf of leaves) leaf.grad = null;
    const output = F.conv2d(x, w, b, options);
    upstream ??= float32(inputData(output.shape, spec.seed + 3), output.shape);
    output.backward(upstream);
    return output;
  };
  const output = run().toTypedArray();
  const [inputGradient, weightGradient, biasGradient] = leaves.map((leaf) => sampleOf(leaf.grad!.toTypedArray()));
  return { timing: timeMedian(run, file.timing), outputs: { output: sampleOf(output), inputGradient: inputGradient!, weightGradient: weightGradient!, biasGradient: biasGradient! } };
}

/** The models of the training cases, with PyTorch's layers (their parameters in {@link TrainingCase.parameters}' order). */
const MODELS = {
  mlp: () => new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10)),
  lenet: () =>
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
};

function measureTraining(spec: TrainingCase, file: CaseFile): Measured {
  const model = MODELS[spec.model]();
  const parameters = [...model.parameters()];
  initialParameters(spec).forEach((values, i) => {
    const parameter = parameters[i]!;
    if (parameter.numel() !== values.length || !parameter.isContiguous()) throw new RangeError(`${spec.id}: parameter ${i} is not a contiguous [${spec.parameters[i]!.shape}]`);
    (parameter.storage.data as Float32Array).set(values, parameter.offset);
  });
  const optimizer = new Adam(parameters, { lr: spec.lr, betas: spec.betas, eps: spec.eps });
  const input = tensor(inputData(spec.inputShape, spec.seed)).reshape(...spec.inputShape);
  const target = tensor(trainingLabels(spec.inputShape[0]!), { dtype: 'int64' });
  const step = (): number => {
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.call(input) as AutogradTensor, target);
    loss.backward();
    optimizer.step();
    return loss.item() as number;
  };
  const firstLoss = step();
  const secondLoss = step();
  return { timing: timeMedian(step, file.timing), outputs: { firstLoss: [firstLoss], secondLoss: [secondLoss] } };
}

function measureChain(spec: ChainCase, file: CaseFile): Measured {
  const x = float32(inputData([spec.size], spec.seed), [spec.size]);
  const run = (): Tensor => mul(tanh(add(mul(x, 2), 1)), x);
  return { timing: timeMedian(run, file.timing), outputs: { values: sampleOf(run().toTypedArray()) } };
}

const OPTIMIZERS: Record<OptimizerName, new (params: Parameter[], options: object) => Optimizer> = { SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, ASGD, Rprop, NAdam, RAdam };

function measureOptimizer(spec: OptimizerCase, file: CaseFile): Measured {
  const parameter = new Parameter(float32(inputData([spec.size], spec.seed), [spec.size]));
  parameter.grad = float32(inputData([spec.size], spec.seed + 1), [spec.size]);
  const optimizer = new OPTIMIZERS[spec.optimizer]([parameter], spec.hyperparameters);
  // The first step creates the state; it is also the step compared with the other frameworks.
  optimizer.step();
  const step = sampleOf(parameter.storage.data as Float32Array);
  return { timing: timeMedian(() => optimizer.step(), { ...file.timing, warmup: file.optimizerWarmup }), outputs: { step } };
}

const measureCase = byKind({ matmul: measureMatmul, conv2d: measureConv2d, training: measureTraining, chain: measureChain, optimizer: measureOptimizer });

function measure(spec: BenchCase, file: CaseFile): Measured | null {
  return runsCase(configuration, spec, isReference) ? measureCase(spec, file) : null;
}

/**
 * Sets the backend and the thread count before anything runs (the thread count is set even for
 * one thread: the default is the machine's cores). With more than one thread, the workers are
 * started and awaited here, so that no timed product runs on one thread while they start (and
 * changing the count later would restart them); a configuration whose threads cannot start exits.
 */
async function applyConfiguration(): Promise<void> {
  useBackend(configuration.backend);
  setNumThreads(configuration.threads);
  if (configuration.threads === 1) return;
  const threads = await threadsReady();
  if (threads !== configuration.threads) {
    progress(`torchlet ${configuration.name}: only ${threads} of ${configuration.threads} threads could start`);
    process.exit(1);
  }
}

await applyConfiguration();
await runChild(`torchlet ${configuration.name}`, measure);
