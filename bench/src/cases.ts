/**
 * What the bench measures, as plain data: every framework's process reads the same list (the
 * Python one as JSON), builds the same inputs from the same seeds, and reports its times and a
 * sample of its outputs for the parent to compare.
 */
import { randomData } from './data.js';
import type { TimingOptions } from './measure.js';

/** How every case is timed, optimizer steps aside (see {@link OPTIMIZER_WARMUP}). */
export const TIMING: Required<TimingOptions> = { warmup: 2, warmupMs: 300, minRuns: 3, maxRuns: 61, budgetMs: 1000 };

/**
 * Untimed optimizer steps after the first one. RAdam takes its plain (unrectified) branch while
 * ρₜ ≤ 5, that is for t ≤ 5: the first step plus these puts every timed step at t ≥ 7.
 */
export const OPTIMIZER_WARMUP = 5;

interface CaseBase {
  /** A stable key, e.g. `matmul-512`. */
  id: string;
  /** The table's description of the work. */
  name: string;
  /**
   * True when torchlet's backend or thread count changes the time: one row per torchlet
   * configuration that runs the case's kind (see {@link runsCase}).
   */
  perConfiguration: boolean;
  /**
   * Largest accepted |other − torchlet| of each compared output, relative to the largest |torchlet
   * value| (or 1 when that is smaller).
   */
  tolerance: number;
}

/** C = A·B of two random n×n float32 matrices. */
export interface MatmulCase extends CaseBase {
  kind: 'matmul';
  n: number;
  seeds: [number, number];
}

/** A 2-D convolution with bias, stride 1, NCHW; with `backward`, also the gradients for a given upstream gradient. */
export interface Conv2dCase extends CaseBase {
  kind: 'conv2d';
  backward: boolean;
  inputShape: [number, number, number, number];
  weightShape: [number, number, number, number];
  padding: number;
  /** Seeds of the input, weight, bias and upstream gradient. */
  seed: number;
}

/** The two models trained in the training-step cases. */
export type ModelName = 'mlp' | 'lenet';

/** One parameter of a model, in PyTorch's order and layout (Linear [out, in], Conv2d [out, in, kh, kw]). */
export interface ParameterSpec {
  shape: number[];
  /** Inputs per output, for the initial values' range ±1/√fanIn (PyTorch's default for both layers). */
  fanIn: number;
}

/** forward, cross-entropy, backward and an Adam step of a model, from the same weights and batch in every framework. */
export interface TrainingCase extends CaseBase {
  kind: 'training';
  model: ModelName;
  /** The input batch's shape (NCHW for images). */
  inputShape: number[];
  parameters: ParameterSpec[];
  /** Adam's hyperparameters (PyTorch's defaults). */
  lr: number;
  betas: [number, number];
  eps: number;
  seed: number;
}

/** tanh(x·2+1)·x on random floats. */
export interface ChainCase extends CaseBase {
  kind: 'chain';
  size: number;
  seed: number;
}

/** The optimizers benchmarked, by their PyTorch (and torchlet) class name. */
export type OptimizerName = 'SGD' | 'Adagrad' | 'RMSprop' | 'Adadelta' | 'Adam' | 'AdamW' | 'Adamax' | 'ASGD' | 'Rprop' | 'NAdam' | 'RAdam';

/** A hyperparameter value: a number, a flag or a pair such as `betas`. */
export type Hyperparameter = number | boolean | readonly number[];

/** One optimizer step over `size` parameters with a fixed gradient, in the steady state. */
export interface OptimizerCase extends CaseBase {
  kind: 'optimizer';
  optimizer: OptimizerName;
  /**
   * Every hyperparameter that some framework's constructor needs, in torchlet's camelCase (the
   * Python side turns them into snake_case): PyTorch's defaults, written out so that no
   * framework's defaults are relied on.
   */
  hyperparameters: Readonly<Record<string, Hyperparameter>>;
  size: number;
  /** Seeds of the starting values (`seed`) and of the gradient (`seed + 1`). */
  seed: number;
}

export type BenchCase = MatmulCase | Conv2dCase | TrainingCase | ChainCase | OptimizerCase;

