import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  functional as F,
  Linear,
  LRScheduler,
  NAdam,
  noGrad,
  OneCycleLR,
  type Optimizer,
  RAdam,
  ReduceLROnPlateau,
  ReLU,
  RMSprop,
  Sequential,
  SGD,
  StepLR,
  type StateDict,
  type Tensor,
  tensor,
} from '@torchlet/serialize';
import { type Dataset, type DatasetName, EXTENT, makeDataset, NOISE } from './datasets.js';

/** The optimizers the page offers, each with the learning rate it starts from. */
export const OPTIMIZERS = {
  Adam: { defaultLr: 0.01, make: (parameters: Tensor[], lr: number) => new Adam(parameters, { lr }) },
  AdamW: { defaultLr: 0.01, make: (parameters: Tensor[], lr: number) => new AdamW(parameters, { lr, weightDecay: 0.01 }) },
  SGD: { defaultLr: 0.1, make: (parameters: Tensor[], lr: number) => new SGD(parameters, { lr, momentum: 0.9, nesterov: true }) },
  RMSprop: { defaultLr: 0.005, make: (parameters: Tensor[], lr: number) => new RMSprop(parameters, { lr }) },
  Adagrad: { defaultLr: 0.05, make: (parameters: Tensor[], lr: number) => new Adagrad(parameters, { lr }) },
  NAdam: { defaultLr: 0.01, make: (parameters: Tensor[], lr: number) => new NAdam(parameters, { lr }) },
  RAdam: { defaultLr: 0.01, make: (parameters: Tensor[], lr: number) => new RAdam(parameters, { lr }) },
} as const;

/** A key of {@link OPTIMIZERS}. */
export type OptimizerName = keyof typeof OPTIMIZERS;

/** The LR schedulers the page offers, each fitted to a run of `steps` steps. */
export const SCHEDULERS = {
  none: () => null,
  StepLR: (optimizer: Optimizer, steps: number) => new StepLR(optimizer, { stepSize: Math.max(1, Math.round(steps / 4)), gamma: 0.5 }),
  ExponentialLR: (optimizer: Optimizer, steps: number) => new ExponentialLR(optimizer, { gamma: 0.01 ** (1 / steps) }),
  CosineAnnealingLR: (optimizer: Optimizer, steps: number) => new CosineAnnealingLR(optimizer, { tMax: steps }),
  CosineAnnealingWarmRestarts: (optimizer: Optimizer, steps: number) => new CosineAnnealingWarmRestarts(optimizer, { t0: Math.max(1, Math.round(steps / 7)), tMult: 2 }),
  OneCycleLR: (optimizer: Optimizer, steps: number) =>
    new OneCycleLR(optimizer, {
      maxLr: optimizer.paramGroups.map((group) => group.lr as number),
      totalSteps: steps,
      // Momentum cycling needs a momentum or Adam's β₁ to cycle; Adagrad has neither.
      cycleMomentum: 'momentum' in optimizer.defaults || 'betas' in optimizer.defaults,
    }),
  ReduceLROnPlateau: (optimizer: Optimizer) => new ReduceLROnPlateau(optimizer, { factor: 0.5, patience: 20 }),
} as const;

/** A key of {@link SCHEDULERS}. */
export type SchedulerName = keyof typeof SCHEDULERS;

/** Everything that defines a training run. */
export interface RunConfig {
  dataset: DatasetName;
  optimizer: OptimizerName;
  scheduler: SchedulerName;
  lr: number;
  /** The length of the run, which the schedulers are fitted to. */
  steps: number;
  /** Width of the two hidden layers. */
  hidden: number;
  seed: number;
}

/** The settings the page starts with. */
export const DEFAULT_CONFIG: RunConfig = { dataset: 'moons', optimizer: 'Adam', scheduler: 'CosineAnnealingLR', lr: 0.01, steps: 600, hidden: 24, seed: 0 };

/** Points in each of the training and held-out sets. */
const TRAIN_POINTS = 400;
const TEST_POINTS = 400;

