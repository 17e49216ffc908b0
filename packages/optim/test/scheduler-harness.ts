import { expect } from 'vitest';
import { type LRScheduler, type Optimizer, Parameter, RawTensor, ReduceLROnPlateau, SGD, type Tensor, tensor, zeros } from '../src/index.js';

/** A fresh optimizer and scheduler over the given parameters (called once per run). */
export type Setup = (params: Parameter[]) => { optimizer: Optimizer; scheduler: LRScheduler };

/** One recorded training step: every group's lr and momentum (or β₁), and every parameter's values. */
interface StepRecord {
  lrs: unknown[];
  momenta: unknown[];
  params: unknown[];
}

/** Two parameters, for optimizers with two groups (`[{params: [a]}, {params: [b]}]`). */
export function twoParams(): Parameter[] {
  return [new Parameter(tensor([0.5, -1.0, 2.0])), new Parameter(tensor([1.5, 0.25]))];
}

/** SGD with momentum over two groups with different learning rates. */
export function sgdTwoGroups(params: Parameter[]): SGD {
  return new SGD([{ params: [params[0]!], lr: 0.1 }, { params: [params[1]!], lr: 0.05 }], { momentum: 0.9 });
}

/** A single-parameter SGD for hand-checked sequences. */
export function sgdOne(lr = 0.1, momentum = 0.9): SGD {
  return new SGD([new Parameter(zeros([2]))], { lr, momentum });
}

/** A metric that improves, then plateaus, so ReduceLROnPlateau has something to react to. */
export function plateauMetric(step: number): number {
  return [1.0, 0.9, 0.85, 0.85, 0.86, 0.84, 0.845, 0.85, 0.7, 0.69, 0.69, 0.695][step % 12]! + Math.floor(step / 12) * 0.01;
}

/** One optimizer step with zero gradients. */
export function optimizerStep(optimizer: Optimizer): void {
  for (const group of optimizer.paramGroups) for (const p of group.params) p.grad = zeros([...p.shape]);
  optimizer.step();
}

/** optimizer.step() then scheduler.step() `steps` times (zero gradients); the first group's lr after each. */
export function lrSequence(optimizer: Optimizer, scheduler: LRScheduler, steps: number, metric?: (step: number) => number): number[] {
  const lrs = [optimizer.paramGroups[0]!.lr as number];
  for (let i = 0; i < steps; i++) {
    optimizerStep(optimizer);
    if (metric !== undefined) scheduler.step(metric(i));
    else scheduler.step();
    lrs.push(optimizer.paramGroups[0]!.lr as number);
  }
  return lrs;
}

function trainStep(optimizer: Optimizer, scheduler: LRScheduler, params: Parameter[], step: number): StepRecord {
  optimizer.zeroGrad();
  const losses = params.map((p) => p.sub(0.3).pow(2).sum());
  losses.reduce((a: Tensor, b: Tensor) => a.add(b)).backward();
  optimizer.step();
  if (scheduler instanceof ReduceLROnPlateau) scheduler.step(plateauMetric(step));
  else scheduler.step();
  return {
    lrs: optimizer.paramGroups.map((g) => g.lr),
    momenta: optimizer.paramGroups.map((g) => g['momentum'] ?? (g['betas'] as number[] | undefined)?.[0]),
    params: params.map((p) => p.tolist()),
  };
}

/** A state dict as plain data: tensors cloned, everything else copied. */
export function plainCopy(value: unknown): unknown {
  if (value instanceof RawTensor) return value.clone();
  if (Array.isArray(value)) return value.map(plainCopy);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainCopy(v)]));
  return value;
}

/**
 * Resuming is exact: N steps, then the optimizer's and scheduler's state dicts (the scheduler's
 * through JSON, the optimizer's as a plain copy) loaded into a fresh optimizer and scheduler,
 * then M steps, gives bit for bit the lrs, momenta and parameters of N + M uninterrupted steps.
 */
export function expectExactResume(setup: Setup, n: number, m: number): void {
  const straightParams = twoParams();
  const straight = setup(straightParams);
  const expected = Array.from({ length: n + m }, (_, i) => trainStep(straight.optimizer, straight.scheduler, straightParams, i));

  const firstParams = twoParams();
  const first = setup(firstParams);
  const actual = Array.from({ length: n }, (_, i) => trainStep(first.optimizer, first.scheduler, firstParams, i));
  const optimizerState = plainCopy(first.optimizer.stateDict()) as ReturnType<Optimizer['stateDict']>;
  const schedulerState = JSON.parse(JSON.stringify(first.scheduler.stateDict())) as Record<string, unknown>;

  const resumedParams = firstParams.map((p) => new Parameter(p.detach().clone()));
  const resumed = setup(resumedParams);
  resumed.optimizer.loadStateDict(optimizerState);
  resumed.scheduler.loadStateDict(schedulerState);
  for (let i = n; i < n + m; i++) actual.push(trainStep(resumed.optimizer, resumed.scheduler, resumedParams, i));
  expect(actual).toEqual(expected);
}
