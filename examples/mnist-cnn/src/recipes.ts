import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  ASGD,
  CosineAnnealingLR,
  LBFGS,
  type LRScheduler,
  NAdam,
  OneCycleLR,
  type Optimizer,
  RAdam,
  RMSprop,
  Rprop,
  SGD,
  StepLR,
  type Tensor,
} from '@torchlet/serialize';

/** The thirteen optimizers of `@torchlet/optim`, as `--optimizer` spells them. */
export const OPTIMIZER_NAMES = ['SGD', 'Adagrad', 'RMSprop', 'Adadelta', 'Adam', 'AdamW', 'Adamax', 'SparseAdam', 'ASGD', 'Rprop', 'LBFGS', 'NAdam', 'RAdam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The `--scheduler` choices. */
export const SCHEDULER_NAMES = ['onecycle', 'cosine', 'step', 'none'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

/** How the demo builds one optimizer for this CNN. */
interface OptimizerRecipe {
  /** The learning rate when `--lr` is not given (with `onecycle`, the peak rate). */
  lr: number;
  make(parameters: Iterable<Tensor>, lr: number): Optimizer;
  /**
   * Whether OneCycleLR cycles its momentum (β₁ for the Adam family). Off where the optimizer has no
   * momentum, and for RMSprop, whose momentum is off by default: cycling would switch it on.
   */
  cyclesMomentum: boolean;
}

/**
 * Each optimizer with options that train LeNet on these digits; the rates were tried on the default
 * run (README.md lists the accuracies). SparseAdam is missing: {@link refusal} explains why.
 */
const RECIPES: Record<Exclude<OptimizerName, 'SparseAdam'>, OptimizerRecipe> = {
  SGD: { lr: 0.05, make: (p, lr) => new SGD(p, { lr, momentum: 0.9, nesterov: true }), cyclesMomentum: true },
  Adagrad: { lr: 0.05, make: (p, lr) => new Adagrad(p, { lr }), cyclesMomentum: false },
  RMSprop: { lr: 2e-3, make: (p, lr) => new RMSprop(p, { lr }), cyclesMomentum: false },
  Adadelta: { lr: 1, make: (p, lr) => new Adadelta(p, { lr }), cyclesMomentum: false },
  Adam: { lr: 3e-3, make: (p, lr) => new Adam(p, { lr }), cyclesMomentum: true },
  AdamW: { lr: 3e-3, make: (p, lr) => new AdamW(p, { lr, weightDecay: 1e-2 }), cyclesMomentum: true },
  Adamax: { lr: 1e-2, make: (p, lr) => new Adamax(p, { lr }), cyclesMomentum: true },
  ASGD: { lr: 0.1, make: (p, lr) => new ASGD(p, { lr }), cyclesMomentum: false },
  Rprop: { lr: 1e-3, make: (p, lr) => new Rprop(p, { lr, stepSizes: [1e-6, 1e-2] }), cyclesMomentum: false },
  LBFGS: { lr: 1, make: (p, lr) => new LBFGS(p, { lr, maxIter: 4, historySize: 10, lineSearchFn: 'strong_wolfe' }), cyclesMomentum: false },
  NAdam: { lr: 3e-3, make: (p, lr) => new NAdam(p, { lr }), cyclesMomentum: true },
  RAdam: { lr: 6e-3, make: (p, lr) => new RAdam(p, { lr }), cyclesMomentum: true },
};

/** Why the demo will not train with `name`, or null when it will. */
export function refusal(name: OptimizerName): string | null {
  if (name === 'SparseAdam') {
    return 'SparseAdam updates parameters from sparse gradients only (those of Embedding(…, { sparse: true })), and every gradient of this CNN is dense, so it refuses them, as in PyTorch; use Adam, or another of the twelve';
  }
  return null;
}

/** The learning rate `name` gets when `--lr` is not given. */
export function defaultLr(name: OptimizerName): number {
  return name === 'SparseAdam' ? Number.NaN : RECIPES[name].lr;
}

/** Builds the optimizer `name` on `parameters`; {@link refusal} must be null for it. */
export function makeOptimizer(name: Exclude<OptimizerName, 'SparseAdam'>, parameters: Iterable<Tensor>, lr: number): Optimizer {
  return RECIPES[name].make(parameters, lr);
}

/** A scheduler and when to step it: after every batch, or after every epoch. */
export interface Schedule {
  scheduler: LRScheduler;
  perBatch: boolean;
}

/**
 * Builds the `--scheduler` choice for a run of `totalSteps` batches: `onecycle` (OneCycleLR peaking
 * at the optimizer's lr, stepped per batch), `cosine` (CosineAnnealingLR from the lr to 0 over the
 * whole run, stepped per batch), `step` (StepLR ×0.7 every epoch, as PyTorch's MNIST example) or
 * `none`.
 */
export function makeSchedule(name: SchedulerName, optimizerName: Exclude<OptimizerName, 'SparseAdam'>, optimizer: Optimizer, totalSteps: number): Schedule | null {
  const lr = optimizer.paramGroups[0]!.lr as number;
  switch (name) {
    case 'onecycle':
      return { scheduler: new OneCycleLR(optimizer, { maxLr: lr, totalSteps, cycleMomentum: RECIPES[optimizerName].cyclesMomentum }), perBatch: true };
    case 'cosine':
      return { scheduler: new CosineAnnealingLR(optimizer, { tMax: totalSteps }), perBatch: true };
    case 'step':
      return { scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.7 }), perBatch: false };
    case 'none':
      return null;
  }
}