/** A 2 → hidden → hidden → 2 MLP, whose state-dict keys are PyTorch's for the same Sequential. */
export function makeClassifier(hidden: number): Sequential {
  return new Sequential(new Linear(2, hidden), new ReLU(), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, 2));
}

/** A dataset as the [n, 2] input tensor and the [n] int64 targets. */
function tensorsOf(data: Dataset): { x: Tensor; y: Tensor } {
  return { x: tensor(data.points).reshape(data.count, 2), y: tensor(data.labels, { dtype: 'int64' }) };
}

/**
 * One training run of the 2-D classifier, full batch: the model, its optimizer and scheduler, the
 * training and held-out points. The page's worker drives it a few steps at a time.
 */
export class ClassifierRun {
  readonly config: RunConfig;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly model: Sequential;
  readonly optimizer: Optimizer;
  readonly scheduler: LRScheduler | null;
  /** The training loss of each step so far. */
  readonly losses: number[] = [];
  readonly #train: { x: Tensor; y: Tensor };
  readonly #test: { x: Tensor; y: Tensor };

  constructor(config: RunConfig) {
    this.config = config;
    this.train = makeDataset(config.dataset, TRAIN_POINTS, NOISE[config.dataset], config.seed);
    this.test = makeDataset(config.dataset, TEST_POINTS, NOISE[config.dataset], config.seed + 1);
    this.#train = tensorsOf(this.train);
    this.#test = tensorsOf(this.test);
    this.model = makeClassifier(config.hidden);
    this.optimizer = OPTIMIZERS[config.optimizer].make([...this.model.parameters()], config.lr);
    this.scheduler = SCHEDULERS[config.scheduler](this.optimizer, config.steps);
  }

  /** Steps taken so far. */
  get step(): number {
    return this.losses.length;
  }

  /** Whether the run has taken all its steps. */
  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /** The learning rate of the next step. */
  get lr(): number {
    return this.optimizer.paramGroups[0]!.lr as number;
  }

  /** One full-batch step: forward, cross-entropy, backward, the optimizer's update, the scheduler's. Returns the loss. */
  trainStep(): number {
    const loss = F.crossEntropy(this.model.call(this.#train.x), this.#train.y);
    this.optimizer.zeroGrad();
    loss.backward();
    this.optimizer.step();
    const value = Number(loss.item());
    if (this.scheduler instanceof ReduceLROnPlateau) this.scheduler.step(value);
    else this.scheduler?.step();
    this.losses.push(value);
    return value;
  }

  /** The fraction of the training (`'train'`) or held-out (`'test'`) points classified right. */
  accuracy(which: 'train' | 'test'): number {
    const { x, y } = which === 'train' ? this.#train : this.#test;
    return noGrad(() => Number(this.model.call(x).argmax(1).eq(y).float().mean().item()));
  }

  /** The loss on the training points with the current weights, without a step. */
  loss(): number {
    return noGrad(() => Number(F.crossEntropy(this.model.call(this.#train.x), this.#train.y).item()));
  }

  /**
   * P(class 1) on a `resolution`² grid over [-EXTENT, EXTENT]², row by row from the top (y =
   * EXTENT) down, for drawing the decision boundary.
   */
  probabilityGrid(resolution: number): Float32Array {
    const points = new Float32Array(resolution * resolution * 2);
    for (let row = 0; row < resolution; row++) {
      for (let column = 0; column < resolution; column++) {
        const i = row * resolution + column;
        points[2 * i] = -EXTENT + ((column + 0.5) / resolution) * 2 * EXTENT;
        points[2 * i + 1] = EXTENT - ((row + 0.5) / resolution) * 2 * EXTENT;
      }
    }
    return noGrad(() => {
      const probabilities = this.model.call(tensor(points).reshape(resolution * resolution, 2)).softmax(1);
      return Float32Array.from(probabilities.index(':', 1).contiguous().toTypedArray() as Float32Array);
    });
  }

  /** The model's weights, with PyTorch's keys. */
  stateDict(): StateDict {
    return this.model.stateDict();
  }
}