/** One way to run torchlet: its own process and one row per case it runs (see {@link runsCase}). */
export interface TorchletConfiguration {
  /** The table's name for it, which says the backend and the thread count: `wasm, 2 threads`. */
  name: string;
  backend: 'js' | 'wasm';
  /**
   * What `setNumThreads` is set to before anything is timed. Only the wasm backend's float32
   * matrix products of at least 128³ multiply-adds use more than one thread; the js backend, the
   * elementwise kernels and the optimizer steps always run on the calling thread.
   */
  threads: number;
  /** The kinds of per-configuration case it runs, when not all of them. */
  kinds?: readonly BenchCase['kind'][];
}

function torchletConfiguration(backend: TorchletConfiguration['backend'], threads: number, kinds?: TorchletConfiguration['kinds']): TorchletConfiguration {
  const name = `${backend}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return kinds === undefined ? { name, backend, threads } : { name, backend, threads, kinds };
}

/**
 * The first is the default and the reference the other frameworks' outputs are checked against.
 * Two threads run only the cases with matrix products (matmul, and the GEMMs inside conv2d and the
 * training steps): threads change nothing else.
 */
export const TORCHLET_CONFIGURATIONS: readonly TorchletConfiguration[] = [
  torchletConfiguration('wasm', 1),
  torchletConfiguration('wasm', 2, ['matmul', 'conv2d', 'training']),
  torchletConfiguration('js', 1),
];

/**
 * Whether a torchlet configuration runs a case: the reference (the first configuration) runs
 * every case, the others the per-configuration cases of their kinds.
 */
export function runsCase(configuration: TorchletConfiguration, spec: BenchCase, isReference: boolean): boolean {
  return isReference || (spec.perConfiguration && (configuration.kinds?.includes(spec.kind) ?? true));
}

function matmulCase(n: number): MatmulCase {
  return { kind: 'matmul', id: `matmul-${n}`, name: `matmul ${n}×${n} @ ${n}×${n}, f32`, perConfiguration: true, tolerance: 1e-4, n, seeds: [n, n + 1] };
}

function conv2dCase(layer: string, backward: boolean, inputShape: Conv2dCase['inputShape'], weightShape: Conv2dCase['weightShape'], padding: number, seed: number): Conv2dCase {
  const what = backward ? 'forward + backward' : 'forward';
  const name = `conv2d ${what}, LeNet ${layer}: [${inputShape.join(',')}] * [${weightShape.join(',')}] + bias, padding ${padding}`;
  return { kind: 'conv2d', id: `conv2d-${layer}-${backward ? 'backward' : 'forward'}`, name, perConfiguration: true, tolerance: 1e-4, backward, inputShape, weightShape, padding, seed };
}

function linear(inFeatures: number, outFeatures: number): ParameterSpec[] {
  return [
    { shape: [outFeatures, inFeatures], fanIn: inFeatures },
    { shape: [outFeatures], fanIn: inFeatures },
  ];
}

function conv(inChannels: number, outChannels: number, kernel: number): ParameterSpec[] {
  const fanIn = inChannels * kernel * kernel;
  return [
    { shape: [outChannels, inChannels, kernel, kernel], fanIn },
    { shape: [outChannels], fanIn },
  ];
}

const ADAM = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8 };

const MLP: TrainingCase = {
  kind: 'training',
  id: 'training-mlp',
  name: 'MLP training step 784-256-128-10, batch 64, Adam',
  perConfiguration: true,
  tolerance: 1e-3,
  model: 'mlp',
  inputShape: [64, 784],
  parameters: [...linear(784, 256), ...linear(256, 128), ...linear(128, 10)],
  ...ADAM,
  seed: 11,
};

/** The demo's model (examples/mnist-cnn/src/lenet.ts): LeNet-5 with ReLU and max pooling. */
const LENET: TrainingCase = {
  kind: 'training',
  id: 'training-lenet',
  name: "CNN training step (the demo's LeNet-5, 1×28×28), batch 32, Adam",
  perConfiguration: true,
  tolerance: 1e-3,
  model: 'lenet',
  inputShape: [32, 1, 28, 28],
  parameters: [...conv(1, 6, 5), ...conv(6, 16, 5), ...linear(400, 120), ...linear(120, 84), ...linear(84, 10)],
  ...ADAM,
  seed: 12,
};

function optimizerCase(name: string, optimizer: OptimizerName, hyperparameters: Record<string, Hyperparameter>, index: number): OptimizerCase {
  return { kind: 'optimizer', id: `optimizer-${index}`, name: `${name} step, 1M f32 parameters`, perConfiguration: false, tolerance: 1e-3, optimizer, hyperparameters, size: 1_000_000, seed: 100 + 2 * index };
}

/**
 * Every case, in table order. Adagrad's accumulator starts at tfjs's 0.1 (PyTorch's default is 0)
 * so the first steps can be compared.
 */
export const CASES: readonly BenchCase[] = [
  ...[256, 512, 1024].map(matmulCase),
  conv2dCase('conv1', false, [32, 1, 28, 28], [6, 1, 5, 5], 2, 20),
  conv2dCase('conv1', true, [32, 1, 28, 28], [6, 1, 5, 5], 2, 20),
  conv2dCase('conv2', false, [32, 6, 14, 14], [16, 6, 5, 5], 0, 30),
  conv2dCase('conv2', true, [32, 6, 14, 14], [16, 6, 5, 5], 0, 30),
  MLP,
  LENET,
  { kind: 'chain', id: 'chain', name: 'elementwise tanh(x·2+1)·x, 1M f32', perConfiguration: true, tolerance: 1e-5, size: 1_000_000, seed: 13 },
  ...(
    [
      ['SGD', 'SGD', { lr: 1e-3 }],
      ['SGD (momentum 0.9)', 'SGD', { lr: 1e-3, momentum: 0.9 }],
      ['Adagrad', 'Adagrad', { lr: 1e-2, initialAccumulatorValue: 0.1 }],
      ['RMSprop', 'RMSprop', { lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false }],
      ['Adadelta', 'Adadelta', { lr: 1, rho: 0.9, eps: 1e-6 }],
      ['Adam', 'Adam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 }],
      ['AdamW', 'AdamW', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2 }],
      ['Adamax', 'Adamax', { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8 }],
      ['ASGD', 'ASGD', { lr: 1e-2 }],
      ['Rprop', 'Rprop', { lr: 1e-2 }],
      ['NAdam', 'NAdam', { lr: 2e-3 }],
      ['RAdam', 'RAdam', { lr: 1e-3 }],
    ] as const
  ).map(([name, optimizer, hyperparameters], index) => optimizerCase(name, optimizer, hyperparameters, index)),
];

/** What the parent hands each framework's process, as JSON. */
export interface CaseFile {
  cases: readonly BenchCase[];
  timing: Required<TimingOptions>;
  optimizerWarmup: number;
}

/** At most this many values of each output are compared (and sent between processes). */
export const SAMPLE_SIZE = 1024;

/** `count` indices spread evenly over 0 … length − 1, first and last included; all of them when length ≤ count. */
export function sampleIndices(length: number, count: number = SAMPLE_SIZE): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * (length - 1)) / (count - 1)));
}

/** The values of `data` at {@link sampleIndices}, as plain numbers for JSON. */
export function sampleOf(data: ArrayLike<number>, count: number = SAMPLE_SIZE): number[] {
  return sampleIndices(data.length, count).map((i) => data[i]!);
}

/** A case's inputs: random values in [-1, 1) from `seed`, of `shape`'s size. */
export function inputData(shape: readonly number[], seed: number): Float32Array {
  return randomData(shape.reduce((a, b) => a * b, 1), seed);
}

/** Labels 0–9 of a training batch, the same in every framework. */
export function trainingLabels(batch: number): Int32Array {
  return Int32Array.from({ length: batch }, (_, i) => (i * 7 + 3) % 10);
}

/** A model's initial parameters: uniform in ±1/√fanIn from seeds `seed·100 + i`, rounded to float32. */
export function initialParameters(spec: TrainingCase): Float32Array[] {
  return spec.parameters.map(({ shape, fanIn }, i) => {
    const bound = 1 / Math.sqrt(fanIn);
    return inputData(shape, spec.seed * 100 + i).map((value) => value * bound);
  });
}
